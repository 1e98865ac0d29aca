"""The incident page offers only the status moves possible now, and only to who may make them."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.incidents import services
from apps.incidents.models import IncidentStatus
from apps.projects.models import ProjectRole
from tests.factories import IncidentFactory, close_incident, informed_incident, member
from tests.helpers import assert_rejected

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
NOT_NEXT = "That status is not a valid next step for this incident."
NOT_NEXT_ZH = "该事件当前不能转为这一状态。"


def _offered(html: str) -> list[str] | None:
    """The statuses the control offers, or ``None`` when there is no control."""
    form = re.search(r'<form method="post" action="[^"]*/status/".*?</form>', html, re.S)
    if form is None:
        return None
    return re.findall(r'<option value="([a-z_]+)"', form.group(0))


def _page(client, incident) -> str:
    response = client.get(reverse("incident_detail", args=[incident.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _walk(incident, *statuses):
    for status in statuses:
        if status == IncidentStatus.CLOSED:
            # Closing asks why there is no client report (the retrospectives' rule).
            incident = close_incident(incident)
            continue
        incident = services.incident_change_status(
            incident=incident, status=status, actor=incident.declared_by
        )
    return incident


def test_before_the_first_contact_there_is_no_move_to_offer(incident, pm, login):
    # "Client informed" follows the first contact, which is logged, not chosen.
    assert _offered(_page(login(pm), incident)) is None


def test_an_informed_client_lets_the_pm_agree_a_plan_or_resolve(project, pm, login, now):
    incident = informed_incident(project=project, declared_by=pm, now=now - 3 * HOUR)

    assert _offered(_page(login(pm), incident)) == ["plan_agreed", "resolved"]


def test_a_resolved_incident_can_be_reopened_or_closed(project, pm, login, now):
    incident = _walk(
        informed_incident(project=project, declared_by=pm, now=now - 3 * HOUR),
        IncidentStatus.RESOLVED,
    )

    assert _offered(_page(login(pm), incident)) == ["recovering", "closed"]


def test_a_closed_incident_shows_no_control(project, pm, login, now):
    incident = _walk(
        informed_incident(project=project, declared_by=pm, now=now - 3 * HOUR),
        IncidentStatus.RESOLVED,
        IncidentStatus.CLOSED,
    )

    assert _offered(_page(login(pm), incident)) is None


@pytest.mark.parametrize("role", [ProjectRole.MEMBER, ProjectRole.VIEWER])
def test_who_may_not_change_the_status_sees_no_control_and_is_refused(
    project, pm, login, now, role
):
    incident = informed_incident(project=project, declared_by=pm, now=now - 3 * HOUR)
    client = login(member(project, role))

    assert _offered(_page(client, incident)) is None
    response = client.post(reverse("incident_status", args=[incident.pk]), {"status": "resolved"})

    assert response.status_code == 403
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.CLIENT_INFORMED


@pytest.mark.parametrize(
    ("language", "error"), [(None, NOT_NEXT), ("zh-hans", NOT_NEXT_ZH)], ids=["en", "zh"]
)
def test_a_move_not_offered_is_refused_in_the_users_language(
    project, pm, login, now, language, error
):
    incident = informed_incident(project=project, declared_by=pm, now=now - 3 * HOUR)

    response = login(pm, language=language).post(
        reverse("incident_status", args=[incident.pk]), {"status": "closed"}
    )

    assert response.status_code == 400
    html = assert_rejected(response, error=error)
    # The page shown again still offers only what is possible.
    assert _offered(html) == ["plan_agreed", "resolved"]
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.CLIENT_INFORMED


def test_the_service_refuses_a_move_the_incident_is_not_ready_for(incident, pm, login):
    response = login(pm).post(
        reverse("incident_status", args=[incident.pk]), {"status": "client_informed"}
    )

    assert response.status_code == 400
    assert_rejected(response, error="Record the first contact with the client before marking")


def test_the_control_costs_no_query_whatever_the_status(project, pm, login, now):
    client = login(pm)
    informed = informed_incident(project=project, declared_by=pm, now=now - 3 * HOUR)
    declared = IncidentFactory(project=project, declared_by=pm, now=now)
    with CaptureQueriesContext(connection) as with_control:
        assert _offered(_page(client, informed))
    with CaptureQueriesContext(connection) as without:
        assert _offered(_page(client, declared)) is None

    assert len(with_control.captured_queries) == len(without.captured_queries)
