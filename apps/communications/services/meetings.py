"""Meetings with the client: invitations, changes and cancellations, then the outcome."""

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.core.bilingual import LANGUAGES, column, columns, take_texts
from apps.events.services import Actor, changes, event_record, record_changes, snapshot
from apps.incidents.models import Incident
from apps.incidents.services import ensure_not_closed, incident_public_changed
from apps.outbox.services import email_enqueue
from apps.projects.models import ClientContact

from ..ical import meeting_cancellation, meeting_invitation
from ..models import MEETING_TEXTS, LogChannel, Meeting, MeetingStatus
from ..pages import contact_status_url
from ._common import CLOCK_TOLERANCE, check_participants
from .log import log_contact

#: What an invitation says, as the record keeps it.
MEETING_FIELDS = (
    *columns(*MEETING_TEXTS),
    "starts_at",
    "duration_minutes",
    "location",
)
OUTCOME_FIELDS = ("notes", "decisions")


def _recipients(contacts, users) -> list[tuple[str, str, str, ClientContact | None]]:
    """(address, language, time zone, contact) of client contacts and team members.

    Team members without an e-mail address are left out; ``contact`` is
    empty for them.
    """
    recipients = [(c.email, c.language, c.time_zone, c) for c in contacts]
    for user in users:
        if user.email:
            profile = getattr(user, "profile", None)
            recipients.append(
                (
                    user.email,
                    profile.language if profile else settings.LANGUAGE_CODE,
                    profile.time_zone if profile else "UTC",
                    None,
                )
            )
    return recipients


def _send_calendar(meeting, recipients, *, make_ics, method, template, actor, now) -> None:
    """E-mail each recipient the calendar object, in their language and time zone."""
    for email, language, tz, contact in recipients:
        # A client contact's invitation carries their own status page.
        status_url = (
            contact_status_url(contact=contact, incident=meeting.incident, actor=actor, now=now)
            if contact is not None and method != "CANCEL"
            else ""
        )
        with translation.override(language), timezone.override(tz):
            context = {
                "meeting": meeting,
                "incident": meeting.incident,
                "kind": template,
                "status_url": status_url,
            }
            email_enqueue(
                key=f"meeting:{meeting.pk}:seq:{meeting.sequence}:{email.lower()}",
                to=email,
                subject=render_to_string("communications/email/meeting_subject.txt", context),
                body_text=render_to_string("communications/email/meeting_body.txt", context),
                ics=make_ics(),
                ics_method=method,
                now=now,
            )


def _invite(meeting: Meeting, *, actor: Actor, now: datetime, removed=((), ())) -> None:
    """E-mail the meeting's calendar object to every attendee with an address.

    People taken off the meeting get a cancellation of their copy. Every
    change worth an e-mail is also a change of the status page.
    """
    incident_public_changed(incident_id=meeting.incident_id)
    method = meeting_invitation(meeting)[1]
    if method == "CANCEL":
        template = "cancelled"
    elif meeting.sequence == 0:
        template = "invitation"
    else:
        template = "updated"
    recipients = _recipients(meeting.client_attendees.all(), meeting.team_attendees.all())
    _send_calendar(
        meeting,
        recipients,
        make_ics=lambda: meeting_invitation(meeting)[0],
        method=method,
        template=template,
        actor=actor,
        now=now,
    )
    if removed[0] or removed[1]:
        _send_calendar(
            meeting,
            _recipients(*removed),
            make_ics=lambda: meeting_cancellation(meeting),
            method="CANCEL",
            template="cancelled",
            actor=actor,
            now=now,
        )


def _outcome_summary(meeting: Meeting, notes: str) -> dict[str, str]:
    """The log's entry for a meeting held: its title in each language it has, then the notes."""
    summary = {}
    for language in LANGUAGES:
        title = getattr(meeting, column("title", language))
        if title:
            summary[column("summary", language)] = f"{title}\n\n{notes}".strip()
    return summary


def _check_title(texts: dict) -> None:
    if not any(texts.get(name) for name in columns("title")):
        raise ValidationError(
            {"title_en": _("Give the meeting a title, in English or in Chinese.")}
        )


def _check_meeting_time(starts_at: datetime, duration_minutes: int, now: datetime) -> None:
    if starts_at < now - CLOCK_TOLERANCE:
        raise ValidationError({"starts_at": _("Schedule the meeting in the future.")})
    if not 5 <= duration_minutes <= 8 * 60:
        raise ValidationError(
            {"duration_minutes": _("A meeting lasts between 5 minutes and 8 hours.")}
        )


@transaction.atomic
def meeting_schedule(
    *,
    incident: Incident,
    actor: AbstractBaseUser,
    starts_at: datetime,
    duration_minutes: int,
    location: str,
    team_attendees: Iterable[AbstractBaseUser] = (),
    client_attendees: Iterable[ClientContact] = (),
    now: datetime | None = None,
    **texts: str,
) -> Meeting:
    """Schedule a meeting (the actor organises it) and send the invitations (after commit).

    ``texts`` are its title and agenda by column (``title_en``, ``agenda_zh_hans``, …).
    """
    now = now or timezone.now()
    texts = take_texts(texts, *MEETING_TEXTS)
    ensure_not_closed(incident)
    _check_title(texts)
    _check_meeting_time(starts_at, duration_minutes, now)
    team_attendees, client_attendees = list(team_attendees), list(client_attendees)
    check_participants(incident, client_attendees, team_attendees)
    meeting = Meeting(
        incident=incident,
        organizer=actor,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        location=location.strip(),
        uid=Meeting.new_uid(),
        **texts,
    )
    meeting.full_clean()
    meeting.save()
    meeting.team_attendees.set(team_attendees)
    meeting.client_attendees.set(client_attendees)
    event_record(
        actor=actor,
        verb="meeting.scheduled",
        obj=meeting,
        incident=incident,
        data=snapshot(meeting, MEETING_FIELDS)
        | {"team_attendees": team_attendees, "client_attendees": client_attendees},
        now=now,
    )
    _invite(meeting, actor=actor, now=now)
    return meeting


@transaction.atomic
def meeting_reschedule(
    *,
    meeting: Meeting,
    actor: Actor,
    starts_at: datetime,
    duration_minutes: int,
    location: str,
    team_attendees: Iterable[AbstractBaseUser] | None = None,
    client_attendees: Iterable[ClientContact] | None = None,
    now: datetime | None = None,
    **texts: str,
) -> Meeting:
    """Move or change a scheduled meeting; attendees get an update with the same UID.

    ``texts`` (``title_en``, ``agenda_zh_hans``, …) change only the texts given.
    """
    now = now or timezone.now()
    texts = take_texts(texts, *MEETING_TEXTS)
    meeting = Meeting.objects.select_for_update().select_related("incident").get(pk=meeting.pk)
    ensure_not_closed(meeting.incident)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError(_("Only a scheduled meeting can be changed."), code="not_scheduled")
    _check_meeting_time(starts_at, duration_minutes, now)
    before = snapshot(meeting, MEETING_FIELDS)
    meeting.starts_at = starts_at
    meeting.duration_minutes = duration_minutes
    meeting.location = location.strip()
    for name, value in texts.items():
        setattr(meeting, name, value)
    _check_title({name: getattr(meeting, name) for name in columns("title")})
    meeting.sequence += 1
    meeting.full_clean()
    meeting.save()
    removed = ((), ())
    changed = changes(before, snapshot(meeting, MEETING_FIELDS))
    if team_attendees is not None or client_attendees is not None:
        old_team = list(meeting.team_attendees.all())
        old_clients = list(meeting.client_attendees.all())
        team = list(team_attendees) if team_attendees is not None else old_team
        clients = list(client_attendees) if client_attendees is not None else old_clients
        check_participants(meeting.incident, clients, team)
        meeting.team_attendees.set(team)
        meeting.client_attendees.set(clients)
        removed = (
            [c for c in old_clients if c not in clients],
            [u for u in old_team if u not in team],
        )
        changed |= changes(
            {"team_attendees": old_team, "client_attendees": old_clients},
            {"team_attendees": team, "client_attendees": clients},
        )
    event_record(
        actor=actor,
        verb="meeting.rescheduled",
        obj=meeting,
        incident=meeting.incident,
        data={"changes": changed, "sequence": meeting.sequence},
        now=now,
    )
    _invite(meeting, actor=actor, now=now, removed=removed)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, actor: Actor, now: datetime | None = None) -> Meeting:
    now = now or timezone.now()
    meeting = Meeting.objects.select_for_update().select_related("incident").get(pk=meeting.pk)
    ensure_not_closed(meeting.incident)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError(_("Only a scheduled meeting can be cancelled."), code="not_scheduled")
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence += 1
    meeting.save()
    event_record(
        actor=actor,
        verb="meeting.cancelled",
        obj=meeting,
        incident=meeting.incident,
        data={
            "title_en": meeting.title_en,
            "title_zh_hans": meeting.title_zh_hans,
            "starts_at": meeting.starts_at,
        },
        now=now,
    )
    _invite(meeting, actor=actor, now=now)
    return meeting


@transaction.atomic
def meeting_record_outcome(
    *,
    meeting: Meeting,
    actor: Actor,
    notes: str,
    decisions: str = "",
    reaction: int | None = None,
    now: datetime | None = None,
) -> Meeting:
    """Record what was said and decided; a held meeting is a contact with the client."""
    now = now or timezone.now()
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("A cancelled meeting has no outcome."), code="cancelled")
    if meeting.starts_at > now + CLOCK_TOLERANCE:
        raise ValidationError(_("The meeting has not started yet."), code="not_started")
    notes = notes.strip()
    if not notes:
        raise ValidationError({"notes": _("Write down what was discussed.")})
    first_outcome = meeting.status == MeetingStatus.SCHEDULED
    before = snapshot(meeting, OUTCOME_FIELDS)
    meeting.notes = notes
    meeting.decisions = decisions.strip()
    meeting.status = MeetingStatus.HELD
    meeting.save()
    incident_public_changed(incident_id=meeting.incident_id)
    if first_outcome:
        event_record(
            actor=actor,
            verb="meeting.outcome_recorded",
            obj=meeting,
            incident=meeting.incident,
            data=snapshot(meeting, OUTCOME_FIELDS) | {"reaction": reaction},
            now=now,
        )
    else:
        record_changes(
            actor=actor,
            verb="meeting.outcome_edited",
            obj=meeting,
            before=before,
            fields=OUTCOME_FIELDS,
            incident=meeting.incident,
            now=now,
        )
    if first_outcome:
        log_contact(
            incident=meeting.incident,
            actor=actor,
            channel=LogChannel.MEETING,
            occurred_at=min(meeting.starts_at, now),
            **_outcome_summary(meeting, notes),
            team_participants=meeting.team_attendees.all(),
            client_participants=meeting.client_attendees.all(),
            reaction=reaction,
            client_visible=False,
            meeting=meeting,
            now=now,
        )
    return meeting
