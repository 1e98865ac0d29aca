"""Reads of the communication log, updates and meetings shared by pages."""

import re

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from apps.incidents.models import Incident
from apps.outbox.models import EmailStatus, OutgoingEmail
from apps.projects.models import ClientContact

from .models import LogEntry, Meeting, MeetingStatus, StatusUpdate, UpdateStatus


def incident_timeline(incident: Incident) -> list[LogEntry]:
    """The incident's log, newest first, with everything the timeline shows.

    A fixed number of queries however long the log is: participants,
    corrections and published updates are loaded in bulk.
    """
    return list(
        LogEntry.objects.filter(incident=incident)
        .select_related("recorded_by", "corrects", "status_update", "meeting")
        .prefetch_related(
            "team_participants",
            Prefetch("client_participants", queryset=ClientContact.objects.order_by("name")),
            Prefetch("corrections", queryset=LogEntry.objects.order_by("occurred_at", "pk")),
        )
        .order_by("-occurred_at", "-pk")
    )


def incident_drafts(incident: Incident) -> QuerySet[StatusUpdate]:
    return (
        StatusUpdate.objects.filter(incident=incident, status=UpdateStatus.DRAFT)
        .select_related("author")
        .order_by("-created_at", "-pk")
    )


def scheduled_meetings(incident: Incident) -> QuerySet[Meeting]:
    """Meetings still ahead, or held but without an outcome yet; the next one first."""
    return Meeting.objects.filter(incident=incident, status=MeetingStatus.SCHEDULED).order_by(
        "starts_at", "pk"
    )


def past_meetings(incident: Incident) -> QuerySet[Meeting]:
    """Meetings held or cancelled, the latest first."""
    return (
        Meeting.objects.filter(incident=incident)
        .exclude(status=MeetingStatus.SCHEDULED)
        .order_by("-starts_at", "-pk")
    )


def get_log_entry(incident: Incident, pk: int) -> LogEntry:
    return get_object_or_404(
        LogEntry.objects.select_related("incident", "recorded_by"), incident=incident, pk=pk
    )


def get_update(incident: Incident, pk: int) -> StatusUpdate:
    return get_object_or_404(
        StatusUpdate.objects.select_related("author", "published_by"), incident=incident, pk=pk
    )


def get_meeting(incident: Incident, pk: int) -> Meeting:
    """The meeting with its attendees loaded; a meeting of another incident is a 404."""
    return get_object_or_404(
        Meeting.objects.select_related("organizer", "incident").prefetch_related(
            "team_attendees",
            Prefetch("client_attendees", queryset=ClientContact.objects.order_by("name")),
            "log_entries",
        ),
        incident=incident,
        pk=pk,
    )


def update_recipients(incident: Incident) -> QuerySet[ClientContact]:
    """The client contacts a published update will be e-mailed to."""
    return incident.project.contacts.filter(receives_updates=True).order_by("name")


#: The outbox keys of the e-mails this app sends (see ``services.updates`` and ``meetings``).
UPDATE_KEY = re.compile(r"^update:(?P<update>\d+):contact:(?P<contact>\d+)$")
MEETING_KEY = re.compile(r"^meeting:(?P<meeting>\d+):seq:(?P<sequence>\d+):(?P<address>.+)$")


def failed_update_deliveries(incident) -> list[dict]:
    """The e-mails of ``incident``'s updates that failed for good: update, contact, reason.

    Looked up by their exact outbox keys (update × contact, on the keys' unique
    index), never by scanning every failed e-mail there is.
    """
    update_ids = list(
        StatusUpdate.objects.filter(incident=incident, status=UpdateStatus.PUBLISHED).values_list(
            "pk", flat=True
        )
    )
    if not update_ids:
        return []
    names = dict(
        ClientContact.objects.filter(project_id=incident.project_id).values_list("pk", "name")
    )
    keys = [f"update:{update}:contact:{contact}" for update in update_ids for contact in names]
    failed = []
    for email in OutgoingEmail.objects.filter(dedupe_key__in=keys, status=EmailStatus.FAILED).only(
        "pk", "dedupe_key", "to", "last_error"
    ):
        found = UPDATE_KEY.match(email.dedupe_key)
        failed.append(
            {
                "update_id": int(found["update"]),
                "contact_id": int(found["contact"]),
                "name": names[int(found["contact"])],
                "email": email,
            }
        )
    return failed


def meeting_deliveries(meeting: Meeting) -> list[dict]:
    """The meeting's e-mails that have not reached their recipient: failed, or sent again.

    Only each address's latest calendar e-mail counts: an invitation that failed
    but whose change went through later is no longer news, and sending it again
    would only send old details. Each item has the ``email``, the ``address``,
    the ``name`` (the client contact's or team member's, else the address), the
    ``sequence``, and ``failed`` (failed for good) or ``sent_again`` (queued
    again, not tried yet). One query reads the meeting's e-mails (by their keys'
    prefix, on the keys' unique index); one more names them when any is there.
    """
    latest: dict[str, tuple[int, OutgoingEmail]] = {}
    for email in OutgoingEmail.objects.filter(
        dedupe_key__startswith=f"meeting:{meeting.pk}:seq:"
    ).only("pk", "dedupe_key", "to", "status", "attempts", "last_error", "next_attempt_at"):
        found = MEETING_KEY.match(email.dedupe_key)
        if found is None:
            continue
        sequence, address = int(found["sequence"]), found["address"]
        if address not in latest or sequence > latest[address][0]:
            latest[address] = (sequence, email)
    undelivered = []
    for address, (sequence, email) in sorted(latest.items()):
        failed = email.status == EmailStatus.FAILED
        sent_again = (
            email.status == EmailStatus.PENDING and email.attempts == 0 and email.last_error
        )
        if failed or sent_again:
            undelivered.append(
                {
                    "email": email,
                    "address": address,
                    "sequence": sequence,
                    "failed": failed,
                    "sent_again": bool(sent_again),
                }
            )
    if undelivered:
        names = {
            email.lower(): name
            for email, name in ClientContact.objects.filter(
                project_id=meeting.incident.project_id
            ).values_list("email", "name")
        }
        for user in meeting.team_attendees.all():
            if user.email:
                names.setdefault(user.email.lower(), user.get_full_name() or user.get_username())
        for item in undelivered:
            item["name"] = names.get(item["address"], item["email"].to)
    return undelivered
