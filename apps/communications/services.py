"""Writes of the communication log, meetings and status updates.

Every contact with the client is logged here; logging a real contact or
publishing the first update satisfies the first-contact deadline, and each
published update resets the update clock.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.core.markdown import render_markdown
from apps.incidents.models import Incident, Status
from apps.incidents.services import incident_public_changed, incident_record_first_contact
from apps.outbox.services import email_enqueue
from apps.projects.models import ClientContact
from apps.projects.selectors import project_team_ids

from .ical import meeting_cancellation, meeting_invitation
from .models import (
    CONTACT_CHANNELS,
    Channel,
    LogEntry,
    Meeting,
    MeetingStatus,
    StatusUpdate,
    UpdateStatus,
)

#: Clocks disagree a little; a contact logged "now" on a fast laptop is fine.
CLOCK_TOLERANCE = timedelta(minutes=5)
#: A contact shortly before the declaration can belong to the incident (the
#: client called first); one much earlier is a typing mistake.
EARLIEST_CONTACT = timedelta(days=7)


def _check_not_closed(incident: Incident) -> None:
    if incident.status == Status.CLOSED:
        raise ValidationError(_("The incident is closed: its record is final."), code="closed")


def _check_participants(incident: Incident, contacts: Iterable[ClientContact], users) -> None:
    if any(contact.project_id != incident.project_id for contact in contacts):
        raise ValidationError(
            {"client_participants": _("Only contacts of this project can take part.")}
        )
    team = project_team_ids(incident.project)
    if any(user.pk not in team for user in users):
        raise ValidationError(
            {"team_participants": _("Only members of this project can take part.")}
        )


@transaction.atomic
def log_contact(
    *,
    incident: Incident,
    recorded_by: AbstractBaseUser,
    channel: str,
    occurred_at: datetime,
    summary: str,
    team_participants: Iterable[AbstractBaseUser] = (),
    client_participants: Iterable[ClientContact] = (),
    reaction: int | None = None,
    client_visible: bool = False,
    corrects: LogEntry | None = None,
    meeting: Meeting | None = None,
    now: datetime | None = None,
) -> LogEntry:
    """Append an entry to the communication log.

    A real contact (meeting, call, e-mail, message) records the first contact
    if it is the first; the moment counts from the declaration at the earliest.
    """
    now = now or timezone.now()
    _check_not_closed(incident)
    summary = summary.strip()
    if not summary:
        raise ValidationError({"summary": _("Say what was said.")})
    if occurred_at > now + CLOCK_TOLERANCE:
        raise ValidationError({"occurred_at": _("A contact cannot be logged in the future.")})
    if occurred_at < incident.declared_at - EARLIEST_CONTACT:
        raise ValidationError(
            {"occurred_at": _("This is long before the incident was declared: check the date.")}
        )
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Choose how the contact happened.")})
    if channel == Channel.UPDATE:
        raise ValidationError({"channel": _("Updates are logged by publishing them.")})
    if corrects is not None and corrects.incident_id != incident.pk:
        raise ValidationError(_("A correction must belong to the same incident."))
    team_participants = list(team_participants)
    client_participants = list(client_participants)
    _check_participants(incident, client_participants, team_participants)
    occurred_at = min(occurred_at, now)
    entry = LogEntry.objects.create(
        incident=incident,
        channel=channel,
        occurred_at=occurred_at,
        summary=summary,
        reaction=reaction,
        client_visible=client_visible,
        corrects=corrects,
        meeting=meeting,
        recorded_by=recorded_by,
        recorded_at=now,
    )
    entry.team_participants.set(team_participants)
    entry.client_participants.set(client_participants)
    if channel in CONTACT_CHANNELS and corrects is None:
        incident_record_first_contact(
            incident=incident, at=max(occurred_at, incident.declared_at), now=now
        )
    if client_visible:
        incident_public_changed(incident_id=incident.pk)
    return entry


@transaction.atomic
def log_correct(
    *,
    entry: LogEntry,
    recorded_by: AbstractBaseUser,
    summary: str,
    occurred_at: datetime | None = None,
    reaction: int | None = None,
    client_visible: bool | None = None,
    now: datetime | None = None,
) -> LogEntry:
    """Correct an entry by adding one that points at it; the original stays."""
    return log_contact(
        incident=entry.incident,
        recorded_by=recorded_by,
        channel=entry.channel if entry.channel != Channel.UPDATE else Channel.NOTE,
        occurred_at=occurred_at or entry.occurred_at,
        summary=summary,
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
    recorded_by: AbstractBaseUser | None,
    summary: str,
    now: datetime | None = None,
) -> LogEntry:
    """An internal fact on the timeline (a snooze, a change of plan)."""
    now = now or timezone.now()
    return LogEntry.objects.create(
        incident=incident,
        channel=Channel.NOTE,
        occurred_at=now,
        summary=summary,
        client_visible=False,
        recorded_by=recorded_by,
        recorded_at=now,
    )


# --- status updates ------------------------------------------------------------


def _clean_bodies(body_en: str, body_zh_hans: str) -> tuple[str, str]:
    body_en, body_zh_hans = body_en.strip(), body_zh_hans.strip()
    if not body_en and not body_zh_hans:
        raise ValidationError(_("Write the update in English, in Chinese, or in both."))
    return body_en, body_zh_hans


@transaction.atomic
def update_draft_save(
    *,
    incident: Incident,
    author: AbstractBaseUser,
    body_en: str,
    body_zh_hans: str,
    update: StatusUpdate | None = None,
    now: datetime | None = None,
) -> StatusUpdate:
    """Create or edit a draft update. Published updates are never edited."""
    now = now or timezone.now()
    _check_not_closed(incident)
    body_en, body_zh_hans = _clean_bodies(body_en, body_zh_hans)
    if update is None:
        update = StatusUpdate(incident=incident, author=author, created_at=now)
    elif update.status != UpdateStatus.DRAFT:
        raise ValidationError(_("A published update cannot be changed."), code="published")
    update.body_en = body_en
    update.body_zh_hans = body_zh_hans
    update.save()
    return update


@transaction.atomic
def update_draft_discard(*, update: StatusUpdate) -> None:
    if update.status != UpdateStatus.DRAFT:
        raise ValidationError(_("A published update cannot be deleted."), code="published")
    update.delete()


def _update_email(update: StatusUpdate, contact: ClientContact) -> dict:
    incident = update.incident
    with translation.override(contact.language), timezone.override(contact.time_zone):
        context = {
            "update": update,
            "incident": incident,
            "project": incident.project,
            "contact": contact,
            "body": update.body_for(contact.language),
            "body_html": render_markdown(update.body_for(contact.language)),
        }
        return {
            "subject": render_to_string("communications/email/update_subject.txt", context),
            "body_text": render_to_string("communications/email/update_body.txt", context),
            "body_html": render_to_string("communications/email/update_body.html", context),
        }


@transaction.atomic
def update_publish(
    *, update: StatusUpdate, published_by: AbstractBaseUser, now: datetime | None = None
) -> StatusUpdate:
    """Publish an update: log it, reset the update clock, e-mail the contacts.

    Steps: lock the incident; record which deadline this update answers; mark
    the update published; write the log entry; count it as the first contact
    if it is one; set ``next_update_due_at = now + cadence`` while the incident
    is open; write one outbox e-mail per contact who receives updates, in the
    contact's language (sent after commit).
    """
    now = now or timezone.now()
    incident = Incident.objects.select_for_update().get(pk=update.incident_id)
    update = StatusUpdate.objects.select_for_update().get(pk=update.pk)
    _check_not_closed(incident)
    if update.status != UpdateStatus.DRAFT:
        raise ValidationError(_("This update was already published."), code="published")
    update.was_due_at = (
        incident.first_contact_due_at
        if incident.first_contact_at is None
        else incident.next_update_due_at
    )
    update.status = UpdateStatus.PUBLISHED
    update.published_at = now
    update.published_by = published_by
    update.save()
    LogEntry.objects.create(
        incident=incident,
        channel=Channel.UPDATE,
        occurred_at=now,
        summary=update.body_en or update.body_zh_hans,
        client_visible=True,
        status_update=update,
        recorded_by=published_by,
        recorded_at=now,
    )
    if incident.first_contact_at is None:
        incident = incident_record_first_contact(incident=incident, at=now, now=now)
    incident.last_update_at = now
    if incident.is_open:
        incident.next_update_due_at = now + incident.update_cadence
    incident.save(update_fields=["last_update_at", "next_update_due_at", "updated_at"])
    update.incident = incident
    for contact in incident.project.contacts.filter(receives_updates=True):
        email_enqueue(
            key=f"update:{update.pk}:contact:{contact.pk}",
            to=contact.email,
            now=now,
            **_update_email(update, contact),
        )
    incident_public_changed(incident_id=incident.pk)
    return update


# --- meetings ---------------------------------------------------------------------


def _recipients(contacts, users) -> list[tuple[str, str, str]]:
    """(address, language, time zone) of client contacts and team members with an e-mail."""
    recipients = [(c.email, c.language, c.time_zone) for c in contacts]
    for user in users:
        if user.email:
            profile = getattr(user, "profile", None)
            recipients.append(
                (
                    user.email,
                    profile.language if profile else settings.LANGUAGE_CODE,
                    profile.time_zone if profile else "UTC",
                )
            )
    return recipients


def _send_calendar(meeting, recipients, *, ics, method, template, now) -> None:
    for email, language, tz in recipients:
        with translation.override(language), timezone.override(tz):
            context = {"meeting": meeting, "incident": meeting.incident, "kind": template}
            email_enqueue(
                key=f"meeting:{meeting.pk}:seq:{meeting.sequence}:{email.lower()}",
                to=email,
                subject=render_to_string("communications/email/meeting_subject.txt", context),
                body_text=render_to_string("communications/email/meeting_body.txt", context),
                ics=ics,
                ics_method=method,
                now=now,
            )


def _invite(meeting: Meeting, *, now: datetime, removed=((), ())) -> None:
    """E-mail the meeting's calendar object to every attendee with an address.

    People taken off the meeting get a cancellation of their copy. Every
    change worth an e-mail is also a change of the status page.
    """
    incident_public_changed(incident_id=meeting.incident_id)
    ics, method = meeting_invitation(meeting)
    if method == "CANCEL":
        template = "cancelled"
    elif meeting.sequence == 0:
        template = "invitation"
    else:
        template = "updated"
    recipients = _recipients(meeting.client_attendees.all(), meeting.team_attendees.all())
    _send_calendar(meeting, recipients, ics=ics, method=method, template=template, now=now)
    if removed[0] or removed[1]:
        _send_calendar(
            meeting,
            _recipients(*removed),
            ics=meeting_cancellation(meeting),
            method="CANCEL",
            template="cancelled",
            now=now,
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
    organizer: AbstractBaseUser,
    title: str,
    starts_at: datetime,
    duration_minutes: int,
    location: str,
    agenda: str = "",
    team_attendees: Iterable[AbstractBaseUser] = (),
    client_attendees: Iterable[ClientContact] = (),
    now: datetime | None = None,
) -> Meeting:
    """Schedule a meeting and send the calendar invitation (after commit)."""
    now = now or timezone.now()
    _check_not_closed(incident)
    _check_meeting_time(starts_at, duration_minutes, now)
    team_attendees, client_attendees = list(team_attendees), list(client_attendees)
    _check_participants(incident, client_attendees, team_attendees)
    meeting = Meeting(
        incident=incident,
        organizer=organizer,
        title=title.strip(),
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        location=location.strip(),
        agenda=agenda.strip(),
        uid=Meeting.new_uid(),
    )
    meeting.full_clean()
    meeting.save()
    meeting.team_attendees.set(team_attendees)
    meeting.client_attendees.set(client_attendees)
    _invite(meeting, now=now)
    return meeting


@transaction.atomic
def meeting_reschedule(
    *,
    meeting: Meeting,
    starts_at: datetime,
    duration_minutes: int,
    location: str,
    title: str | None = None,
    agenda: str | None = None,
    team_attendees: Iterable[AbstractBaseUser] | None = None,
    client_attendees: Iterable[ClientContact] | None = None,
    now: datetime | None = None,
) -> Meeting:
    """Move or change a scheduled meeting; attendees get an update with the same UID."""
    now = now or timezone.now()
    meeting = Meeting.objects.select_for_update().select_related("incident").get(pk=meeting.pk)
    _check_not_closed(meeting.incident)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError(_("Only a scheduled meeting can be changed."), code="not_scheduled")
    _check_meeting_time(starts_at, duration_minutes, now)
    meeting.starts_at = starts_at
    meeting.duration_minutes = duration_minutes
    meeting.location = location.strip()
    if title is not None:
        meeting.title = title.strip()
    if agenda is not None:
        meeting.agenda = agenda.strip()
    meeting.sequence += 1
    meeting.full_clean()
    meeting.save()
    removed = ((), ())
    if team_attendees is not None or client_attendees is not None:
        old_team = list(meeting.team_attendees.all())
        old_clients = list(meeting.client_attendees.all())
        team = list(team_attendees) if team_attendees is not None else old_team
        clients = list(client_attendees) if client_attendees is not None else old_clients
        _check_participants(meeting.incident, clients, team)
        meeting.team_attendees.set(team)
        meeting.client_attendees.set(clients)
        removed = (
            [c for c in old_clients if c not in clients],
            [u for u in old_team if u not in team],
        )
    _invite(meeting, now=now, removed=removed)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, now: datetime | None = None) -> Meeting:
    now = now or timezone.now()
    meeting = Meeting.objects.select_for_update().select_related("incident").get(pk=meeting.pk)
    _check_not_closed(meeting.incident)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError(_("Only a scheduled meeting can be cancelled."), code="not_scheduled")
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence += 1
    meeting.save()
    _invite(meeting, now=now)
    return meeting


@transaction.atomic
def meeting_record_outcome(
    *,
    meeting: Meeting,
    recorded_by: AbstractBaseUser,
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
    meeting.notes = notes
    meeting.decisions = decisions.strip()
    meeting.status = MeetingStatus.HELD
    meeting.save()
    incident_public_changed(incident_id=meeting.incident_id)
    if first_outcome:
        log_contact(
            incident=meeting.incident,
            recorded_by=recorded_by,
            channel=Channel.MEETING,
            occurred_at=min(meeting.starts_at, now),
            summary=meeting.title + "\n\n" + notes,
            team_participants=meeting.team_attendees.all(),
            client_participants=meeting.client_attendees.all(),
            reaction=reaction,
            client_visible=False,
            meeting=meeting,
            now=now,
        )
    return meeting
