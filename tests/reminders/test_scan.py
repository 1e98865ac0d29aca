"""The reminder scan: what fires, when, for whom — and only once."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.communications.services import log_contact
from apps.events.models import Event
from apps.incidents.models import Incident, IncidentSeverity
from apps.incidents.services import incident_resolve
from apps.projects.models import ProjectRole
from apps.reminders import services
from apps.reminders.models import Reminder, ReminderKind, ReminderStatus
from tests.factories import IncidentFactory, ProjectFactory, informed_incident, member

from .support import HOUR, MINUTE, all_reminders, kinds, recipients

pytestmark = pytest.mark.django_db

FIRST_CONTACT_MOMENTS = [
    pytest.param(ReminderKind.FIRST_CONTACT_DUE_12H, -12 * HOUR, id="due-in-12h"),
    pytest.param(ReminderKind.FIRST_CONTACT_DUE_2H, -2 * HOUR, id="due-in-2h"),
    pytest.param(ReminderKind.FIRST_CONTACT_BREACHED, timedelta(0), id="breached"),
]
#: Offsets from the update deadline; the cadence of a high-severity incident is 48 h.
UPDATE_MOMENTS = [
    pytest.param(ReminderKind.UPDATE_DUE_4H, -4 * HOUR, id="due-in-4h"),
    pytest.param(ReminderKind.UPDATE_OVERDUE, timedelta(0), id="overdue"),
    pytest.param(ReminderKind.UPDATE_ESCALATED, 24 * HOUR, id="overdue-by-half-a-cadence"),
]


# --- the moment each reminder fires ------------------------------------------------


@pytest.mark.parametrize(("kind", "offset"), FIRST_CONTACT_MOMENTS)
def test_first_contact_reminder_fires_at_its_moment_and_not_a_minute_before(
    beat, incident, kind, offset
):
    fire_at = incident.first_contact_due_at + offset

    assert kind not in kinds(beat.scan(at=fire_at - MINUTE))
    fired = [r for r in beat.scan(at=fire_at) if r.kind == kind]

    assert fired
    assert {r.fire_at for r in fired} == {fire_at}
    assert {r.due_at for r in fired} == {incident.first_contact_due_at}


@pytest.mark.parametrize(("kind", "offset"), UPDATE_MOMENTS)
def test_update_reminder_fires_at_its_moment_and_not_a_minute_before(beat, informed, kind, offset):
    due = informed.next_update_due_at
    fire_at = due + offset

    assert kind not in kinds(beat.scan(at=fire_at - MINUTE))
    fired = [r for r in beat.scan(at=fire_at) if r.kind == kind]

    assert fired
    assert {r.fire_at for r in fired} == {fire_at}
    assert {r.due_at for r in fired} == {due}


def test_the_first_contact_deadline_is_24_hours_after_declaration(incident, now):
    # Every expected moment in this file is counted from this deadline.
    assert incident.first_contact_due_at == now + 24 * HOUR


def test_a_scan_before_any_notice_finds_nothing(beat, incident):
    assert beat.scan(at=incident.declared_at + 11 * HOUR) == []


def test_a_notice_that_would_fall_before_the_declaration_is_skipped(beat, project, pm, now):
    # With a 6-hour window the "12 hours left" moment is before the incident existed.
    project.first_contact_window_hours = 6
    project.save()
    incident = IncidentFactory(project=project, declared_by=pm, now=now)
    due = incident.first_contact_due_at

    assert beat.scan(at=incident.declared_at) == []
    assert beat.scan(at=due - 2 * HOUR - MINUTE) == []
    assert kinds(beat.scan(at=due - 2 * HOUR)) == {ReminderKind.FIRST_CONTACT_DUE_2H}


# --- recipients ------------------------------------------------------------------------


def test_a_first_contact_notice_goes_to_the_project_managers(beat, incident, project, pm):
    other_pm = member(project, ProjectRole.PM)
    member(project, ProjectRole.MEMBER)
    member(project, ProjectRole.VIEWER)

    fired = beat.scan(at=incident.first_contact_due_at - 12 * HOUR)

    assert recipients(fired) == {ReminderKind.FIRST_CONTACT_DUE_12H: {pm.pk, other_pm.pk}}
    assert not any(r.is_escalation for r in fired)


def test_a_breach_goes_to_the_project_managers_and_the_pmo_lead(beat, incident, project, pm):
    fired = beat.scan(at=incident.first_contact_due_at)

    assert recipients(fired) == {ReminderKind.FIRST_CONTACT_BREACHED: {pm.pk, project.pmo_lead_id}}
    assert all(r.is_escalation for r in fired)


def test_an_overdue_update_goes_to_the_project_managers_only(beat, informed, project, pm):
    fired = beat.scan(at=informed.next_update_due_at)

    assert recipients(fired) == {ReminderKind.UPDATE_OVERDUE: {pm.pk}}
    assert not fired[0].is_escalation


def test_an_update_overdue_by_half_a_cadence_is_escalated_to_the_pmo_lead(
    beat, informed, project, pm
):
    beat.scan(at=informed.next_update_due_at)

    fired = beat.scan(at=informed.next_update_due_at + informed.update_cadence / 2)

    assert recipients(fired) == {ReminderKind.UPDATE_ESCALATED: {pm.pk, project.pmo_lead_id}}
    assert all(r.is_escalation for r in fired)


def test_without_a_project_manager_the_pmo_lead_is_reminded(beat, now):
    project = ProjectFactory()
    incident = IncidentFactory(project=project, now=now)  # declared by someone not a PM

    fired = beat.scan(at=incident.first_contact_due_at - 12 * HOUR)

    assert recipients(fired) == {ReminderKind.FIRST_CONTACT_DUE_12H: {project.pmo_lead_id}}


def test_an_inactive_project_manager_is_not_reminded(beat, incident, project, pm):
    pm.is_active = False
    pm.save()

    fired = beat.scan(at=incident.first_contact_due_at - 12 * HOUR)

    assert recipients(fired) == {ReminderKind.FIRST_CONTACT_DUE_12H: {project.pmo_lead_id}}


def test_reminders_are_per_project(beat, now, incident, pm):
    elsewhere = ProjectFactory()
    other_pm = member(elsewhere, ProjectRole.PM)
    other = IncidentFactory(project=elsewhere, declared_by=other_pm, now=now)

    fired = beat.scan(at=incident.first_contact_due_at - 12 * HOUR)

    by_incident = {(r.incident_id, r.recipient_id) for r in fired}
    assert by_incident == {(incident.pk, pm.pk), (other.pk, other_pm.pk)}


# --- once, and only once ------------------------------------------------------------------


def test_second_scan_sends_nothing(beat, incident):
    moment = incident.first_contact_due_at - 12 * HOUR
    first = beat.scan(at=moment)

    assert first
    assert beat.scan(at=moment) == []
    assert beat.scan(at=moment + MINUTE) == []
    assert Reminder.objects.count() == len(first)


def test_a_scan_every_minute_through_a_whole_incident_records_each_reminder_once(
    beat, informed, project, pm
):
    due = informed.next_update_due_at
    escalate_at = due + informed.update_cadence / 2
    moments = []
    for fire_at in (due - 4 * HOUR, due, escalate_at):
        moments += [fire_at - MINUTE, fire_at, fire_at + MINUTE, fire_at + 2 * MINUTE]

    for moment in moments:
        beat.scan(at=moment)
        beat.scan(at=moment)

    assert sorted((r.kind, r.recipient_id) for r in all_reminders()) == sorted(
        [
            (ReminderKind.UPDATE_DUE_4H, pm.pk),
            (ReminderKind.UPDATE_OVERDUE, pm.pk),
            (ReminderKind.UPDATE_ESCALATED, pm.pk),
            (ReminderKind.UPDATE_ESCALATED, project.pmo_lead_id),
        ]
    )


def test_the_scan_enqueues_each_new_reminder_once_after_commit(
    incident, enqueued, django_capture_on_commit_callbacks
):
    moment = incident.first_contact_due_at

    with django_capture_on_commit_callbacks() as callbacks:
        new_ids = services.reminders_scan(now=moment)
    assert enqueued.messages == []  # nothing leaves before the rows are committed

    for callback in callbacks:
        callback()
    assert sorted(enqueued.args_of("reminders.tasks.deliver")) == sorted((i,) for i in new_ids)
    assert len(new_ids) == 2  # the PM and the PMO lead

    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_scan(now=moment) == []
    assert len(enqueued.messages) == 2


def test_the_beat_task_scans(incident, clock, enqueued, django_capture_on_commit_callbacks):
    from apps.reminders.tasks import scan_due

    clock.move_to(incident.first_contact_due_at)
    with django_capture_on_commit_callbacks(execute=True):
        scan_due()

    assert {r.kind for r in all_reminders()} == {ReminderKind.FIRST_CONTACT_BREACHED}
    assert len(enqueued.args_of("reminders.tasks.deliver")) == 2


# --- catching up after downtime ---------------------------------------------------------


def test_after_a_long_gap_a_missed_first_contact_is_one_breach_and_no_stale_notices(
    beat, incident, project, pm
):
    due = incident.first_contact_due_at
    assert beat.scan(at=due - 13 * HOUR) == []  # the last scan before beat went down

    fired = beat.scan(at=due + 30 * HOUR)

    assert recipients(fired) == {ReminderKind.FIRST_CONTACT_BREACHED: {pm.pk, project.pmo_lead_id}}
    # Recorded when it happened, not when the late scan noticed it.
    assert {r.fire_at for r in fired} == {due}
    assert beat.scan(at=due + 30 * HOUR + MINUTE) == []


def test_after_a_long_gap_an_overdue_update_is_one_reminder_and_one_escalation(
    beat, informed, project, pm
):
    due = informed.next_update_due_at
    assert beat.scan(at=due - 5 * HOUR) == []

    fired = beat.scan(at=due + 30 * HOUR)

    assert recipients(fired) == {
        ReminderKind.UPDATE_OVERDUE: {pm.pk},
        ReminderKind.UPDATE_ESCALATED: {pm.pk, project.pmo_lead_id},
    }
    assert len(fired) == 3  # not a burst of every notice that fell due meanwhile
    assert {r.kind: r.fire_at for r in fired} == {
        ReminderKind.UPDATE_OVERDUE: due,
        ReminderKind.UPDATE_ESCALATED: due + informed.update_cadence / 2,
    }


def test_a_due_soon_notice_whose_deadline_passed_unseen_is_never_created(beat, informed):
    due = informed.next_update_due_at
    assert beat.scan(at=due - 5 * HOUR) == []

    assert kinds(beat.scan(at=due + MINUTE)) == {ReminderKind.UPDATE_OVERDUE}
    assert ReminderKind.UPDATE_DUE_4H not in kinds(all_reminders())


def test_a_late_first_contact_logged_while_no_scan_ran_still_records_the_breach(beat, incident, pm):
    due = incident.first_contact_due_at
    beat.scan(at=due - 13 * HOUR)
    log_contact(
        incident=incident,
        actor=pm,
        channel="call",
        occurred_at=due + 3 * HOUR,
        summary_en="Called the CIO, three hours late.",
        now=due + 3 * HOUR,
    )

    fired = beat.scan(at=due + 4 * HOUR)

    assert kinds(fired) == {ReminderKind.FIRST_CONTACT_BREACHED}
    assert {r.fire_at for r in fired} == {due}
    assert Incident.objects.get(pk=incident.pk).first_contact_met is False
    assert beat.scan(at=due + 5 * HOUR) == []


def test_a_first_contact_in_time_stops_the_first_contact_reminders(beat, incident, pm):
    due = incident.first_contact_due_at
    beat.scan(at=due - 12 * HOUR)
    log_contact(
        incident=incident,
        actor=pm,
        channel="meeting",
        occurred_at=due - 3 * HOUR,
        summary_en="Told the client everything.",
        now=due - 3 * HOUR,
    )

    for moment in (due - 2 * HOUR, due, due + 30 * HOUR):
        assert beat.scan(at=moment) == []


def test_a_resolved_incident_gets_no_update_reminders(beat, informed):
    due = informed.next_update_due_at
    incident_resolve(incident=informed, now=due - 5 * HOUR, actor=informed.declared_by)

    for moment in (due - 4 * HOUR, due, due + 30 * HOUR):
        assert beat.scan(at=moment) == []


# --- daylight saving time -------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "declared_at", "expected"),
    [
        pytest.param(
            "Europe/Berlin",
            datetime(2026, 10, 24, 12, 0, tzinfo=UTC),  # the clocks go back on 25 October
            {
                ReminderKind.FIRST_CONTACT_DUE_12H: datetime(2026, 10, 25, 0, 0, tzinfo=UTC),
                ReminderKind.FIRST_CONTACT_DUE_2H: datetime(2026, 10, 25, 10, 0, tzinfo=UTC),
                ReminderKind.FIRST_CONTACT_BREACHED: datetime(2026, 10, 25, 12, 0, tzinfo=UTC),
            },
            id="berlin",
        ),
        pytest.param(
            "America/New_York",
            datetime(2026, 10, 31, 18, 0, tzinfo=UTC),  # the clocks go back on 1 November
            {
                # 06:00 UTC is the very instant New York goes from EDT to EST.
                ReminderKind.FIRST_CONTACT_DUE_12H: datetime(2026, 11, 1, 6, 0, tzinfo=UTC),
                ReminderKind.FIRST_CONTACT_DUE_2H: datetime(2026, 11, 1, 16, 0, tzinfo=UTC),
                ReminderKind.FIRST_CONTACT_BREACHED: datetime(2026, 11, 1, 18, 0, tzinfo=UTC),
            },
            id="new-york",
        ),
    ],
)
def test_a_dst_change_in_the_pms_zone_moves_no_first_contact_reminder(
    beat, zone, declared_at, expected
):
    project = ProjectFactory()
    pm = member(project, ProjectRole.PM, profile__time_zone=zone)
    incident = IncidentFactory(project=project, declared_by=pm, now=declared_at)

    # Scan every ten minutes through the day and the hours around it.
    moment, fired = declared_at, []
    while moment <= declared_at + 26 * HOUR:
        fired += beat.scan(at=moment)
        moment += 10 * MINUTE

    assert incident.first_contact_due_at == declared_at + 24 * HOUR
    assert {r.kind: r.fire_at for r in fired} == expected
    # Each was first seen by the scan at its exact instant, not an hour early or late.
    assert all(r.created_at == r.fire_at for r in fired)


def test_a_dst_change_does_not_stretch_the_update_cadence(beat):
    project = ProjectFactory()
    pm = member(project, ProjectRole.PM, profile__time_zone="Europe/Berlin")
    informed = informed_incident(
        now=datetime(2026, 10, 24, 12, 0, tzinfo=UTC),
        project=project,
        declared_by=pm,
        severity=IncidentSeverity.CRITICAL,  # an update every 24 hours
    )
    due = datetime(2026, 10, 25, 13, 0, tzinfo=UTC)  # 24 h of real time, 25 h on the wall

    assert informed.next_update_due_at == due
    assert beat.scan(at=due - 4 * HOUR - MINUTE) == []
    assert kinds(beat.scan(at=due - 4 * HOUR)) == {ReminderKind.UPDATE_DUE_4H}
    assert beat.scan(at=due - MINUTE) == []
    assert kinds(beat.scan(at=due)) == {ReminderKind.UPDATE_OVERDUE}
    assert kinds(beat.scan(at=due + 12 * HOUR)) == {ReminderKind.UPDATE_ESCALATED}


# --- cost -----------------------------------------------------------------------------------


def _declare(count: int, *, at: datetime) -> None:
    for _ in range(count):
        project = ProjectFactory()
        IncidentFactory(project=project, declared_by=member(project, ProjectRole.PM), now=at)


def _inform(count: int, *, at: datetime) -> None:
    for _ in range(count):
        project = ProjectFactory()
        informed_incident(now=at, project=project, declared_by=member(project, ProjectRole.PM))


def _queries_for_scan(at: datetime) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        created = services.reminders_scan(now=at)
    return len(ctx.captured_queries), len(created)


def _forget_incidents() -> None:
    """Start the next round afresh (incidents and their record are never deleted by the app)."""
    Event.objects.all().delete()
    Reminder.objects.all().delete()
    Incident.objects.all().delete()


@pytest.mark.parametrize(
    ("make", "due_after"),
    [
        pytest.param(_declare, timedelta(hours=12), id="first-contact-notices"),
        pytest.param(_inform, timedelta(hours=49), id="overdue-updates"),
    ],
)
def test_a_scan_uses_the_same_number_of_queries_for_1_10_and_60_due_incidents(
    make, due_after, django_capture_on_commit_callbacks
):
    start = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
    services.reminders_scan(now=start)  # the scan's heartbeat row exists from now on
    counts = {}
    for count in (1, 10, 60):
        make(count, at=start)
        with django_capture_on_commit_callbacks():
            counts[count] = _queries_for_scan(start + due_after)
        _forget_incidents()

    assert counts[1][1] == 1
    assert counts[60][1] == 60
    assert counts[1][0] == counts[10][0] == counts[60][0], counts
    # The scan's own queries (one a rule, the commitments' rule included), and one that
    # records the deadlines passed as events.
    assert counts[1][0] <= 18, counts


def test_a_scan_of_many_incidents_in_every_state_stays_within_a_fixed_budget(
    django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    start = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
    scan_at = start + 80 * HOUR
    _declare(15, at=scan_at - 12 * HOUR)  # 12-hour notice
    _declare(15, at=scan_at - 30 * HOUR)  # breach (PM and PMO lead)
    _inform(15, at=scan_at - 45 * HOUR)  # 4-hour notice
    _inform(15, at=scan_at - 80 * HOUR)  # overdue and escalated
    services.reminders_scan(now=start)

    # The bulk insert is batched by the database driver (SQLite takes ~80 rows a
    # statement); everything else is a fixed number of queries, one of them
    # recording the deadlines passed as events; one more for the commitments' rule.
    with django_capture_on_commit_callbacks(), django_assert_max_num_queries(19):
        created = services.reminders_scan(now=scan_at)

    assert len(created) == 15 + 30 + 15 + 45
    assert Reminder.objects.filter(status=ReminderStatus.PENDING).count() == len(created)
