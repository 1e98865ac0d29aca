"""iCalendar (RFC 5545) for meetings: invitations, updates, cancellations, feeds."""

from datetime import UTC

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from apps.core.bilingual import lang_tag, text_in

from .models import Meeting, MeetingStatus

PRODID = "-//Candor//Incident communication//EN"


def _address(email: str, name: str, **params) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = vText(name)
    for key, value in params.items():
        address.params[key] = vText(value)
    return address


def meeting_event(meeting: Meeting, *, attendees: bool = True, cancelled: bool = False) -> Event:
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    # In UTC: a local time would need a VTIMEZONE for its TZID (RFC 5545, 3.2.19),
    # and the service may be handed the organiser's local time.
    event.add("dtstart", meeting.starts_at.astimezone(UTC))
    event.add("dtend", meeting.ends_at.astimezone(UTC))
    # In the active language (the reader's), else the other one, which says so (RFC 5545, 3.2.10).
    title = text_in(meeting, "title")
    event.add("summary", title.value, parameters={"LANGUAGE": lang_tag(title.language)})
    event.add("location", meeting.location)
    agenda = text_in(meeting, "agenda")
    if agenda.value:
        event.add("description", agenda.value, parameters={"LANGUAGE": lang_tag(agenda.language)})
    cancelled = cancelled or meeting.status == MeetingStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organizer = meeting.organizer
    event.add(
        "organizer",
        _address(
            organizer.email or settings.DEFAULT_FROM_EMAIL,
            organizer.get_full_name() or organizer.get_username(),
        ),
    )
    if not attendees:
        return event
    for contact in meeting.client_attendees.all():
        event.add(
            "attendee",
            _address(
                contact.email,
                contact.name,
                role="REQ-PARTICIPANT",
                partstat="NEEDS-ACTION",
                rsvp="TRUE",
            ),
        )
    for user in meeting.team_attendees.all():
        if user.email:
            event.add(
                "attendee",
                _address(
                    user.email,
                    user.get_full_name() or user.get_username(),
                    role="REQ-PARTICIPANT",
                    partstat="ACCEPTED",
                ),
            )
    return event


def calendar(meetings, method: str | None = None, name: str = "", attendees: bool = True) -> str:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    for meeting in meetings:
        cal.add_component(meeting_event(meeting, attendees=attendees))
    return cal.to_ical().decode()


def meeting_invitation(meeting: Meeting) -> tuple[str, str]:
    """The calendar text and its method for the meeting's current state."""
    method = "CANCEL" if meeting.status == MeetingStatus.CANCELLED else "REQUEST"
    return calendar([meeting], method=method), method


def meeting_cancellation(meeting: Meeting) -> str:
    """A CANCEL for people taken off a meeting that still takes place."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "CANCEL")
    cal.add_component(meeting_event(meeting, cancelled=True))
    return cal.to_ical().decode()
