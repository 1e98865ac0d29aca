"""Resolved incidents leave the open list for a "Recently resolved" one, for thirty days."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from apps.incidents.models import Incident, IncidentStatus
from tests.factories import IncidentFactory, ProjectFactory

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def _ended(incident, *, resolved_at, closed_at=None):
    status = IncidentStatus.CLOSED if closed_at else IncidentStatus.RESOLVED
    Incident.objects.filter(pk=incident.pk).update(
        status=status, resolved_at=resolved_at, closed_at=closed_at
    )


def _recent_section(html: str) -> str:
    found = re.search(r'<section class="recently-resolved.*?</section>', html, re.S)
    return found.group(0) if found else ""


def test_incidents_resolved_or_closed_in_the_last_30_days_are_listed_latest_first(
    project, pm, login, now
):
    resolved = IncidentFactory(project=project, title="Resolved yesterday", now=now - 9 * DAY)
    _ended(resolved, resolved_at=now - DAY)
    closed = IncidentFactory(project=project, title="Closed today", now=now - 20 * DAY)
    _ended(closed, resolved_at=now - 15 * DAY, closed_at=now - timedelta(hours=1))
    old = IncidentFactory(project=project, title="Resolved long ago", now=now - 60 * DAY)
    _ended(old, resolved_at=now - 31 * DAY)
    IncidentFactory(project=project, title="Still open", now=now)

    html = login(pm).get(reverse("dashboard")).content.decode()
    recent = _recent_section(html)

    assert "Recently resolved" in recent
    assert recent.index("Closed today") < recent.index("Resolved yesterday")
    assert "Resolved long ago" not in html
    assert "Still open" not in recent
    assert reverse("incident_detail", args=[closed.pk]) in recent


def test_at_most_ten_are_listed(project, pm, login, now):
    for n in range(12):
        incident = IncidentFactory(project=project, title=f"Done {n:02}", now=now - 20 * DAY)
        _ended(incident, resolved_at=now - timedelta(hours=n + 1))

    recent = _recent_section(login(pm).get(reverse("dashboard")).content.decode())

    assert [f"Done {n:02}" in recent for n in range(12)] == [True] * 10 + [False] * 2


def test_nothing_recently_resolved_shows_no_list(project, pm, login, now):
    IncidentFactory(project=project, now=now)

    html = login(pm).get(reverse("dashboard")).content.decode()

    assert "Recently resolved" not in html


def test_the_list_keeps_to_the_users_projects(project, pm, login, now):
    elsewhere = IncidentFactory(project=ProjectFactory(), title="Not yours", now=now - 5 * DAY)
    _ended(elsewhere, resolved_at=now - DAY)

    html = login(pm).get(reverse("dashboard")).content.decode()

    assert "Not yours" not in html
