import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.events.services import SYSTEM
from apps.projects import services
from apps.projects.models import Membership, Project, ProjectRole
from tests.factories import (
    ClientContactFactory,
    ClientFactory,
    MembershipFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CONTACT = {
    "name": "Chen Jing",
    "email": "chen.jing@client.example.com",
    "role": "CIO",
    "is_decision_maker": True,
    "language": "zh-hans",
    "time_zone": "Asia/Shanghai",
    "receives_updates": True,
}


# --- projects ------------------------------------------------------------------


def test_creating_a_project_makes_the_creator_its_pm():
    creator, lead = UserFactory(), UserFactory()

    project = services.project_create(
        client=ClientFactory(), name="  Dispatch  ", pmo_lead=lead, actor=creator
    )

    assert project.name == "Dispatch"
    assert project.first_contact_window_hours == 24
    assert list(project.memberships.values_list("user", "role")) == [(creator.pk, ProjectRole.PM)]


def test_the_pmo_lead_creating_a_project_does_not_become_its_pm():
    lead = UserFactory()

    project = services.project_create(
        client=ClientFactory(), name="Dispatch", pmo_lead=lead, actor=lead
    )

    assert not project.memberships.exists()


@pytest.mark.parametrize("hours", [25, 48, 0])
def test_first_contact_window_outside_1_to_24_hours_is_refused_by_the_service(hours):
    with pytest.raises(ValidationError) as exc:
        services.project_create(
            client=ClientFactory(),
            name="Dispatch",
            pmo_lead=UserFactory(),
            first_contact_window_hours=hours,
            actor=UserFactory(),
        )

    assert "first_contact_window_hours" in exc.value.message_dict
    assert not Project.objects.exists()


@pytest.mark.parametrize("hours", [25, 0])
def test_first_contact_window_outside_1_to_24_hours_is_refused_by_the_database(hours):
    project = ProjectFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(first_contact_window_hours=hours)


def test_a_second_project_with_the_same_name_for_the_client_is_refused():
    client = ClientFactory()
    ProjectFactory(client=client, name="Dispatch")

    with pytest.raises(ValidationError):
        services.project_create(
            client=client, name="Dispatch", pmo_lead=UserFactory(), actor=UserFactory()
        )


def test_client_get_or_create_reuses_the_client_by_its_trimmed_name():
    client = ClientFactory(name="Huaxin")

    assert services.client_get_or_create(name="  Huaxin ", actor=SYSTEM) == client


# --- memberships ------------------------------------------------------------------


def test_membership_set_adds_a_member_then_changes_the_role():
    project, user = ProjectFactory(), UserFactory()

    services.membership_set(
        project=project, user=user, role=ProjectRole.VIEWER, actor=project.pmo_lead
    )
    services.membership_set(project=project, user=user, role=ProjectRole.PM, actor=project.pmo_lead)

    assert list(project.memberships.values_list("user", "role")) == [(user.pk, ProjectRole.PM)]


def test_removing_the_last_pm_is_refused():
    membership = MembershipFactory(role=ProjectRole.PM)
    MembershipFactory(project=membership.project, role=ProjectRole.MEMBER)

    with pytest.raises(ValidationError) as exc:
        services.membership_remove(membership=membership, actor=membership.project.pmo_lead)

    assert exc.value.code == "last_pm"
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_demoting_the_last_pm_is_refused():
    membership = MembershipFactory(role=ProjectRole.PM)

    with pytest.raises(ValidationError) as exc:
        services.membership_set(
            project=membership.project,
            user=membership.user,
            role=ProjectRole.VIEWER,
            actor=membership.project.pmo_lead,
        )

    assert exc.value.code == "last_pm"
    membership.refresh_from_db()
    assert membership.role == ProjectRole.PM


def test_a_pm_can_be_demoted_while_another_pm_remains():
    membership = MembershipFactory(role=ProjectRole.PM)
    MembershipFactory(project=membership.project, role=ProjectRole.PM)

    services.membership_set(
        project=membership.project,
        user=membership.user,
        role=ProjectRole.MEMBER,
        actor=membership.project.pmo_lead,
    )

    membership.refresh_from_db()
    assert membership.role == ProjectRole.MEMBER


def test_a_pm_can_be_removed_while_another_pm_remains():
    membership = MembershipFactory(role=ProjectRole.PM)
    MembershipFactory(project=membership.project, role=ProjectRole.PM)

    services.membership_remove(membership=membership, actor=membership.project.pmo_lead)

    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_a_team_member_can_always_be_removed():
    membership = MembershipFactory(role=ProjectRole.MEMBER)

    services.membership_remove(membership=membership, actor=membership.project.pmo_lead)

    assert not Membership.objects.filter(pk=membership.pk).exists()


# --- client contacts ----------------------------------------------------------------


def test_contact_create_saves_the_contact():
    project = ProjectFactory()

    contact = services.contact_create(project=project, **CONTACT, actor=project.pmo_lead)

    assert contact.pk is not None
    assert list(project.contacts.all()) == [contact]


def test_duplicate_contact_email_is_a_field_error():
    project = ProjectFactory()
    ClientContactFactory(project=project, email=CONTACT["email"])

    with pytest.raises(ValidationError) as exc:
        services.contact_create(project=project, **CONTACT, actor=project.pmo_lead)

    assert list(exc.value.message_dict) == ["email"]
    assert project.contacts.count() == 1


def test_the_same_email_may_be_a_contact_on_two_projects():
    ClientContactFactory(email=CONTACT["email"])

    project = ProjectFactory()
    contact = services.contact_create(project=project, **CONTACT, actor=project.pmo_lead)

    assert contact.pk is not None


def test_changing_a_contact_email_to_a_colleagues_is_a_field_error():
    project = ProjectFactory()
    ClientContactFactory(project=project, email="taken@client.example.com")
    contact = ClientContactFactory(project=project)

    with pytest.raises(ValidationError) as exc:
        services.contact_update(
            contact=contact, email="taken@client.example.com", actor=contact.project.pmo_lead
        )

    assert list(exc.value.message_dict) == ["email"]


def test_contact_with_an_unknown_time_zone_is_refused():
    project = ProjectFactory()
    with pytest.raises(ValidationError) as exc:
        services.contact_create(
            project=project, **{**CONTACT, "time_zone": "Mars/Base"}, actor=project.pmo_lead
        )

    assert "time_zone" in exc.value.message_dict


def test_contact_update_saves_changes():
    contact = ClientContactFactory(receives_updates=True)

    services.contact_update(
        contact=contact, receives_updates=False, name="Liu Yang", actor=contact.project.pmo_lead
    )

    contact.refresh_from_db()
    assert (contact.name, contact.receives_updates) == ("Liu Yang", False)


def test_unknown_contact_field_is_a_programming_error():
    project = ProjectFactory()
    with pytest.raises(TypeError):
        services.contact_create(project=project, **CONTACT, phone="123", actor=project.pmo_lead)
