"""Writing the review: texts, root causes, the timeline's notes, improvements."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from apps.actionplans.models import ActionItemKind
from apps.core.concurrency import EditConflict
from apps.events.models import Event
from apps.incidents import services as incident_services
from apps.retrospectives import services
from apps.retrospectives.models import Retrospective
from apps.retrospectives.selectors import retrospective_timeline
from apps.retrospectives.services.closing import review_due_by

pytestmark = pytest.mark.django_db


def test_resolving_starts_the_retrospective_with_the_review_meeting_due_in_five_business_days(
    resolved, now
):
    retrospective = Retrospective.objects.get(incident=resolved)
    # Resolved on Wednesday 12 March 2025, 09:00 UTC: due the Wednesday after.
    assert retrospective.review_meeting_due_at == datetime(2025, 3, 19, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("resolved_at", "due"),
    [
        (datetime(2025, 3, 14, 16, 0, tzinfo=UTC), datetime(2025, 3, 21, 16, 0, tzinfo=UTC)),
        (datetime(2025, 3, 15, 11, 0, tzinfo=UTC), datetime(2025, 3, 21, 18, 0, tzinfo=UTC)),
        (datetime(2025, 3, 10, 9, 0, tzinfo=UTC), datetime(2025, 3, 17, 9, 0, tzinfo=UTC)),
    ],
    ids=["friday-afternoon", "saturday", "monday"],
)
def test_business_days_skip_the_weekend(resolved_at, due):
    assert review_due_by(resolved_at) == due


def test_reopening_lifts_the_review_deadline(resolved, pm):
    incident_services.incident_change_status(incident=resolved, actor=pm, status="recovering")
    assert Retrospective.objects.get(incident=resolved).review_meeting_due_at is None


def test_the_review_is_saved_with_its_event_and_a_stale_form_is_refused(retrospective, pm):
    services.retrospective_update(
        retrospective=retrospective,
        actor=pm,
        expected_version=1,
        summary="Dispatch could not scale.",
        went_well="We told the client within the hour.",
        outcome="delivered_late",
    )
    retrospective.refresh_from_db()
    assert retrospective.went_well == "We told the client within the hour."
    assert retrospective.version == 2
    event = Event.objects.get(verb="retrospective.updated")
    assert event.data["changes"]["outcome"]["after"] == "delivered_late"
    with pytest.raises(EditConflict):
        services.retrospective_update(
            retrospective=retrospective, actor=pm, expected_version=1, lucky="Nobody left."
        )


def test_an_unknown_outcome_is_refused(retrospective, pm):
    with pytest.raises(ValidationError) as caught:
        services.retrospective_update(
            retrospective=retrospective, actor=pm, expected_version=1, outcome="exploded"
        )
    assert "outcome" in caught.value.message_dict


def test_the_published_report_no_longer_changes_but_the_review_does(retrospective, pm):
    texts = {
        f"{name}_{suffix}": f"{name} {suffix}"
        for name in (
            "report_what_happened",
            "report_why",
            "report_what_we_did",
            "report_what_changes",
        )
        for suffix in ("en", "zh_hans")
    }
    services.retrospective_update(
        retrospective=retrospective, actor=pm, expected_version=1, **texts
    )
    services.retrospective_publish(retrospective=retrospective, actor=pm)
    retrospective.refresh_from_db()
    with pytest.raises(ValidationError):
        services.retrospective_update(
            retrospective=retrospective,
            actor=pm,
            expected_version=retrospective.version,
            report_why_en="Something else.",
        )
    services.retrospective_update(
        retrospective=retrospective,
        actor=pm,
        expected_version=retrospective.version,
        lucky="The client's own launch slipped too.",
    )


def test_a_root_cause_keeps_its_whys_in_order_and_at_most_five(retrospective, team_member):
    cause = services.root_cause_add(
        retrospective=retrospective,
        actor=team_member,
        statement="No load test at fleet scale before committing the date.",
        whys=["Dispatch timed out", " Routing is quadratic ", "", "Tests used 300 trucks"],
    )
    assert cause.whys == ["Dispatch timed out", "Routing is quadratic", "Tests used 300 trucks"]
    with pytest.raises(ValidationError) as caught:
        services.root_cause_add(
            retrospective=retrospective, actor=team_member, statement="x", whys=list("abcdef")
        )
    assert "whys" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.root_cause_add(retrospective=retrospective, actor=team_member, statement="  ")
    assert "statement" in caught.value.message_dict
    services.root_cause_remove(cause=cause, actor=team_member)
    removed = Event.objects.get(verb="retrospective.root_cause_removed")
    assert removed.data["whys"][1] == "Routing is quadratic"


def test_a_hidden_line_needs_a_reason_and_stays_on_the_internal_record(retrospective, pm):
    declared = Event.objects.get(incident=retrospective.incident, verb="incident.declared")
    with pytest.raises(ValidationError) as caught:
        services.timeline_note(retrospective=retrospective, actor=pm, event=declared, hidden=True)
    assert "hidden_reason" in caught.value.message_dict
    services.timeline_note(
        retrospective=retrospective,
        actor=pm,
        event=declared,
        text="Declared from the train.",
        hidden=True,
        hidden_reason="Duplicate of the call below.",
    )
    timeline = retrospective_timeline(retrospective)
    line = next(item for item in timeline if item.event == declared)
    assert line.hidden
    assert line.note.hidden_reason == "Duplicate of the call below."
    assert len([item for item in timeline if item.event == declared]) == 1


def test_an_added_line_sits_in_time_order_and_cannot_be_in_the_future(retrospective, pm, now):
    with pytest.raises(ValidationError) as caught:
        services.timeline_line_add(
            retrospective=retrospective,
            actor=pm,
            occurred_at=now + timedelta(days=30),
            text="Tomorrow's call",
        )
    assert "occurred_at" in caught.value.message_dict
    line = services.timeline_line_add(
        retrospective=retrospective,
        actor=pm,
        occurred_at=now + timedelta(minutes=30),
        text="The architect called the CIO's deputy; nobody logged it.",
        now=now + timedelta(days=3),
    )
    moments = [item.occurred_at for item in retrospective_timeline(retrospective)]
    assert moments == sorted(moments)
    assert any(item.note == line and item.added for item in retrospective_timeline(retrospective))


def test_an_event_of_another_incident_cannot_be_annotated(retrospective, pm, project, now):
    from tests.factories import IncidentFactory

    other = IncidentFactory(project__name="Elsewhere", declared_by=pm, now=now)
    foreign = Event.objects.get(incident=other, verb="incident.declared")
    with pytest.raises(ValidationError):
        services.timeline_note(retrospective=retrospective, actor=pm, event=foreign, text="x")


def test_an_improvement_is_a_prevention_action_with_an_owner_and_a_due_date(
    retrospective, pm, team_member, now
):
    with pytest.raises(ValidationError) as caught:
        services.improvement_add(
            retrospective=retrospective, actor=pm, owner=None, due_at=None, title_en="Load tests"
        )
    assert set(caught.value.message_dict) == {"owner", "due_at"}
    item = services.improvement_add(
        retrospective=retrospective,
        actor=pm,
        owner=team_member,
        due_at=now + timedelta(days=30),
        title_en="Load-test at fleet scale before committing a date",
        title_zh_hans="承诺日期前按全量车队做压力测试",
    )
    assert item.kind == ActionItemKind.PREVENTION
    assert item.incident == retrospective.incident


def test_the_retrospective_is_not_started_before_resolution(incident, pm):
    with pytest.raises(ValidationError):
        services.retrospective_start(incident=incident, actor=pm)
