"""Snoozing update reminders: once per deadline, briefly, for a reason, on the record."""

import pytest
from django.core.exceptions import ValidationError

from apps.communications.models import LogChannel, LogEntry
from apps.communications.services import update_draft_save, update_publish
from apps.incidents.models import Incident
from apps.incidents.services import incident_resolve
from apps.reminders.models import ReminderKind, Snooze
from apps.reminders.services import snooze_update_reminders

from .support import HOUR, MINUTE, kinds, recipients

pytestmark = pytest.mark.django_db

REASON = "The client's CIO is on a plane until tonight; we agreed to call then."


def _snooze(incident, user, *, at, until, reason=REASON):
    return snooze_update_reminders(
        incident=incident, actor=user, until=until, reason=reason, now=at
    )


def test_a_snooze_silences_update_reminders_until_it_ends_then_the_overdue_reminder_fires(
    beat, informed, pm
):
    due = informed.next_update_due_at
    until = due + 10 * HOUR
    _snooze(informed, pm, at=due - 5 * HOUR, until=until)

    for moment in (due - 4 * HOUR, due, until - MINUTE):
        assert beat.scan(at=moment) == []
    fired = beat.scan(at=until)

    assert recipients(fired) == {ReminderKind.UPDATE_OVERDUE: {pm.pk}}
    assert {r.fire_at for r in fired} == {due}  # overdue since the deadline, not since the snooze


def test_the_escalation_still_comes_at_half_a_cadence_after_a_short_snooze(
    beat, informed, project, pm
):
    due = informed.next_update_due_at
    _snooze(informed, pm, at=due - 5 * HOUR, until=due + 10 * HOUR)
    beat.scan(at=due + 10 * HOUR)

    fired = beat.scan(at=due + informed.update_cadence / 2)

    assert recipients(fired) == {ReminderKind.UPDATE_ESCALATED: {pm.pk, project.pmo_lead_id}}


def test_a_snooze_after_the_deadline_holds_the_escalation_until_it_ends(beat, informed, pm):
    due = informed.next_update_due_at
    beat.scan(at=due)
    until = due + 40 * HOUR
    _snooze(informed, pm, at=due + 20 * HOUR, until=until)

    assert beat.scan(at=due + 24 * HOUR) == []
    assert kinds(beat.scan(at=until)) == {ReminderKind.UPDATE_ESCALATED}


def test_the_deadline_promised_to_the_client_does_not_move(informed, pm):
    due = informed.next_update_due_at

    snooze = _snooze(informed, pm, at=due - 5 * HOUR, until=due + 10 * HOUR)

    assert Incident.objects.get(pk=informed.pk).next_update_due_at == due
    assert snooze.due_at == due
    assert snooze.until == due + 10 * HOUR
    assert snooze.created_by == pm
    assert snooze.reason == REASON


def test_a_snooze_is_written_on_the_timeline_as_an_internal_note(informed, pm):
    at = informed.next_update_due_at - 5 * HOUR

    _snooze(informed, pm, at=at, until=at + 3 * HOUR)

    note = LogEntry.objects.get(incident=informed)
    assert note.channel == LogChannel.NOTE
    assert note.client_visible is False
    assert note.recorded_by == pm
    assert note.occurred_at == at
    assert REASON in note.summary
    # A note is not a contact: the first-contact record is untouched.
    assert Incident.objects.get(pk=informed.pk).first_contact_at == informed.first_contact_at


def test_a_deadline_can_be_snoozed_only_once(informed, pm, team_member):
    at = informed.next_update_due_at - 5 * HOUR
    _snooze(informed, pm, at=at, until=at + HOUR)

    with pytest.raises(ValidationError) as exc:
        _snooze(informed, team_member, at=at + 2 * HOUR, until=at + 3 * HOUR)

    assert exc.value.code == "twice"
    assert Snooze.objects.count() == 1


def test_the_next_deadline_can_be_snoozed_again(informed, pm):
    at = informed.next_update_due_at - 5 * HOUR
    _snooze(informed, pm, at=at, until=at + HOUR)
    draft = update_draft_save(
        incident=informed, actor=pm, body_en="Progress.", body_zh_hans="", now=at + HOUR
    )
    update_publish(update=draft, actor=pm, now=at + HOUR)

    _snooze(informed, pm, at=at + 2 * HOUR, until=at + 3 * HOUR)

    assert Snooze.objects.count() == 2


def test_a_snooze_lasts_at_most_half_a_cadence(informed, pm):
    at = informed.next_update_due_at - 5 * HOUR
    half = informed.update_cadence / 2

    with pytest.raises(ValidationError) as exc:
        _snooze(informed, pm, at=at, until=at + half + MINUTE)
    assert "until" in exc.value.message_dict
    assert "24 h" in exc.value.message_dict["until"][0]

    assert _snooze(informed, pm, at=at, until=at + half).until == at + half


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_a_snooze_needs_a_reason(informed, pm, reason):
    at = informed.next_update_due_at - 5 * HOUR

    with pytest.raises(ValidationError) as exc:
        _snooze(informed, pm, at=at, until=at + HOUR, reason=reason)

    assert "reason" in exc.value.message_dict
    assert not Snooze.objects.exists()
    assert not LogEntry.objects.exists()


@pytest.mark.parametrize("offset", [-HOUR, 0 * HOUR], ids=["past", "now"])
def test_a_snooze_must_end_in_the_future(informed, pm, offset):
    at = informed.next_update_due_at - 5 * HOUR

    with pytest.raises(ValidationError) as exc:
        _snooze(informed, pm, at=at, until=at + offset)

    assert "until" in exc.value.message_dict


def test_there_is_nothing_to_snooze_before_the_first_contact(incident, pm, now):
    with pytest.raises(ValidationError) as exc:
        _snooze(incident, pm, at=now, until=now + HOUR)

    assert exc.value.code == "no_deadline"


def test_there_is_nothing_to_snooze_once_resolved(informed, pm):
    at = informed.next_update_due_at - 5 * HOUR
    incident_resolve(incident=informed, now=at, actor=informed.declared_by)

    with pytest.raises(ValidationError) as exc:
        _snooze(informed, pm, at=at, until=at + HOUR)

    assert exc.value.code == "no_deadline"


def test_a_reminder_queued_before_the_snooze_waits_for_it_to_end(informed, pm):
    from apps.notifications.models import Notification
    from apps.reminders.models import Reminder, ReminderStatus
    from apps.reminders.services import reminder_deliver, reminders_scan

    due = informed.next_update_due_at
    [queued] = reminders_scan(now=due - 4 * HOUR)  # "update due in 4 hours", not yet delivered
    until = due - HOUR
    _snooze(informed, pm, at=due - 4 * HOUR + MINUTE, until=until)

    assert reminder_deliver(reminder_id=queued, now=due - 2 * HOUR) == "deferred"
    waiting = Reminder.objects.get(pk=queued)
    assert (waiting.status, waiting.attempts) == (ReminderStatus.PENDING, 0)
    assert not Notification.objects.exists()

    assert reminder_deliver(reminder_id=queued, now=until) == "delivered"
    assert Notification.objects.get().key == f"reminder:{queued}"
