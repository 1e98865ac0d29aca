"""Resolving while the fix is unfinished: the PM sees what is open and says why, on the record."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from apps.actionplans import services
from apps.events.models import Event
from apps.incidents.models import IncidentStatus
from apps.incidents.services import incident_change_status
from apps.projects.models import ProjectRole
from tests.factories import member
from tests.helpers import SCRIPT, assert_rejected

pytestmark = pytest.mark.django_db

REASON = "The client switched to the old dispatch system; the rest is tuning."
NO_REASON = "Say why the incident is resolved while actions are still open."


def _choose_resolved(client, incident):
    return client.post(reverse("incident_status", args=[incident.pk]), {"status": "resolved"})


def _resolve_url(incident):
    return reverse("incident_resolve", args=[incident.pk])


def test_choosing_resolved_with_open_remediation_asks_first(informed, add_item, pm, login):
    add_item(informed, title_en="Partition the dispatch engine")
    client = login(pm)

    response = _choose_resolved(client, informed)

    assert response.status_code == 302
    assert response["Location"] == _resolve_url(informed)
    informed.refresh_from_db()
    assert informed.status == IncidentStatus.CLIENT_INFORMED
    page = client.get(_resolve_url(informed))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Resolve the incident while actions are still open?" in html
    assert "Partition the dispatch engine" in html
    assert 'name="reason"' in html


def test_the_confirmation_lists_only_the_open_remediation(informed, add_item, pm, login):
    add_item(informed, title_en="Still to do")
    done = add_item(informed, title_en="Already done")
    services.action_item_update(item=done, expected_version=1, actor=pm, status="done")
    add_item(informed, kind="prevention", title_en="Load tests every sprint")

    html = login(pm).get(_resolve_url(informed)).content.decode()

    assert "Still to do" in html
    assert "Already done" not in html
    assert "Load tests every sprint" not in html


def test_without_a_reason_nothing_is_resolved(informed, add_item, pm, login):
    add_item(informed)

    response = login(pm).post(_resolve_url(informed), {"reason": "   "})

    assert response.status_code == 400
    assert_rejected(response, error=NO_REASON)
    informed.refresh_from_db()
    assert informed.status == IncidentStatus.CLIENT_INFORMED


def test_a_refused_reason_is_kept_and_explained_in_chinese(informed, add_item, pm, login):
    add_item(informed)
    too_long = SCRIPT + "x" * 2000

    response = login(pm, language="zh-hans").post(_resolve_url(informed), {"reason": too_long})

    assert response.status_code == 400
    assert_rejected(response, error="2000", kept=(too_long,))
    response = login(pm, language="zh-hans").post(_resolve_url(informed), {"reason": ""})
    with translation.override("zh-hans"):
        assert_rejected(response, error=translation.gettext(NO_REASON))
    assert 'lang="zh-hans"' in response.content.decode().lower()
    informed.refresh_from_db()
    assert informed.status == IncidentStatus.CLIENT_INFORMED


def test_with_a_reason_it_is_resolved_and_the_reason_is_on_the_record(
    informed, add_item, pm, login
):
    add_item(informed, title_en="Partition the dispatch engine")
    client = login(pm)

    response = client.post(_resolve_url(informed), {"reason": f"  {REASON}  "}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("incident_detail", args=[informed.pk])
    informed.refresh_from_db()
    assert informed.status == IncidentStatus.RESOLVED
    assert informed.resolution_reason == REASON
    event = Event.objects.filter(verb="incident.status_changed").latest("pk")
    assert event.data["reason"] == REASON
    assert event.data["open_work"] == ["Partition the dispatch engine"]
    assert event.data["changes"]["status"] == {"before": "client_informed", "after": "resolved"}
    html = response.content.decode()
    assert "The incident is now “Resolved”." in html
    assert "Resolved with actions still open, because" in html
    assert REASON in html


def test_without_open_remediation_resolving_works_as_before(informed, add_item, pm, login):
    add_item(informed, kind="prevention", title_en="Load tests every sprint")

    response = _choose_resolved(login(pm), informed)

    assert response.status_code == 302
    assert response["Location"] == reverse("incident_detail", args=[informed.pk])
    informed.refresh_from_db()
    assert informed.status == IncidentStatus.RESOLVED
    assert informed.resolution_reason == ""
    assert "reason" not in Event.objects.filter(verb="incident.status_changed").latest("pk").data


def test_the_service_refuses_to_resolve_over_open_remediation_without_a_reason(
    informed, add_item, pm
):
    add_item(informed)

    with pytest.raises(ValidationError) as exc:
        incident_change_status(incident=informed, status=IncidentStatus.RESOLVED, actor=pm)

    assert exc.value.message_dict == {
        "reason": ["Actions of the plan are still open: say why the incident is resolved anyway."]
    }
    informed.refresh_from_db()
    assert informed.status == IncidentStatus.CLIENT_INFORMED


def test_reopening_clears_the_reason_but_the_record_keeps_it(informed, add_item, pm):
    add_item(informed)
    incident = incident_change_status(
        incident=informed, status=IncidentStatus.RESOLVED, reason=REASON, actor=pm
    )

    incident = incident_change_status(incident=incident, status=IncidentStatus.RECOVERING, actor=pm)

    assert incident.resolution_reason == ""
    reopened = Event.objects.filter(verb="incident.status_changed").latest("pk")
    assert reopened.data["changes"]["resolution_reason"] == {"before": REASON, "after": ""}


def test_a_resolved_incident_cannot_be_resolved_again(informed, pm, login):
    incident_change_status(incident=informed, status=IncidentStatus.RESOLVED, actor=pm)
    client = login(pm)

    page = client.get(_resolve_url(informed)).content.decode()
    response = client.post(_resolve_url(informed), {"reason": REASON})

    assert "cannot be resolved now" in page
    assert response.status_code == 400
    assert_rejected(response, error="An incident that is “Resolved” cannot become “Resolved”.")


@pytest.mark.parametrize("role", [ProjectRole.MEMBER, ProjectRole.VIEWER])
def test_only_who_may_change_the_status_resolves(informed, add_item, project, login, role):
    add_item(informed)
    client = login(member(project, role))

    assert client.get(_resolve_url(informed)).status_code == 403
    assert client.post(_resolve_url(informed), {"reason": REASON}).status_code == 403
    informed.refresh_from_db()
    assert informed.status == IncidentStatus.CLIENT_INFORMED


def test_the_confirmation_costs_the_same_queries_for_1_or_10_open_actions(
    informed, add_item, pm, login, now
):
    client = login(pm)
    add_item(informed)
    with CaptureQueriesContext(connection) as one:
        client.get(_resolve_url(informed))
    for n in range(9):
        add_item(informed, title_en=f"Action {n}", due_at=now + timedelta(days=n + 1))
    with CaptureQueriesContext(connection) as ten:
        html = client.get(_resolve_url(informed)).content.decode()

    assert html.count("<li><strong>") == 10
    assert len(ten.captured_queries) == len(one.captured_queries)
