"""The dashboard costs the same number of queries however many incidents it shows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.incidents.models import Incident, IncidentStatus
from apps.projects.models import ProjectRole
from tests.factories import IncidentFactory, MembershipFactory, ProjectFactory, informed_incident

pytestmark = pytest.mark.django_db


def _incidents(user, count, now):
    """``count`` open incidents, each on its own project and client, at every stage."""
    for n in range(count):
        project = ProjectFactory()
        MembershipFactory(project=project, user=user, role=ProjectRole.PM)
        if n % 2:
            informed_incident(project=project, declared_by=user, now=now - timedelta(hours=n))
        else:
            IncidentFactory(project=project, declared_by=user, ready=n % 4 == 0, now=now)


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


@pytest.mark.parametrize("who", ["pm", "pmo"])
def test_dashboard_uses_the_same_number_of_queries_for_1_and_50_incidents(pm, pmo, login, now, who):
    user = {"pm": pm, "pmo": pmo}[who]
    _incidents(pm, 1, now)
    client = login(user)
    one, _html = _queries(client, reverse("dashboard"))

    _incidents(pm, 49, now)
    fifty, html = _queries(client, reverse("dashboard"))

    assert html.count('class="list-group-item') == 50
    assert fifty == one


def _resolved(user, count, now):
    """``count`` incidents resolved in the last days, each on its own project and client."""
    for n in range(count):
        project = ProjectFactory()
        MembershipFactory(project=project, user=user, role=ProjectRole.PM)
        incident = IncidentFactory(project=project, declared_by=user, now=now - timedelta(days=9))
        Incident.objects.filter(pk=incident.pk).update(
            status=IncidentStatus.RESOLVED, resolved_at=now - timedelta(hours=n + 1)
        )


@pytest.mark.parametrize("who", ["pm", "pmo"])
def test_the_recently_resolved_list_costs_the_same_for_1_and_10_incidents(pm, pmo, login, now, who):
    user = {"pm": pm, "pmo": pmo}[who]
    _incidents(pm, 1, now)
    _resolved(pm, 1, now)
    client = login(user)
    one, _html = _queries(client, reverse("dashboard"))

    _resolved(pm, 9, now)
    ten, html = _queries(client, reverse("dashboard"))

    assert html.count('class="list-group-item') == 11
    assert ten == one
