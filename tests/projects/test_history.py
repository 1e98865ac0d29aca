"""The project's History: its team, contacts and links, and every change to its incidents."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.incidents import services as incidents
from apps.projects import services as projects
from apps.projects.models import Membership
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db


def _url(project, query=""):
    return reverse("project_history", args=[project.pk]) + query


def test_who_removed_a_member_is_on_the_projects_record(project, pm, team_member, login):
    projects.membership_remove(membership=Membership.objects.get(user=team_member), actor=pm)

    html = login(pm).get(_url(project)).content.decode()

    assert "Removed a member from the team" in html
    assert team_member.get_full_name() in html
    assert pm.get_full_name() in html


def test_the_incidents_changes_are_there_with_the_incident_named(project, pm, incident, login):
    html = login(pm).get(_url(project, "?group=incident")).content.decode()

    assert "Declared the incident" in html
    assert reverse("incident_detail", args=[incident.pk]) in html
    assert incident.title in html


def test_only_the_projects_members_read_it(project, viewer, stranger, login, client):
    assert login(viewer).get(_url(project)).status_code == 200
    assert login(stranger).get(_url(project)).status_code == 404


def test_a_bad_filter_is_explained(project, pm, login):
    response = login(pm).get(_url(project, "?group=everything"))

    assert response.status_code == 400
    assert "Choose a kind of change from the list." in response.content.decode()


def test_the_projects_history_costs_the_same_queries_however_long(project, pm, login, now):
    client = login(pm)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_url(project)).status_code == 200
        return len(captured)

    IncidentFactory(project=project, declared_by=pm, now=now)
    few = queries()
    for i in range(30):
        incident = IncidentFactory(project=project, declared_by=pm, now=now)
        incidents.incident_update_disclosure(incident=incident, actor=pm, cause_en=f"Cause {i}")

    assert queries() == few


def test_the_project_page_links_to_its_history(project, viewer, login):
    html = login(viewer).get(reverse("project_detail", args=[project.pk])).content.decode()

    assert _url(project) in html
