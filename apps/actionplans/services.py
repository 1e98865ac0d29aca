"""The action plan: remediation and prevention items, and remedies offered."""

from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.communications.services import log_note
from apps.core.concurrency import save_if_unchanged
from apps.incidents.models import Incident, Status
from apps.incidents.services import incident_public_changed
from apps.projects.models import Membership, Role

from .models import ActionItem, ItemStatus, Remedy, RemedyAnswer

ITEM_FIELDS = (
    "kind",
    "title",
    "description",
    "owner",
    "due_at",
    "status",
    "dropped_reason",
    "progress",
    "client_visible",
)
#: Roles that can own an action item (viewers only read).
OWNER_ROLES = (Role.PM, Role.MEMBER)


def _check_open(incident: Incident) -> None:
    if incident.status == Status.CLOSED:
        raise ValidationError(_("The incident is closed: its plan is final."), code="closed")


def _check_owner(incident: Incident, owner: AbstractBaseUser) -> None:
    is_member = Membership.objects.filter(
        project_id=incident.project_id, user=owner, role__in=OWNER_ROLES
    ).exists()
    if not is_member:
        raise ValidationError(
            {"owner": _("The owner must be a project manager or team member of this project.")}
        )


def _normalise(item: ActionItem, now: datetime) -> None:
    """Keep status, progress and completion consistent with each other."""
    item.title = item.title.strip()
    item.dropped_reason = item.dropped_reason.strip()
    if not item.title:
        raise ValidationError({"title": _("Give the action a short title.")})
    if not 0 <= item.progress <= 100:
        raise ValidationError({"progress": _("Progress is a percentage from 0 to 100.")})
    if item.status == ItemStatus.DROPPED and not item.dropped_reason:
        raise ValidationError({"dropped_reason": _("Say why the action is dropped.")})
    if item.status != ItemStatus.DROPPED:
        item.dropped_reason = ""
    if item.status == ItemStatus.DONE:
        item.progress = 100
        item.completed_at = item.completed_at or now
    else:
        item.completed_at = None
        if item.status == ItemStatus.PLANNED and item.progress > 0:
            item.status = ItemStatus.IN_PROGRESS


@transaction.atomic
def action_item_create(
    *,
    incident: Incident,
    created_by: AbstractBaseUser,
    kind: str,
    title: str,
    owner: AbstractBaseUser,
    due_at: datetime,
    description: str = "",
    client_visible: bool = True,
    now: datetime | None = None,
) -> ActionItem:
    now = now or timezone.now()
    _check_open(incident)
    _check_owner(incident, owner)
    item = ActionItem(
        incident=incident,
        kind=kind,
        title=title,
        description=description.strip(),
        owner=owner,
        due_at=due_at,
        client_visible=client_visible,
        created_by=created_by,
        created_at=now,
        updated_at=now,
    )
    _normalise(item, now)
    item.full_clean()
    item.save()
    log_note(
        incident=incident,
        recorded_by=created_by,
        summary=_("Action added to the plan: %(title)s") % {"title": item.title},
        now=now,
    )
    if item.client_visible:
        incident_public_changed(incident_id=incident.pk)
    return item


@transaction.atomic
def action_item_update(
    *,
    item: ActionItem,
    expected_version: int,
    changed_by: AbstractBaseUser,
    now: datetime | None = None,
    **fields,
) -> ActionItem:
    """Edit an item if nobody else changed it since ``expected_version``.

    Raises ``EditConflict`` (with the current row) when someone did.
    """
    now = now or timezone.now()
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"Unknown action item fields: {sorted(unknown)}")
    incident = item.incident
    _check_open(incident)
    was_visible, old_status = item.client_visible, item.status
    for name, value in fields.items():
        setattr(item, name, value)
    if "owner" in fields:
        _check_owner(incident, item.owner)
    item.description = item.description.strip()
    _normalise(item, now)
    item.updated_at = now
    item.full_clean(exclude=["incident", "created_by"])
    save_if_unchanged(
        item,
        expected_version=expected_version,
        fields=[*ITEM_FIELDS, "completed_at", "updated_at"],
    )
    if item.status != old_status:
        log_note(
            incident=incident,
            recorded_by=changed_by,
            summary=_("Action “%(title)s”: %(old)s → %(new)s")
            % {
                "title": item.title,
                "old": ItemStatus(old_status).label,
                "new": ItemStatus(item.status).label,
            },
            now=now,
        )
    if item.client_visible or was_visible:
        incident_public_changed(incident_id=incident.pk)
    return item


@transaction.atomic
def remedy_offer(
    *,
    incident: Incident,
    offered_by: AbstractBaseUser,
    kind: str,
    description: str,
    value: Decimal | None = None,
    offered_at: datetime | None = None,
    now: datetime | None = None,
) -> Remedy:
    now = now or timezone.now()
    _check_open(incident)
    offered_at = offered_at or now
    if offered_at > now:
        raise ValidationError({"offered_at": _("An offer cannot be dated in the future.")})
    if value is not None and value < 0:
        raise ValidationError({"value": _("Enter the value as a positive amount.")})
    remedy = Remedy(
        incident=incident,
        kind=kind,
        description=description.strip(),
        value=value,
        offered_at=offered_at,
        offered_by=offered_by,
    )
    remedy.full_clean()
    remedy.save()
    incident_public_changed(incident_id=incident.pk)
    return remedy


@transaction.atomic
def remedy_answer(
    *,
    remedy: Remedy,
    answer: str,
    answered_at: datetime | None = None,
    now: datetime | None = None,
) -> Remedy:
    """Record the client's answer to an offer (or set it back to pending)."""
    now = now or timezone.now()
    _check_open(remedy.incident)
    if answer not in RemedyAnswer.values:
        raise ValidationError({"answer": _("Choose the client's answer.")})
    remedy.answer = answer
    remedy.answered_at = None if answer == RemedyAnswer.PENDING else (answered_at or now)
    if remedy.answered_at and remedy.answered_at < remedy.offered_at:
        raise ValidationError({"answered_at": _("The answer cannot come before the offer.")})
    remedy.save(update_fields=["answer", "answered_at"])
    incident_public_changed(incident_id=remedy.incident_id)
    return remedy
