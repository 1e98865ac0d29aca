"""People are shown by their full name, or by their login when they have none."""

import pytest
from django.urls import reverse

from apps.projects.models import ProjectRole
from tests.factories import IncidentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def declarer(project):
    user = UserFactory(username="lwei", first_name="Li", last_name="Wei")
    MembershipFactory(project=project, user=user, role=ProjectRole.PM)
    return user


def test_the_header_shows_the_full_name(declarer, login):
    html = login(declarer).get(reverse("dashboard")).content.decode()

    assert 'title="Preferences">Li Wei</a>' in html


def test_the_header_falls_back_to_the_login(project, login):
    user = UserFactory(username="nameless", first_name="", last_name="")

    html = login(user).get(reverse("dashboard")).content.decode()

    assert 'title="Preferences">nameless</a>' in html


def test_the_incident_page_and_the_dashboard_say_who_declared_by_full_name(
    project, declarer, pm, login, now
):
    incident = IncidentFactory(project=project, declared_by=declarer, now=now)
    client = login(pm)

    page = client.get(reverse("incident_detail", args=[incident.pk])).content.decode()
    dashboard = client.get(reverse("dashboard")).content.decode()

    assert "by Li Wei" in page
    assert "Declared by Li Wei" in dashboard
    assert "lwei" not in page + dashboard


def test_who_declared_falls_back_to_the_login(project, pm, login, now):
    nameless = UserFactory(username="nameless", first_name="", last_name="")
    IncidentFactory(project=project, declared_by=nameless, now=now)

    assert "Declared by nameless" in login(pm).get(reverse("dashboard")).content.decode()
