"""The sweep: lost messages are found again, failures are retried and then given up."""

from datetime import timedelta

import pytest
from django.test import TestCase
from kombu.exceptions import OperationalError

from apps.core import queue
from apps.notifications.models import Notification
from apps.outbox import services as outbox
from apps.outbox import tasks as outbox_tasks
from apps.outbox.models import OutgoingEmail
from apps.reminders import services, tasks
from apps.reminders.models import Reminder, ReminderStatus

from .support import HOUR, all_reminders

pytestmark = pytest.mark.django_db

SECOND = timedelta(seconds=1)
REAL_SEND = queue._send
REAL_SEND_MANY = queue._send_many


def _enqueue_email(at, key="test:1"):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return outbox.email_enqueue(
            key=key, to="pm@example.com", subject="Hello", body_text="Text", now=at
        )


def _broken_templates(monkeypatch, *, for_user=None):
    real = services.render_to_string

    def render(template_name, context=None, *args, **kwargs):
        if for_user is None or context["user"] == for_user:
            raise RuntimeError("template broke")
        return real(template_name, context, *args, **kwargs)

    monkeypatch.setattr(services, "render_to_string", render)


# --- lost messages ---------------------------------------------------------------------------


def test_a_reminder_whose_delivery_message_was_lost_is_swept_after_the_grace_period(
    beat, incident, enqueued
):
    moment = incident.first_contact_due_at - 12 * HOUR
    [reminder] = beat.scan(at=moment)
    enqueued.drop()  # the broker lost it

    assert services.reminder_ids_to_sweep(now=moment) == []
    assert services.reminder_ids_to_sweep(now=moment + services.SWEEP_GRACE - SECOND) == []
    assert services.reminder_ids_to_sweep(now=moment + services.SWEEP_GRACE) == [reminder.pk]


def test_the_sweep_task_redelivers_a_lost_reminder_once(beat, incident, enqueued, mailoutbox):
    moment = incident.first_contact_due_at - 12 * HOUR
    [reminder] = beat.scan(at=moment)
    enqueued.drop()

    beat.clock.move_to(moment + services.SWEEP_GRACE)
    tasks.sweep()
    assert enqueued.messages == [("apps.reminders.tasks.deliver", (reminder.pk,))]
    beat.work()

    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.DELIVERED
    assert len(mailoutbox) == 1
    tasks.sweep()
    assert enqueued.messages == []


def test_a_delivered_reminder_is_never_swept(beat, incident):
    moment = incident.first_contact_due_at - 12 * HOUR
    beat.scan_and_work(at=moment)

    assert services.reminder_ids_to_sweep(now=moment + 1000 * HOUR) == []


def test_a_failing_reminder_delivery_records_its_error_and_is_retried(beat, incident, monkeypatch):
    _broken_templates(monkeypatch)
    moment = incident.first_contact_due_at - 12 * HOUR
    [reminder] = beat.scan(at=moment)

    beat.work()

    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.PENDING
    assert reminder.attempts == 1
    assert reminder.last_error == "RuntimeError: template broke"
    assert not Notification.objects.exists()
    assert not OutgoingEmail.objects.exists()
    assert services.reminder_ids_to_sweep(now=moment + services.SWEEP_GRACE) == [reminder.pk]


def test_a_failing_reminder_delivery_stops_after_max_delivery_attempts(
    beat, incident, enqueued, monkeypatch
):
    _broken_templates(monkeypatch)
    moment = incident.first_contact_due_at - 12 * HOUR
    [reminder] = beat.scan(at=moment)
    beat.work()

    for attempt in range(2, services.MAX_DELIVERY_ATTEMPTS + 1):
        moment += services.SWEEP_GRACE
        beat.clock.move_to(moment)
        tasks.sweep()
        assert enqueued.args_of("deliver") == [(reminder.pk,)]
        beat.work()
        reminder.refresh_from_db()
        assert reminder.attempts == attempt

    assert reminder.status == ReminderStatus.FAILED
    assert reminder.last_error == "RuntimeError: template broke"
    assert services.reminder_ids_to_sweep(now=moment + 1000 * HOUR) == []
    assert services.reminder_deliver(reminder_id=reminder.pk) == "skipped"
    assert Reminder.objects.get().attempts == services.MAX_DELIVERY_ATTEMPTS


def test_one_failing_reminder_does_not_stop_the_others(
    beat, incident, project, pm, monkeypatch, mailoutbox
):
    _broken_templates(monkeypatch, for_user=pm)

    beat.scan_and_work(at=incident.first_contact_due_at)  # a breach: the PM and the PMO lead

    status = {r.recipient_id: r.status for r in all_reminders()}
    assert status == {pm.pk: ReminderStatus.PENDING, project.pmo_lead_id: ReminderStatus.DELIVERED}
    assert [m.to for m in mailoutbox] == [[project.pmo_lead.email]]


def test_a_broker_outage_does_not_crash_the_sweep(beat, incident, enqueued, monkeypatch, now):
    moment = incident.first_contact_due_at - 12 * HOUR
    [reminder] = beat.scan(at=moment)
    email = _enqueue_email(moment)
    enqueued.drop()

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to the broker. Connection refused.")

    monkeypatch.setattr(queue, "_send", REAL_SEND)
    monkeypatch.setattr(queue, "_send_many", REAL_SEND_MANY)
    monkeypatch.setattr("config.celery.app.producer_or_acquire", refuse)
    monkeypatch.setattr("config.celery.app.send_task", refuse)
    beat.clock.move_to(moment + services.SWEEP_GRACE)

    tasks.sweep()  # logs a warning, raises nothing
    outbox_tasks.sweep()

    # Both stay pending: the next sweep finds them again.
    assert services.reminder_ids_to_sweep(now=moment + services.SWEEP_GRACE) == [reminder.pk]
    assert outbox.email_ids_to_sweep(now=moment + services.SWEEP_GRACE) == [email.pk]
