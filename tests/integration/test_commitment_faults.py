"""Commitments to the client are reminded and escalated exactly once, whatever breaks.

The same faults, processes and checks as ``test_reminder_faults.py`` and
``test_action_item_faults.py`` (which see), for the reminders the scan records
about open commitments: a day before one falls due (to its owner and the
project managers), and when it is still open at its due moment (an
escalation: also to the PMO lead).

Every test builds one open incident whose client heard from us two hours ago
and whose next update is two days away, so the incident itself is due
nothing: every reminder a scan records is a commitment's. The commitments
belong to the project manager and three team members, and are made through
the service with ``now=`` in the past.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import count

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from apps.commitments import services as commitments
from apps.commitments.models import Commitment
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
DUE = ReminderKind.COMMITMENT_DUE
MISSED = ReminderKind.COMMITMENT_MISSED

# ``procs``, ``broker`` (file-system and a private Redis) and ``smtp`` come from conftest.py.


# --- Data and checks ---------------------------------------------------------------------

_whats = count(1)


@dataclass
class Team:
    """An open incident, its PM, three team members and the PMO lead."""

    incident: Incident
    pm: AbstractBaseUser
    members: list[AbstractBaseUser]

    @property
    def owners(self) -> list[AbstractBaseUser]:
        return [self.pm, *self.members]

    @property
    def lead_id(self) -> int:
        return self.incident.project.pmo_lead_id

    def promise(self, owner, *, due_at: datetime, made_at: datetime) -> Commitment:
        """A commitment made at ``made_at``, through the service."""
        return commitments.commitment_make(
            incident=self.incident,
            actor=self.pm,
            what_en=f"Report {next(_whats)}",
            owner=owner,
            due_at=due_at,
            now=made_at,
        )

    def missed(self, owners, *, now: datetime) -> list[Commitment]:
        """One per owner (in that order), made 3 hours ago, due 1 to n minutes ago."""
        return [
            self.promise(owner, due_at=now - (n + 1) * MINUTE, made_at=now - 3 * HOUR)
            for n, owner in enumerate(owners)
        ]

    def recipients(self, commitment: Commitment, kind: str) -> set[int]:
        """Its owner and the PM; for the escalation, the PMO lead too."""
        people = {commitment.owner_id, self.pm.pk}
        return people | {self.lead_id} if kind == MISSED else people


def _team(now: datetime) -> Team:
    """A PM and three team members; their client was told 2 hours ago, the next update is
    due in 46 hours (more than the 4-hour notice away, also at the end of any test)."""
    project = ProjectFactory()
    pm = member(project, ProjectRole.PM)
    members = [member(project, ProjectRole.MEMBER) for _ in range(3)]
    incident = informed_incident(project=project, declared_by=pm, now=now - 3 * HOUR)
    return Team(incident=incident, pm=pm, members=members)


def _expected(team: Team, reminded: list[tuple[Commitment, str, datetime]]) -> list[tuple]:
    return [
        (c.pk, kind, due_at, user_id)
        for c, kind, due_at in reminded
        for user_id in team.recipients(c, kind)
    ]


def _assert_reminded_once(
    smtp: SmtpSink, team: Team, reminded: list[tuple[Commitment, str, datetime]]
) -> None:
    """Each (commitment, kind, due moment): one delivered reminder per recipient, one e-mail
    each, naming the commitment; nobody else is written to."""
    delivered = Reminder.objects.filter(status=ReminderStatus.DELIVERED).select_related(
        "recipient", "commitment"
    )
    assert sorted(
        delivered.values_list("commitment_id", "kind", "due_at", "recipient_id")
    ) == sorted(_expected(team, reminded))
    by_key = {f"reminder:{r.pk}": r for r in delivered}
    received = smtp.messages
    assert Counter(message.key for message in received) == Counter(by_key.keys()), smtp.report()
    for message in received:
        reminder = by_key[message.key]
        assert message.to == (reminder.recipient.email,)
        what = reminder.commitment.what
        if reminder.kind == MISSED:
            assert message.subject == f"Escalation: commitment to the client missed — {what}"
        else:
            assert message.subject == f"Commitment due in 24 hours: {what}"


def _missed_now(items: list[Commitment]) -> list[tuple[Commitment, str, datetime]]:
    return [(c, MISSED, c.due_at) for c in items]


def _count(team: Team, reminded) -> int:
    return len(_expected(team, reminded))


# --- (a) a worker killed in the middle of sending the e-mails ------------------------------------


def test_a_worker_killed_while_sending_commitment_emails_loses_and_doubles_nothing(
    procs, smtp, broker
):
    now = timezone.now()
    team = _team(now)
    pm, (m1, m2, m3) = team.pm, team.members
    missed = _missed_now(team.missed([m1, m2, m3, pm], now=now))
    # Not reminded: more than a day away, and kept before it was due.
    team.promise(m2, due_at=now + 30 * HOUR, made_at=now - 3 * HOUR)
    kept = team.promise(m3, due_at=now - 30 * MINUTE, made_at=now - 3 * HOUR)
    commitments.commitment_keep(commitment=kept, actor=m3, now=now - HOUR)
    expected = _count(team, missed)

    doomed = procs.ready_worker(
        name="doomed",
        pool="prefork",
        concurrency=2,
        env_extra={outbox.TEST_SLOW_SEND_ENV: "60"},
    )
    assert new_reminders(procs.manage("scan_reminders", name="scan")) == expected

    killed = kill_while_sending(procs, doomed)
    assert smtp.count() == 0  # killed before the SMTP conversation
    assert set(OutgoingEmail.objects.filter(pk__in=killed).values_list("status", flat=True)) == {
        EmailStatus.PENDING
    }

    procs.ready_worker(name="fresh")
    procs.wait_until(lambda: broker.queued() == 0, timeout=DELIVERY_TIMEOUT, what="queue drained")
    swept = procs.manage("scan_reminders", "--sweep", "--now", after_the_sweep_grace())
    assert swept_emails(swept) >= len(killed)

    wait_until_everything_sent(procs, smtp, broker, expected)
    assert_each_delivered_exactly_once(smtp, expected)
    _assert_reminded_once(smtp, team, missed)
    assert not Reminder.objects.filter(commitment=kept).exists()


# --- (b) the broker loses its messages ------------------------------------------------------------


def test_commitment_reminders_the_broker_loses_reach_everyone_once(procs, smtp, broker):
    now = timezone.now()
    team = _team(now)
    m1, m2, m3 = team.members
    # No worker yet. Batch 1: scanned, its delivery messages wait in the broker.
    batch1 = team.missed([m1, m2], now=now)
    assert new_reminders(procs.manage("scan_reminders", name="scan")) == 6
    # Meanwhile m1 reports the commitment kept: its waiting escalations are no longer true.
    kept = commitments.commitment_keep(commitment=batch1[0], actor=m1)
    # Batch 2: delivered by the command itself, its e-mail messages wait in the broker.
    batch2 = team.missed([m3], now=now)
    output = procs.manage("scan_reminders", "--deliver", name="scan")
    assert "3 new reminder(s), 3 delivered" in output
    # Batch 1's deliveries; batch 2's e-mails and its (now redundant) deliveries.
    assert broker.queued() == 6 + 3 + 3

    broker.lose_messages()
    assert broker.queued() == 0

    procs.ready_worker()
    assert Reminder.objects.filter(status=ReminderStatus.PENDING).count() == 6
    assert OutgoingEmail.objects.filter(status=EmailStatus.PENDING).count() == 3

    swept = procs.manage("scan_reminders", "--sweep", "--now", after_the_sweep_grace())
    assert "0 new reminder(s), 6 reminder(s) and 3 e-mail(s) re-enqueued" in swept

    wait_until_everything_sent(procs, smtp, broker, 6, obsolete=3)
    assert_each_delivered_exactly_once(smtp, 6, obsolete=3)
    _assert_reminded_once(smtp, team, _missed_now([batch1[1], *batch2]))
    assert {r.status for r in Reminder.objects.filter(commitment=kept)} == {ReminderStatus.OBSOLETE}


# --- (c) two workers, two scans at the same instant ----------------------------------------------


def test_two_scans_at_once_with_two_workers_remind_and_escalate_once(procs, smtp, broker, tmp_path):
    now = timezone.now()
    team = _team(now)
    missed = team.missed(team.owners * 3, now=now)  # 12 missed, 3 per owner
    # 8 falling due within the day, made before their day-before notice: reminded once.
    soon = [
        team.promise(owner, due_at=now + 20 * HOUR + n * MINUTE, made_at=now - 5 * HOUR)
        for n, owner in enumerate(team.owners * 2)
    ]
    reminded = _missed_now(missed) + [(c, DUE, c.due_at) for c in soon]
    expected = _count(team, reminded)

    procs.ready_worker(name="worker1")
    procs.ready_worker(name="worker2")
    outputs = scans_at_once(procs, tmp_path / "go", "--now", now.isoformat())

    # Each reminder was inserted once, by whichever scan came first; a scan may
    # also enqueue rows the other inserted, which delivery turns into no-ops.
    assert sum(new_reminders(o) for o in outputs) >= expected
    wait_until_everything_sent(procs, smtp, broker, expected)
    assert_each_delivered_exactly_once(smtp, expected)
    _assert_reminded_once(smtp, team, reminded)
    assert Counter(Reminder.objects.values_list("kind", flat=True)) == {
        MISSED: _count(team, _missed_now(missed)),
        DUE: _count(team, [(c, DUE, c.due_at) for c in soon]),
    }


# --- (d) beat stopped for an hour ----------------------------------------------------------------


def test_after_beat_stopped_for_an_hour_each_commitment_is_reminded_once(procs, smtp, broker):
    t0 = timezone.now()
    gap_end = t0 + HOUR
    team = _team(t0)
    pm, (m1, m2, m3) = team.pm, team.members

    def promise(owner, due: timedelta) -> Commitment:
        return team.promise(owner, due_at=t0 + due, made_at=t0 - 2 * HOUR)

    already = promise(m1, -30 * MINUTE)  # missed already: escalated before beat stops
    falls = promise(m2, 10 * MINUTE)  # falls due in the gap
    kept_in_gap = promise(m3, 20 * MINUTE)  # kept before it was due
    missed_in_gap = promise(m1, 25 * MINUTE)  # marked missed after its due moment
    moved_out = promise(pm, 40 * MINUTE)  # moved past the gap by three days
    tomorrow = promise(m3, 24 * HOUR + 30 * MINUTE)  # its day-before notice falls in the gap
    promise(m2, 3 * 24 * HOUR)  # due after everything here

    worker = procs.ready_worker()
    beat = procs.beat()
    procs.wait_until(
        lambda: Reminder.objects.count() == 3,
        timeout=DELIVERY_TIMEOUT,
        what="beat's scan to find the missed commitment",
    )
    wait_until_everything_sent(procs, smtp, broker, 3)
    reminded_before = _missed_now([already])

    # Beat stops; so does the worker, so that no scan beat already sent is still to run.
    procs.stop(beat)
    procs.wait_until(lambda: broker.queued() == 0, timeout=60, what="beat's last scans run")
    procs.stop(worker)

    # The hour in which nothing scans: the team settles and moves commitments.
    commitments.commitment_keep(commitment=kept_in_gap, actor=m3, now=t0 + 15 * MINUTE)
    commitments.commitment_miss(
        commitment=missed_in_gap,
        actor=m1,
        told_client_en="We called the client: it comes on Monday.",
        now=t0 + 30 * MINUTE,
    )
    moved_out = commitments.commitment_update(
        commitment=moved_out,
        expected_version=moved_out.version,
        actor=pm,
        due_at=t0 + 3 * 24 * HOUR + HOUR,
        now=t0 + 35 * MINUTE,
    )

    procs.ready_worker()
    # The hour is over: the scan runs at its end (a replayed moment, as a cron or
    # a restarted beat would at that time).
    in_the_gap = [(falls, MISSED, falls.due_at), (tomorrow, DUE, tomorrow.due_at)]
    assert new_reminders(procs.manage("scan_reminders", "--now", gap_end.isoformat())) == _count(
        team, in_the_gap
    )

    total = _count(team, reminded_before + in_the_gap)
    wait_until_everything_sent(procs, smtp, broker, total)
    assert_each_delivered_exactly_once(smtp, total)
    found = {
        (r.commitment_id, r.kind, r.recipient_id): r.fire_at
        for r in Reminder.objects.filter(created_at=gap_end)
    }
    assert found == {
        # Escalated from the moment it fell due; the notice from a day before its due moment.
        **{(falls.pk, MISSED, u): falls.due_at for u in team.recipients(falls, MISSED)},
        **{
            (tomorrow.pk, DUE, u): tomorrow.due_at - 24 * HOUR
            for u in team.recipients(tomorrow, DUE)
        },
    }
    _assert_reminded_once(smtp, team, reminded_before + in_the_gap)
    for quiet in (kept_in_gap, missed_in_gap, moved_out):
        assert not Reminder.objects.filter(commitment=quiet).exists()

    # Scanning the same moment again finds nothing new, sends nothing more.
    assert new_reminders(procs.manage("scan_reminders", "--now", gap_end.isoformat())) == 0
