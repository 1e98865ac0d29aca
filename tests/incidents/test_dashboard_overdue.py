"""The dashboard marks incidents whose update to the client is overdue."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.projects.models import ProjectRole
from tests.factories import (
    MembershipFactory,
    NotificationFactory,
    ProjectFactory,
    informed_incident,
)

pytestmark = pytest.mark.django_db

MARKER = "update-overdue"


def _informed(user, now, *, ago: timedelta):
    project = ProjectFactory()
    MembershipFactory(project=project, user=user, role=ProjectRole.PM)
    return informed_incident(project=project, declared_by=user, now=now - ago)


def test_an_overdue_update_is_marked(pm, login, now):
    late = _informed(pm, now, ago=timedelta(days=3))  # due 49 h after declaration: overdue
    on_time = _informed(pm, now, ago=timedelta(hours=2))

    html = login(pm).get(reverse("dashboard")).content.decode()

    assert html.count(MARKER) == 1
    assert html.index(late.title) < html.index(MARKER) < html.index(on_time.title)
    assert "Update overdue" in html


def test_marking_overdue_updates_costs_no_extra_query_per_incident(pm, login, now):
    NotificationFactory(user=pm)
    client = login(pm)
    _informed(pm, now, ago=timedelta(days=3))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("dashboard"))

    for n in range(20):
        _informed(pm, now, ago=timedelta(days=3) if n % 2 else timedelta(hours=n))
    with CaptureQueriesContext(connection) as many:
        html = client.get(reverse("dashboard")).content.decode()

    assert html.count(MARKER) == 11
    assert len(many.captured_queries) == len(one.captured_queries)
