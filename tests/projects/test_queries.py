"""Project pages cost the same number of queries however much they show."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.projects.models import ProjectRole
from tests.factories import (
    ClientContactFactory,
    IncidentFactory,
    MembershipFactory,
    ProjectFactory,
    informed_incident,
)

pytestmark = pytest.mark.django_db


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def _fill(project, count, now):
    """``count`` incidents (at several stages), contacts and members on the project."""
    for n in range(count):
        if n % 2:
            informed_incident(project=project, now=now - timedelta(hours=n + 1))
        else:
            IncidentFactory(project=project, now=now)
        ClientContactFactory(project=project)
        MembershipFactory(project=project, role=ProjectRole.MEMBER)


@pytest.mark.parametrize("who", ["pm", "pmo"])
def test_project_page_uses_the_same_number_of_queries_for_1_and_50_incidents(
    project, pm, pmo, login, now, who
):
    client = login({"pm": pm, "pmo": pmo}[who])
    url = reverse("project_detail", args=[project.pk])
    _fill(project, 1, now)
    one, _html = _queries(client, url)

    _fill(project, 49, now)
    fifty, html = _queries(client, url)

    assert html.count(">Remove</button>") == 51
    assert fifty == one


@pytest.mark.parametrize("who", ["pm", "pmo"])
def test_project_list_uses_the_same_number_of_queries_for_1_and_50_projects(
    pm, pmo, login, now, who
):
    client = login({"pm": pm, "pmo": pmo}[who])

    def add_projects(count):
        for _ in range(count):
            project = ProjectFactory()
            MembershipFactory(project=project, user=pm, role=ProjectRole.PM)
            IncidentFactory(project=project, now=now)

    add_projects(1)
    one, _html = _queries(client, reverse("project_list"))

    add_projects(49)
    fifty, html = _queries(client, reverse("project_list"))

    assert html.count('<span class="badge text-bg-danger">1</span>') == 50
    assert fifty == one
