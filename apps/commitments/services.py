"""Commitments to the client: made, changed while open, then kept or missed.

Each service takes the acting user (``actor``) and records its event in the
same transaction (see ``docs/events.md``). The client's status page shows the
open ones and how many were kept, so each change moves the page on.
"""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.actionplans.services import check_owner
from apps.alternatives.models import Decision
from apps.communications.models import Meeting, StatusUpdate, UpdateStatus
from apps.communications.services import log_note
from apps.core.bilingual import columns, take_texts
from apps.core.concurrency import save_if_unchanged
from apps.events.services import Actor, event_record, record_changes, snapshot
from apps.incidents.models import Incident
from apps.incidents.services import ensure_not_closed, incident_public_changed

from .models import Commitment, CommitmentStatus

COMMITMENT_FIELDS = (*columns("what"), "due_at", "owner", "update", "meeting", "decision")


def _check_sources(commitment: Commitment) -> None:
    """Where it was made: at most one of an update, a meeting or a decision, of this incident."""
    given = [
        (name, obj)
        for name, obj in (
            ("update", commitment.update),
            ("meeting", commitment.meeting),
            ("decision", commitment.decision),
        )
        if obj is not None
    ]
    if len(given) > 1:
        raise ValidationError(
            {"update": _("Choose one place where the commitment was made, or none.")}
        )
    for name, obj in given:
        if obj.incident_id != commitment.incident_id:
            raise ValidationError({name: _("Choose one of this incident's own records.")})
    if commitment.update is not None and commitment.update.status != UpdateStatus.PUBLISHED:
        raise ValidationError({"update": _("Choose an update the client has received.")})


def _normalise(commitment: Commitment) -> None:
    for name in columns("what", "told_client"):
        setattr(commitment, name, (getattr(commitment, name) or "").strip())
    if not commitment.what:
        raise ValidationError({"what_en": _("Say what was promised, in English or in Chinese.")})
    check_owner(commitment.incident, commitment.owner)
    _check_sources(commitment)


def _lock_open(commitment: Commitment) -> Commitment:
    """The row as it is now, locked; refused once it is kept or missed."""
    current = (
        Commitment.objects.select_for_update().select_related("incident").get(pk=commitment.pk)
    )
    ensure_not_closed(current.incident)
    if not current.is_open:
        raise ValidationError(
            _("This commitment is already marked %(status)s.")
            % {"status": CommitmentStatus(current.status).label.lower()},
            code="not_open",
        )
    return current


@transaction.atomic
def commitment_make(
    *,
    incident: Incident,
    actor: AbstractBaseUser,
    owner: AbstractBaseUser,
    due_at: datetime,
    update: StatusUpdate | None = None,
    meeting: Meeting | None = None,
    decision: Decision | None = None,
    now: datetime | None = None,
    **texts: str,
) -> Commitment:
    """Record a promise made to the client; ``texts`` are ``what_en`` / ``what_zh_hans``."""
    texts = take_texts(texts, "what")
    now = now or timezone.now()
    ensure_not_closed(incident)
    commitment = Commitment(
        incident=incident,
        owner=owner,
        due_at=due_at,
        update=update,
        meeting=meeting,
        decision=decision,
        created_by=actor,
        created_at=now,
        updated_at=now,
        **texts,
    )
    _normalise(commitment)
    commitment.full_clean()
    commitment.save()
    event_record(
        actor=actor,
        verb="commitment.made",
        obj=commitment,
        incident=incident,
        data=snapshot(commitment, COMMITMENT_FIELDS),
        now=now,
    )
    log_note(
        incident=incident,
        actor=actor,
        summary=_("Commitment to the client recorded: %(what)s") % {"what": commitment.what},
        now=now,
    )
    incident_public_changed(incident_id=incident.pk)
    return commitment


@transaction.atomic
def commitment_update(
    *,
    commitment: Commitment,
    expected_version: int,
    actor: Actor,
    now: datetime | None = None,
    **fields,
) -> Commitment:
    """Change an open commitment if nobody else changed it since ``expected_version``.

    Raises ``EditConflict`` (with the current row) when someone did.
    """
    now = now or timezone.now()
    unknown = set(fields) - set(COMMITMENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown commitment fields: {sorted(unknown)}")
    _lock_open(commitment)
    before = snapshot(commitment, COMMITMENT_FIELDS)
    for name, value in fields.items():
        setattr(commitment, name, value)
    _normalise(commitment)
    commitment.updated_at = now
    commitment.full_clean(exclude=["incident", "created_by"])
    save_if_unchanged(
        commitment,
        expected_version=expected_version,
        fields=[*COMMITMENT_FIELDS, "updated_at"],
    )
    record_changes(
        actor=actor,
        verb="commitment.changed",
        obj=commitment,
        before=before,
        fields=COMMITMENT_FIELDS,
        incident=commitment.incident,
        data={"version": commitment.version},
        now=now,
    )
    incident_public_changed(incident_id=commitment.incident_id)
    return commitment


def _settle(
    commitment, *, actor, verb: str, fields: list[str], data: dict, note, now
) -> Commitment:
    """Save a commitment that was just kept or missed: its event, a log note, the page moves on."""
    commitment.updated_at = now
    commitment.version += 1
    commitment.save(update_fields=["status", *fields, "updated_at", "version"])
    event_record(
        actor=actor,
        verb=verb,
        obj=commitment,
        incident=commitment.incident,
        data=data,
        now=now,
    )
    log_note(
        incident=commitment.incident,
        actor=actor,
        summary=note % {"what": commitment.what},
        now=now,
    )
    incident_public_changed(incident_id=commitment.incident_id)
    return commitment


@transaction.atomic
def commitment_keep(
    *,
    commitment: Commitment,
    actor: Actor,
    kept_at: datetime | None = None,
    now: datetime | None = None,
) -> Commitment:
    """Mark an open commitment kept, at ``kept_at`` (not in the future; now if not given)."""
    now = now or timezone.now()
    commitment = _lock_open(commitment)
    kept_at = kept_at or now
    if kept_at > now:
        raise ValidationError({"kept_at": _("A commitment cannot be kept in the future.")})
    if kept_at < commitment.created_at:
        raise ValidationError({"kept_at": _("A commitment cannot be kept before it was made.")})
    commitment.status = CommitmentStatus.KEPT
    commitment.kept_at = kept_at
    return _settle(
        commitment,
        actor=actor,
        verb="commitment.kept",
        fields=["kept_at"],
        data={"kept_at": kept_at},
        note=_("Commitment kept: %(what)s"),
        now=now,
    )


@transaction.atomic
def commitment_miss(
    *,
    commitment: Commitment,
    actor: Actor,
    now: datetime | None = None,
    **texts: str,
) -> Commitment:
    """Mark an open commitment missed, with what the client was told about it.

    ``texts`` are ``told_client_en`` / ``told_client_zh_hans``; one language at least.
    """
    texts = take_texts(texts, "told_client")
    now = now or timezone.now()
    commitment = _lock_open(commitment)
    told = {name: (value or "").strip() for name, value in texts.items()}
    if not any(told.values()):
        raise ValidationError(
            {"told_client_en": _("Say what the client was told, in English or in Chinese.")}
        )
    for name, value in told.items():
        setattr(commitment, name, value)
    commitment.status = CommitmentStatus.MISSED
    commitment.missed_at = now
    return _settle(
        commitment,
        actor=actor,
        verb="commitment.missed",
        fields=["missed_at", *columns("told_client")],
        data={"missed_at": now, **told},
        note=_("Commitment missed: %(what)s"),
        now=now,
    )
