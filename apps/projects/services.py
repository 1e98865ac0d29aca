"""Writes to projects, their members and their client contacts."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .models import Client, ClientContact, Membership, Project, Role

CONTACT_FIELDS = (
    "name",
    "email",
    "role",
    "is_decision_maker",
    "language",
    "time_zone",
    "receives_updates",
)


@transaction.atomic
def client_get_or_create(*, name: str) -> Client:
    client, _created = Client.objects.get_or_create(name=name.strip())
    return client


@transaction.atomic
def project_create(
    *,
    client: Client,
    name: str,
    pmo_lead: AbstractBaseUser,
    description: str = "",
    first_contact_window_hours: int = 24,
    created_by: AbstractBaseUser | None = None,
) -> Project:
    """Create a project; whoever creates it becomes its PM unless they are the PMO lead."""
    project = Project(
        client=client,
        name=name.strip(),
        description=description,
        pmo_lead=pmo_lead,
        first_contact_window_hours=first_contact_window_hours,
    )
    project.full_clean()
    project.save()
    if created_by is not None and created_by != pmo_lead:
        membership_set(project=project, user=created_by, role=Role.PM)
    return project


def _refuse_losing_the_last_pm(membership: Membership) -> None:
    if (
        membership.role == Role.PM
        and not Membership.objects.filter(project_id=membership.project_id, role=Role.PM)
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise ValidationError(_("A project keeps at least one project manager."), code="last_pm")


@transaction.atomic
def membership_set(*, project: Project, user: AbstractBaseUser, role: str) -> Membership:
    """Add a member, or change the role of one already there."""
    current = Membership.objects.filter(project=project, user=user).first()
    if current is not None and role != Role.PM:
        # Demoting the last PM would leave the project without one, like removing them.
        _refuse_losing_the_last_pm(current)
    membership, _created = Membership.objects.update_or_create(
        project=project, user=user, defaults={"role": role}
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    _refuse_losing_the_last_pm(membership)
    membership.delete()


def _save_contact(contact: ClientContact) -> ClientContact:
    # The unique e-mail is left to the database, so that a duplicate is reported
    # on the e-mail field (full_clean() would report it as a form-wide error).
    contact.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"email": _("This project already has a contact with that e-mail address.")}
        ) from exc
    return contact


def contact_create(*, project: Project, **fields) -> ClientContact:
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown contact fields: {sorted(unknown)}")
    return _save_contact(ClientContact(project=project, **fields))


def contact_update(*, contact: ClientContact, **fields) -> ClientContact:
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown contact fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(contact, name, value)
    return _save_contact(contact)
