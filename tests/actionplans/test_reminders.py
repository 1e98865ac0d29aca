"""Overdue actions remind their owner through the reminder engine, once per due moment."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.test import TestCase
from django.utils import translation
from django.utils.translation import gettext

from apps.actionplans import services
from apps.actionplans.models import ActionItemStatus
from apps.incidents.models import IncidentStatus
from apps.incidents.services import incident_change_status
from apps.notifications.models import Notification
from apps.outbox.models import OutgoingEmail
from apps.projects.models import ProjectRole
from apps.reminders import services as reminders
from apps.reminders.models import Reminder, ReminderKind, ReminderStatus
from tests.celery_capture import EnqueuedTasks, capture_enqueued
from tests.factories import member

pytestmark = pytest.mark.django_db

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


@pytest.fixture
def enqueued(monkeypatch) -> EnqueuedTasks:
    return capture_enqueued(monkeypatch)


class Beat:
    """Celery beat and the workers, played by hand at chosen moments."""

    def __init__(self, enqueued: EnqueuedTasks, clock) -> None:
        self.enqueued, self.clock = enqueued, clock

    def scan(self, *, at: datetime) -> list[Reminder]:
        """One scan at ``at``; returns the action reminders it created."""
        self.clock.move_to(at)
        with TestCase.captureOnCommitCallbacks(execute=True):
            ids = reminders.reminders_scan()
        return list(
            Reminder.objects.filter(pk__in=ids, kind=ReminderKind.ACTION_OVERDUE).order_by("pk")
        )

    def work(self, *, at: datetime | None = None) -> None:
        if at is not None:
            self.clock.move_to(at)
        self.enqueued.run()


@pytest.fixture
def beat(enqueued, now):
    with time_machine.travel(now, tick=False) as clock:
        yield Beat(enqueued, clock)


@pytest.fixture
def owner(project):
    return member(
        project,
        ProjectRole.MEMBER,
        username="jun",
        first_name="Jun",
        last_name="Wang",
        profile__language="zh-hans",
        profile__time_zone="Asia/Shanghai",
    )


@pytest.fixture
def item(informed, owner, pm, now):
    """An action owned by Jun, due a day from now."""
    return services.action_item_create(
        incident=informed,
        actor=pm,
        kind="remediation",
        title_en="Partition the dispatch engine",
        owner=owner,
        due_at=now + DAY,
        now=now,
    )


def _action_reminders():
    return list(Reminder.objects.filter(kind=ReminderKind.ACTION_OVERDUE).order_by("pk"))


def test_nothing_is_reminded_before_the_due_moment(beat, item):
    assert beat.scan(at=item.due_at - MINUTE) == []


def test_an_overdue_action_reminds_its_owner_only(beat, item, owner, pm):
    [reminder] = beat.scan(at=item.due_at)

    assert reminder.kind == ReminderKind.ACTION_OVERDUE
    assert reminder.recipient == owner
    assert reminder.action_item == item
    assert reminder.due_at == item.due_at
    assert not Reminder.objects.filter(recipient=pm).exists()


def test_scanning_twice_reminds_once(beat, item):
    first = beat.scan(at=item.due_at + MINUTE)
    second = beat.scan(at=item.due_at + 2 * MINUTE)
    beat.scan(at=item.due_at + DAY)

    assert len(first) == 1
    assert second == []
    assert len(_action_reminders()) == 1


def test_a_scan_after_downtime_still_finds_the_overdue_action(beat, item):
    assert len(beat.scan(at=item.due_at + 3 * DAY)) == 1


def test_a_new_due_date_is_a_new_reminder_for_the_new_moment(beat, item, pm):
    old_due = item.due_at
    beat.scan(at=old_due)
    beat.work()
    new_due = old_due + 2 * DAY
    services.action_item_update(item=item, expected_version=1, actor=pm, due_at=new_due)

    assert beat.scan(at=old_due + DAY) == []
    [again] = beat.scan(at=new_due)

    assert again.due_at == new_due
    assert [r.due_at for r in _action_reminders()] == [old_due, new_due]


@pytest.mark.parametrize(
    "change",
    [
        {"status": ActionItemStatus.DONE},
        {"status": ActionItemStatus.DROPPED, "dropped_reason_en": "Another one was chosen."},
    ],
    ids=["done", "dropped"],
)
def test_done_and_dropped_actions_are_not_reminded(beat, item, pm, change):
    services.action_item_update(item=item, expected_version=1, actor=pm, **change)

    assert beat.scan(at=item.due_at + HOUR) == []


def test_actions_of_a_resolved_incident_are_not_reminded(beat, item, informed):
    incident_change_status(
        incident=informed,
        status=IncidentStatus.RESOLVED,
        reason="The client accepted the workaround.",
        actor=informed.declared_by,
    )

    assert beat.scan(at=item.due_at + HOUR) == []


def test_the_owner_is_told_in_their_language_and_time_zone(beat, item, owner, mailoutbox):
    beat.scan(at=item.due_at)
    beat.work()

    with translation.override("zh-hans"):
        expected = gettext("Action overdue: %(title)s") % {"title": item.title}
    notification = Notification.objects.get()
    assert notification.user == owner
    assert notification.title == expected
    [message] = mailoutbox
    assert message.to == [owner.email]
    assert message.subject == expected
    assert item.title in message.body
    # Django's own Chinese date format, in Shanghai: 09:00 UTC on 11 March is 17:00.
    assert "2025年3月11日 17:00" in message.body
    assert Reminder.objects.get().status == ReminderStatus.DELIVERED


def test_an_action_done_before_delivery_makes_the_reminder_obsolete(beat, item, pm, mailoutbox):
    [reminder] = beat.scan(at=item.due_at)
    services.action_item_update(
        item=item, expected_version=1, actor=pm, status=ActionItemStatus.DONE
    )

    beat.work(at=item.due_at + MINUTE)

    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.OBSOLETE
    assert not Notification.objects.exists()
    assert not OutgoingEmail.objects.exists()
    assert mailoutbox == []


def test_a_reminder_for_a_moved_due_date_is_obsolete(beat, item, pm, mailoutbox):
    due = item.due_at
    [reminder] = beat.scan(at=due)
    services.action_item_update(item=item, expected_version=1, actor=pm, due_at=due + DAY)

    beat.work(at=due + MINUTE)

    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.OBSOLETE
    assert mailoutbox == []


def test_an_action_handed_to_someone_else_before_delivery_reminds_the_new_owner_only(
    beat, item, owner, pm, mailoutbox
):
    [reminder] = beat.scan(at=item.due_at)
    services.action_item_update(item=item, expected_version=1, actor=pm, owner=pm)

    beat.work(at=item.due_at + MINUTE)
    [again] = beat.scan(at=item.due_at + 2 * MINUTE)
    beat.work()

    reminder.refresh_from_db()
    assert reminder.recipient == owner
    assert reminder.status == ReminderStatus.OBSOLETE
    assert again.recipient == pm
    assert again.due_at == item.due_at
    assert [message.to for message in mailoutbox] == [[pm.email]]
