"""In the admin the delivery date is read, never typed; its history is read only."""

from datetime import date

import pytest
from django.urls import reverse

from apps.events.models import Event
from apps.projects import services
from apps.projects.models import DeliveryDateChange, Milestone, Project
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _project_form(project, pm):
    membership = project.memberships.get(user=pm)
    return {
        "client": project.client_id,
        "name": project.name,
        "description": project.description,
        "pmo_lead": project.pmo_lead_id,
        "first_contact_window_hours": project.first_contact_window_hours,
        "currency": project.currency,
        "delivery_date": "2030-01-01",
        "memberships-TOTAL_FORMS": 1,
        "memberships-INITIAL_FORMS": 1,
        "memberships-0-id": membership.pk,
        "memberships-0-project": project.pk,
        "memberships-0-user": pm.pk,
        "memberships-0-role": membership.role,
        "contacts-TOTAL_FORMS": 0,
        "contacts-INITIAL_FORMS": 0,
    }


def test_the_project_admin_shows_the_date_but_does_not_change_it(project, pm, superuser, login):
    services.project_change_delivery_date(
        project=project, actor=pm, delivery_date=date(2026, 12, 15), reason="Kick-off."
    )
    client = login(superuser)

    page = client.get(_url(Project, "change", project.pk)).content.decode()
    response = client.post(_url(Project, "change", project.pk), _project_form(project, pm))

    assert "15 Dec 2026" in page
    assert 'name="delivery_date"' not in page
    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).delivery_date == date(2026, 12, 15)
    assert DeliveryDateChange.objects.count() == 1


def test_the_history_of_the_date_is_read_only(project, pm, superuser, login):
    change = services.project_change_delivery_date(
        project=project, actor=pm, delivery_date=date(2026, 12, 15), reason="Kick-off."
    )
    client = login(superuser)

    assert client.get(_url(DeliveryDateChange, "changelist")).status_code == 200
    page = client.get(_url(DeliveryDateChange, "change", change.pk))
    assert page.status_code == 200
    assert "Kick-off." in page.content.decode()
    assert client.get(_url(DeliveryDateChange, "add")).status_code == 403
    assert (
        client.post(_url(DeliveryDateChange, "delete", change.pk), {"post": "yes"}).status_code
        == 403
    )
    assert DeliveryDateChange.objects.filter(pk=change.pk).exists()


def test_milestones_added_and_removed_in_the_admin_are_on_the_record(project, superuser, login):
    client = login(superuser)

    response = client.post(
        _url(Milestone, "add"),
        {
            "project": project.pk,
            "title_en": "",
            "title_zh_hans": "上线演练",
            "due_on": "2026-12-20",
        },
    )
    assert response.status_code == 302
    milestone = Milestone.objects.get()
    client.post(_url(Milestone, "delete", milestone.pk), {"post": "yes"})

    assert not Milestone.objects.exists()
    verbs = set(Event.objects.filter(project=project).values_list("verb", "actor"))
    assert verbs == {
        ("project.milestone_added", superuser.pk),
        ("project.milestone_removed", superuser.pk),
    }


def test_a_milestone_without_a_title_is_explained_in_the_admin(project, superuser, login):
    response = login(superuser).post(
        _url(Milestone, "add"),
        {"project": project.pk, "title_en": "", "title_zh_hans": "", "due_on": "2026-12-20"},
    )

    assert response.status_code == 200
    assert "Give the milestone a short title." in response.content.decode()
    assert not Milestone.objects.exists()
