"""The review meeting after resolution: the PMs are reminded while none is scheduled in time.

One business day before its deadline (five business days after resolution)
``review_meeting_due``, at the deadline ``review_meeting_overdue``; each once,
however often the scan runs, and not at all once a meeting that is not
cancelled starts between the resolution and the deadline.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from apps.communications.models import MeetingStatus
from apps.communications.services import meeting_cancel
from apps.incidents.models import IncidentStatus
from apps.incidents.services import incident_change_status, incident_resolve
from apps.notifications.models import Notification
from apps.outbox.models import OutgoingEmail
from apps.projects.models import ProjectRole
from apps.reminders import services
from apps.reminders.models import Reminder, ReminderKind, ReminderStatus
from apps.reminders.scan import review_notice_at
from apps.retrospectives.models import Retrospective
from apps.retrospectives.services import retrospective_close_without_report, review_due_by
from tests.factories import MeetingFactory, ProjectFactory, informed_incident, member

from .support import HOUR, MINUTE, all_reminders, kinds, recipients

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
#: Friday 14 March 2025, 16:00 UTC (the team's time zone in the tests).
FRIDAY_AFTERNOON = datetime(2025, 3, 14, 16, 0, tzinfo=UTC)
REVIEW_KINDS = {ReminderKind.REVIEW_MEETING_DUE, ReminderKind.REVIEW_MEETING_OVERDUE}


def _resolve(incident, at):
    incident = incident_resolve(incident=incident, actor=incident.declared_by, now=at)
    return incident, Retrospective.objects.get(incident=incident).review_meeting_due_at


def _review(reminders):
    return [r for r in reminders if r.kind in REVIEW_KINDS]


@pytest.fixture
def second_pm(project):
    return member(project, ProjectRole.PM, username="second-pm")


@pytest.fixture
def resolved(informed, second_pm, team_member):
    """Resolved on Friday afternoon: the review meeting is due the next Friday at 16:00."""
    incident, _due = _resolve(informed, FRIDAY_AFTERNOON)
    return incident


@pytest.fixture
def due(resolved):
    return resolved.retrospective.review_meeting_due_at


# --- five business days ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("resolved_at", "expected"),
    [
        pytest.param(FRIDAY_AFTERNOON, datetime(2025, 3, 21, 16, 0, tzinfo=UTC), id="friday"),
        pytest.param(
            datetime(2025, 3, 12, 10, 30, tzinfo=UTC),
            datetime(2025, 3, 19, 10, 30, tzinfo=UTC),
            id="wednesday",
        ),
        # At a weekend Monday is the first of the five days: due at the end of that Friday.
        pytest.param(
            datetime(2025, 3, 15, 10, 0, tzinfo=UTC),
            datetime(2025, 3, 21, 18, 0, tzinfo=UTC),
            id="saturday",
        ),
        pytest.param(
            datetime(2025, 3, 16, 23, 0, tzinfo=UTC),
            datetime(2025, 3, 21, 18, 0, tzinfo=UTC),
            id="sunday-night",
        ),
    ],
)
def test_the_review_meeting_is_due_five_business_days_after_resolution(resolved_at, expected):
    assert review_due_by(resolved_at) == expected


def test_across_a_daylight_saving_change_the_deadline_keeps_its_wall_clock_time(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    berlin = ZoneInfo("Europe/Berlin")
    # Friday 28 March 2025, 16:00 in Berlin (CET); summer time starts on the Sunday.
    resolved_at = datetime(2025, 3, 28, 16, 0, tzinfo=berlin)

    due = review_due_by(resolved_at)

    assert due == datetime(2025, 4, 4, 16, 0, tzinfo=berlin)
    assert due.astimezone(UTC) - resolved_at.astimezone(UTC) == 7 * DAY - HOUR
    # The notice, one business day before, is Thursday 16:00 in Berlin too.
    assert review_notice_at(due) == datetime(2025, 4, 3, 16, 0, tzinfo=berlin)


def test_resolving_sets_the_deadline_and_the_notice_is_the_business_day_before(resolved, due):
    assert due == datetime(2025, 3, 21, 16, 0, tzinfo=UTC)
    assert review_notice_at(due) == due - 24 * HOUR


def test_resolved_on_saturday_the_pms_are_reminded_on_thursday_and_on_friday_evening(
    beat, informed
):
    _incident, due = _resolve(informed, datetime(2025, 3, 15, 10, 0, tzinfo=UTC))

    assert due == datetime(2025, 3, 21, 18, 0, tzinfo=UTC)
    assert kinds(beat.scan(at=datetime(2025, 3, 20, 18, 0, tzinfo=UTC))) == {
        ReminderKind.REVIEW_MEETING_DUE
    }
    assert kinds(beat.scan(at=due)) == {ReminderKind.REVIEW_MEETING_OVERDUE}


def test_a_monday_deadline_is_noticed_on_the_friday_before(informed):
    # Resolved on Monday morning: due the next Monday; the notice comes on the Friday.
    _incident, due = _resolve(informed, datetime(2025, 3, 17, 9, 0, tzinfo=UTC))

    assert due == datetime(2025, 3, 24, 9, 0, tzinfo=UTC)
    assert review_notice_at(due) == datetime(2025, 3, 21, 9, 0, tzinfo=UTC)


# --- the reminders --------------------------------------------------------------------------


def test_with_no_meeting_the_pms_are_reminded_a_day_before_and_at_the_deadline(
    beat, resolved, due, pm, second_pm, team_member
):
    assert _review(beat.scan(at=due - 24 * HOUR - MINUTE)) == []

    soon = beat.scan(at=due - 24 * HOUR)
    assert recipients(soon) == {ReminderKind.REVIEW_MEETING_DUE: {pm.pk, second_pm.pk}}
    assert {(r.due_at, r.fire_at) for r in soon} == {(due, due - 24 * HOUR)}
    assert not any(r.is_escalation for r in soon)

    assert _review(beat.scan(at=due - MINUTE)) == []
    late = beat.scan(at=due)
    assert recipients(late) == {ReminderKind.REVIEW_MEETING_OVERDUE: {pm.pk, second_pm.pk}}
    assert {(r.due_at, r.fire_at) for r in late} == {(due, due)}
    assert team_member.pk not in {r.recipient_id for r in all_reminders()}


def test_repeated_scans_remind_once_each(beat, resolved, due):
    for moment in (due - 24 * HOUR, due - 24 * HOUR + MINUTE, due - HOUR):
        beat.scan_and_work(at=moment)
    for moment in (due, due + MINUTE, due + DAY, due + 6 * DAY):
        beat.scan_and_work(at=moment)

    reminders = all_reminders(resolved)
    assert sorted(r.kind for r in reminders) == sorted(
        [ReminderKind.REVIEW_MEETING_DUE] * 2 + [ReminderKind.REVIEW_MEETING_OVERDUE] * 2
    )
    assert {r.status for r in reminders} == {ReminderStatus.DELIVERED}
    assert Notification.objects.count() == 4
    assert OutgoingEmail.objects.count() == 4


def test_a_scan_after_downtime_gives_only_the_overdue_reminder(beat, resolved, due):
    # Nothing ran between the day before and two days after the deadline.
    assert kinds(beat.scan(at=due + 2 * DAY)) == {ReminderKind.REVIEW_MEETING_OVERDUE}
    assert {r.fire_at for r in all_reminders(resolved)} == {due}


def test_a_meeting_scheduled_in_time_means_no_reminder(beat, resolved, due):
    MeetingFactory(incident=resolved, starts_at=due - 2 * DAY)

    for moment in (due - 24 * HOUR, due, due + DAY):
        assert _review(beat.scan(at=moment)) == []


def test_a_meeting_held_on_the_deadline_counts(beat, resolved, due):
    MeetingFactory(incident=resolved, starts_at=due, status=MeetingStatus.HELD)

    assert _review(beat.scan(at=due + MINUTE)) == []


@pytest.mark.parametrize(
    "starts",
    [
        pytest.param(lambda due: due + MINUTE, id="after-the-deadline"),
        pytest.param(lambda due: FRIDAY_AFTERNOON - HOUR, id="before-the-resolution"),
    ],
)
def test_a_meeting_outside_the_window_does_not_count(beat, resolved, due, starts):
    MeetingFactory(incident=resolved, starts_at=starts(due))

    assert kinds(beat.scan(at=due)) == {ReminderKind.REVIEW_MEETING_OVERDUE}


def test_a_cancelled_meeting_does_not_count(beat, resolved, due, pm):
    meeting = MeetingFactory(incident=resolved, starts_at=due - 2 * DAY)
    assert _review(beat.scan(at=due - 24 * HOUR)) == []

    meeting_cancel(meeting=meeting, actor=pm)

    assert kinds(beat.scan(at=due - 24 * HOUR + MINUTE)) == {ReminderKind.REVIEW_MEETING_DUE}
    assert kinds(beat.scan(at=due)) == {ReminderKind.REVIEW_MEETING_OVERDUE}


def test_a_meeting_scheduled_after_the_scan_makes_the_reminder_obsolete(
    beat, resolved, due, mailoutbox
):
    soon = beat.scan(at=due - 24 * HOUR)
    MeetingFactory(incident=resolved, starts_at=due - HOUR)

    beat.work(at=due - 24 * HOUR + MINUTE)

    assert {Reminder.objects.get(pk=r.pk).status for r in soon} == {ReminderStatus.OBSOLETE}
    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_a_reopened_incident_owes_no_review_meeting(beat, resolved, due, pm):
    incident_change_status(
        incident=resolved, actor=pm, status=IncidentStatus.RECOVERING, now=FRIDAY_AFTERNOON + HOUR
    )

    for moment in (due - 24 * HOUR, due, due + DAY):
        assert _review(beat.scan(at=moment)) == []


def test_a_reminder_queued_before_the_incident_was_reopened_is_obsolete(beat, resolved, due, pm):
    [first, *_others] = beat.scan(at=due)
    incident_change_status(incident=resolved, actor=pm, status=IncidentStatus.RECOVERING, now=due)

    beat.work(at=due + MINUTE)

    first.refresh_from_db()
    assert first.status == ReminderStatus.OBSOLETE


def test_resolved_again_the_new_deadline_gets_its_own_reminders(beat, resolved, due, pm):
    beat.scan_and_work(at=due - 24 * HOUR)
    reopened_at = due - 20 * HOUR
    incident_change_status(
        incident=resolved, actor=pm, status=IncidentStatus.RECOVERING, now=reopened_at
    )
    _incident, new_due = _resolve(resolved, reopened_at + HOUR)

    assert new_due == due + 7 * DAY - 19 * HOUR
    assert kinds(beat.scan(at=new_due)) == {ReminderKind.REVIEW_MEETING_OVERDUE}
    assert {r.due_at for r in all_reminders(resolved)} == {due, new_due}


def test_a_closed_incident_owes_no_review_meeting(beat, resolved, due, pm):
    retrospective_close_without_report(
        incident=resolved, actor=pm, reason="The client ended the contract.", now=due - 2 * DAY
    )

    for moment in (due - 24 * HOUR, due, due + DAY):
        assert _review(beat.scan(at=moment)) == []


# --- what the PMs read -----------------------------------------------------------------------


def test_the_reminder_leads_to_the_meeting_form_for_the_review(beat, resolved, due, pm, mailoutbox):
    beat.scan_and_work(at=due - 24 * HOUR)

    schedule = reverse("meeting_create", args=[resolved.pk]) + "?purpose=review"
    notification = Notification.objects.get(user=pm)
    assert notification.title == (f"Review meeting due in one business day: {resolved.title}")
    assert notification.url == schedule
    [message] = [m for m in mailoutbox if m.to == [pm.email]]
    assert message.subject == notification.title
    assert "none is scheduled yet" in message.body
    assert schedule in message.body
    [html] = [body for body, kind in message.alternatives if kind == "text/html"]
    assert f'href="http://testserver{schedule}"' in html or schedule in html


def test_the_overdue_reminder_says_so_in_the_pms_language(beat, project, now, mailoutbox):
    zh_pm = member(project, ProjectRole.PM, username="li", profile__language="zh-hans")
    incident = informed_incident(now=now, project=project, declared_by=zh_pm)
    _incident, due = _resolve(incident, FRIDAY_AFTERNOON)

    beat.scan_and_work(at=due)

    with translation.override("zh-hans"):
        expected = gettext("Review meeting overdue: %(title)s") % {"title": incident.title}
    assert Notification.objects.get(user=zh_pm).title == expected
    [message] = mailoutbox
    assert message.subject == expected


def test_a_review_reminder_whose_delivery_was_lost_is_delivered_once(
    beat, resolved, due, enqueued, mailoutbox
):
    from apps.reminders import tasks

    soon = beat.scan(at=due - 24 * HOUR)
    enqueued.drop()  # the broker lost the messages

    beat.clock.move_to(due - 24 * HOUR + services.SWEEP_GRACE)
    tasks.sweep()
    beat.work()
    tasks.sweep()
    beat.work()

    assert {Reminder.objects.get(pk=r.pk).status for r in soon} == {ReminderStatus.DELIVERED}
    assert len(mailoutbox) == len(soon) == 2
    assert services.reminder_deliver(reminder_id=soon[0].pk) == "skipped"


# --- the scan stays set-based ------------------------------------------------------------------


def _resolved_incidents(count: int) -> None:
    for _ in range(count):
        project = ProjectFactory()
        pm = member(project, ProjectRole.PM)
        incident = informed_incident(
            now=FRIDAY_AFTERNOON - 3 * DAY, project=project, declared_by=pm
        )
        _resolve(incident, FRIDAY_AFTERNOON)


def test_the_review_rule_costs_the_same_queries_for_1_and_20_incidents(
    now, django_capture_on_commit_callbacks
):
    due = review_due_by(FRIDAY_AFTERNOON)
    services.reminders_scan(now=FRIDAY_AFTERNOON)  # the heartbeat row exists from now on
    counts = {}
    for count in (1, 20):
        _resolved_incidents(count)
        with django_capture_on_commit_callbacks(), CaptureQueriesContext(connection) as ctx:
            created = services.reminders_scan(now=due)
        counts[count] = (len(ctx.captured_queries), len(created))
        Reminder.objects.all().delete()
        Retrospective.objects.update(review_meeting_due_at=None)

    assert counts[1][1] == 1
    assert counts[20][1] == 20
    assert counts[1][0] == counts[20][0], counts
