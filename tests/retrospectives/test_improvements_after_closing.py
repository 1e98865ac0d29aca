"""After closing, the prevention actions go on; the rest of the plan is final.

The client follows the prevention items' progress on the status page once the
report is out and the incident closed: their status, progress, due date and
reason for dropping still change, in the service and on the plan's pages.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.actionplans.models import ActionItem, ActionItemKind, ActionItemStatus
from apps.actionplans.services import action_item_create, action_item_update
from apps.communications.models import LogEntry
from apps.events.models import Event
from apps.incidents.models import IncidentStatus
from apps.retrospectives import services

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
FROZEN = (
    "The incident is closed: only the status, progress, due date and "
    "reason for dropping of a prevention action can still change."
)
FINAL = "The incident is closed: its record is final."


@pytest.fixture
def prevention(retrospective, pm, team_member):
    return services.improvement_add(
        retrospective=retrospective,
        actor=pm,
        owner=team_member,
        due_at=retrospective.incident.resolved_at + 20 * DAY,
        title_en="Load-test on the full fleet before each release",
    )


@pytest.fixture
def remediation(resolved, pm):
    return action_item_create(
        incident=resolved,
        actor=pm,
        kind=ActionItemKind.REMEDIATION,
        owner=pm,
        due_at=resolved.resolved_at + 5 * DAY,
        title_en="Finish the partitioning",
    )


@pytest.fixture
def closed(resolved, prevention, remediation, pm):
    services.retrospective_close_without_report(
        incident=resolved, actor=pm, reason="The client asked for no written report."
    )
    resolved.refresh_from_db()
    assert resolved.status == IncidentStatus.CLOSED
    prevention.refresh_from_db()
    remediation.refresh_from_db()
    return resolved


def _fresh(item):
    return ActionItem.objects.select_related("incident").get(pk=item.pk)


# --- the service ------------------------------------------------------------------------------


def test_a_prevention_actions_progress_still_changes_after_closing(closed, prevention, pm):
    item = action_item_update(item=_fresh(prevention), expected_version=1, actor=pm, progress=40)

    assert item.progress == 40
    assert item.status == ActionItemStatus.IN_PROGRESS
    saved = _fresh(prevention)
    assert (saved.progress, saved.status, saved.version) == (40, ActionItemStatus.IN_PROGRESS, 2)
    changed = Event.objects.get(verb="action_item.updated", object_id=prevention.pk)
    assert changed.data["changes"]["progress"] == {"before": 0, "after": 40}
    assert LogEntry.objects.filter(incident=closed, summary_en__contains="In progress").exists()


def test_a_prevention_action_can_be_done_moved_or_dropped_after_closing(closed, prevention, pm):
    later = prevention.due_at + 10 * DAY
    action_item_update(item=_fresh(prevention), expected_version=1, actor=pm, due_at=later)
    action_item_update(
        item=_fresh(prevention),
        expected_version=2,
        actor=pm,
        status=ActionItemStatus.DROPPED,
        dropped_reason_en="The client replaced the fleet.",
    )
    dropped = _fresh(prevention)
    action_item_update(item=dropped, expected_version=3, actor=pm, status=ActionItemStatus.DONE)

    saved = _fresh(prevention)
    assert saved.due_at == later
    assert saved.status == ActionItemStatus.DONE
    assert saved.progress == 100
    assert saved.completed_at is not None


def test_unchanged_values_of_other_fields_are_no_change(closed, prevention, pm, team_member):
    # What the full edit form of a page opened before closing sends.
    item = _fresh(prevention)
    action_item_update(
        item=item,
        expected_version=1,
        actor=pm,
        kind=item.kind,
        title_en=item.title_en,
        title_zh_hans=item.title_zh_hans,
        description_en="",
        description_zh_hans="",
        owner=team_member,
        client_visible=True,
        due_at=item.due_at,
        status=ActionItemStatus.IN_PROGRESS,
        progress=70,
    )

    assert _fresh(prevention).progress == 70


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"title_en": "Something else"}, id="title"),
        pytest.param({"client_visible": False}, id="visibility"),
        pytest.param({"kind": ActionItemKind.REMEDIATION}, id="kind"),
        pytest.param({"description_en": "More words", "progress": 10}, id="description"),
    ],
)
def test_the_rest_of_a_prevention_action_is_final_after_closing(closed, prevention, pm, change):
    with pytest.raises(ValidationError) as caught:
        action_item_update(item=_fresh(prevention), expected_version=1, actor=pm, **change)

    assert caught.value.code == "closed"
    assert caught.value.messages == [FROZEN]
    saved = _fresh(prevention)
    assert (saved.version, saved.progress, saved.title_en) == (1, 0, prevention.title_en)


def test_a_prevention_action_cannot_be_handed_to_someone_else_after_closing(closed, prevention, pm):
    with pytest.raises(ValidationError) as caught:
        action_item_update(item=_fresh(prevention), expected_version=1, actor=pm, owner=pm)

    assert caught.value.code == "closed"
    assert _fresh(prevention).owner_id == prevention.owner_id


def test_a_remediation_action_is_final_after_closing(closed, remediation, pm):
    with pytest.raises(ValidationError) as caught:
        action_item_update(item=_fresh(remediation), expected_version=1, actor=pm, progress=50)

    assert caught.value.code == "closed"
    assert caught.value.messages == [FINAL]
    assert _fresh(remediation).progress == 0


def test_no_action_is_added_after_closing(closed, retrospective, pm, team_member):
    with pytest.raises(ValidationError) as caught:
        services.improvement_add(
            retrospective=retrospective,
            actor=pm,
            owner=team_member,
            due_at=closed.closed_at + DAY,
            title_en="Too late",
        )

    assert caught.value.code == "closed"


# --- the plan's pages ---------------------------------------------------------------------------


def _edit_url(item):
    return reverse("action_item_edit", args=[item.incident_id, item.pk])


def test_the_closed_incidents_plan_offers_only_the_prevention_progress(
    closed, prevention, remediation, pm, login
):
    html = login(pm).get(closed.get_absolute_url()).content.decode()

    assert _edit_url(prevention) in html
    assert "Update the progress" in html
    assert _edit_url(remediation) not in html
    assert reverse("action_item_create", args=[closed.pk]) not in html


def test_the_progress_form_asks_only_what_still_changes(closed, prevention, pm, login):
    response = login(pm).get(_edit_url(prevention))

    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.fields) == {
        "status",
        "progress",
        "due_at",
        "dropped_reason_en",
        "dropped_reason_zh_hans",
        "version",
    }
    assert "its prevention actions go on" in response.content.decode()


def _progress_data(item, **values):
    return {
        "status": item.status,
        "progress": item.progress,
        "due_at": item.due_at.strftime("%Y-%m-%dT%H:%M"),
        "dropped_reason_en": "",
        "dropped_reason_zh_hans": "",
        "version": item.version,
    } | values


def test_saving_the_progress_of_a_prevention_action_after_closing(closed, prevention, pm, login):
    response = login(pm).post(
        _edit_url(prevention), _progress_data(prevention, progress=60, status="in_progress")
    )

    assert response.status_code == 302
    assert response.url.endswith(f"#item-{prevention.pk}")
    saved = _fresh(prevention)
    assert (saved.progress, saved.status) == (60, ActionItemStatus.IN_PROGRESS)


def test_bad_progress_is_answered_in_words_and_keeps_what_was_typed(closed, prevention, pm, login):
    response = login(pm).post(
        _edit_url(prevention),
        _progress_data(prevention, progress="150", status="dropped", dropped_reason_en="  "),
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Progress is a percentage from 0 to 100." in html
    assert 'value="150"' in html
    assert _fresh(prevention).version == 1


def test_dropping_without_a_reason_is_refused_in_words(closed, prevention, pm, login):
    response = login(pm).post(
        _edit_url(prevention), _progress_data(prevention, status="dropped", progress="20")
    )

    assert response.status_code == 400
    assert "Say why the action is dropped." in response.content.decode()
    assert _fresh(prevention).status == ActionItemStatus.PLANNED


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_remediation_action_of_a_closed_incident_is_not_offered_for_editing(
    closed, remediation, pm, login, method
):
    client = login(pm)
    response = getattr(client, method)(_edit_url(remediation), {"progress": "50"}, follow=True)

    assert response.redirect_chain[-1][0].endswith(f"#item-{remediation.pk}")
    assert FINAL in response.content.decode()
    assert _fresh(remediation).progress == 0


# --- what the client follows ----------------------------------------------------------------------


def test_the_client_follows_the_progress_on_the_status_page_after_closing(
    closed, prevention, remediation, pm, client
):
    from tests.statuspage.support import make_link, page_url

    _link, token = make_link(closed)
    before = client.get(page_url(token)).content.decode()
    assert prevention.title_en in before
    assert 'value="35"' not in before

    action_item_update(item=_fresh(prevention), expected_version=1, actor=pm, progress=35)

    after = client.get(page_url(token)).content.decode()
    assert f'<progress max="100" value="35" aria-label="Progress of “{prevention.title_en}”">' in (
        after
    )
