"""Improvements become prevention actions of the plan, reminded by the engine like the others.

The review's improvements are action items of kind "prevention", with an
owner and a due date; once overdue, the scan reminds their owner exactly once
and the delivery sends it once, also after the incident is closed (the client
follows their progress on the status page after the report).
"""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import TestCase

from apps.actionplans.models import ActionItem, ActionItemKind, ActionItemStatus
from apps.actionplans.services import action_item_create
from apps.events.models import Event
from apps.notifications.models import Notification
from apps.outbox.models import OutgoingEmail
from apps.projects.models import ProjectRole
from apps.reminders import services as reminders
from apps.reminders import tasks as reminder_tasks
from apps.reminders.models import Reminder, ReminderKind, ReminderStatus
from apps.retrospectives import services
from tests.celery_capture import EnqueuedTasks, capture_enqueued
from tests.factories import member

pytestmark = pytest.mark.django_db

MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)


@pytest.fixture
def enqueued(monkeypatch) -> EnqueuedTasks:
    """No broker: what would be enqueued is recorded, and run by hand."""
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
def beat(enqueued, resolved):
    with time_machine.travel(resolved.resolved_at, tick=False) as clock:
        yield Beat(enqueued, clock)


@pytest.fixture
def owner(project):
    return member(project, ProjectRole.MEMBER, username="jun", first_name="Jun", last_name="Wang")


@pytest.fixture
def improvement(retrospective, pm, owner):
    """Found in the review: due three days after resolution (before the review meeting
    is), owned by Jun."""
    at = retrospective.incident.resolved_at
    return services.improvement_add(
        retrospective=retrospective,
        actor=pm,
        owner=owner,
        due_at=at + 3 * DAY,
        title_en="Load-test on the full fleet before each release",
        title_zh_hans="每次发布前在全量车队上做负载测试",
        now=at,
    )


def _close(incident, pm, at):
    services.retrospective_close_without_report(
        incident=incident, actor=pm, reason="The client asked for no written report.", now=at
    )
    incident.refresh_from_db()
    return incident


# --- an improvement is a prevention action ---------------------------------------------------


def test_an_improvement_is_a_prevention_action_of_the_plan(improvement, retrospective, owner):
    item = ActionItem.objects.get(pk=improvement.pk)

    assert item.incident == retrospective.incident
    assert item.kind == ActionItemKind.PREVENTION
    assert item.owner == owner
    assert item.due_at == retrospective.incident.resolved_at + 3 * DAY
    assert item.status == ActionItemStatus.PLANNED
    assert item.client_visible is True
    added = Event.objects.get(verb="action_item.added", object_id=item.pk)
    assert added.data["kind"] == ActionItemKind.PREVENTION


@pytest.mark.parametrize(
    ("missing", "messages"),
    [
        pytest.param({"owner": None}, {"owner": ["Every improvement needs an owner."]}, id="owner"),
        pytest.param(
            {"due_at": None}, {"due_at": ["Every improvement needs a due date."]}, id="due"
        ),
        pytest.param(
            {"owner": None, "due_at": None},
            {
                "owner": ["Every improvement needs an owner."],
                "due_at": ["Every improvement needs a due date."],
            },
            id="both",
        ),
    ],
)
def test_an_improvement_without_owner_or_due_date_is_refused(
    retrospective, pm, owner, now, missing, messages
):
    values = {"owner": owner, "due_at": now + 10 * DAY} | missing

    with pytest.raises(ValidationError) as caught:
        services.improvement_add(
            retrospective=retrospective, actor=pm, title_en="Review estimates weekly", **values
        )

    assert caught.value.message_dict == messages
    assert not ActionItem.objects.exists()


def test_an_improvement_owned_by_someone_outside_the_project_is_refused(
    retrospective, pm, stranger, now
):
    with pytest.raises(ValidationError) as caught:
        services.improvement_add(
            retrospective=retrospective,
            actor=pm,
            owner=stranger,
            due_at=now + 10 * DAY,
            title_en="Review estimates weekly",
        )

    assert "owner" in caught.value.message_dict
    assert not ActionItem.objects.exists()


# --- the engine reminds its owner --------------------------------------------------------------


def test_nothing_is_reminded_before_the_improvement_is_due(beat, improvement):
    assert beat.scan(at=improvement.due_at - MINUTE) == []


def test_an_overdue_improvement_reminds_its_owner_once_and_is_delivered_once(
    beat, improvement, owner, pm, mailoutbox
):
    [reminder] = beat.scan(at=improvement.due_at)
    beat.work()
    assert beat.scan(at=improvement.due_at + MINUTE) == []
    assert beat.scan(at=improvement.due_at + 2 * DAY) == []
    beat.work()

    assert reminder.recipient == owner
    assert reminder.action_item_id == improvement.pk
    assert reminder.due_at == improvement.due_at
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.DELIVERED
    assert Reminder.objects.count() == 1
    assert Notification.objects.filter(user=owner).count() == 1
    assert not Notification.objects.filter(user=pm).exists()
    [message] = mailoutbox
    assert message.to == [owner.email]
    assert message.subject == f"Action overdue: {improvement.title}"
    assert Event.objects.filter(verb="action_item.overdue", object_id=improvement.pk).count() == 1


def test_a_delivery_message_received_twice_delivers_once(beat, improvement, enqueued, mailoutbox):
    [reminder] = beat.scan(at=improvement.due_at)
    task, args = enqueued.pending[0]
    enqueued.record(task, args)  # the broker delivers the message a second time

    beat.work()

    assert len(mailoutbox) == 1
    assert Notification.objects.count() == 1
    assert reminders.reminder_deliver(reminder_id=reminder.pk) == "skipped"


def test_a_lost_delivery_message_is_swept_and_delivered_once(
    beat, improvement, owner, enqueued, mailoutbox
):
    [reminder] = beat.scan(at=improvement.due_at)
    enqueued.drop()  # the broker lost it

    beat.clock.move_to(improvement.due_at + reminders.SWEEP_GRACE)
    reminder_tasks.sweep()
    beat.work()
    reminder_tasks.sweep()
    beat.work()

    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.DELIVERED
    assert len(mailoutbox) == 1
    assert OutgoingEmail.objects.filter(to=owner.email).count() == 1


def test_a_finished_improvement_is_not_reminded(beat, improvement, pm):
    from apps.actionplans.services import action_item_update

    action_item_update(item=improvement, expected_version=1, actor=pm, status=ActionItemStatus.DONE)

    assert beat.scan(at=improvement.due_at + MINUTE) == []


# --- after the incident is closed ---------------------------------------------------------------


def test_on_a_closed_incident_the_overdue_improvement_still_reminds_its_owner(
    beat, improvement, retrospective, owner, pm, mailoutbox
):
    _close(retrospective.incident, pm, improvement.due_at - DAY)

    [reminder] = beat.scan(at=improvement.due_at)
    beat.work()
    assert beat.scan(at=improvement.due_at + DAY) == []

    reminder.refresh_from_db()
    assert reminder.recipient == owner
    assert reminder.status == ReminderStatus.DELIVERED
    assert [message.to for message in mailoutbox] == [[owner.email]]


def test_a_reminder_queued_before_closing_is_still_delivered(
    beat, improvement, retrospective, pm, mailoutbox
):
    [reminder] = beat.scan(at=improvement.due_at)
    _close(retrospective.incident, pm, improvement.due_at)

    beat.work(at=improvement.due_at + MINUTE)

    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.DELIVERED
    assert len(mailoutbox) == 1


def test_a_remediation_left_open_on_a_closed_incident_is_not_reminded(
    beat, improvement, retrospective, owner, pm
):
    incident = retrospective.incident
    remediation = action_item_create(
        incident=incident,
        actor=pm,
        kind=ActionItemKind.REMEDIATION,
        owner=owner,
        due_at=improvement.due_at,
        title_en="Finish the partitioning",
        now=incident.resolved_at,
    )
    _close(incident, pm, improvement.due_at - DAY)

    reminded = beat.scan(at=improvement.due_at)

    assert [r.action_item_id for r in reminded] == [improvement.pk]
    assert not Reminder.objects.filter(action_item=remediation).exists()
