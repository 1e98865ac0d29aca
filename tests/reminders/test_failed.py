"""A reminder whose delivery gave up is not silent, and a PM can have it delivered again."""

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase

from apps.communications.services import log_contact
from apps.events.models import Event
from apps.notifications.models import Notification
from apps.projects.models import ProjectRole
from apps.reminders import services
from apps.reminders.models import Reminder, ReminderKind, ReminderStatus
from tests.factories import member

from .support import HOUR, BrokenDelivery, until_given_up

pytestmark = pytest.mark.django_db


def _told():
    """Who was told of a reminder that failed: ``{username: notification}``."""
    return {
        n.user.username: n for n in Notification.objects.filter(key__startswith="reminder-failed:")
    }


@pytest.fixture
def second_pm(project):
    return member(project, ProjectRole.PM, username="second.pm")


def test_a_reminder_that_gives_up_tells_the_pms_and_its_recipient_once(
    beat, incident, project, pm, second_pm, monkeypatch
):
    lead = project.pmo_lead
    BrokenDelivery(monkeypatch, for_user=lead)
    beat.scan(at=incident.first_contact_due_at)  # a breach: both PMs and the PMO lead

    moment = until_given_up(beat, incident.first_contact_due_at)
    until_given_up(beat, moment + 10 * HOUR)  # nothing left to try: nobody is told again

    failed = Reminder.objects.get(status=ReminderStatus.FAILED)
    assert failed.recipient == lead
    told = _told()
    assert sorted(told) == sorted(["pm", "second.pm", lead.username])
    note = told["second.pm"]
    assert note.title == "A reminder could not be delivered: First-contact deadline missed"
    assert note.body == (
        "The reminder 'First-contact deadline missed' could not be delivered: "
        "RuntimeError: template broke"
    )
    assert note.url == f"{incident.get_absolute_url()}#failed-reminders"
    assert note.about == incident.title


def test_a_pm_whose_own_reminder_failed_is_told_once(beat, incident, pm, second_pm, monkeypatch):
    BrokenDelivery(monkeypatch, for_user=pm)
    beat.scan(at=incident.first_contact_due_at - 12 * HOUR)  # both PMs

    until_given_up(beat, incident.first_contact_due_at - 12 * HOUR)

    assert Notification.objects.filter(user=pm, key__startswith="reminder-failed:").count() == 1
    assert sorted(_told()) == ["pm", "second.pm"]


def test_each_is_told_in_their_language(beat, incident, pm, second_pm, monkeypatch):
    second_pm.profile.language = "zh-hans"
    second_pm.profile.save()
    BrokenDelivery(monkeypatch)
    beat.scan(at=incident.first_contact_due_at - 12 * HOUR)

    until_given_up(beat, incident.first_contact_due_at - 12 * HOUR)

    told = Notification.objects.filter(key__startswith="reminder-failed:", user=second_pm)
    assert told.count() == 2  # both reminders failed: the PM's own and the other's
    assert all("First contact" not in n.title for n in told)
    assert told.filter(title__contains="12").count() == 2


def test_sending_again_delivers_it_and_records_who_asked(
    beat, incident, project, pm, monkeypatch, enqueued
):
    delivery = BrokenDelivery(monkeypatch)
    [reminder] = beat.scan(at=incident.first_contact_due_at - 12 * HOUR)
    until_given_up(beat, incident.first_contact_due_at - 12 * HOUR)
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.FAILED

    delivery.repair()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.reminder_retry(reminder=reminder, actor=pm)
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == (ReminderStatus.PENDING, 0)
    assert enqueued.args_of("reminders.tasks.deliver") == [(reminder.pk,)]
    beat.work()

    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.DELIVERED
    assert reminder.last_error == ""
    assert Notification.objects.filter(key=f"reminder:{reminder.pk}", user=pm).exists()
    event = Event.objects.get(verb="reminder.retried")
    assert event.actor == pm
    assert event.incident_id == incident.pk
    assert event.object_id == reminder.pk
    assert event.data["kind"] == ReminderKind.FIRST_CONTACT_DUE_12H
    assert event.data["attempts"] == services.MAX_DELIVERY_ATTEMPTS
    assert event.data["last_error"] == BrokenDelivery.error


def test_a_reminder_sent_again_that_gives_up_again_is_told_again(beat, incident, pm, monkeypatch):
    BrokenDelivery(monkeypatch)
    [reminder] = beat.scan(at=incident.first_contact_due_at - 12 * HOUR)
    moment = until_given_up(beat, incident.first_contact_due_at - 12 * HOUR)

    moment += HOUR
    beat.clock.move_to(moment)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.reminder_retry(reminder=reminder, actor=pm)
    until_given_up(beat, moment)

    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.FAILED
    assert Notification.objects.filter(user=pm, key__startswith="reminder-failed:").count() == 2


def test_only_a_failed_reminder_can_be_sent_again(beat, incident, pm, monkeypatch):
    BrokenDelivery(monkeypatch)
    [reminder] = beat.scan(at=incident.first_contact_due_at - 12 * HOUR)
    until_given_up(beat, incident.first_contact_due_at - 12 * HOUR)
    services.reminder_retry(reminder=reminder, actor=pm)

    with pytest.raises(ValidationError) as refused:
        services.reminder_retry(reminder=reminder, actor=pm)

    assert refused.value.code == "not_failed"
    assert Event.objects.filter(verb="reminder.retried").count() == 1


def test_a_reminder_no_longer_needed_is_not_sent_when_sent_again(
    beat, incident, pm, monkeypatch, mailoutbox
):
    delivery = BrokenDelivery(monkeypatch)
    moment = incident.first_contact_due_at - 12 * HOUR
    [reminder] = beat.scan(at=moment)
    moment = until_given_up(beat, moment)
    log_contact(
        incident=incident,
        actor=pm,
        channel="call",
        occurred_at=moment,
        summary_en="Called the client.",
        now=moment,
    )
    delivery.repair()

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.reminder_retry(reminder=reminder, actor=pm)
    beat.work()

    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.OBSOLETE
    assert not Notification.objects.filter(key=f"reminder:{reminder.pk}").exists()


def test_a_failure_to_tell_leaves_the_reminder_failed(beat, incident, pm, monkeypatch):
    BrokenDelivery(monkeypatch)

    def refuse(**kwargs):
        raise RuntimeError("inbox broke")

    [reminder] = beat.scan(at=incident.first_contact_due_at - 12 * HOUR)
    monkeypatch.setattr(services, "notify", refuse)
    until_given_up(beat, incident.first_contact_due_at - 12 * HOUR)

    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.FAILED
    assert reminder.attempts == services.MAX_DELIVERY_ATTEMPTS
