"""The communication log: append-only; a correction is a new entry pointing at the old."""

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.bilingual import column, guess_language
from apps.events.services import Actor, event_record
from apps.incidents.models import Incident
from apps.incidents.services import (
    ensure_not_closed,
    incident_public_changed,
    incident_record_first_contact,
)
from apps.projects.models import ClientContact

from ..models import CONTACT_CHANNELS, LogChannel, LogEntry, Meeting
from ._common import CLOCK_TOLERANCE, EARLIEST_CONTACT, check_participants


def _entry_data(entry: LogEntry, team, clients) -> dict:
    return {
        "channel": entry.channel,
        "occurred_at": entry.occurred_at,
        "summary_en": entry.summary_en,
        "summary_zh_hans": entry.summary_zh_hans,
        "reaction": entry.reaction,
        "client_visible": entry.client_visible,
        "team_participants": team,
        "client_participants": clients,
        "meeting": entry.meeting,
        "corrects": entry.corrects_id,
    }


def _append(
    *,
    incident: Incident,
    actor: Actor,
    verb: str,
    channel: str,
    occurred_at: datetime,
    summary_en: str,
    summary_zh_hans: str,
    team_participants: Iterable[AbstractBaseUser],
    client_participants: Iterable[ClientContact],
    reaction: int | None,
    client_visible: bool,
    corrects: LogEntry | None,
    meeting: Meeting | None,
    now: datetime,
) -> LogEntry:
    """Check and write one entry and its event; a real contact may be the first contact.

    The moment counts from the declaration at the earliest.
    """
    ensure_not_closed(incident)
    summary_en, summary_zh_hans = summary_en.strip(), summary_zh_hans.strip()
    if not (summary_en or summary_zh_hans):
        raise ValidationError({"summary_en": _("Say what was said, in English or in Chinese.")})
    if occurred_at > now + CLOCK_TOLERANCE:
        raise ValidationError({"occurred_at": _("A contact cannot be logged in the future.")})
    if occurred_at < incident.declared_at - EARLIEST_CONTACT:
        raise ValidationError(
            {"occurred_at": _("This is long before the incident was declared: check the date.")}
        )
    if channel not in LogChannel.values:
        raise ValidationError({"channel": _("Choose how the contact happened.")})
    if channel == LogChannel.UPDATE:
        raise ValidationError({"channel": _("Updates are logged by publishing them.")})
    if corrects is not None and corrects.incident_id != incident.pk:
        raise ValidationError(_("A correction must belong to the same incident."))
    team_participants = list(team_participants)
    client_participants = list(client_participants)
    check_participants(incident, client_participants, team_participants)
    entry = LogEntry.objects.create(
        incident=incident,
        channel=channel,
        occurred_at=min(occurred_at, now),
        summary_en=summary_en,
        summary_zh_hans=summary_zh_hans,
        reaction=reaction,
        client_visible=client_visible,
        corrects=corrects,
        meeting=meeting,
        recorded_by=None if not isinstance(actor, AbstractBaseUser) else actor,
        recorded_at=now,
    )
    entry.team_participants.set(team_participants)
    entry.client_participants.set(client_participants)
    event_record(
        actor=actor,
        verb=verb,
        obj=entry,
        incident=incident,
        data=_entry_data(entry, team_participants, client_participants),
        now=now,
    )
    if channel in CONTACT_CHANNELS and corrects is None:
        incident_record_first_contact(
            incident=incident,
            actor=actor,
            at=max(entry.occurred_at, incident.declared_at),
            now=now,
        )
    if client_visible:
        incident_public_changed(incident_id=incident.pk)
    return entry


@transaction.atomic
def log_contact(
    *,
    incident: Incident,
    actor: Actor,
    channel: str,
    occurred_at: datetime,
    summary_en: str = "",
    summary_zh_hans: str = "",
    team_participants: Iterable[AbstractBaseUser] = (),
    client_participants: Iterable[ClientContact] = (),
    reaction: int | None = None,
    client_visible: bool = False,
    corrects: LogEntry | None = None,
    meeting: Meeting | None = None,
    now: datetime | None = None,
) -> LogEntry:
    """Append an entry to the communication log (a correction if ``corrects`` is given).

    The summary is in English, in Chinese or in both; the client reads it in
    their language when the entry is visible to them.

    A real contact (meeting, call, e-mail, message) records the first contact
    if it is the first.
    """
    return _append(
        incident=incident,
        actor=actor,
        verb="log_entry.corrected" if corrects is not None else "log_entry.added",
        channel=channel,
        occurred_at=occurred_at,
        summary_en=summary_en,
        summary_zh_hans=summary_zh_hans,
        team_participants=team_participants,
        client_participants=client_participants,
        reaction=reaction,
        client_visible=client_visible,
        corrects=corrects,
        meeting=meeting,
        now=now or timezone.now(),
    )


@transaction.atomic
def log_correct(
    *,
    entry: LogEntry,
    actor: Actor,
    summary_en: str = "",
    summary_zh_hans: str = "",
    occurred_at: datetime | None = None,
    reaction: int | None = None,
    client_visible: bool | None = None,
    now: datetime | None = None,
) -> LogEntry:
    """Correct an entry by adding one that points at it; the original stays."""
    return log_contact(
        incident=entry.incident,
        actor=actor,
        channel=entry.channel if entry.channel != LogChannel.UPDATE else LogChannel.NOTE,
        occurred_at=occurred_at or entry.occurred_at,
        summary_en=summary_en,
        summary_zh_hans=summary_zh_hans,
        team_participants=entry.team_participants.all(),
        client_participants=entry.client_participants.all(),
        reaction=reaction if reaction is not None else entry.reaction,
        client_visible=entry.client_visible if client_visible is None else client_visible,
        corrects=entry,
        now=now,
    )


def log_note(
    *,
    incident: Incident,
    actor: Actor,
    summary: str,
    now: datetime | None = None,
) -> LogEntry:
    """An internal fact on the timeline (a snooze, a change of plan).

    A step of the service that calls it, inside that service's transaction:
    the caller records the event, so the note records none of its own.
    The note is internal, in the one language it was written in.
    """
    now = now or timezone.now()
    summary = summary.strip()
    return LogEntry.objects.create(
        incident=incident,
        channel=LogChannel.NOTE,
        occurred_at=now,
        **{column("summary", guess_language(summary)): summary},
        client_visible=False,
        recorded_by=actor if isinstance(actor, AbstractBaseUser) else None,
        recorded_at=now,
    )
