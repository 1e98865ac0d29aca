"""The dashboard and the project page offer to declare an incident to those who may."""

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.projects.models import ProjectRole
from tests.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db

BUTTON = "Declare an incident"


def _declare_url(project):
    return reverse("incident_declare", args=[project.pk])


def _dashboard(client):
    return client.get(reverse("dashboard")).content.decode()


def test_a_pm_of_one_project_gets_one_button_to_declare_there(project, pm, login):
    html = _dashboard(login(pm))

    assert BUTTON in html
    assert f'href="{_declare_url(project)}"' in html


def test_a_pm_of_several_projects_chooses_the_project(project, pm, login):
    other = ProjectFactory(name="Fleet tracking")
    MembershipFactory(project=other, user=pm, role=ProjectRole.PM)

    html = _dashboard(login(pm))

    assert html.count(BUTTON) == 1
    assert "In which project?" in html
    assert f'href="{_declare_url(project)}"' in html
    assert f'href="{_declare_url(other)}"' in html
    assert login(pm).get(_declare_url(other)).status_code == 200


def test_the_dashboard_offers_only_the_projects_where_the_user_may_declare(
    project, pm, team_member, viewer, login
):
    elsewhere = ProjectFactory()
    MembershipFactory(project=elsewhere, user=pm, role=ProjectRole.MEMBER)
    archived = ProjectFactory(archived_at=timezone.now())
    MembershipFactory(project=archived, user=pm, role=ProjectRole.PM)

    html = _dashboard(login(pm))
    assert f'href="{_declare_url(project)}"' in html
    assert _declare_url(elsewhere) not in html
    assert _declare_url(archived) not in html
    assert login(pm).get(_declare_url(elsewhere)).status_code == 403

    for user in (team_member, viewer):
        html = _dashboard(login(user))
        assert BUTTON not in html
        assert login(user).get(_declare_url(project)).status_code == 403


def test_pmo_staff_may_declare_in_every_project(project, pmo, login):
    other = ProjectFactory()

    html = _dashboard(login(pmo))

    assert f'href="{_declare_url(project)}"' in html
    assert f'href="{_declare_url(other)}"' in html


def test_the_project_page_offers_it_to_its_pm_only(project, pm, team_member, viewer, login):
    page = reverse("project_detail", args=[project.pk])

    assert f'href="{_declare_url(project)}"' in login(pm).get(page).content.decode()
    for user in (team_member, viewer):
        html = login(user).get(page).content.decode()
        assert BUTTON not in html
        assert _declare_url(project) not in html
