"""An e-mail to the client that fails for good is not silent.

The publisher and the project's PMs are told in their inbox; the update on the
incident page says whom it did not reach and why, and can be sent again.
"""

from datetime import timedelta

import pytest
from django.test import TestCase
from django.urls import reverse

from apps.communications import services as communications
from apps.events.models import Event
from apps.notifications.models import Notification
from apps.outbox import services as outbox
from apps.outbox.models import EmailStatus, OutgoingEmail
from apps.projects.models import ProjectRole
from tests.factories import ClientContactFactory, member
from tests.outbox.test_send import FailingBackend

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


@pytest.fixture
def smtp(settings):
    settings.EMAIL_BACKEND = "tests.outbox.test_send.FailingBackend"
    FailingBackend.failures = None
    yield FailingBackend
    FailingBackend.failures = None


@pytest.fixture
def helen(project):
    return ClientContactFactory(project=project, name="Helen Zhang", language="zh-hans")


def _publish(incident, pm, now):
    with TestCase.captureOnCommitCallbacks(execute=True):
        update = communications.update_draft_save(
            incident=incident, actor=pm, now=now, body_en="Where we are.", body_zh_hans="进展。"
        )
        return communications.update_publish(update=update, actor=pm, now=now)


def _give_up(now):
    """Every attempt the outbox makes, until it gives up."""
    moment = now
    for _ in range(outbox.MAX_ATTEMPTS):
        for email in OutgoingEmail.objects.filter(status=EmailStatus.PENDING):
            outbox.email_send(email_id=email.pk, now=moment)
        moment += 12 * HOUR


def test_the_publisher_and_the_pms_are_told_whom_the_update_did_not_reach(
    incident, pm, helen, smtp, now, project
):
    other_pm = member(project, ProjectRole.PM, username="second.pm")
    _publish(incident, pm, now)

    _give_up(now)

    told = Notification.objects.filter(key__startswith="email-failed:")
    assert sorted(n.user.username for n in told) == ["pm", "second.pm"]
    note = told.get(user=other_pm)
    assert note.title == "An update was not delivered to Helen Zhang"
    assert "SMTP server refused the connection" in note.body
    assert note.url.endswith(f"#update-{incident.updates.get().pk}")


def test_a_chinese_pm_is_told_in_chinese(incident, pm, helen, smtp, now):
    pm.profile.language = "zh-hans"
    pm.profile.save()
    _publish(incident, pm, now)

    _give_up(now)

    [note] = Notification.objects.filter(key__startswith="email-failed:")
    assert "Helen Zhang" in note.title and "未送达" in note.title


def test_the_incident_page_says_who_did_not_receive_it_and_sends_it_again(
    incident, pm, helen, smtp, now, login, mailoutbox
):
    update = _publish(incident, pm, now)
    _give_up(now)
    client = login(pm)

    html = client.get(reverse("incident_detail", args=[incident.pk])).content.decode()
    assert "Not delivered to Helen Zhang: ConnectionRefusedError" in html
    email = OutgoingEmail.objects.get(status=EmailStatus.FAILED)

    smtp.failures = 0  # the server works again
    url = reverse("update_delivery_retry", args=[incident.pk, update.pk, email.pk])
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url)
    outbox.email_send(email_id=email.pk)

    assert response.status_code == 302
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert [m.to for m in mailoutbox] == [[helen.email]]
    html = client.get(reverse("incident_detail", args=[incident.pk])).content.decode()
    assert "Not delivered to Helen Zhang" not in html


def test_sending_again_is_on_the_record_once_however_often_it_is_asked(
    incident, pm, helen, smtp, now
):
    update = _publish(incident, pm, now)
    _give_up(now)
    email = OutgoingEmail.objects.get(status=EmailStatus.FAILED)

    with TestCase.captureOnCommitCallbacks(execute=True):
        first = communications.update_delivery_retry(update=update, email_id=email.pk, actor=pm)
        second = communications.update_delivery_retry(update=update, email_id=email.pk, actor=pm)

    assert first["name"] == "Helen Zhang" and second is None
    event = Event.objects.get(verb="update.delivery_resent")
    assert event.actor == pm
    assert event.data == {
        "contact": helen.pk,
        "to": helen.email,
        "last_error": email.last_error,
    }
    email.refresh_from_db()
    assert email.status == EmailStatus.PENDING and email.attempts == 0


def test_only_the_incidents_editors_may_send_again(
    incident, pm, helen, smtp, now, login, team_member, stranger
):
    update = _publish(incident, pm, now)
    _give_up(now)
    email = OutgoingEmail.objects.get(status=EmailStatus.FAILED)
    url = reverse("update_delivery_retry", args=[incident.pk, update.pk, email.pk])

    assert login(stranger).post(url).status_code == 404
    assert login(team_member).post(url).status_code in (403, 404)
    assert login(pm).get(url).status_code == 405
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED


def test_an_email_of_another_incident_cannot_be_sent_again_from_this_one(
    incident, pm, helen, smtp, now, login
):
    update = _publish(incident, pm, now)
    _give_up(now)
    stray = OutgoingEmail.objects.create(
        dedupe_key="update:999999:contact:1",
        to="x@example.com",
        subject="x",
        body_text="x",
        status=EmailStatus.FAILED,
        created_at=now,
        next_attempt_at=now,
    )

    login(pm).post(reverse("update_delivery_retry", args=[incident.pk, update.pk, stray.pk]))

    stray.refresh_from_db()
    assert stray.status == EmailStatus.FAILED


def test_a_failed_meeting_invitation_is_told_to_the_organiser(incident, pm, helen, smtp, now):
    with TestCase.captureOnCommitCallbacks(execute=True):
        communications.meeting_schedule(
            incident=incident,
            actor=pm,
            title_en="Review",
            title_zh_hans="评审",
            starts_at=now + 24 * HOUR,
            duration_minutes=60,
            location="Room 3",
            client_attendees=[helen],
            now=now,
        )

    _give_up(now)

    [note] = Notification.objects.filter(key__startswith="email-failed:")
    assert note.title == "A meeting invitation was not delivered to Helen Zhang"
