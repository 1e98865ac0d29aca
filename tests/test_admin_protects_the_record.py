"""The admin cannot destroy the record, and every write in it goes through the services.

Incidents, projects and clients with history are never deleted (they are
archived); the membership inline keeps a project manager, like the app;
creating a project in the admin is creating it through ``project_create``.
"""

import pytest
from django.db.models.deletion import ProtectedError
from django.urls import reverse

from apps.communications.models import LogEntry
from apps.events.models import Event
from apps.incidents.models import Incident
from apps.projects.models import Client, Membership, Project, ProjectRole
from tests.factories import (
    ClientFactory,
    IncidentFactory,
    UserFactory,
    member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


# --- nothing with history is deleted -------------------------------------------------------


def test_the_admin_refuses_to_delete_an_incident(incident, superuser, login):
    client = login(superuser)

    assert client.get(_url(Incident, "delete", incident.pk)).status_code == 403
    assert client.post(_url(Incident, "delete", incident.pk), {"post": "yes"}).status_code == 403
    changelist = client.get(_url(Incident, "changelist")).content.decode()
    assert 'value="delete_selected"' not in changelist
    assert Incident.objects.filter(pk=incident.pk).exists()


def test_the_admin_refuses_to_delete_a_project_with_history(incident, superuser, login):
    project = incident.project

    response = login(superuser).post(_url(Project, "delete", project.pk), {"post": "yes"})

    assert response.status_code == 403
    assert Project.objects.filter(pk=project.pk).exists()


def test_the_admin_refuses_to_delete_a_client_with_projects(project, superuser, login):
    response = login(superuser).post(_url(Client, "delete", project.client_id), {"post": "yes"})

    assert response.status_code == 403
    assert Client.objects.filter(pk=project.client_id).exists()


def test_a_client_typed_by_mistake_and_never_used_can_be_deleted(superuser, login):
    mistake = ClientFactory(name="Hauxin (typo)")

    response = login(superuser).post(_url(Client, "delete", mistake.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Client.objects.filter(pk=mistake.pk).exists()


def test_the_database_refuses_to_delete_an_incident_or_its_record(incident, pm, now):
    from apps.communications import services as communications

    communications.log_contact(
        incident=incident, actor=pm, channel="call", occurred_at=now, summary_en="Hi.", now=now
    )

    with pytest.raises(ProtectedError):
        Incident.objects.filter(pk=incident.pk).delete()
    with pytest.raises(ProtectedError):
        Event.objects.filter(incident=incident).first().actor.delete()
    assert LogEntry.objects.filter(incident=incident).exists()


def test_the_record_itself_is_read_only_in_the_admin(incident, superuser, login):
    event = Event.objects.get(incident=incident)
    client = login(superuser)

    assert client.get(_url(Event, "change", event.pk)).status_code == 200  # to read
    assert client.post(_url(Event, "change", event.pk), {"verb": "x"}).status_code == 403
    assert client.post(_url(Event, "delete", event.pk), {"post": "yes"}).status_code == 403
    assert client.get(_url(Event, "add")).status_code == 403


def test_archiving_a_project_in_the_admin_keeps_it_and_records_who(project, superuser, login):
    response = login(superuser).post(
        _url(Project, "changelist"),
        {"action": "archive", "_selected_action": [project.pk]},
        follow=True,
    )

    assert response.status_code == 200
    project.refresh_from_db()
    assert project.archived_at is not None
    assert Event.objects.get(verb="project.archived").actor == superuser


def test_a_project_with_an_open_incident_is_not_archived_in_the_admin(incident, superuser, login):
    response = login(superuser).post(
        _url(Project, "changelist"),
        {"action": "archive", "_selected_action": [incident.project_id]},
        follow=True,
    )

    assert "The project has open incidents: resolve them before archiving it." in (
        response.content.decode()
    )
    assert Project.objects.get(pk=incident.project_id).archived_at is None


# --- the admin writes through the services -------------------------------------------------


def _project_form(project, memberships, **extra):
    """The project change form as the admin posts it, with the membership inline."""
    data = {
        "client": project.client_id,
        "name": project.name,
        "description": project.description,
        "pmo_lead": project.pmo_lead_id,
        "first_contact_window_hours": project.first_contact_window_hours,
        "currency": project.currency,
        "memberships-TOTAL_FORMS": len(memberships),
        "memberships-INITIAL_FORMS": sum(1 for m in memberships if m.get("id")),
        "memberships-MIN_NUM_FORMS": 0,
        "memberships-MAX_NUM_FORMS": 1000,
        "contacts-TOTAL_FORMS": 0,
        "contacts-INITIAL_FORMS": 0,
        "contacts-MIN_NUM_FORMS": 0,
        "contacts-MAX_NUM_FORMS": 1000,
    }
    for i, row in enumerate(memberships):
        for key, value in row.items():
            data[f"memberships-{i}-{key}"] = value
        data[f"memberships-{i}-project"] = project.pk
    return data | extra


def test_the_membership_inline_cannot_remove_the_last_pm(project, pm, superuser, login):
    only = Membership.objects.get(user=pm)

    response = login(superuser).post(
        _url(Project, "change", project.pk),
        _project_form(project, [{"id": only.pk, "user": pm.pk, "role": "pm", "DELETE": "on"}]),
    )

    assert response.status_code == 200  # the form again, with the reason
    assert "A project keeps at least one project manager." in response.content.decode()
    assert Membership.objects.filter(pk=only.pk, role=ProjectRole.PM).exists()


def test_the_membership_inline_cannot_demote_the_last_pm(project, pm, superuser, login):
    only = Membership.objects.get(user=pm)

    response = login(superuser).post(
        _url(Project, "change", project.pk),
        _project_form(project, [{"id": only.pk, "user": pm.pk, "role": "viewer"}]),
    )

    assert "A project keeps at least one project manager." in response.content.decode()
    assert Membership.objects.get(pk=only.pk).role == ProjectRole.PM


def test_the_membership_inline_adds_and_removes_members_on_the_record(
    project, pm, team_member, superuser, login
):
    newcomer = UserFactory()
    rows = [
        {"id": Membership.objects.get(user=pm).pk, "user": pm.pk, "role": "pm"},
        {
            "id": Membership.objects.get(user=team_member).pk,
            "user": team_member.pk,
            "role": "member",
            "DELETE": "on",
        },
        {"user": newcomer.pk, "role": "viewer"},
    ]

    response = login(superuser).post(
        _url(Project, "change", project.pk), _project_form(project, rows)
    )

    assert response.status_code == 302
    assert set(project.memberships.values_list("user", "role")) == {
        (pm.pk, ProjectRole.PM),
        (newcomer.pk, ProjectRole.VIEWER),
    }
    assert {(e.verb, e.actor) for e in Event.objects.filter(project=project)} == {
        ("membership.removed", superuser),
        ("membership.added", superuser),
    }


def test_the_standalone_membership_admin_keeps_the_last_pm(project, pm, superuser, login):
    only = Membership.objects.get(user=pm)
    client = login(superuser)

    assert client.post(_url(Membership, "delete", only.pk), {"post": "yes"}).status_code == 403
    demoted = client.post(_url(Membership, "change", only.pk), {"role": "member"})
    assert "A project keeps at least one project manager." in demoted.content.decode()
    assert Membership.objects.get(pk=only.pk).role == ProjectRole.PM


def test_creating_a_project_in_the_admin_is_creating_it_through_the_service(superuser, login):
    client_org = ClientFactory()
    lead = UserFactory()

    response = login(superuser).post(
        _url(Project, "add"),
        {
            "client": client_org.pk,
            "name": "Dispatch",
            "description": "",
            "pmo_lead": lead.pk,
            "first_contact_window_hours": 12,
            "currency": "EUR",
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
            "memberships-MIN_NUM_FORMS": 0,
            "memberships-MAX_NUM_FORMS": 1000,
            "contacts-TOTAL_FORMS": 0,
            "contacts-INITIAL_FORMS": 0,
            "contacts-MIN_NUM_FORMS": 0,
            "contacts-MAX_NUM_FORMS": 1000,
        },
    )

    assert response.status_code == 302
    project = Project.objects.get(name="Dispatch")
    created = Event.objects.get(verb="project.created")
    assert (created.actor, created.project_id) == (superuser, project.pk)
    # Whoever creates a project is its PM unless they lead it, as in the app.
    assert project.memberships.get().user == superuser


def test_a_project_edit_in_the_admin_is_on_the_record(project, superuser, login):
    member(project, ProjectRole.PM)

    login(superuser).post(
        _url(Project, "change", project.pk),
        _project_form(
            project,
            [{"id": m.pk, "user": m.user_id, "role": m.role} for m in project.memberships.all()],
            name="Renamed in the admin",
        ),
    )

    event = Event.objects.get(verb="project.updated")
    assert event.actor == superuser
    assert event.data["changes"]["name"]["after"] == "Renamed in the admin"


def test_a_pmo_grant_in_the_admin_is_on_the_record(superuser, login):
    user = UserFactory()

    login(superuser).post(
        _url(type(user.profile), "change", user.profile.pk),
        {"is_pmo": "on", "language": "en", "time_zone": "UTC"},
    )

    event = Event.objects.get(verb="profile.updated")
    assert event.actor == superuser
    assert event.data["changes"]["is_pmo"] == {"before": False, "after": True}


def test_declaring_on_an_archived_project_is_refused(project, pm, now):
    from django.core.exceptions import ValidationError

    from apps.projects import services

    services.project_archive(project=project, actor=project.pmo_lead)

    with pytest.raises(ValidationError) as exc:
        IncidentFactory(project=project, declared_by=pm, now=now)

    assert exc.value.error_list[0].code == "archived"


def test_a_person_with_history_is_deactivated_not_deleted(incident, pm, superuser, login):
    response = login(superuser).post(_url(type(pm), "delete", pm.pk), {"post": "yes"})

    # Django's admin explains which records protect the user; nothing is lost.
    assert response.status_code == 200
    assert "Cannot delete user" in response.content.decode()
    assert type(pm).objects.filter(pk=pm.pk).exists()
