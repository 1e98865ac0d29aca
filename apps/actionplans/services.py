"""The action plan: remediation and prevention items, and remedies offered.

Each service takes the acting user (``actor``) and records its event in the
same transaction (see ``docs/events.md``).
"""

from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.communications.services import log_note
from apps.core.bilingual import columns, take_texts
from apps.core.concurrency import save_if_unchanged
from apps.events.services import Actor, event_record, record_changes, snapshot
from apps.incidents.models import Incident
from apps.incidents.services import ensure_not_closed, incident_public_changed
from apps.projects.models import Membership, ProjectRole

from .models import (
    ITEM_TEXTS,
    REMEDY_TEXTS,
    ActionItem,
    ActionItemKind,
    ActionItemStatus,
    Remedy,
    RemedyAnswer,
)

ITEM_FIELDS = (
    "kind",
    *columns("title", "description"),
    "owner",
    "due_at",
    "status",
    *columns("dropped_reason"),
    "progress",
    "client_visible",
)
#: What still changes on a prevention action once its incident is closed: the client
#: follows its progress on the status page after the report; the rest is final.
AFTER_CLOSING_FIELDS = ("status", "progress", "due_at", *columns("dropped_reason"))
#: Roles that can own an action item (viewers only read).
OWNER_ROLES = (ProjectRole.PM, ProjectRole.MEMBER)


REMEDY_ANSWER_FIELDS = ("answer", "answered_at")
REMEDY_FIELDS = ("kind", *columns(*REMEDY_TEXTS), "value", "offered_at")


def check_owner(incident: Incident, owner: AbstractBaseUser) -> None:
    is_member = Membership.objects.filter(
        project_id=incident.project_id, user=owner, role__in=OWNER_ROLES
    ).exists()
    if not is_member:
        raise ValidationError(
            {"owner": _("The owner must be a project manager or team member of this project.")}
        )


def open_after_closing(item: ActionItem) -> bool:
    """A prevention action goes on after its incident is closed (``AFTER_CLOSING_FIELDS``)."""
    return item.kind == ActionItemKind.PREVENTION


def _ensure_editable(item: ActionItem, fields: dict) -> None:
    """Nothing changes on a closed incident's plan, except the progress of its prevention.

    Unchanged values of other fields (a form sends them all) are no change.
    """
    try:
        ensure_not_closed(item.incident)
    except ValidationError:
        if not open_after_closing(item):
            raise
        frozen = [
            name
            for name, value in fields.items()
            if name not in AFTER_CLOSING_FIELDS and value != getattr(item, name)
        ]
        if frozen:
            raise ValidationError(
                _(
                    "The incident is closed: only the status, progress, due date and "
                    "reason for dropping of a prevention action can still change."
                ),
                code="closed",
            ) from None


def _normalise(item: ActionItem, now: datetime) -> None:
    """Keep status, progress and completion consistent with each other."""
    for name in columns(*ITEM_TEXTS):
        setattr(item, name, (getattr(item, name) or "").strip())
    if not item.title:
        raise ValidationError({"title_en": _("Give the action a short title.")})
    if not 0 <= item.progress <= 100:
        raise ValidationError({"progress": _("Progress is a percentage from 0 to 100.")})
    if item.status == ActionItemStatus.DROPPED and not item.dropped_reason:
        raise ValidationError({"dropped_reason_en": _("Say why the action is dropped.")})
    if item.status != ActionItemStatus.DROPPED:
        item.dropped_reason_en = item.dropped_reason_zh_hans = ""
    if item.status == ActionItemStatus.DONE:
        item.progress = 100
        item.completed_at = item.completed_at or now
    else:
        item.completed_at = None
        if item.status == ActionItemStatus.PLANNED and item.progress > 0:
            item.status = ActionItemStatus.IN_PROGRESS


@transaction.atomic
def action_item_create(
    *,
    incident: Incident,
    actor: AbstractBaseUser,
    kind: str,
    owner: AbstractBaseUser,
    due_at: datetime,
    client_visible: bool = True,
    now: datetime | None = None,
    **texts: str,
) -> ActionItem:
    """Add an action; ``texts`` are its title and description by column (``title_en``, …)."""
    texts = take_texts(texts, "title", "description")
    now = now or timezone.now()
    ensure_not_closed(incident)
    check_owner(incident, owner)
    item = ActionItem(
        incident=incident,
        kind=kind,
        owner=owner,
        due_at=due_at,
        client_visible=client_visible,
        created_by=actor,
        created_at=now,
        updated_at=now,
        **texts,
    )
    _normalise(item, now)
    item.full_clean()
    item.save()
    event_record(
        actor=actor,
        verb="action_item.added",
        obj=item,
        incident=incident,
        data=snapshot(item, ITEM_FIELDS),
        now=now,
    )
    log_note(
        incident=incident,
        actor=actor,
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
    actor: Actor,
    now: datetime | None = None,
    **fields,
) -> ActionItem:
    """Edit an item if nobody else changed it since ``expected_version``.

    Raises ``EditConflict`` (with the current row) when someone did. Once the
    incident is closed, only a prevention action's progress still changes
    (``AFTER_CLOSING_FIELDS``).
    """
    now = now or timezone.now()
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"Unknown action item fields: {sorted(unknown)}")
    incident = item.incident
    _ensure_editable(item, fields)
    was_visible, old_status = item.client_visible, item.status
    before = snapshot(item, ITEM_FIELDS)
    for name, value in fields.items():
        setattr(item, name, value)
    if "owner" in fields:
        check_owner(incident, item.owner)
    _normalise(item, now)
    item.updated_at = now
    item.full_clean(exclude=["incident", "created_by"])
    save_if_unchanged(
        item,
        expected_version=expected_version,
        fields=[*ITEM_FIELDS, "completed_at", "updated_at"],
    )
    record_changes(
        actor=actor,
        verb="action_item.updated",
        obj=item,
        before=before,
        fields=ITEM_FIELDS,
        incident=incident,
        data={"version": item.version},
        now=now,
    )
    if item.status != old_status:
        log_note(
            incident=incident,
            actor=actor,
            summary=_("Action “%(title)s”: %(old)s → %(new)s")
            % {
                "title": item.title,
                "old": ActionItemStatus(old_status).label,
                "new": ActionItemStatus(item.status).label,
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
    actor: AbstractBaseUser,
    kind: str,
    value: Decimal | None = None,
    offered_at: datetime | None = None,
    now: datetime | None = None,
    **texts: str,
) -> Remedy:
    """Offer a remedy; ``texts`` are its description by column (``description_en``, …)."""
    texts = take_texts(texts, *REMEDY_TEXTS)
    now = now or timezone.now()
    ensure_not_closed(incident)
    offered_at = offered_at or now
    if offered_at > now:
        raise ValidationError({"offered_at": _("An offer cannot be dated in the future.")})
    if value is not None and value < 0:
        raise ValidationError({"value": _("Enter the value as a positive amount.")})
    remedy = Remedy(
        incident=incident,
        kind=kind,
        value=value,
        offered_at=offered_at,
        offered_by=actor,
        **texts,
    )
    if not remedy.description:
        raise ValidationError(
            {"description_en": _("Describe what is offered, in English or in Chinese.")}
        )
    remedy.full_clean()
    remedy.save()
    event_record(
        actor=actor,
        verb="remedy.offered",
        obj=remedy,
        incident=incident,
        data=snapshot(remedy, REMEDY_FIELDS),
        now=now,
    )
    incident_public_changed(incident_id=incident.pk)
    return remedy


@transaction.atomic
def remedy_answer(
    *,
    remedy: Remedy,
    actor: Actor,
    answer: str,
    answered_at: datetime | None = None,
    now: datetime | None = None,
) -> Remedy:
    """Record the client's answer to an offer (or set it back to pending)."""
    now = now or timezone.now()
    ensure_not_closed(remedy.incident)
    if answer not in RemedyAnswer.values:
        raise ValidationError({"answer": _("Choose the client's answer.")})
    before = snapshot(remedy, REMEDY_ANSWER_FIELDS)
    remedy.answer = answer
    remedy.answered_at = None if answer == RemedyAnswer.PENDING else (answered_at or now)
    if remedy.answered_at and remedy.answered_at < remedy.offered_at:
        raise ValidationError({"answered_at": _("The answer cannot come before the offer.")})
    remedy.save(update_fields=["answer", "answered_at"])
    record_changes(
        actor=actor,
        verb="remedy.answered",
        obj=remedy,
        before=before,
        fields=REMEDY_ANSWER_FIELDS,
        incident=remedy.incident,
        now=now,
    )
    incident_public_changed(incident_id=remedy.incident_id)
    return remedy
