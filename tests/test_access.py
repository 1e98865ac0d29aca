"""Who may see and change what, for every project and incident URL.

Strangers get a 404 so they cannot learn that a project exists; viewers and
team members read but get a 403 on every write; PMO staff see everything.
"""

from datetime import timedelta

import pytest
from django.urls import reverse

from apps.projects.models import Membership, ProjectRole
from tests.factories import (
    ClientContactFactory,
    IncidentFactory,
    ProjectFactory,
    UserFactory,
    informed_incident,
    member,
)

pytestmark = pytest.mark.django_db

#: (URL name, methods it answers, whether it changes things)
PROJECT_AND_INCIDENT_URLS = [
    ("project_detail", ("GET",), False),
    ("contact_create", ("GET", "POST"), True),
    ("contact_edit", ("GET", "POST"), True),
    ("member_add", ("POST",), True),
    ("member_remove", ("POST",), True),
    ("incident_declare", ("GET", "POST"), True),
    ("incident_detail", ("GET",), False),
    ("incident_edit", ("GET", "POST"), True),
    ("incident_status", ("POST",), True),
    ("incident_cadence", ("POST",), True),
]
READ_URLS = [name for name, _methods, writes in PROJECT_AND_INCIDENT_URLS if not writes]
WRITE_URLS = [(name, methods) for name, methods, writes in PROJECT_AND_INCIDENT_URLS if writes]
#: What a POST carries: valid input, so that only access decides the answer.
VALID_POST = {
    "contact_create": {
        "name": "New Contact",
        "email": "new@client.example.com",
        "language": "en",
        "time_zone": "UTC",
    },
    "contact_edit": {
        "name": "Renamed",
        "email": "renamed@client.example.com",
        "language": "en",
        "time_zone": "UTC",
    },
    "member_add": {"username": "newcomer", "role": ProjectRole.PM},
    "incident_declare": {"title_en": "Break-in", "summary_en": "It broke.", "severity": "high"},
    "incident_edit": {
        "title_en": "Renamed",
        "summary_en": "It broke.",
        "severity": "low",
        "version": 1,
    },
    "incident_status": {"status": "plan_agreed"},
    "incident_cadence": {"cadence_hours": "6"},
}


@pytest.fixture
def world(project, pm, now):
    """A project with one of everything, and the kwargs to reach each URL."""
    contact = ClientContactFactory(project=project)
    incident = informed_incident(project=project, declared_by=pm, now=now - timedelta(hours=2))
    teammate = member(project, ProjectRole.MEMBER)
    UserFactory(username="newcomer")
    kwargs = {
        "project_detail": {"pk": project.pk},
        "contact_create": {"pk": project.pk},
        "contact_edit": {"pk": project.pk, "contact_pk": contact.pk},
        "member_add": {"pk": project.pk},
        "member_remove": {
            "pk": project.pk,
            "membership_pk": Membership.objects.get(user=teammate).pk,
        },
        "incident_declare": {"project_pk": project.pk},
        "incident_detail": {"pk": incident.pk},
        "incident_edit": {"pk": incident.pk},
        "incident_status": {"pk": incident.pk},
        "incident_cadence": {"pk": incident.pk},
    }
    return {name: reverse(name, kwargs=kw) for name, kw in kwargs.items()} | {
        # The same URLs for a project and an incident that do not exist.
        f"missing:{name}": reverse(name, kwargs=dict(kw, **_missing(kw)))
        for name, kw in kwargs.items()
    }


def _missing(kwargs):
    return {key: 10**9 for key in ("pk", "project_pk") if key in kwargs}


def _request(client, method, url, name):
    if method == "GET":
        return client.get(url)
    return client.post(url, VALID_POST.get(name, {}))


def _snapshot(project):
    """Everything a write could change, to prove a refused write changed nothing."""
    return (
        list(project.memberships.values_list("user", "role")),
        list(project.contacts.values_list("name", "email")),
        list(project.incidents.values_list("title_en", "status", "update_cadence", "severity")),
    )


# --- strangers ----------------------------------------------------------------------


@pytest.mark.parametrize(("name", "methods", "_writes"), PROJECT_AND_INCIDENT_URLS)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_non_member_gets_404_on_every_project_and_incident_url(
    world, project, stranger, login, name, methods, _writes, method
):
    client = login(stranger)
    before = _snapshot(project)

    response = _request(client, method, world[name], name)

    if methods == ("POST",) and method == "GET":
        # A POST-only URL refuses a GET before looking anything up, for members
        # and strangers alike, so the answer says nothing about the project.
        assert response.status_code == 405
    else:
        assert response.status_code == 404
    assert _snapshot(project) == before


@pytest.mark.parametrize(("name", "methods", "_writes"), PROJECT_AND_INCIDENT_URLS)
def test_non_member_sees_the_same_answer_as_for_a_project_that_does_not_exist(
    world, project, stranger, login, name, methods, _writes
):
    client = login(stranger)
    for method in ("GET", "POST"):
        real = _request(client, method, world[name], name)
        ghost = _request(client, method, world[f"missing:{name}"], name)
        assert real.status_code == ghost.status_code, method
        assert project.name not in real.content.decode()


def test_project_list_and_dashboard_hide_other_projects(world, project, stranger, login):
    client = login(stranger)

    assert project.name not in client.get(reverse("project_list")).content.decode()
    assert project.incidents.get().title not in client.get(reverse("dashboard")).content.decode()


def test_contact_of_another_project_is_404_even_for_the_pm(world, project, pm, login):
    elsewhere = ClientContactFactory()
    url = reverse("contact_edit", kwargs={"pk": project.pk, "contact_pk": elsewhere.pk})

    assert login(pm).get(url).status_code == 404


def test_membership_of_another_project_is_404_even_for_the_pm(world, project, pm, login):
    other = ProjectFactory()
    other_membership = Membership.objects.create(project=other, user=UserFactory())
    url = reverse("member_remove", kwargs={"pk": project.pk, "membership_pk": other_membership.pk})

    assert login(pm).post(url).status_code == 404
    assert Membership.objects.filter(pk=other_membership.pk).exists()


# --- viewers and team members -------------------------------------------------------


@pytest.mark.parametrize("role", [ProjectRole.VIEWER, ProjectRole.MEMBER])
@pytest.mark.parametrize("name", READ_URLS)
def test_viewer_and_team_member_can_read(world, project, login, role, name):
    client = login(member(project, role))

    assert client.get(world[name]).status_code == 200


@pytest.mark.parametrize("role", [ProjectRole.VIEWER, ProjectRole.MEMBER])
@pytest.mark.parametrize(("name", "methods"), WRITE_URLS)
def test_viewer_and_team_member_get_403_on_write_urls(world, project, login, role, name, methods):
    client = login(member(project, role))
    before = _snapshot(project)

    for method in methods:
        response = _request(client, method, world[name], name)
        assert response.status_code == 403, method
        assert "Not allowed" in response.content.decode()
    assert _snapshot(project) == before


@pytest.mark.parametrize("role", [ProjectRole.VIEWER, ProjectRole.MEMBER])
def test_read_only_roles_are_offered_no_write_controls(world, project, login, role):
    client = login(member(project, role))

    project_page = client.get(world["project_detail"]).content.decode()
    incident_page = client.get(world["incident_detail"]).content.decode()

    assert world["incident_declare"] not in project_page
    assert world["contact_create"] not in project_page
    assert world["member_add"] not in project_page
    assert world["incident_edit"] not in incident_page
    assert world["incident_status"] not in incident_page


# --- project managers and PMO staff -------------------------------------------------


@pytest.mark.parametrize(("name", "methods"), WRITE_URLS)
def test_pm_may_use_every_write_url(world, pm, login, name, methods):
    client = login(pm)

    for method in methods:
        response = _request(client, method, world[name], name)
        assert response.status_code == (302 if method == "POST" else 200), method


@pytest.mark.parametrize("name", READ_URLS)
def test_pmo_staff_see_every_project_without_being_members(world, pmo, login, name):
    assert login(pmo).get(world[name]).status_code == 200


@pytest.mark.parametrize("name", ["incident_edit", "contact_create", "incident_declare"])
def test_pmo_staff_may_change_every_project(world, pmo, login, name):
    assert login(pmo).get(world[name]).status_code == 200


def test_pmo_staff_see_all_projects_and_open_incidents(world, project, pmo, login, now):
    other = IncidentFactory(now=now)
    client = login(pmo)

    projects = client.get(reverse("project_list")).content.decode()
    dashboard = client.get(reverse("dashboard")).content.decode()

    assert project.name in projects
    assert other.project.name in projects
    assert project.incidents.get().title in dashboard
    assert other.title in dashboard


def test_superuser_counts_as_pmo_staff(world, login):
    admin = UserFactory(is_superuser=True, is_staff=True)

    assert login(admin).get(world["incident_detail"]).status_code == 200


def test_project_create_is_for_pmo_staff_only(pm, pmo, login):
    url = reverse("project_create")

    assert login(pm).get(url).status_code == 403
    assert login(pm).post(url, {"client_name": "X", "name": "Y"}).status_code == 403
    assert login(pmo).get(url).status_code == 200


# --- anonymous visitors ---------------------------------------------------------------


@pytest.mark.parametrize(("name", "methods", "_writes"), PROJECT_AND_INCIDENT_URLS)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_anonymous_visitor_is_sent_to_login(world, client, name, methods, _writes, method):
    response = _request(client, method, world[name], name)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("name", ["dashboard", "project_list", "project_create", "preferences"])
def test_anonymous_visitor_is_sent_to_login_from_every_page(client, db, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse(name)}"


def test_home_redirects_to_the_dashboard(client, db):
    assert client.get("/")["Location"] == reverse("dashboard")
