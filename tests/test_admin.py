"""The admin works for every foundation model: lists, search, filters and change pages."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from apps.accounts.models import Profile
from apps.core.models import Heartbeat
from apps.core.services import heartbeat_record
from apps.incidents.models import Incident, IncidentStatus
from apps.projects.models import Client, ClientContact, Membership, Project
from tests.factories import (
    ClientContactFactory,
    IncidentFactory,
    UserFactory,
    informed_incident,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def objects(project, pm, superuser, now):
    """One of each model, named so that a search finds it."""
    return {
        get_user_model(): (pm, "pm", "is_staff__exact=0"),
        Profile: (pm.profile, "pm", "is_pmo__exact=0&language__exact=en"),
        Client: (project.client, project.client.name, ""),
        Project: (project, project.name, f"client__id__exact={project.client_id}"),
        Membership: (pm.memberships.get(), "pm", f"role__exact=pm&project__id__exact={project.pk}"),
        ClientContact: (
            ClientContactFactory(project=project, name="Chen Jing"),
            "Chen",
            "language__exact=zh-hans&receives_updates__exact=1",
        ),
        Incident: (
            IncidentFactory(project=project, declared_by=pm, title="Dispatch too slow", now=now),
            "Dispatch",
            f"status__exact=declared&severity__exact=high&project__client__id__exact="
            f"{project.client_id}&declared_at__year=2025",
        ),
    }


def _admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


FOUNDATION_MODELS = [
    get_user_model(),
    Profile,
    Client,
    Project,
    Membership,
    ClientContact,
    Incident,
]


@pytest.mark.parametrize("model", FOUNDATION_MODELS, ids=lambda m: m.__name__)
def test_changelist_with_search_and_filter_finds_the_object(objects, superuser, login, model):
    obj, term, filters = objects[model]
    client = login(superuser)

    response = client.get(f"{_admin_url(model, 'changelist')}?q={term}&{filters}")

    # A filter the admin does not know redirects to ?e=1; a good one is a 200.
    assert response.status_code == 200
    assert _admin_url(model, "change", obj.pk) in response.content.decode()


@pytest.mark.parametrize("model", FOUNDATION_MODELS, ids=lambda m: m.__name__)
def test_change_page_opens(objects, superuser, login, model):
    obj, _term, _filters = objects[model]

    response = login(superuser).get(_admin_url(model, "change", obj.pk))

    assert response.status_code == 200


def test_every_registered_model_has_a_working_changelist(objects, superuser, login):
    heartbeat_record(name="worker")
    client = login(superuser)

    for model in admin.site._registry:
        response = client.get(_admin_url(model, "changelist"))
        assert response.status_code == 200, model


def test_heartbeat_change_page_opens(superuser, login, db):
    beat = heartbeat_record(name="worker")

    assert login(superuser).get(_admin_url(Heartbeat, "change", beat.pk)).status_code == 200


def test_incidents_cannot_be_added_in_the_admin(superuser, login):
    # Declaring starts the first-contact clock, which only the app does.
    assert login(superuser).get(_admin_url(Incident, "add")).status_code == 403


def test_editing_an_incident_in_the_admin_keeps_its_deadlines(objects, superuser, login):
    incident = objects[Incident][0]
    due = incident.first_contact_due_at

    response = login(superuser).post(
        _admin_url(Incident, "change", incident.pk),
        {
            "project": incident.project_id,
            "title_en": "Corrected title",
            "summary_en": incident.summary,
            "severity": incident.severity,
            "declared_by": incident.declared_by_id,
        },
    )

    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.title == "Corrected title"
    assert incident.first_contact_due_at == due


def test_resolve_action_goes_through_the_service(project, pm, superuser, login, now):
    informed = informed_incident(project=project, declared_by=pm, now=now - timedelta(hours=2))
    declared = IncidentFactory(project=project, declared_by=pm, title="Fresh", now=now)

    response = login(superuser).post(
        _admin_url(Incident, "changelist"),
        {"action": "resolve_incidents", "_selected_action": [informed.pk, declared.pk]},
        follow=True,
    )

    informed.refresh_from_db()
    declared.refresh_from_db()
    assert informed.status == IncidentStatus.RESOLVED
    assert informed.next_update_due_at is None
    assert declared.status == IncidentStatus.DECLARED
    assert "Fresh: An incident that is “Declared” cannot become “Resolved”." in (
        response.content.decode()
    )


def test_admin_is_closed_to_project_managers(pm, login):
    response = login(pm).get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
