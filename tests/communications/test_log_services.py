"""The communication log: contacts, the first-contact record, corrections, notes."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from apps.communications.models import LogChannel, LogEntry
from apps.communications.services import log_contact, log_correct, log_note
from apps.incidents.models import Incident, IncidentStatus
from tests.factories import (
    ClientContactFactory,
    IncidentFactory,
    ProjectFactory,
    UserFactory,
    close_incident,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enqueued")]

HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)


def _log(incident, user, *, at, now=None, channel=LogChannel.CALL, summary="Called the CIO.", **kw):
    return log_contact(
        incident=incident,
        actor=user,
        channel=channel,
        occurred_at=at,
        summary_en=summary,
        now=now or at,
        **kw,
    )


def _fresh(incident) -> Incident:
    return Incident.objects.get(pk=incident.pk)


# --- the first contact -----------------------------------------------------------------------


def test_the_first_contact_is_recorded_once(incident, pm, now):
    _log(incident, pm, at=now + 2 * HOUR)
    _log(incident, pm, at=now + 3 * HOUR, channel=LogChannel.MEETING, summary="Met the board.")

    incident = _fresh(incident)
    assert incident.first_contact_at == now + 2 * HOUR
    assert incident.status == IncidentStatus.CLIENT_INFORMED
    # The update cadence runs from the first contact.
    assert incident.next_update_due_at == now + 2 * HOUR + incident.update_cadence
    assert LogEntry.objects.filter(incident=incident).count() == 2


@pytest.mark.parametrize(
    "channel", [LogChannel.MEETING, LogChannel.CALL, LogChannel.EMAIL, LogChannel.MESSAGE]
)
def test_every_real_conversation_counts_as_first_contact(incident, pm, now, channel):
    _log(incident, pm, at=now + HOUR, channel=channel)

    assert _fresh(incident).first_contact_at == now + HOUR


def test_a_contact_before_the_deadline_meets_the_window(incident, pm):
    due = incident.first_contact_due_at
    _log(incident, pm, at=due)

    assert _fresh(incident).first_contact_met is True


def test_a_contact_after_the_deadline_misses_the_window(incident, pm):
    due = incident.first_contact_due_at
    _log(incident, pm, at=due + MINUTE)

    incident = _fresh(incident)
    assert incident.first_contact_at == due + MINUTE
    assert incident.first_contact_met is False


def test_while_nobody_has_been_contacted_the_window_is_undecided(incident):
    assert incident.first_contact_met is None


def test_an_internal_note_is_not_a_first_contact(incident, pm, now):
    entry = _log(incident, pm, at=now + HOUR, channel=LogChannel.NOTE, summary="Draft the apology.")

    assert entry.is_contact is False
    incident = _fresh(incident)
    assert incident.first_contact_at is None
    assert incident.status == IncidentStatus.DECLARED


def test_a_contact_remembered_from_before_the_declaration_counts_from_the_declaration(
    incident, pm, now
):
    entry = _log(incident, pm, at=now - HOUR, now=now + HOUR)

    assert entry.occurred_at == now - HOUR
    assert _fresh(incident).first_contact_at == now


def test_the_entry_records_what_was_said_and_who_took_part(incident, pm, team_member, now):
    contact = ClientContactFactory(project=incident.project)

    entry = _log(
        incident,
        pm,
        at=now + HOUR,
        now=now + 2 * HOUR,
        summary="  Explained the slip; the CIO asked for a written plan.  ",
        team_participants=[pm, team_member],
        client_participants=[contact],
        reaction=-1,
        client_visible=True,
    )

    entry.refresh_from_db()
    assert entry.summary == "Explained the slip; the CIO asked for a written plan."
    assert entry.recorded_by == pm
    assert entry.recorded_at == now + 2 * HOUR
    assert entry.occurred_at == now + HOUR
    assert set(entry.team_participants.all()) == {pm, team_member}
    assert list(entry.client_participants.all()) == [contact]
    assert entry.reaction == -1
    assert entry.client_visible is True


def test_the_pmo_lead_may_take_part(incident, pm, project, now):
    entry = _log(incident, pm, at=now, team_participants=[project.pmo_lead])

    assert list(entry.team_participants.all()) == [project.pmo_lead]


# --- corrections -------------------------------------------------------------------------------


def test_a_correction_points_at_the_original_and_both_are_kept(incident, pm, now):
    original = _log(incident, pm, at=now + HOUR, summary="Called the CFO.")

    correction = log_correct(
        entry=original, actor=pm, summary_en="Called the CIO, not the CFO.", now=now + 2 * HOUR
    )

    assert correction.corrects == original
    assert correction.channel == original.channel
    assert correction.occurred_at == original.occurred_at
    assert list(original.corrections.all()) == [correction]
    original.refresh_from_db()
    assert original.summary == "Called the CFO."
    assert LogEntry.objects.filter(incident=incident).count() == 2


def test_a_correction_keeps_the_participants_and_does_not_move_the_first_contact(incident, pm, now):
    contact = ClientContactFactory(project=incident.project)
    original = _log(incident, pm, at=now + HOUR, client_participants=[contact])

    correction = log_correct(
        entry=original,
        actor=pm,
        summary_en="It was at 11, not 10.",
        occurred_at=now + 2 * HOUR,
        now=now + 3 * HOUR,
    )

    assert list(correction.client_participants.all()) == [contact]
    assert correction.occurred_at == now + 2 * HOUR
    assert _fresh(incident).first_contact_at == now + HOUR


def test_a_correction_of_another_incidents_entry_is_refused(incident, pm, now):
    other = IncidentFactory(project=incident.project, declared_by=pm, now=now)
    entry = _log(other, pm, at=now + HOUR)

    with pytest.raises(ValidationError):
        _log(incident, pm, at=now + HOUR, corrects=entry)


# --- refusals ----------------------------------------------------------------------------------


def test_a_contact_in_the_future_is_refused(incident, pm, now):
    with pytest.raises(ValidationError) as exc:
        _log(incident, pm, at=now + HOUR, now=now)

    assert "occurred_at" in exc.value.message_dict
    assert not LogEntry.objects.exists()
    assert _fresh(incident).first_contact_at is None


def test_a_contact_long_before_the_declaration_is_refused_as_a_typing_mistake(incident, pm, now):
    with pytest.raises(ValidationError) as exc:
        _log(incident, pm, at=incident.declared_at - 8 * 24 * HOUR, now=now)

    assert "occurred_at" in exc.value.message_dict
    assert not LogEntry.objects.exists()


def test_a_clock_a_little_fast_is_tolerated_and_the_time_kept_at_now(incident, pm, now):
    entry = _log(incident, pm, at=now + 4 * MINUTE, now=now)

    assert entry.occurred_at == now
    assert _fresh(incident).first_contact_at == now


def test_a_client_contact_of_another_project_is_refused(incident, pm, now):
    outsider = ClientContactFactory(project=ProjectFactory())

    with pytest.raises(ValidationError) as exc:
        _log(incident, pm, at=now, client_participants=[outsider])

    assert "client_participants" in exc.value.message_dict
    assert not LogEntry.objects.exists()


def test_a_team_participant_from_outside_the_project_is_refused(incident, pm, now):
    with pytest.raises(ValidationError) as exc:
        _log(incident, pm, at=now, team_participants=[UserFactory()])

    assert "team_participants" in exc.value.message_dict


def test_a_closed_incident_takes_no_more_entries(incident, pm, now):
    _log(incident, pm, at=now)
    incident = _fresh(incident)
    incident = close_incident(incident, now=now, actor=incident.declared_by)

    with pytest.raises(ValidationError) as exc:
        _log(incident, pm, at=now)

    assert exc.value.code == "closed"
    assert LogEntry.objects.count() == 1


@pytest.mark.parametrize("summary", ["", "   "])
def test_an_entry_needs_a_summary(incident, pm, now, summary):
    with pytest.raises(ValidationError) as exc:
        _log(incident, pm, at=now, summary=summary)

    assert "summary_en" in exc.value.message_dict


@pytest.mark.parametrize("channel", ["pigeon", LogChannel.UPDATE])
def test_unknown_channels_and_hand_logged_updates_are_refused(incident, pm, now, channel):
    with pytest.raises(ValidationError) as exc:
        _log(incident, pm, at=now, channel=channel)

    assert "channel" in exc.value.message_dict


# --- notes -------------------------------------------------------------------------------------


def test_a_note_is_internal(incident, pm, now):
    note = log_note(incident=incident, actor=pm, summary="Legal reviewed the apology.", now=now)

    assert note.channel == LogChannel.NOTE
    assert note.client_visible is False
    assert note.occurred_at == now
    assert _fresh(incident).first_contact_at is None
