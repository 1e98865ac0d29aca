"""Delivering a reminder: an in-app notification and an e-mail, once, if still needed."""

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from apps.communications.services import log_contact, update_draft_save, update_publish
from apps.incidents.services import incident_resolve
from apps.notifications.models import Notification
from apps.outbox.models import EmailStatus, OutgoingEmail
from apps.projects.models import ProjectRole
from apps.reminders import services
from apps.reminders.models import ReminderKind, ReminderStatus
from tests.factories import IncidentFactory, ProjectFactory, member

from .support import HOUR, MINUTE, all_reminders

pytestmark = pytest.mark.django_db


def test_a_delivered_reminder_is_a_notification_and_an_email(beat, incident, pm, mailoutbox):
    moment = incident.first_contact_due_at - 12 * HOUR
    [reminder] = beat.scan(at=moment)

    beat.work()

    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.DELIVERED
    assert reminder.delivered_at == moment
    assert reminder.attempts == 1
    notification = Notification.objects.get(key=f"reminder:{reminder.pk}")
    assert notification.user == pm
    assert notification.about == incident.title
    assert notification.title == f"First contact due in 12 hours: {incident.title}"
    assert notification.url == reverse("incident_detail", args=[incident.pk])
    assert notification.is_escalation is False
    assert notification.read_at is None
    email = OutgoingEmail.objects.get()
    assert email.dedupe_key == f"reminder:{reminder.pk}"
    assert email.status == EmailStatus.SENT
    [message] = mailoutbox
    assert message.to == [pm.email]
    assert message.subject == notification.title
    assert "by 11 Mar 2025, 09:00" in message.body
    assert settings.SITE_URL + notification.url in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert settings.SITE_URL + notification.url in html


def test_a_breach_is_delivered_to_the_pmo_lead_as_an_escalation(beat, incident, project, pm):
    beat.scan_and_work(at=incident.first_contact_due_at)

    notifications = {n.user_id: n for n in Notification.objects.all()}
    assert set(notifications) == {pm.pk, project.pmo_lead_id}
    lead_notice = notifications[project.pmo_lead_id]
    assert lead_notice.is_escalation is True
    assert lead_notice.title == (
        f"Escalation: the client was not contacted in time — {incident.title}"
    )
    assert OutgoingEmail.objects.filter(to=project.pmo_lead.email).count() == 1


def test_running_scan_and_delivery_twice_delivers_once(beat, incident, mailoutbox):
    moment = incident.first_contact_due_at

    first = beat.scan_and_work(at=moment)
    second = beat.scan_and_work(at=moment)
    beat.scan_and_work(at=moment + MINUTE)

    assert len(first) == 2
    assert second == []
    assert Notification.objects.count() == 2
    assert OutgoingEmail.objects.count() == 2
    assert len(mailoutbox) == 2
    assert {r.status for r in all_reminders()} == {ReminderStatus.DELIVERED}


def test_a_delivery_message_received_twice_delivers_once(beat, incident, enqueued, mailoutbox):
    [reminder] = beat.scan(at=incident.first_contact_due_at - 12 * HOUR)
    [message] = enqueued.messages
    task, args = enqueued.pending[0]
    enqueued.record(task, args)  # the broker delivers the message a second time

    beat.work()

    assert message == ("apps.reminders.tasks.deliver", (reminder.pk,))
    assert Notification.objects.count() == 1
    assert len(mailoutbox) == 1
    assert services.reminder_deliver(reminder_id=reminder.pk) == "skipped"


# --- reminders that are no longer needed ------------------------------------------------


def test_a_due_soon_reminder_delivered_after_the_first_contact_is_obsolete(
    beat, incident, pm, mailoutbox
):
    due = incident.first_contact_due_at
    [reminder] = beat.scan(at=due - 2 * HOUR)
    log_contact(
        incident=incident,
        actor=pm,
        channel="call",
        occurred_at=due - 90 * MINUTE,
        summary_en="Called the sponsor.",
        now=due - 90 * MINUTE,
    )

    beat.work(at=due - 89 * MINUTE)

    reminder.refresh_from_db()
    assert reminder.kind == ReminderKind.FIRST_CONTACT_DUE_2H
    assert reminder.status == ReminderStatus.OBSOLETE
    assert not Notification.objects.exists()
    assert not OutgoingEmail.objects.exists()
    assert mailoutbox == []


def test_a_due_soon_reminder_delivered_after_its_deadline_passed_is_obsolete(
    beat, incident, enqueued, mailoutbox
):
    # "Due in 2 hours" arriving after the deadline would be false; the breach
    # reminder says what is true by then.
    due = incident.first_contact_due_at
    [notice] = beat.scan(at=due - 2 * HOUR)
    enqueued.drop()  # the delivery message is lost

    breach = beat.scan(at=due)
    assert services.reminder_deliver(reminder_id=notice.pk, now=due + MINUTE) == "obsolete"
    beat.work()

    notice.refresh_from_db()
    assert notice.status == ReminderStatus.OBSOLETE
    assert {n.key for n in Notification.objects.all()} == {f"reminder:{r.pk}" for r in breach}


def test_an_update_reminder_delivered_after_the_update_was_published_is_obsolete(
    beat, informed, pm, mailoutbox
):
    due = informed.next_update_due_at
    [reminder] = beat.scan(at=due - 4 * HOUR)
    draft = update_draft_save(
        incident=informed, actor=pm, body_en="Where we are.", body_zh_hans="", now=due - 3 * HOUR
    )
    update_publish(update=draft, actor=pm, now=due - 3 * HOUR)
    mailoutbox.clear()

    beat.work(at=due - 3 * HOUR)

    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.OBSOLETE
    assert not Notification.objects.exists()


def test_an_overdue_reminder_for_a_resolved_incident_is_obsolete(beat, informed):
    due = informed.next_update_due_at
    [reminder] = beat.scan(at=due)
    incident_resolve(incident=informed, now=due + MINUTE, actor=informed.declared_by)

    beat.work(at=due + 2 * MINUTE)

    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.OBSOLETE


def test_a_breach_is_delivered_even_after_a_late_first_contact(beat, incident, pm):
    due = incident.first_contact_due_at
    breach = beat.scan(at=due)
    log_contact(
        incident=incident,
        actor=pm,
        channel="call",
        occurred_at=due + MINUTE,
        summary_en="Called, a minute late.",
        now=due + MINUTE,
    )

    beat.work(at=due + 2 * MINUTE)

    assert {r.status for r in all_reminders()} == {ReminderStatus.DELIVERED}
    assert Notification.objects.count() == len(breach)


# --- recipients, languages and time zones --------------------------------------------------


def test_a_recipient_without_an_email_address_gets_the_notification_only(beat, incident, pm):
    pm.email = ""
    pm.save()

    beat.scan_and_work(at=incident.first_contact_due_at - 12 * HOUR)

    assert Notification.objects.filter(user=pm).count() == 1
    assert not OutgoingEmail.objects.exists()
    assert {r.status for r in all_reminders()} == {ReminderStatus.DELIVERED}


def test_a_chinese_speaking_pm_gets_the_reminder_in_chinese(beat, project, now, mailoutbox):
    pm = member(
        project, ProjectRole.PM, profile__language="zh-hans", profile__time_zone="Asia/Shanghai"
    )
    incident = IncidentFactory(project=project, declared_by=pm, now=now)

    beat.scan_and_work(at=incident.first_contact_due_at - 12 * HOUR)

    with translation.override("zh-hans"):
        expected = gettext("First contact due in 12 hours: %(title)s") % {"title": incident.title}
    [message] = mailoutbox
    assert message.subject == expected
    assert Notification.objects.get().title == expected
    # Django's own Chinese date format, in the PM's time zone (09:00 UTC is 17:00 in Shanghai).
    assert "2025年3月11日 17:00" in message.body


def test_the_deadline_in_the_email_is_in_the_pms_time_zone(beat, project, now, mailoutbox):
    pm = member(project, ProjectRole.PM, profile__time_zone="America/New_York")
    incident = IncidentFactory(project=project, declared_by=pm, now=now)

    beat.scan_and_work(at=incident.first_contact_due_at - 12 * HOUR)

    # 09:00 UTC on 11 March 2025 is 5 a.m. in New York (EDT since 9 March).
    assert "by 11 Mar 2025, 05:00" in mailoutbox[0].body


def test_across_a_dst_change_the_email_states_the_deadline_in_the_new_local_time(beat, mailoutbox):
    project = ProjectFactory()
    pm = member(project, ProjectRole.PM, profile__time_zone="Europe/Berlin")
    incident = IncidentFactory(
        project=project, declared_by=pm, now=datetime(2026, 10, 24, 12, 0, tzinfo=UTC)
    )

    # The 12-hour notice goes out at 02:00 summer time; the deadline is 13:00 winter time.
    beat.scan_and_work(at=datetime(2026, 10, 25, 0, 0, tzinfo=UTC))

    assert incident.first_contact_due_at == datetime(2026, 10, 25, 12, 0, tzinfo=UTC)
    assert "by 25 Oct 2026, 13:00" in mailoutbox[0].body


# --- cost ----------------------------------------------------------------------------------


def test_delivering_one_reminder_uses_a_bounded_number_of_queries(
    beat, incident, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    [reminder] = beat.scan(at=incident.first_contact_due_at - 12 * HOUR)

    with django_capture_on_commit_callbacks(), django_assert_max_num_queries(20):
        assert services.reminder_deliver(reminder_id=reminder.pk) == "delivered"


def test_an_escalation_to_several_recipients_costs_the_same_per_reminder(
    beat, incident, project, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    for _ in range(5):
        member(project, ProjectRole.PM)
    reminders = beat.scan(at=incident.first_contact_due_at)

    assert len(reminders) == 7
    for reminder in reminders:
        with django_capture_on_commit_callbacks(), django_assert_max_num_queries(20):
            assert services.reminder_deliver(reminder_id=reminder.pk) == "delivered"
