"""Commitments are reminded a day before they fall due and escalated when missed, once each."""

import pytest

from apps.commitments import services
from apps.notifications.models import Notification
from apps.outbox.models import OutgoingEmail
from apps.reminders.models import Reminder, ReminderKind, ReminderStatus

from .conftest import DAY, HOUR

pytestmark = pytest.mark.django_db


def _ours(reminders: list[Reminder]) -> list[Reminder]:
    """Those about commitments (the incident's own update deadlines pass meanwhile)."""
    return [r for r in reminders if r.commitment_id is not None]


def _sent(kind) -> set:
    return set(
        Reminder.objects.filter(kind=kind, status=ReminderStatus.DELIVERED).values_list(
            "recipient_id", flat=True
        )
    )


def test_a_commitment_is_reminded_a_day_before_then_escalated_once_each(
    beat, informed, promise, pm, owner, now
):
    due = now + 3 * DAY
    made = promise(informed, due_at=due)
    lead = informed.project.pmo_lead_id

    assert _ours(beat.scan_and_work(at=due - DAY - HOUR)) == []
    first = _ours(beat.scan_and_work(at=due - DAY))
    again = _ours(beat.scan_and_work(at=due - DAY + HOUR))

    assert {r.kind for r in first} == {ReminderKind.COMMITMENT_DUE}
    assert {r.commitment_id for r in first} == {made.pk}
    assert again == []
    assert _sent(ReminderKind.COMMITMENT_DUE) == {pm.pk, owner.pk}

    missed = _ours(beat.scan_and_work(at=due))
    after = _ours(beat.scan_and_work(at=due + 2 * HOUR))

    assert after == []
    assert {r.kind for r in missed} == {ReminderKind.COMMITMENT_MISSED}
    assert all(r.is_escalation for r in missed)
    assert _sent(ReminderKind.COMMITMENT_MISSED) == {pm.pk, owner.pk, lead}
    assert Reminder.objects.filter(commitment=made).count() == 5
    mail = OutgoingEmail.objects.get(to=owner.email, subject__startswith="Escalation")
    assert "The load test report" in mail.subject
    note = Notification.objects.filter(user=owner, is_escalation=True).get()
    assert note.url.endswith(f"#commitment-{made.pk}")


def test_a_commitment_kept_before_delivery_is_not_reminded(beat, informed, promise, pm, owner, now):
    due = now + 3 * DAY
    made = promise(informed, due_at=due)
    assert _ours(beat.scan(at=due - DAY))
    services.commitment_keep(commitment=made, actor=pm)

    beat.work()

    ours = Reminder.objects.filter(commitment=made)
    assert {r.status for r in ours} == {ReminderStatus.OBSOLETE}
    assert not OutgoingEmail.objects.filter(
        dedupe_key__in=[f"reminder:{r.pk}" for r in ours]
    ).exists()
    assert _ours(beat.scan_and_work(at=due + HOUR)) == []


def test_a_commitment_settled_in_time_is_never_escalated(beat, informed, promise, pm, now):
    due = now + 3 * DAY
    kept = promise(informed, due_at=due)
    missed = promise(informed, what_en="A new build", due_at=due)
    services.commitment_keep(commitment=kept, actor=pm)
    services.commitment_miss(commitment=missed, actor=pm, told_client_en="We called the client.")

    assert _ours(beat.scan_and_work(at=due + HOUR)) == []


def test_a_commitment_moved_later_is_reminded_for_its_new_due_moment(
    beat, informed, promise, pm, now
):
    due = now + 3 * DAY
    made = promise(informed, due_at=due)
    _ours(beat.scan_and_work(at=due - DAY))
    made = services.commitment_update(
        commitment=made, expected_version=made.version, actor=pm, due_at=due + 2 * DAY
    )

    assert _ours(beat.scan_and_work(at=due + HOUR)) == []
    later = _ours(beat.scan_and_work(at=due + DAY))
    assert {(r.kind, r.due_at) for r in later} == {(ReminderKind.COMMITMENT_DUE, due + 2 * DAY)}


def test_a_notice_due_before_the_promise_was_made_is_skipped(beat, informed, promise, now):
    promise(informed, due_at=now + 2 * HOUR)
    assert _ours(beat.scan_and_work(at=now + HOUR)) == []
    assert {r.kind for r in _ours(beat.scan_and_work(at=now + 2 * HOUR))} == {
        ReminderKind.COMMITMENT_MISSED
    }


def test_a_commitment_handed_on_reminds_its_new_owner_not_the_old_one(
    beat, informed, promise, pm, owner, team_member, now
):
    due = now + 3 * DAY
    made = promise(informed, due_at=due)
    assert _ours(beat.scan(at=due - DAY))
    services.commitment_update(
        commitment=made, expected_version=made.version, actor=pm, owner=team_member
    )
    beat.work()

    assert _sent(ReminderKind.COMMITMENT_DUE) == {pm.pk}
    assert Reminder.objects.get(commitment=made, recipient=owner).status == (
        ReminderStatus.OBSOLETE
    )
    assert {r.recipient_id for r in _ours(beat.scan_and_work(at=due - DAY + HOUR))} == {
        team_member.pk
    }
    assert _sent(ReminderKind.COMMITMENT_DUE) == {pm.pk, team_member.pk}
