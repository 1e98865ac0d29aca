"""Writes to clients, projects, their members, client contacts, delivery date and milestones.

Each takes the acting user (``actor``) and records its event in the same
transaction (see ``docs/events.md``).
"""

from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from apps.core.bilingual import columns, take_texts
from apps.events.services import SYSTEM, Actor, event_record, record_changes, snapshot

from .models import (
    MILESTONE_TEXTS,
    Client,
    ClientContact,
    DeliveryDateChange,
    Membership,
    Milestone,
    Project,
    ProjectRole,
    default_currency,
)
from .pages import BEFORE_ARCHIVE, PUBLIC_CHANGED
from .selectors import is_last_pm

CONTACT_FIELDS = (
    "name",
    "email",
    "role",
    "is_decision_maker",
    "language",
    "time_zone",
    "receives_updates",
)
PROJECT_FIELDS = (
    "client",
    "name",
    "description",
    "pmo_lead",
    "first_contact_window_hours",
    "currency",
)
MILESTONE_FIELDS = (*columns(*MILESTONE_TEXTS), "due_on", "done_on")
#: The reason of the first delivery date, given when the project is created.
SET_AT_CREATION = _lazy("Set when the project was created")


@transaction.atomic
def client_get_or_create(*, name: str, actor: Actor) -> Client:
    """The client of that name, created (and recorded) if there is none yet."""
    client, created = Client.objects.get_or_create(name=name.strip())
    if created:
        event_record(actor=actor, verb="client.created", obj=client, data={"name": client.name})
    return client


@transaction.atomic
def client_update(*, client: Client, actor: Actor, name: str, notes: str = "") -> Client:
    """Rename a client or change the team's notes about it."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    before = snapshot(client, ("name", "notes"))
    client.name = name.strip()
    client.notes = notes
    client.full_clean()
    client.save(update_fields=["name", "notes"])
    record_changes(
        actor=actor, verb="client.updated", obj=client, before=before, fields=("name", "notes")
    )
    return client


@transaction.atomic
def client_archive(*, client: Client, actor: Actor, now: datetime | None = None) -> Client:
    """Hide a client whose work is over from the lists; its history stays whole."""
    now = now or timezone.now()
    client = Client.objects.select_for_update().get(pk=client.pk)
    if client.projects.filter(archived_at__isnull=True).exists():
        raise ValidationError(
            _("Archive the client's projects first: a client with live projects stays listed."),
            code="live_projects",
        )
    if client.archived_at is None:
        client.archived_at = now
        client.save(update_fields=["archived_at"])
        event_record(actor=actor, verb="client.archived", obj=client, now=now)
    return client


@transaction.atomic
def client_restore(*, client: Client, actor: Actor) -> Client:
    client = Client.objects.select_for_update().get(pk=client.pk)
    if client.archived_at is not None:
        client.archived_at = None
        client.save(update_fields=["archived_at"])
        event_record(actor=actor, verb="client.restored", obj=client)
    return client


@transaction.atomic
def project_create(
    *,
    client: Client,
    name: str,
    pmo_lead: AbstractBaseUser,
    actor: Actor,
    description: str = "",
    first_contact_window_hours: int = 24,
    currency: str | None = None,
    delivery_date: date | None = None,
) -> Project:
    """Create a project; whoever creates it becomes its PM unless they are the PMO lead.

    A committed ``delivery_date`` given now is the first entry of the date's history.
    """
    project = Project(
        client=client,
        name=name.strip(),
        description=description,
        pmo_lead=pmo_lead,
        first_contact_window_hours=first_contact_window_hours,
        currency=currency or default_currency(),
    )
    project.full_clean()
    project.save()
    event_record(
        actor=actor,
        verb="project.created",
        obj=project,
        project=project,
        data=snapshot(project, PROJECT_FIELDS),
    )
    if isinstance(actor, AbstractBaseUser) and actor != pmo_lead:
        membership_set(project=project, user=actor, role=ProjectRole.PM, actor=actor)
    if delivery_date is not None:
        project_change_delivery_date(
            project=project, actor=actor, delivery_date=delivery_date, reason=str(SET_AT_CREATION)
        )
        project.refresh_from_db(fields=["delivery_date"])
    return project


@transaction.atomic
def project_update(*, project: Project, actor: Actor, **fields) -> Project:
    """Change a project's client, name, description, PMO lead or first-contact window.

    Not its delivery date: that changes with a reason, by ``project_change_delivery_date``.
    """
    if "delivery_date" in fields:
        raise TypeError("The delivery date changes with a reason: project_change_delivery_date")
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown project fields: {sorted(unknown)}")
    project = Project.objects.select_for_update().get(pk=project.pk)
    before = snapshot(project, PROJECT_FIELDS)
    for name, value in fields.items():
        setattr(project, name, value.strip() if isinstance(value, str) else value)
    project.full_clean()
    project.save()
    record_changes(
        actor=actor,
        verb="project.updated",
        obj=project,
        before=before,
        fields=PROJECT_FIELDS,
        project=project,
    )
    return project


@transaction.atomic
def project_archive(*, project: Project, actor: Actor, now: datetime | None = None) -> Project:
    """Take a finished project off the lists; nothing of its history is lost.

    The apps above may refuse (``BEFORE_ARCHIVE``): a project with an open
    incident stays in sight.
    """
    now = now or timezone.now()
    project = Project.objects.select_for_update().get(pk=project.pk)
    BEFORE_ARCHIVE.check(project=project)
    if project.archived_at is None:
        project.archived_at = now
        project.save(update_fields=["archived_at"])
        event_record(actor=actor, verb="project.archived", obj=project, project=project, now=now)
    return project


@transaction.atomic
def project_restore(*, project: Project, actor: Actor) -> Project:
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.archived_at is not None:
        project.archived_at = None
        project.save(update_fields=["archived_at"])
        event_record(actor=actor, verb="project.restored", obj=project, project=project)
    return project


@transaction.atomic
def project_change_delivery_date(
    *,
    project: Project,
    actor: Actor,
    delivery_date: date,
    reason: str,
    now: datetime | None = None,
) -> DeliveryDateChange:
    """Move the project's committed delivery date, keeping the change and why it was made.

    1. refuse a missing date or reason;
    2. lock the project, so that two changes at once each see the date the other left;
    3. refuse a "change" to the date it already has;
    4. write the change, the project's new date and the event, all in this transaction.
    """
    now = now or timezone.now()
    reason = (reason or "").strip()
    if delivery_date is None:
        raise ValidationError(
            {"delivery_date": _("Give the new delivery date.")}, code="no_delivery_date"
        )
    if not reason:
        raise ValidationError(
            {"reason": _("Say why the delivery date changes: the project's history keeps it.")},
            code="no_reason",
        )
    project = Project.objects.select_for_update().get(pk=project.pk)
    previous = project.delivery_date
    if previous == delivery_date:
        raise ValidationError(
            {
                "delivery_date": _("The delivery date is already %(date)s: choose another one.")
                % {"date": date_format(delivery_date, "DATE_FORMAT")}
            },
            code="unchanged",
        )
    change = DeliveryDateChange(
        project=project,
        previous=previous,
        new=delivery_date,
        reason=reason,
        changed_by=None if actor is SYSTEM else actor,
        changed_at=now,
    )
    change.full_clean()
    change.save()
    project.delivery_date = delivery_date
    project.save(update_fields=["delivery_date"])
    event_record(
        actor=actor,
        verb="project.delivery_date_changed",
        obj=change,
        project=project,
        data={"previous": previous, "new": delivery_date, "reason": reason},
        now=now,
    )
    PUBLIC_CHANGED.check(project=project)
    return change


def _check_milestone(milestone: Milestone) -> None:
    for name in columns(*MILESTONE_TEXTS):
        setattr(milestone, name, (getattr(milestone, name) or "").strip())
    if not milestone.title:
        raise ValidationError({"title_en": _("Give the milestone a short title.")})
    milestone.full_clean(exclude=["project"])


@transaction.atomic
def milestone_add(
    *,
    project: Project,
    actor: Actor,
    due_on: date,
    done_on: date | None = None,
    **texts: str,
) -> Milestone:
    """Add a milestone; ``texts`` are its title by column (``title_en``, ``title_zh_hans``)."""
    texts = take_texts(texts, *MILESTONE_TEXTS)
    milestone = Milestone(project=project, due_on=due_on, done_on=done_on, **texts)
    _check_milestone(milestone)
    milestone.save()
    event_record(
        actor=actor,
        verb="project.milestone_added",
        obj=milestone,
        project=project,
        data=snapshot(milestone, MILESTONE_FIELDS),
    )
    PUBLIC_CHANGED.check(project=project)
    return milestone


@transaction.atomic
def milestone_update(*, milestone: Milestone, actor: Actor, **fields) -> Milestone:
    """Change a milestone's title, due date or the day it was done (``done_on``)."""
    unknown = set(fields) - set(MILESTONE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown milestone fields: {sorted(unknown)}")
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    before = snapshot(milestone, MILESTONE_FIELDS)
    for name, value in fields.items():
        setattr(milestone, name, value)
    _check_milestone(milestone)
    milestone.save()
    record_changes(
        actor=actor,
        verb="project.milestone_changed",
        obj=milestone,
        before=before,
        fields=MILESTONE_FIELDS,
        project=milestone.project_id,
    )
    PUBLIC_CHANGED.check(project=milestone.project)
    return milestone


@transaction.atomic
def milestone_remove(*, milestone: Milestone, actor: Actor) -> None:
    """Take a milestone off the plan; the record keeps what it was."""
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    event_record(
        actor=actor,
        verb="project.milestone_removed",
        obj=milestone,
        project=milestone.project_id,
        data=snapshot(milestone, MILESTONE_FIELDS),
    )
    milestone.delete()
    PUBLIC_CHANGED.check(project=milestone.project)


LAST_PM = _lazy("A project keeps at least one project manager.")


def _refuse_losing_the_last_pm(membership: Membership) -> None:
    if is_last_pm(membership):
        raise ValidationError(LAST_PM, code="last_pm")


@transaction.atomic
def membership_set(
    *, project: Project, user: AbstractBaseUser, role: str, actor: Actor
) -> Membership:
    """Add a member, or change the role of one already there."""
    if role not in ProjectRole.values:
        raise ValidationError({"role": _("Choose a role from the list.")})
    current = Membership.objects.select_for_update().filter(project=project, user=user).first()
    if current is not None and role != ProjectRole.PM:
        # Demoting the last PM would leave the project without one, like removing them.
        _refuse_losing_the_last_pm(current)
    if current is None:
        membership = Membership.objects.create(project=project, user=user, role=role)
        event_record(
            actor=actor,
            verb="membership.added",
            obj=membership,
            project=project,
            data={"user": user, "role": role},
        )
        return membership
    if current.role != role:
        changed = {"role": {"before": current.role, "after": role}}
        current.role = role
        current.save(update_fields=["role"])
        event_record(
            actor=actor,
            verb="membership.role_changed",
            obj=current,
            project=project,
            data={"user": user, "changes": changed},
        )
    return current


@transaction.atomic
def membership_remove(*, membership: Membership, actor: Actor) -> None:
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    _refuse_losing_the_last_pm(membership)
    event_record(
        actor=actor,
        verb="membership.removed",
        obj=membership,
        project=membership.project_id,
        data={"user": membership.user, "role": membership.role},
    )
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


def _check_contact_fields(fields) -> None:
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown contact fields: {sorted(unknown)}")


@transaction.atomic
def contact_create(*, project: Project, actor: Actor, **fields) -> ClientContact:
    _check_contact_fields(fields)
    contact = _save_contact(ClientContact(project=project, **fields))
    event_record(
        actor=actor,
        verb="contact.added",
        obj=contact,
        project=project,
        data=snapshot(contact, CONTACT_FIELDS),
    )
    return contact


@transaction.atomic
def contact_update(*, contact: ClientContact, actor: Actor, **fields) -> ClientContact:
    _check_contact_fields(fields)
    before = snapshot(ClientContact.objects.get(pk=contact.pk), CONTACT_FIELDS)
    for name, value in fields.items():
        setattr(contact, name, value)
    contact = _save_contact(contact)
    record_changes(
        actor=actor,
        verb="contact.updated",
        obj=contact,
        before=before,
        fields=CONTACT_FIELDS,
        project=contact.project_id,
    )
    return contact
