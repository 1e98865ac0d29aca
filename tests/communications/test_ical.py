"""iCalendar output: valid RFC 5545 that calendar programs accept."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from apps.communications.ical import calendar, meeting_event, meeting_invitation
from apps.communications.models import Meeting, MeetingStatus
from tests.factories import ClientContactFactory, UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _meeting(incident, organizer, **fields) -> Meeting:
    values = {
        "title_en": "Recovery plan",
        "starts_at": datetime(2025, 3, 11, 2, 0, tzinfo=UTC),
        "duration_minutes": 90,
        "location": "https://meet.example.com/abc",
        "agenda_en": "1. What happened\n2. The plan",
    } | fields
    meeting = Meeting.objects.create(
        incident=incident, organizer=organizer, uid=Meeting.new_uid(), **values
    )
    return meeting


def _event(ics: str):
    [event] = Calendar.from_ical(ics).walk("VEVENT")
    return event


def _addresses(event, name: str) -> set[str]:
    value = event.get(name, [])
    values = value if isinstance(value, list) else [value]
    return {str(v).removeprefix("mailto:") for v in values}


def assert_every_tzid_is_defined(ics: str) -> None:
    """RFC 5545, 3.2.19: a VTIMEZONE must exist for each TZID used."""
    cal = Calendar.from_ical(ics)
    defined = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
    for component in cal.walk():
        for value in component.values():
            params = getattr(value, "params", {})
            if "TZID" in params:
                assert params["TZID"] in defined, f"TZID {params['TZID']} has no VTIMEZONE"


def test_an_invitation_describes_the_meeting(incident, pm):
    contact = ClientContactFactory(project=incident.project, name="Li Wei", email="li@client.cn")
    meeting = _meeting(incident, pm)
    meeting.client_attendees.set([contact])

    ics, method = meeting_invitation(meeting)

    cal = Calendar.from_ical(ics)
    assert method == "REQUEST"
    assert str(cal["METHOD"]) == "REQUEST"
    assert str(cal["VERSION"]) == "2.0"
    assert "PRODID" in cal
    event = _event(ics)
    assert str(event["UID"]) == meeting.uid
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == meeting.starts_at
    assert event.decoded("DTEND") == meeting.starts_at + timedelta(minutes=90)
    assert "DTSTAMP" in event
    assert str(event["SUMMARY"]) == "Recovery plan"
    assert str(event["LOCATION"]) == "https://meet.example.com/abc"
    assert str(event["DESCRIPTION"]) == "1. What happened\n2. The plan"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["ORGANIZER"]) == f"mailto:{pm.email}"
    [attendee] = [event["ATTENDEE"]]
    assert str(attendee) == "mailto:li@client.cn"
    assert attendee.params["CN"] == "Li Wei"
    assert attendee.params["RSVP"] == "TRUE"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"


def test_a_cancellation_says_so(incident, pm):
    meeting = _meeting(incident, pm, status=MeetingStatus.CANCELLED, sequence=2)

    ics, method = meeting_invitation(meeting)

    assert method == "CANCEL"
    assert str(Calendar.from_ical(ics)["METHOD"]) == "CANCEL"
    event = _event(ics)
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 2


def test_times_given_in_a_local_zone_are_written_validly(incident, pm):
    # A form in the PM's zone hands the service Shanghai time; a TZID without
    # its VTIMEZONE is rejected by Outlook and others.
    starts_at = datetime(2025, 3, 11, 10, 0, tzinfo=SHANGHAI)
    meeting = _meeting(incident, pm, starts_at=starts_at)

    ics, _ = meeting_invitation(meeting)

    assert_every_tzid_is_defined(ics)
    event = _event(ics)
    assert event.decoded("DTSTART") == starts_at  # the same instant: 02:00 UTC
    assert event.decoded("DTEND") == starts_at + timedelta(minutes=90)


def test_team_attendees_without_an_address_are_left_out(incident, pm, team_member):
    silent = UserFactory(email="")
    meeting = _meeting(incident, pm)
    meeting.team_attendees.set([team_member, silent])

    event = meeting_event(meeting)

    assert _addresses(event, "ATTENDEE") == {team_member.email}
    assert event["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"


def test_an_organizer_without_an_address_falls_back_to_the_sender(settings, incident, pm):
    pm.email = ""
    pm.save()

    event = meeting_event(_meeting(incident, pm))

    assert str(event["ORGANIZER"]) == f"mailto:{settings.DEFAULT_FROM_EMAIL}"


def test_a_meeting_without_an_agenda_has_no_description(incident, pm):
    event = meeting_event(_meeting(incident, pm, agenda_en=""))

    assert "DESCRIPTION" not in event


def test_a_feed_holds_every_meeting(incident, pm):
    meetings = [_meeting(incident, pm, title_en=f"Meeting {n}") for n in range(3)]

    ics = calendar(meetings, name="Incident meetings")

    cal = Calendar.from_ical(ics)
    assert "METHOD" not in cal
    assert str(cal["X-WR-CALNAME"]) == "Incident meetings"
    assert sorted(str(e["UID"]) for e in cal.walk("VEVENT")) == sorted(m.uid for m in meetings)
