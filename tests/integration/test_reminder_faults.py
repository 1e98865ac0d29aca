"""Every reminder arrives exactly once, whatever breaks on the way.

Real Celery workers run as subprocesses against the test database and a
broker of the test's own: kombu's file-system transport (the embedded
default) or a private ``redis-server`` that the test may kill and restart.
E-mail goes over SMTP to a real server in this process, which counts the
messages by their ``X-Candor-Key`` header, so a message sent twice is seen.

The faults: a worker SIGKILLed while it sends an e-mail; a broker that loses
its messages between the scan and the delivery; two workers and two scans at
once; beat stopped for an hour. After each, every Reminder row is delivered
once (one notification each) and every e-mail reaches the server once.

What the tests cannot promise, and do not claim: an SMTP server that accepted
a message whose sender then died before recording it will receive it again.
The slow-send hook therefore holds the worker just *before* the SMTP send, in
the transaction that has the e-mail's row locked.
"""

import time
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.incidents import services as incident_services
from apps.incidents.models import IncidentSeverity
from apps.outbox import services as outbox
from apps.outbox.models import EmailStatus, OutgoingEmail
from apps.projects.models import ProjectRole
from apps.reminders.models import Reminder, ReminderKind, ReminderStatus
from tests.factories import IncidentFactory, ProjectFactory, informed_incident, member
from tests.integration.processes import (
    DELIVERY_TIMEOUT,
    SETTLE_SECONDS,
    after_the_sweep_grace,
    assert_each_delivered_exactly_once,
    kill_while_sending,
    new_reminders,
    scans_at_once,
    swept_emails,
    wait_until_everything_sent,
)

pytestmark = pytest.mark.integration

HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)

# The fixtures ``procs``, ``broker`` (file-system and private Redis) and ``smtp``
# come from conftest.py; the checks from processes.py, shared with the action-item
# fault tests.


# --- Data ------------------------------------------------------------------------------


def _team(pms: int = 1):
    """A project with ``pms`` project managers (and, as every project, a PMO lead)."""
    project = ProjectFactory()
    return project, [member(project, ProjectRole.PM) for _ in range(pms)]


def _breached(project, pm, *, now, count: int):
    """Incidents whose first-contact deadline passed an hour ago, the client never told."""
    return [
        IncidentFactory(project=project, declared_by=pm, now=now - 25 * HOUR) for _ in range(count)
    ]


def _update_overdue(project, pm, *, now, count: int):
    """Incidents whose client was told, whose update is 15 hours late (escalated too)."""
    return [
        informed_incident(
            project=project, declared_by=pm, severity=IncidentSeverity.CRITICAL, now=now - 40 * HOUR
        )
        for _ in range(count)
    ]


# --- (a) a worker killed in the middle of sending -------------------------------------


def test_a_worker_killed_while_sending_an_email_loses_and_doubles_nothing(procs, smtp, broker):
    now = timezone.now()
    project, pms = _team(pms=2)
    _breached(project, pms[0], now=now, count=3)
    expected = 3 * 3  # each breach: both PMs and the PMO lead

    # A prefork worker whose every SMTP send first waits a minute: the kill lands inside.
    doomed = procs.ready_worker(
        name="doomed",
        pool="prefork",
        concurrency=2,
        env_extra={outbox.TEST_SLOW_SEND_ENV: "60"},
    )
    assert new_reminders(procs.manage("scan_reminders", name="scan")) == expected

    killed = kill_while_sending(procs, doomed)
    assert smtp.count() == 0  # killed before the SMTP conversation
    # Their transactions died with the worker: still pending, not "sent", not failed.
    assert set(OutgoingEmail.objects.filter(pk__in=killed).values_list("status", flat=True)) == {
        EmailStatus.PENDING
    }

    procs.ready_worker(name="fresh")
    procs.wait_until(lambda: broker.queued() == 0, timeout=DELIVERY_TIMEOUT, what="queue drained")
    # The killed sends' messages are gone (file-system) or held unacknowledged for
    # the visibility timeout (Redis): the sweep, after its grace, enqueues them again.
    swept = procs.manage("scan_reminders", "--sweep", "--now", after_the_sweep_grace())
    assert swept_emails(swept) >= len(killed)

    wait_until_everything_sent(procs, smtp, broker, expected)
    assert_each_delivered_exactly_once(smtp, expected)
    assert {m.key for m in smtp.messages} >= {
        e.dedupe_key for e in OutgoingEmail.objects.filter(pk__in=killed)
    }


# --- (b) the broker loses its messages --------------------------------------------------


def test_messages_the_broker_loses_between_scan_and_delivery_are_swept_up(procs, smtp, broker):
    now = timezone.now()
    project, [pm] = _team()
    # No worker yet. Batch 1: scanned, its delivery messages wait in the broker.
    _breached(project, pm, now=now, count=3)
    assert new_reminders(procs.manage("scan_reminders", name="scan")) == 6
    # Batch 2: delivered by the command itself, its e-mail messages wait in the broker.
    _breached(project, pm, now=now, count=2)
    output = procs.manage("scan_reminders", "--deliver", name="scan")
    assert "4 new reminder(s), 4 delivered" in output
    # Batch 1's deliveries; batch 2's e-mails and its (now redundant) deliveries.
    assert broker.queued() == 6 + 4 + 4

    # Redis is killed and restarted (nothing persisted), or the queue's files deleted.
    broker.lose_messages()
    assert broker.queued() == 0

    procs.ready_worker()
    assert Reminder.objects.filter(status=ReminderStatus.PENDING).count() == 6
    assert OutgoingEmail.objects.filter(status=EmailStatus.PENDING).count() == 4

    swept = procs.manage("scan_reminders", "--sweep", "--now", after_the_sweep_grace())
    assert "0 new reminder(s), 6 reminder(s) and 4 e-mail(s) re-enqueued" in swept

    wait_until_everything_sent(procs, smtp, broker, 10)
    assert_each_delivered_exactly_once(smtp, 10)


@pytest.mark.parametrize("broker", ["redis"], indirect=True)
def test_a_redis_restart_under_a_running_worker_loses_and_doubles_nothing(procs, smtp, broker):
    now = timezone.now()
    project, [pm] = _team()
    worker = procs.ready_worker()

    broker.redis.kill()
    _breached(project, pm, now=now, count=3)
    # The scan still records everything; the messages it cannot send are left to the sweep.
    output = procs.manage("scan_reminders", name="scan")
    assert new_reminders(output) == 6
    assert "the sweep will retry" in output
    assert Reminder.objects.filter(status=ReminderStatus.PENDING).count() == 6

    broker.redis.start()  # same port, empty
    procs.wait_until(
        lambda: worker.output().count("Connected to redis://") >= 2,
        timeout=DELIVERY_TIMEOUT,
        what="the worker to reconnect",
    )
    procs.manage("scan_reminders", "--sweep", "--now", after_the_sweep_grace())

    wait_until_everything_sent(procs, smtp, broker, 6)
    assert_each_delivered_exactly_once(smtp, 6)


# --- (c) two workers, two scans at the same instant ---------------------------------------


def test_two_scans_at_once_with_two_workers_record_and_send_each_reminder_once(
    procs, smtp, broker, tmp_path
):
    now = timezone.now()
    project, pms = _team(pms=2)
    _breached(project, pms[0], now=now, count=8)  # 3 reminders each
    _update_overdue(project, pms[0], now=now, count=8)  # overdue (2) and escalated (3) each
    expected = 8 * 3 + 8 * 5

    procs.ready_worker(name="worker1")
    procs.ready_worker(name="worker2")

    # The two scans start within milliseconds of each other, for the same moment.
    outputs = scans_at_once(procs, tmp_path / "go", "--now", now.isoformat())

    # Each reminder was inserted once (by whichever scan came first); a scan may
    # also enqueue rows the other inserted, which delivery turns into no-ops.
    assert sum(new_reminders(o) for o in outputs) >= expected
    wait_until_everything_sent(procs, smtp, broker, expected)
    assert_each_delivered_exactly_once(smtp, expected)
    assert Counter(Reminder.objects.values_list("kind", flat=True)) == {
        ReminderKind.FIRST_CONTACT_BREACHED: 8 * 3,
        ReminderKind.UPDATE_OVERDUE: 8 * 2,
        ReminderKind.UPDATE_ESCALATED: 8 * 3,
    }


# --- (d) beat stopped for an hour ------------------------------------------------------------


def test_after_beat_stopped_for_an_hour_everything_due_meanwhile_is_delivered_once(
    procs, smtp, broker
):
    t0 = timezone.now()
    gap_end = t0 + HOUR
    project, [pm] = _team()
    lead = project.pmo_lead

    def declared(ago: timedelta):
        return IncidentFactory(project=project, declared_by=pm, now=t0 - ago)

    def informed(ago: timedelta):
        return informed_incident(
            project=project, declared_by=pm, now=t0 - ago, contact_after=20 * MINUTE
        )

    # Seen by beat before it stops:
    a = declared(23 * HOUR + 30 * MINUTE)  # first contact due at t0+30m: 2-hour notice now
    b = informed(48 * HOUR)  # update (48 h cadence) due at t0+20m: 4-hour notice now
    e = declared(21 * HOUR + 30 * MINUTE)  # first contact due at t0+2h30: 12-hour notice now
    c = informed(70 * MINUTE)  # update due in 48 h, brought forward to t0+10m below
    c = incident_services.incident_set_cadence(
        incident=c, cadence=HOUR, now=t0, actor=c.declared_by
    )
    assert c.next_update_due_at == t0 + 10 * MINUTE

    worker = procs.ready_worker()
    beat = procs.beat()
    before = {
        (a.pk, ReminderKind.FIRST_CONTACT_DUE_2H),
        (b.pk, ReminderKind.UPDATE_DUE_4H),
        (e.pk, ReminderKind.FIRST_CONTACT_DUE_12H),
    }
    procs.wait_until(
        lambda: set(Reminder.objects.values_list("incident_id", "kind")) == before,
        timeout=DELIVERY_TIMEOUT,
        what="beat's scan to find the notices due now",
    )
    wait_until_everything_sent(procs, smtp, broker, 3)

    # Beat stops; so does the worker, so that no scan beat already sent is still to run.
    procs.stop(beat)
    procs.wait_until(lambda: broker.queued() == 0, timeout=60, what="beat's last scans run")
    procs.stop(worker)

    # Deadlines that fall, with every notice before them, while nothing scans.
    g = declared(23 * HOUR + 45 * MINUTE)  # first contact due at t0+15m
    h = informed(48 * HOUR + 10 * MINUTE)  # update due at t0+10m
    assert g.first_contact_due_at == t0 + 15 * MINUTE
    assert h.next_update_due_at == t0 + 10 * MINUTE

    procs.ready_worker()
    # The hour is over: the scan runs at its end (a replayed moment, as a cron or
    # a restarted beat would at that time).
    assert new_reminders(procs.manage("scan_reminders", "--now", gap_end.isoformat())) == 10

    wait_until_everything_sent(procs, smtp, broker, 13)
    assert_each_delivered_exactly_once(smtp, 13)

    found = {
        (r.incident_id, r.kind, r.recipient_id): r.fire_at
        for r in Reminder.objects.filter(created_at=gap_end)
    }
    assert found == {
        # Breaches at the true deadline, not at the scan; the PMO lead is told too.
        (a.pk, ReminderKind.FIRST_CONTACT_BREACHED, pm.pk): a.first_contact_due_at,
        (a.pk, ReminderKind.FIRST_CONTACT_BREACHED, lead.pk): a.first_contact_due_at,
        (g.pk, ReminderKind.FIRST_CONTACT_BREACHED, pm.pk): g.first_contact_due_at,
        (g.pk, ReminderKind.FIRST_CONTACT_BREACHED, lead.pk): g.first_contact_due_at,
        # Overdue updates, once, from their deadline; no "due in 4 hours" for h.
        (b.pk, ReminderKind.UPDATE_OVERDUE, pm.pk): b.next_update_due_at,
        (h.pk, ReminderKind.UPDATE_OVERDUE, pm.pk): h.next_update_due_at,
        (c.pk, ReminderKind.UPDATE_OVERDUE, pm.pk): c.next_update_due_at,
        # Half a cadence late: escalated, from that moment.
        (c.pk, ReminderKind.UPDATE_ESCALATED, pm.pk): c.next_update_due_at + 30 * MINUTE,
        (c.pk, ReminderKind.UPDATE_ESCALATED, lead.pk): c.next_update_due_at + 30 * MINUTE,
        # A notice that fell due in the gap for a deadline still ahead.
        (e.pk, ReminderKind.FIRST_CONTACT_DUE_2H, pm.pk): e.first_contact_due_at - 2 * HOUR,
    }

    # Scanning the same moment again finds nothing new, sends nothing more.
    assert new_reminders(procs.manage("scan_reminders", "--now", gap_end.isoformat())) == 0
    time.sleep(SETTLE_SECONDS)
    assert_each_delivered_exactly_once(smtp, 13)
