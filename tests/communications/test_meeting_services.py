"""Meetings: invitations, changes and cancellations by calendar e-mail; outcomes on the log."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from icalendar import Calendar

from apps.communications.models import LogChannel, LogEntry, MeetingStatus
from apps.communications.services import (
    meeting_cancel,
    meeting_record_outcome,
    meeting_reschedule,
    meeting_schedule,
)
from apps.core.bilingual import marked, text_in
from apps.incidents.models import Incident, IncidentStatus
from apps.outbox.models import OutgoingEmail
from tests.factories import ClientContactFactory, ProjectFactory, close_incident, informed_incident

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enqueued")]

HOUR = timedelta(hours=1)


@pytest.fixture
def cio(project):
    return ClientContactFactory(
        project=project, name="Chen Jing", email="cio@client.cn", language="zh-hans"
    )


@pytest.fixture
def sponsor(project):
    return ClientContactFactory(
        project=project,
        name="Sam Ortiz",
        email="sponsor@client.example.com",
        language="en",
        time_zone="Europe/London",
    )


def _schedule(incident, organizer, *, now, clients=(), team=(), **fields):
    values = {
        "title_en": "What happened and what we do now",
        "starts_at": now + 20 * HOUR,
        "duration_minutes": 60,
        "location": "https://meet.example.com/candor",
        "agenda_en": "The cause, the impact, the plan.",
    } | fields
    with TestCase.captureOnCommitCallbacks(execute=True):
        return meeting_schedule(
            incident=incident,
            actor=organizer,
            team_attendees=team,
            client_attendees=clients,
            now=now,
            **values,
        )


def _invitations(to: str) -> list:
    """The calendar objects sent to one address, oldest first, parsed."""
    emails = OutgoingEmail.objects.filter(to=to).order_by("created_at", "pk")
    return [(email, Calendar.from_ical(email.ics)) for email in emails]


def _event(cal):
    [event] = cal.walk("VEVENT")
    return event


def _attendees(event) -> set[str]:
    value = event.get("ATTENDEE", [])
    values = value if isinstance(value, list) else [value]
    return {str(v).removeprefix("mailto:") for v in values}


# --- scheduling ---------------------------------------------------------------------------


def test_scheduling_sends_each_client_attendee_a_calendar_invitation(
    incident, pm, cio, sponsor, now
):
    meeting = _schedule(incident, pm, now=now, clients=[cio, sponsor])

    assert meeting.status == MeetingStatus.SCHEDULED
    assert meeting.sequence == 0
    for contact in (cio, sponsor):
        [(email, cal)] = _invitations(contact.email)
        assert email.ics_method == "REQUEST"
        assert str(cal["METHOD"]) == "REQUEST"
        event = _event(cal)
        assert str(event["UID"]) == meeting.uid
        assert event["SEQUENCE"] == 0
        assert event.decoded("DTSTART") == now + 20 * HOUR
        assert event.decoded("DTEND") == now + 21 * HOUR
        assert str(event["ORGANIZER"]) == f"mailto:{pm.email}"
        assert _attendees(event) == {cio.email, sponsor.email}
        assert str(event["SUMMARY"]) == "What happened and what we do now"


def test_team_attendees_are_invited_too(incident, pm, team_member, cio, now):
    meeting = _schedule(incident, pm, now=now, clients=[cio], team=[team_member])

    [(_, cal)] = _invitations(team_member.email)
    assert str(_event(cal)["UID"]) == meeting.uid
    assert _attendees(_event(cal)) == {cio.email, team_member.email}


def test_the_invitation_is_sent_once_after_commit_with_the_ics_attached(
    incident, pm, sponsor, now, enqueued, mailoutbox
):
    meeting = _schedule(incident, pm, now=now, clients=[sponsor])

    enqueued.run()
    enqueued.run()

    [message] = mailoutbox
    assert message.to == [sponsor.email]
    assert message.subject.startswith("Invitation: What happened and what we do now — ")
    [(name, content, _)] = message.attachments
    assert name == "invite.ics"
    assert str(_event(Calendar.from_ical(content))["UID"]) == meeting.uid
    assert any(a.mimetype.startswith("text/calendar; method=REQUEST") for a in message.alternatives)


# --- rescheduling and cancelling -------------------------------------------------------------


def test_rescheduling_sends_the_same_event_with_the_next_sequence(incident, pm, cio, now):
    meeting = _schedule(incident, pm, now=now, clients=[cio])

    moved = meeting_reschedule(
        meeting=meeting,
        starts_at=now + 30 * HOUR,
        duration_minutes=45,
        location="Room 3",
        now=now + HOUR,
        actor=meeting.organizer,
    )

    assert moved.sequence == 1
    [_, (email, cal)] = _invitations(cio.email)
    event = _event(cal)
    assert str(cal["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == meeting.uid
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == now + 30 * HOUR
    assert event.decoded("DTEND") == now + 30 * HOUR + timedelta(minutes=45)
    assert str(event["LOCATION"]) == "Room 3"
    assert email.dedupe_key != _invitations(cio.email)[0][0].dedupe_key


def test_rescheduling_can_change_the_attendees(incident, pm, cio, sponsor, now):
    meeting = _schedule(incident, pm, now=now, clients=[cio])

    meeting_reschedule(
        meeting=meeting,
        starts_at=now + 30 * HOUR,
        duration_minutes=60,
        location="Room 3",
        client_attendees=[cio, sponsor],
        now=now + HOUR,
        actor=meeting.organizer,
    )

    [(_, cal)] = _invitations(sponsor.email)
    assert _event(cal)["SEQUENCE"] == 1
    assert _attendees(_event(cal)) == {cio.email, sponsor.email}


def test_an_attendee_taken_off_the_meeting_gets_a_cancellation_of_their_copy(
    incident, pm, cio, sponsor, now
):
    meeting = _schedule(incident, pm, now=now, clients=[cio, sponsor])

    meeting_reschedule(
        meeting=meeting,
        starts_at=now + 30 * HOUR,
        duration_minutes=60,
        location="Room 3",
        client_attendees=[cio],
        now=now + HOUR,
        actor=meeting.organizer,
    )

    invitation, cancellation = _invitations(sponsor.email)
    assert cancellation[0].ics_method == "CANCEL"
    assert cancellation[1]["METHOD"] == "CANCEL"
    assert _event(cancellation[1])["UID"] == _event(invitation[1])["UID"]
    assert _event(cancellation[1])["SEQUENCE"] == 1
    assert _event(cancellation[1])["STATUS"] == "CANCELLED"
    [_, update] = _invitations(cio.email)
    assert update[1]["METHOD"] == "REQUEST"


def test_cancelling_sends_a_cancel_with_a_higher_sequence(incident, pm, cio, now):
    meeting = _schedule(incident, pm, now=now, clients=[cio])
    meeting = meeting_reschedule(
        meeting=meeting,
        starts_at=now + 30 * HOUR,
        duration_minutes=60,
        location="Room 3",
        now=now,
        actor=meeting.organizer,
    )

    cancelled = meeting_cancel(meeting=meeting, now=now + HOUR, actor=meeting.organizer)

    assert cancelled.status == MeetingStatus.CANCELLED
    [_, _, (email, cal)] = _invitations(cio.email)
    event = _event(cal)
    assert email.ics_method == "CANCEL"
    assert str(cal["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == meeting.uid
    assert event["SEQUENCE"] == 2


def test_a_cancelled_meeting_can_be_neither_cancelled_again_nor_moved(incident, pm, cio, now):
    meeting = meeting_cancel(
        meeting=_schedule(incident, pm, now=now, clients=[cio]), now=now, actor=pm
    )

    with pytest.raises(ValidationError):
        meeting_cancel(meeting=meeting, now=now, actor=meeting.organizer)
    with pytest.raises(ValidationError):
        meeting_reschedule(
            meeting=meeting,
            starts_at=now + 2 * HOUR,
            duration_minutes=60,
            location="x",
            now=now,
            actor=meeting.organizer,
        )
    assert OutgoingEmail.objects.filter(to=cio.email).count() == 2


# --- both languages ---------------------------------------------------------------------------


def test_invitations_are_written_in_each_attendees_language_and_time_zone(
    incident, pm, cio, sponsor, now
):
    meeting = _schedule(incident, pm, now=now, clients=[cio, sponsor])

    [(english, _)] = _invitations(sponsor.email)
    [(chinese, _)] = _invitations(cio.email)
    # 05:00 UTC on 11 March is 05:00 in London and 13:00 in Shanghai.
    assert (
        english.subject
        == "Invitation: What happened and what we do now — 11 Mar 2025, 05:00 (Europe/London)"
    )
    assert "Where: https://meet.example.com/candor" in english.body_text
    with translation.override("zh-hans"), timezone.override("Asia/Shanghai"):
        when = formats.date_format(timezone.localtime(meeting.starts_at), "DATETIME_FORMAT")
        expected = gettext("Invitation: %(title)s — %(when)s") % {
            "title": marked(text_in(meeting, "title")),  # in English only, and said so
            "when": f"{when}（Asia/Shanghai）",
        }
    assert when == "2025年3月11日 13:00"
    assert chinese.subject == expected


def test_a_cancellation_is_written_in_each_attendees_language(incident, pm, cio, sponsor, now):
    meeting = _schedule(incident, pm, now=now, clients=[cio, sponsor])

    meeting_cancel(meeting=meeting, now=now, actor=meeting.organizer)

    english = OutgoingEmail.objects.get(to=sponsor.email, ics_method="CANCEL")
    chinese = OutgoingEmail.objects.get(to=cio.email, ics_method="CANCEL")
    assert english.subject == f"Cancelled: {meeting.title}"
    with translation.override("zh-hans"):
        title = marked(text_in(meeting, "title"))
        assert chinese.subject == gettext("Cancelled: %(title)s") % {"title": title}
    assert "2025年3月11日 13:00" in chinese.body_text


# --- the outcome -------------------------------------------------------------------------------


def test_recording_the_outcome_logs_the_meeting_as_the_first_contact(incident, pm, cio, now):
    meeting = _schedule(incident, pm, now=now, clients=[cio], starts_at=now + 2 * HOUR)

    held = meeting_record_outcome(
        meeting=meeting,
        actor=pm,
        notes="Explained the slip. The CIO wants weekly calls.",
        decisions="Weekly call on Mondays.",
        reaction=-1,
        now=now + 4 * HOUR,
    )

    assert held.status == MeetingStatus.HELD
    assert held.decisions == "Weekly call on Mondays."
    entry = LogEntry.objects.get(incident=incident)
    assert entry.channel == LogChannel.MEETING
    assert entry.meeting == meeting
    assert entry.occurred_at == now + 2 * HOUR  # when it took place, not when it was written up
    assert entry.reaction == -1
    assert list(entry.client_participants.all()) == [cio]
    assert "The CIO wants weekly calls." in entry.summary
    incident = Incident.objects.get(pk=incident.pk)
    assert incident.first_contact_at == now + 2 * HOUR
    assert incident.status == IncidentStatus.CLIENT_INFORMED


def test_recording_the_outcome_again_edits_it_without_a_second_log_entry(incident, pm, now):
    meeting = _schedule(incident, pm, now=now, starts_at=now + 2 * HOUR)
    meeting_record_outcome(meeting=meeting, actor=pm, notes="First notes.", now=now + 3 * HOUR)

    again = meeting_record_outcome(
        meeting=meeting, actor=pm, notes="Fuller notes.", now=now + 5 * HOUR
    )

    assert again.notes == "Fuller notes."
    assert LogEntry.objects.filter(incident=incident).count() == 1
    assert Incident.objects.get(pk=incident.pk).first_contact_at == now + 2 * HOUR


def test_a_meeting_after_the_first_contact_does_not_move_it(project, pm, now):
    incident = informed_incident(now=now, project=project, declared_by=pm)
    meeting = _schedule(incident, pm, now=now + 2 * HOUR, starts_at=now + 3 * HOUR)

    meeting_record_outcome(meeting=meeting, actor=pm, notes="Plan.", now=now + 4 * HOUR)

    assert Incident.objects.get(pk=incident.pk).first_contact_at == now + HOUR


def test_an_outcome_needs_notes_a_meeting_that_started_and_was_not_cancelled(incident, pm, now):
    meeting = _schedule(incident, pm, now=now, starts_at=now + 2 * HOUR)

    with pytest.raises(ValidationError) as not_started:
        meeting_record_outcome(meeting=meeting, actor=pm, notes="Too soon.", now=now)
    with pytest.raises(ValidationError) as no_notes:
        meeting_record_outcome(meeting=meeting, actor=pm, notes="  ", now=now + 3 * HOUR)
    meeting_cancel(meeting=meeting, now=now, actor=meeting.organizer)
    with pytest.raises(ValidationError) as cancelled:
        meeting_record_outcome(meeting=meeting, actor=pm, notes="?", now=now + 3 * HOUR)

    assert not_started.value.code == "not_started"
    assert "notes" in no_notes.value.message_dict
    assert cancelled.value.code == "cancelled"
    assert not LogEntry.objects.exists()


# --- refusals ------------------------------------------------------------------------------------


def test_a_meeting_in_the_past_is_refused(incident, pm, now):
    with pytest.raises(ValidationError) as exc:
        _schedule(incident, pm, now=now, starts_at=now - HOUR)

    assert "starts_at" in exc.value.message_dict


@pytest.mark.parametrize("minutes", [4, 8 * 60 + 1])
def test_a_meeting_lasts_between_5_minutes_and_8_hours(incident, pm, now, minutes):
    with pytest.raises(ValidationError) as exc:
        _schedule(incident, pm, now=now, duration_minutes=minutes)

    assert "duration_minutes" in exc.value.message_dict


def test_a_client_contact_of_another_project_cannot_be_invited(incident, pm, now):
    outsider = ClientContactFactory(project=ProjectFactory())

    with pytest.raises(ValidationError) as exc:
        _schedule(incident, pm, now=now, clients=[outsider])

    assert "client_participants" in exc.value.message_dict
    assert not OutgoingEmail.objects.exists()


def test_no_meeting_is_scheduled_on_a_closed_incident(project, pm, cio, now):
    incident = informed_incident(now=now, project=project, declared_by=pm)
    incident = close_incident(incident, now=now + HOUR, actor=incident.declared_by)

    with pytest.raises(ValidationError) as exc:
        _schedule(incident, pm, now=now + HOUR, clients=[cio])

    assert exc.value.code == "closed"


def test_a_meeting_of_a_closed_incident_can_be_neither_moved_nor_cancelled(project, pm, cio, now):
    incident = informed_incident(now=now, project=project, declared_by=pm)
    meeting = _schedule(incident, pm, now=now, clients=[cio])
    incident = close_incident(incident, now=now + HOUR, actor=incident.declared_by)

    with pytest.raises(ValidationError) as moved:
        meeting_reschedule(
            meeting=meeting,
            starts_at=now + 30 * HOUR,
            duration_minutes=60,
            location="Room 3",
            now=now + 2 * HOUR,
            actor=meeting.organizer,
        )
    with pytest.raises(ValidationError) as cancelled:
        meeting_cancel(meeting=meeting, now=now + 2 * HOUR, actor=meeting.organizer)

    assert moved.value.code == cancelled.value.code == "closed"
    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence) == (MeetingStatus.SCHEDULED, 0)
