"""The action plan's rules: owners, status and progress, closed incidents, remedies."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.actionplans import services
from apps.actionplans.models import ActionItem, ActionItemStatus, Remedy, RemedyAnswer
from apps.communications.models import LogChannel, LogEntry
from apps.core.concurrency import EditConflict
from apps.incidents.models import IncidentStatus
from apps.incidents.services import incident_change_status
from apps.projects.models import ProjectRole
from apps.retrospectives.services import retrospective_close_without_report
from tests.factories import ProjectFactory, member

from .conftest import DAY

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


def _close(incident):
    incident = incident_change_status(
        incident=incident,
        status=IncidentStatus.RESOLVED,
        reason="The client takes over the rest.",
        actor=incident.declared_by,
    )
    # Closing needs the client report, or a reason why there is none.
    return retrospective_close_without_report(
        incident=incident, actor=incident.declared_by, reason="The client wants no report."
    )


# --- owners ---------------------------------------------------------------------------


def test_a_pm_or_a_team_member_can_own_an_action(informed, add_item, pm, owner):
    assert add_item(informed, owner=pm).owner == pm
    assert add_item(informed, owner=owner).owner == owner


@pytest.mark.parametrize("who", ["viewer", "stranger", "member_elsewhere", "pmo_lead"])
def test_an_owner_outside_the_projects_team_is_refused(informed, add_item, viewer, stranger, who):
    outsider = {
        "viewer": lambda: viewer,
        "stranger": lambda: stranger,
        "member_elsewhere": lambda: member(ProjectFactory(), ProjectRole.MEMBER),
        # The PMO lead receives escalations but is no member who does the work.
        "pmo_lead": lambda: informed.project.pmo_lead,
    }[who]()

    with pytest.raises(ValidationError) as exc:
        add_item(informed, owner=outsider)

    assert "owner" in exc.value.message_dict
    assert not ActionItem.objects.exists()


def test_changing_the_owner_to_a_viewer_is_refused(informed, add_item, pm, viewer):
    item = add_item(informed)

    with pytest.raises(ValidationError) as exc:
        services.action_item_update(item=item, expected_version=1, actor=pm, owner=viewer)

    assert "owner" in exc.value.message_dict
    item.refresh_from_db()
    assert item.owner == pm
    assert item.version == 1


# --- status and progress ----------------------------------------------------------------


def test_a_new_action_is_planned_at_zero_and_client_visible(informed, add_item):
    item = add_item(informed, title_en="  Load test at full scale  ")

    assert (item.status, item.progress, item.client_visible) == (ActionItemStatus.PLANNED, 0, True)
    assert item.title == "Load test at full scale"
    assert item.version == 1


def test_dropping_needs_a_reason(informed, add_item, pm):
    item = add_item(informed)

    with pytest.raises(ValidationError) as exc:
        services.action_item_update(
            item=item, expected_version=1, actor=pm, status=ActionItemStatus.DROPPED
        )

    assert "dropped_reason_en" in exc.value.message_dict
    item.refresh_from_db()
    assert item.status == ActionItemStatus.PLANNED


def test_a_dropped_action_keeps_its_reason_and_a_revived_one_loses_it(informed, add_item, pm):
    item = add_item(informed)
    item = services.action_item_update(
        item=item,
        expected_version=1,
        actor=pm,
        status=ActionItemStatus.DROPPED,
        dropped_reason_en="  The client chose another alternative. ",
    )
    assert item.dropped_reason == "The client chose another alternative."

    item = services.action_item_update(
        item=item, expected_version=2, actor=pm, status=ActionItemStatus.PLANNED
    )

    assert item.dropped_reason == ""


def test_the_database_refuses_a_dropped_action_without_reason(informed, add_item):
    item = add_item(informed)

    with pytest.raises(IntegrityError), transaction.atomic():
        ActionItem.objects.filter(pk=item.pk).update(status=ActionItemStatus.DROPPED)


def test_done_means_100_percent_and_records_when(informed, add_item, pm, now):
    item = add_item(informed)

    item = services.action_item_update(
        item=item,
        expected_version=1,
        actor=pm,
        status=ActionItemStatus.DONE,
        progress=30,
        now=now,
    )

    item.refresh_from_db()
    assert item.progress == 100
    assert item.completed_at == now


def test_reopening_a_done_action_clears_its_completion(informed, add_item, pm, now):
    item = add_item(informed)
    item = services.action_item_update(
        item=item, expected_version=1, actor=pm, status=ActionItemStatus.DONE, now=now
    )

    item = services.action_item_update(
        item=item,
        expected_version=2,
        actor=pm,
        status=ActionItemStatus.IN_PROGRESS,
        progress=80,
    )

    assert item.completed_at is None
    assert item.progress == 80


def test_progress_on_a_planned_action_means_it_is_in_progress(informed, add_item, pm):
    item = add_item(informed)

    item = services.action_item_update(item=item, expected_version=1, actor=pm, progress=10)

    assert item.status == ActionItemStatus.IN_PROGRESS


@pytest.mark.parametrize("progress", [101, -1, 1000])
def test_progress_outside_0_to_100_is_refused(informed, add_item, pm, progress):
    item = add_item(informed)

    with pytest.raises(ValidationError) as exc:
        services.action_item_update(item=item, expected_version=1, actor=pm, progress=progress)

    assert "progress" in exc.value.message_dict
    item.refresh_from_db()
    assert item.progress == 0


@pytest.mark.parametrize("progress", [0, 100])
def test_progress_at_the_bounds_is_accepted(informed, add_item, pm, progress):
    item = add_item(informed)

    item = services.action_item_update(item=item, expected_version=1, actor=pm, progress=progress)

    item.refresh_from_db()
    assert item.progress == progress


def test_the_database_refuses_more_than_100_percent(informed, add_item):
    item = add_item(informed)

    with pytest.raises(IntegrityError), transaction.atomic():
        ActionItem.objects.filter(pk=item.pk).update(progress=101)


def test_an_action_needs_a_title(informed, add_item):
    with pytest.raises(ValidationError) as exc:
        add_item(informed, title_en="   ")

    assert "title_en" in exc.value.message_dict


def test_an_unknown_field_is_a_programming_error(informed, add_item, pm):
    item = add_item(informed)

    with pytest.raises(TypeError):
        services.action_item_update(item=item, expected_version=1, actor=pm, incident=None)


# --- closed incidents and conflicts -------------------------------------------------------


def test_a_closed_incidents_plan_is_final(informed, add_item, pm):
    item = add_item(informed)
    _close(informed)
    item.refresh_from_db()

    with pytest.raises(ValidationError) as exc:
        add_item(item.incident, title_en="Too late")
    assert exc.value.code == "closed"

    with pytest.raises(ValidationError) as exc:
        services.action_item_update(item=item, expected_version=1, actor=pm, progress=50)
    assert exc.value.code == "closed"
    assert ActionItem.objects.count() == 1


def test_a_resolved_incident_still_takes_plan_changes(informed, add_item, pm):
    # Prevention work often goes on after the problem itself is resolved.
    incident = incident_change_status(
        incident=informed, status=IncidentStatus.RESOLVED, actor=informed.declared_by
    )

    item = add_item(incident, kind="prevention", title_en="Load tests in every iteration")

    assert item.pk


def test_an_edit_from_an_old_version_raises_a_conflict_with_the_saved_row(informed, add_item, pm):
    item = add_item(informed)
    services.action_item_update(
        item=ActionItem.objects.get(pk=item.pk), expected_version=1, actor=pm, progress=40
    )

    with pytest.raises(EditConflict) as exc:
        services.action_item_update(item=item, expected_version=1, actor=pm, progress=90)

    assert exc.value.current.progress == 40
    assert exc.value.current.version == 2
    item.refresh_from_db()
    assert item.progress == 40


# --- the timeline -----------------------------------------------------------------------


def test_adding_and_moving_actions_are_noted_on_the_timeline(informed, add_item, pm):
    item = add_item(informed, title_en="Partition the engine")
    services.action_item_update(
        item=item, expected_version=1, actor=pm, status=ActionItemStatus.DONE
    )

    notes = list(
        LogEntry.objects.filter(incident=informed, channel=LogChannel.NOTE)
        .order_by("pk")
        .values_list("summary_en", "client_visible")
    )
    assert notes == [
        ("Action added to the plan: Partition the engine", False),
        ("Action “Partition the engine”: Planned → Done", False),
    ]


# --- remedies -----------------------------------------------------------------------------


def test_a_remedy_is_offered_pending_the_clients_answer(informed, pm, now):
    remedy = services.remedy_offer(
        incident=informed,
        actor=pm,
        kind="extended_warranty",
        description_en="  Six more months of warranty. ",
        value=Decimal("45000.00"),
        now=now,
    )

    assert remedy.answer == RemedyAnswer.PENDING
    assert remedy.offered_at == now
    assert remedy.description == "Six more months of warranty."


def test_a_negative_value_is_refused(informed, pm):
    with pytest.raises(ValidationError) as exc:
        services.remedy_offer(
            incident=informed, actor=pm, kind="discount", description_en="10 %", value=-1
        )

    assert "value" in exc.value.message_dict
    assert not Remedy.objects.exists()


def test_an_offer_dated_in_the_future_is_refused(informed, pm, now):
    with pytest.raises(ValidationError) as exc:
        services.remedy_offer(
            incident=informed,
            actor=pm,
            kind="discount",
            description_en="10 %",
            offered_at=now + HOUR,
            now=now,
        )

    assert "offered_at" in exc.value.message_dict


def test_the_answer_is_recorded_and_can_go_back_to_pending(informed, pm, now):
    remedy = services.remedy_offer(
        incident=informed, actor=pm, kind="free_work", description_en="Reports", now=now
    )

    remedy = services.remedy_answer(
        remedy=remedy, answer=RemedyAnswer.ACCEPTED, now=now + DAY, actor=remedy.offered_by
    )
    assert (remedy.answer, remedy.answered_at) == (RemedyAnswer.ACCEPTED, now + DAY)

    remedy = services.remedy_answer(
        remedy=remedy, answer=RemedyAnswer.PENDING, now=now + DAY, actor=remedy.offered_by
    )
    assert (remedy.answer, remedy.answered_at) == (RemedyAnswer.PENDING, None)


def test_an_answer_before_the_offer_is_refused(informed, pm, now):
    remedy = services.remedy_offer(
        incident=informed, actor=pm, kind="discount", description_en="5 %", now=now
    )

    with pytest.raises(ValidationError) as exc:
        services.remedy_answer(
            remedy=remedy,
            answer=RemedyAnswer.DECLINED,
            answered_at=now - HOUR,
            actor=remedy.offered_by,
        )

    assert "answered_at" in exc.value.message_dict
    remedy.refresh_from_db()
    assert remedy.answer == RemedyAnswer.PENDING


def test_an_unknown_answer_is_refused(informed, pm, now):
    remedy = services.remedy_offer(
        incident=informed, actor=pm, kind="discount", description_en="5 %", now=now
    )

    with pytest.raises(ValidationError) as exc:
        services.remedy_answer(remedy=remedy, answer="maybe", actor=remedy.offered_by)

    assert "answer" in exc.value.message_dict


def test_a_closed_incident_takes_no_offer_and_no_answer(informed, pm, now):
    remedy = services.remedy_offer(
        incident=informed, actor=pm, kind="discount", description_en="5 %", now=now
    )
    _close(informed)
    remedy = Remedy.objects.select_related("incident").get(pk=remedy.pk)

    with pytest.raises(ValidationError) as exc:
        services.remedy_offer(
            incident=remedy.incident, actor=pm, kind="discount", description_en="More"
        )
    assert exc.value.code == "closed"

    with pytest.raises(ValidationError) as exc:
        services.remedy_answer(remedy=remedy, answer=RemedyAnswer.ACCEPTED, actor=remedy.offered_by)
    assert exc.value.code == "closed"
    remedy.refresh_from_db()
    assert remedy.answer == RemedyAnswer.PENDING
