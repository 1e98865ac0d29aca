"""Overdue action items remind their owners exactly once, whatever breaks on the way.

The same faults, processes and checks as ``test_reminder_faults.py`` (which
see), for the reminders the scan records when an open action item passes its
due moment: one per item, due moment and owner, sent to the owner only.

Every test builds one open incident whose client heard from us two hours ago
and whose next update is two days away, so the incident itself is due nothing:
every reminder a scan records is an action item's. The items belong to the
project manager and three team members, and are created through the service
with ``now=`` in the past.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import count

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from apps.actionplans import services as actionplans
from apps.actionplans.models import ActionItem, ActionItemStatus
from apps.incidents.models import Incident
from apps.outbox import services as outbox
from apps.outbox.models import EmailStatus, OutgoingEmail
from apps.projects.models import ProjectRole
from apps.reminders.models import Reminder, ReminderKind, ReminderStatus
from tests.factories import ProjectFactory, informed_incident, member
from tests.integration.processes import (
    DELIVERY_TIMEOUT,
    after_the_sweep_grace,
    assert_each_delivered_exactly_once,
    kill_while_sending,
    new_reminders,
    scans_at_once,
    swept_emails,
    wait_until_everything_sent,
)
from tests.integration.smtp import SmtpSink

pytestmark = pytest.mark.integration

HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)

# ``procs``, ``broker`` (file-system and a private Redis) and ``smtp`` come from conftest.py.


# --- Data and checks ---------------------------------------------------------------------

_titles = count(1)


@dataclass
class Team:
    """An open incident and the people who can own its actions."""

    incident: Incident
    pm: AbstractBaseUser
    members: list[AbstractBaseUser]

    @property
    def owners(self) -> list[AbstractBaseUser]:
        return [self.pm, *self.members]

    def item(self, owner, *, due_at: datetime, created_at: datetime) -> ActionItem:
        """An action item added to the plan at ``created_at``, through the service."""
        return actionplans.action_item_create(
            incident=self.incident,
            actor=self.pm,
            kind="remediation",
            title_en=f"Action {next(_titles)}",
            owner=owner,
            due_at=due_at,
            now=created_at,
        )

    def overdue(self, owners, *, now: datetime) -> list[ActionItem]:
        """One item per owner (in that order), added 3 hours ago, overdue by 1 to n minutes."""
        return [
            self.item(owner, due_at=now - (n + 1) * MINUTE, created_at=now - 3 * HOUR)
            for n, owner in enumerate(owners)
        ]


def _team(now: datetime) -> Team:
    """A PM and three team members; their client was told 2 hours ago, the next update is
    due in 46 hours (more than the 4-hour notice away, also at the end of any test)."""
    project = ProjectFactory()
    pm = member(project, ProjectRole.PM)
    members = [member(project, ProjectRole.MEMBER) for _ in range(3)]
    incident = informed_incident(project=project, declared_by=pm, now=now - 3 * HOUR)
    return Team(incident=incident, pm=pm, members=members)


def _update(item: ActionItem, *, by, now: datetime | None = None, **fields) -> ActionItem:
    """Change an item through the service, as ``by`` at ``now``."""
    item.refresh_from_db()
    return actionplans.action_item_update(
        item=item, expected_version=item.version, actor=by, now=now, **fields
    )


def _assert_owners_reminded_once(smtp: SmtpSink, due: list[tuple[ActionItem, datetime]]) -> None:
    """Each (item, due moment): one delivered reminder, to the item's owner, and one e-mail.

    Nobody else is e-mailed: each owner receives exactly one message per
    overdue item (and due moment) they own, which names the item.
    """
    items = {item.pk: item for item, _due in due}
    for item in items.values():
        item.refresh_from_db()
    delivered = Reminder.objects.filter(status=ReminderStatus.DELIVERED)
    assert sorted(
        delivered.values_list("action_item_id", "kind", "due_at", "recipient_id")
    ) == sorted(
        (item.pk, ReminderKind.ACTION_OVERDUE, due_at, items[item.pk].owner_id)
        for item, due_at in due
    )

    # Each e-mail goes to the owner of the item it names; nobody else is written to.
    item_of = {f"reminder:{r.pk}": items[r.action_item_id] for r in delivered}
    received = smtp.messages
    assert Counter(message.key for message in received) == Counter(item_of.keys()), smtp.report()
    for message in received:
        item = item_of[message.key]
        assert message.to == (item.owner.email,)
        assert message.subject == f"Action overdue: {item.title}"
    per_owner = Counter(message.to[0] for message in received)
    assert per_owner == Counter(items[item.pk].owner.email for item, _due in due)


def _now_due(items: list[ActionItem]) -> list[tuple[ActionItem, datetime]]:
    return [(item, item.due_at) for item in items]


# --- (a) a worker killed in the middle of sending the owners' e-mails ---------------------------


def test_a_worker_killed_while_sending_owners_emails_loses_and_doubles_nothing(procs, smtp, broker):
    now = timezone.now()
    team = _team(now)
    pm, (m1, m2, m3) = team.pm, team.members
    overdue = team.overdue([pm, m1, m2, m3, m1, pm], now=now)
    # Not reminded: not due yet, and done before it was due.
    team.item(m2, due_at=now + HOUR, created_at=now - 3 * HOUR)
    done = team.item(m3, due_at=now - 30 * MINUTE, created_at=now - 3 * HOUR)
    _update(done, by=m3, now=now - HOUR, status=ActionItemStatus.DONE)

    # A prefork worker whose every SMTP send first waits a minute: the kill lands inside.
    doomed = procs.ready_worker(
        name="doomed",
        pool="prefork",
        concurrency=2,
        env_extra={outbox.TEST_SLOW_SEND_ENV: "60"},
    )
    assert new_reminders(procs.manage("scan_reminders", name="scan")) == len(overdue)

    killed = kill_while_sending(procs, doomed)
    assert smtp.count() == 0  # killed before the SMTP conversation
    assert set(OutgoingEmail.objects.filter(pk__in=killed).values_list("status", flat=True)) == {
        EmailStatus.PENDING
    }

    procs.ready_worker(name="fresh")
    procs.wait_until(lambda: broker.queued() == 0, timeout=DELIVERY_TIMEOUT, what="queue drained")
    swept = procs.manage("scan_reminders", "--sweep", "--now", after_the_sweep_grace())
    assert swept_emails(swept) >= len(killed)

    wait_until_everything_sent(procs, smtp, broker, len(overdue))
    assert_each_delivered_exactly_once(smtp, len(overdue))
    _assert_owners_reminded_once(smtp, _now_due(overdue))
    assert {m.key for m in smtp.messages} >= {
        e.dedupe_key for e in OutgoingEmail.objects.filter(pk__in=killed)
    }


# --- (b) the broker loses its messages ------------------------------------------------------------


def test_reminders_the_broker_loses_between_scan_and_delivery_reach_the_owners_once(
    procs, smtp, broker
):
    now = timezone.now()
    team = _team(now)
    pm, (m1, m2, m3) = team.pm, team.members
    # No worker yet. Batch 1: scanned, its delivery messages wait in the broker.
    batch1 = team.overdue([pm, m1, m2, m3], now=now)
    assert new_reminders(procs.manage("scan_reminders", name="scan")) == 4
    # Meanwhile m1 hands the overdue item to m3: m1's waiting reminder is no longer true.
    handed = _update(batch1[1], by=m1, owner=m3)
    # Batch 2, and m3's reminder for the handed item: delivered by the command
    # itself, their e-mail messages wait in the broker.
    batch2 = team.overdue([m2, pm, m1], now=now)
    output = procs.manage("scan_reminders", "--deliver", name="scan")
    assert "4 new reminder(s), 4 delivered" in output
    # Batch 1's deliveries; the e-mails and the (now redundant) deliveries of the rest.
    assert broker.queued() == 4 + 4 + 4

    broker.lose_messages()
    assert broker.queued() == 0

    procs.ready_worker()
    assert Reminder.objects.filter(status=ReminderStatus.PENDING).count() == 4
    assert OutgoingEmail.objects.filter(status=EmailStatus.PENDING).count() == 4

    swept = procs.manage("scan_reminders", "--sweep", "--now", after_the_sweep_grace())
    assert "0 new reminder(s), 4 reminder(s) and 4 e-mail(s) re-enqueued" in swept

    wait_until_everything_sent(procs, smtp, broker, 7, obsolete=1)
    assert_each_delivered_exactly_once(smtp, 7, obsolete=1)
    _assert_owners_reminded_once(smtp, _now_due(batch1 + batch2))
    # m1 heard nothing about the item m1 handed on; m3 heard once.
    assert Reminder.objects.get(action_item=handed, recipient=m1).status == (
        ReminderStatus.OBSOLETE
    )


# --- (c) two workers, two scans at the same instant ----------------------------------------------


def test_two_scans_at_once_with_two_workers_remind_each_owner_once_per_item(
    procs, smtp, broker, tmp_path
):
    now = timezone.now()
    team = _team(now)
    overdue = team.overdue(team.owners * 6, now=now)  # 24 items, 6 per owner

    procs.ready_worker(name="worker1")
    procs.ready_worker(name="worker2")
    outputs = scans_at_once(procs, tmp_path / "go", "--now", now.isoformat())

    # Each reminder was inserted once, by whichever scan came first; a scan may
    # also enqueue rows the other inserted, which delivery turns into no-ops.
    assert sum(new_reminders(o) for o in outputs) >= len(overdue)
    wait_until_everything_sent(procs, smtp, broker, len(overdue))
    assert_each_delivered_exactly_once(smtp, len(overdue))
    _assert_owners_reminded_once(smtp, _now_due(overdue))
    assert Counter(Reminder.objects.values_list("kind", flat=True)) == {
        ReminderKind.ACTION_OVERDUE: len(overdue)
    }


# --- (d) beat stopped for an hour ----------------------------------------------------------------


def test_after_beat_stopped_for_an_hour_each_item_is_reminded_once_per_due_moment(
    procs, smtp, broker
):
    t0 = timezone.now()
    gap_end = t0 + HOUR
    team = _team(t0)
    pm, (m1, m2, m3) = team.pm, team.members

    def item(owner, due: timedelta) -> ActionItem:
        return team.item(owner, due_at=t0 + due, created_at=t0 - 2 * HOUR)

    # Overdue already: beat reminds their owners before it stops.
    moved = item(pm, -30 * MINUTE)  # then moved later, to a moment inside the gap
    steady = item(m1, -20 * MINUTE)  # stays overdue: reminded once, not again
    # Falling due in the gap.
    falls = item(m2, 10 * MINUTE)
    falls_too = item(m3, 55 * MINUTE)
    done_late = item(m1, 15 * MINUTE)  # done 20 minutes after its due moment
    done_early = item(m3, 50 * MINUTE)  # done before its due moment
    dropped = item(m2, 25 * MINUTE)  # dropped after its due moment
    brought_forward = item(m2, 5 * HOUR)  # moved to a moment inside the gap
    pushed_out = item(pm, 45 * MINUTE)  # moved past the gap, falls due an hour later
    item(m3, 3 * HOUR)  # due after everything here

    worker = procs.ready_worker()
    beat = procs.beat()
    before = {(moved.pk, pm.pk), (steady.pk, m1.pk)}
    procs.wait_until(
        lambda: set(Reminder.objects.values_list("action_item_id", "recipient_id")) == before,
        timeout=DELIVERY_TIMEOUT,
        what="beat's scan to find the overdue items",
    )
    wait_until_everything_sent(procs, smtp, broker, 2)
    reminded_before = _now_due([moved, steady])

    # Beat stops; so does the worker, so that no scan beat already sent is still to run.
    procs.stop(beat)
    procs.wait_until(lambda: broker.queued() == 0, timeout=60, what="beat's last scans run")
    procs.stop(worker)

    # The hour in which nothing scans: the team works on the plan.
    moved = _update(moved, by=pm, now=t0 + 5 * MINUTE, due_at=t0 + 40 * MINUTE)
    done_early = _update(done_early, by=m3, now=t0 + 20 * MINUTE, status=ActionItemStatus.DONE)
    brought_forward = _update(brought_forward, by=m2, now=t0 + 25 * MINUTE, due_at=t0 + 30 * MINUTE)
    dropped = _update(
        dropped,
        by=m2,
        now=t0 + 30 * MINUTE,
        status=ActionItemStatus.DROPPED,
        dropped_reason_en="The client chose the other alternative.",
    )
    done_late = _update(done_late, by=m1, now=t0 + 35 * MINUTE, status=ActionItemStatus.DONE)
    pushed_out = _update(pushed_out, by=pm, now=t0 + 40 * MINUTE, due_at=t0 + 2 * HOUR)

    procs.ready_worker()
    # The hour is over: the scan runs at its end (a replayed moment, as a cron or
    # a restarted beat would at that time).
    assert new_reminders(procs.manage("scan_reminders", "--now", gap_end.isoformat())) == 4

    wait_until_everything_sent(procs, smtp, broker, 6)
    assert_each_delivered_exactly_once(smtp, 6)
    found = {
        (r.action_item_id, r.recipient_id, r.due_at): r.fire_at
        for r in Reminder.objects.filter(created_at=gap_end)
    }
    assert found == {
        # Due moments that passed in the gap, reminded from the moment they passed.
        (falls.pk, m2.pk, t0 + 10 * MINUTE): t0 + 10 * MINUTE,
        (falls_too.pk, m3.pk, t0 + 55 * MINUTE): t0 + 55 * MINUTE,
        (brought_forward.pk, m2.pk, t0 + 30 * MINUTE): t0 + 30 * MINUTE,
        # Reminded before the gap, moved later, passed again: a new reminder.
        (moved.pk, pm.pk, t0 + 40 * MINUTE): t0 + 40 * MINUTE,
    }
    reminded = [*reminded_before, *_now_due([falls, falls_too, brought_forward, moved])]
    _assert_owners_reminded_once(smtp, reminded)
    for quiet in (done_late, done_early, dropped, pushed_out):
        assert not Reminder.objects.filter(action_item=quiet).exists()

    # Scanning the same moment again finds nothing new, sends nothing more.
    assert new_reminders(procs.manage("scan_reminders", "--now", gap_end.isoformat())) == 0
    # An hour later the item pushed past the gap falls due: reminded once, and
    # nothing still overdue from before is reminded again.
    later = (t0 + 2 * HOUR + MINUTE).isoformat()
    assert new_reminders(procs.manage("scan_reminders", "--now", later)) == 1
    wait_until_everything_sent(procs, smtp, broker, 7)
    assert_each_delivered_exactly_once(smtp, 7)
    _assert_owners_reminded_once(smtp, [*reminded, (pushed_out, t0 + 2 * HOUR)])
