"""A meeting's e-mail that fails for good shows on the meeting page, and can be sent again.

The organiser and the project's PMs are told in their inbox; the meeting page
says whom the invitation (or its change) did not reach and why, and a PM can
send it again through the outbox until it arrives.
"""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.communications import services as communications
from apps.events.models import Event
from apps.notifications.models import Notification
from apps.outbox import services as outbox
from apps.outbox.models import EmailStatus, OutgoingEmail
from apps.projects.models import ProjectRole
from tests.factories import ClientContactFactory, member
from tests.outbox.test_send import FailingBackend

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enqueued")]

HOUR = timedelta(hours=1)
REASON = "ConnectionRefusedError: SMTP server refused the connection"


@pytest.fixture
def smtp(settings):
    """An SMTP server that refuses everything until a test sets ``failures = 0``."""
    settings.EMAIL_BACKEND = "tests.outbox.test_send.FailingBackend"
    FailingBackend.failures = None
    yield FailingBackend
    FailingBackend.failures = None


@pytest.fixture
def helen(project):
    return ClientContactFactory(project=project, name="Helen Zhang", email="helen@client.example")


def _schedule(incident, pm, now, contacts, title="Review"):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return communications.meeting_schedule(
            incident=incident,
            actor=pm,
            title_en=title,
            title_zh_hans="评审",
            starts_at=now + 24 * HOUR,
            duration_minutes=60,
            location="Room 3",
            client_attendees=contacts,
            now=now,
        )


def _give_up(since, enqueued):
    """Every attempt the outbox makes on what is pending, until it gives up.

    The attempts are made here, by hand: what was queued for a worker is dropped.
    """
    enqueued.drop()
    moment = since
    for _ in range(outbox.MAX_ATTEMPTS):
        for email in OutgoingEmail.objects.filter(status=EmailStatus.PENDING):
            outbox.email_send(email_id=email.pk, now=moment)
        moment += 12 * HOUR


def _page(client, meeting) -> str:
    response = client.get(reverse("meeting_detail", args=[meeting.incident_id, meeting.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _retry_url(meeting, email) -> str:
    return reverse("meeting_delivery_retry", args=[meeting.incident_id, meeting.pk, email.pk])


def test_the_organiser_and_the_pms_are_told_once_by_the_contacts_name(
    incident, pm, helen, smtp, now, project, enqueued
):
    other_pm = member(project, ProjectRole.PM, username="second.pm")
    meeting = _schedule(incident, pm, now, [helen])

    _give_up(now, enqueued)
    _give_up(now + 5 * 24 * HOUR, enqueued)  # nothing pending any more: nobody is told twice

    told = Notification.objects.filter(key__startswith="email-failed:")
    assert sorted(n.user.username for n in told) == ["pm", "second.pm"]
    note = told.get(user=other_pm)
    assert note.title == "A meeting invitation was not delivered to Helen Zhang"
    assert REASON in note.body
    assert note.url == f"{meeting.get_absolute_url()}#deliveries"


def test_the_meeting_page_says_who_did_not_receive_it_and_sends_it_again(
    incident, pm, helen, smtp, now, login, enqueued, mailoutbox
):
    meeting = _schedule(incident, pm, now, [helen])
    _give_up(now, enqueued)
    email = OutgoingEmail.objects.get(status=EmailStatus.FAILED)
    client = login(pm)

    html = _page(client, meeting)
    assert f"Not delivered to Helen Zhang: {REASON}" in html
    assert _retry_url(meeting, email) in html

    smtp.failures = 0  # the server works again
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(_retry_url(meeting, email))
    assert response.status_code == 302
    assert response["Location"].endswith(f"{meeting.get_absolute_url()}#deliveries")
    html = _page(client, meeting)
    assert "Not delivered to Helen Zhang" not in html
    assert "Sent again to Helen Zhang at" in html
    assert "The meeting&#x27;s e-mail will be sent to Helen Zhang again." in html

    enqueued.run()  # a worker sends it

    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert [m.to for m in mailoutbox] == [[helen.email]]
    html = _page(client, meeting)
    assert "Helen Zhang at" not in html and "Not delivered to" not in html
    event = Event.objects.get(verb="meeting.invitation_resent")
    assert event.actor == pm
    assert event.object_id == meeting.pk
    assert event.data["to"] == helen.email
    assert event.data["last_error"] == REASON


def test_sent_again_and_failed_again_is_told_again(incident, pm, helen, smtp, now, enqueued):
    meeting = _schedule(incident, pm, now, [helen])
    _give_up(now, enqueued)
    email = OutgoingEmail.objects.get(status=EmailStatus.FAILED)
    with TestCase.captureOnCommitCallbacks(execute=True):
        communications.meeting_delivery_retry(meeting=meeting, email_id=email.pk, actor=pm)

    _give_up(now + 3 * 24 * HOUR, enqueued)

    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    assert Notification.objects.filter(user=pm, key__startswith="email-failed:").count() == 2


def test_clicking_twice_sends_it_once(incident, pm, helen, smtp, now, login, enqueued):
    meeting = _schedule(incident, pm, now, [helen])
    _give_up(now, enqueued)
    email = OutgoingEmail.objects.get(status=EmailStatus.FAILED)
    client = login(pm)

    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(_retry_url(meeting, email))
        second = client.post(_retry_url(meeting, email), follow=True)

    assert "That e-mail is no longer waiting to be sent again." in second.content.decode()
    assert enqueued.args_of("send_email") == [(email.pk,)]
    assert Event.objects.filter(verb="meeting.invitation_resent").count() == 1


def test_only_the_meetings_editors_may_send_again(
    incident, pm, helen, smtp, now, login, team_member, viewer, stranger, enqueued
):
    meeting = _schedule(incident, pm, now, [helen])
    _give_up(now, enqueued)
    email = OutgoingEmail.objects.get(status=EmailStatus.FAILED)
    url = _retry_url(meeting, email)

    html = _page(login(viewer), meeting)
    assert "Not delivered to Helen Zhang" in html  # everyone on the project sees it
    assert url not in html
    assert url not in _page(login(team_member), meeting)
    assert login(team_member).post(url).status_code == 403
    assert login(viewer).post(url).status_code == 403
    assert login(stranger).post(url).status_code == 404
    assert login(pm).get(url).status_code == 405
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    assert not Event.objects.filter(verb="meeting.invitation_resent").exists()


def test_an_email_that_is_not_this_meetings_failure_is_not_sent_again(
    incident, pm, helen, smtp, now, login, enqueued
):
    meeting = _schedule(incident, pm, now, [helen])
    other = _schedule(incident, pm, now, [helen], title="Another review")
    _give_up(now, enqueued)
    others_email = OutgoingEmail.objects.get(dedupe_key__startswith=f"meeting:{other.pk}:")
    client = login(pm)

    for email_pk in (others_email.pk, 999999):
        url = reverse("meeting_delivery_retry", args=[incident.pk, meeting.pk, email_pk])
        response = client.post(url, follow=True)
        assert response.status_code == 200
        assert "That e-mail is no longer waiting to be sent again." in response.content.decode()
    stray = reverse("meeting_delivery_retry", args=[incident.pk, 999999, others_email.pk])
    assert client.post(stray).status_code == 404
    not_an_id = f"/incidents/{incident.pk}/meetings/{meeting.pk}/deliveries/x/retry/"
    assert client.post(not_an_id).status_code == 404
    others_email.refresh_from_db()
    assert others_email.status == EmailStatus.FAILED


def test_an_invitation_whose_change_was_delivered_is_no_longer_shown(
    incident, pm, helen, smtp, now, login, enqueued
):
    meeting = _schedule(incident, pm, now, [helen])
    _give_up(now, enqueued)
    smtp.failures = 0
    with TestCase.captureOnCommitCallbacks(execute=True):
        communications.meeting_reschedule(
            meeting=meeting,
            actor=pm,
            starts_at=now + 30 * HOUR,
            duration_minutes=60,
            location="Room 4",
            now=now,
        )
    _give_up(now, enqueued)

    assert OutgoingEmail.objects.filter(status=EmailStatus.FAILED).count() == 1
    assert "Not delivered to" not in _page(login(pm), meeting)


def test_once_the_meeting_is_over_it_is_not_sent_again(
    incident, pm, helen, smtp, now, login, enqueued
):
    meeting = _schedule(incident, pm, now, [helen])
    _give_up(now, enqueued)
    email = OutgoingEmail.objects.get(status=EmailStatus.FAILED)
    client = login(pm)

    with time_machine.travel(now + 26 * HOUR, tick=False):
        html = _page(client, meeting)
        response = client.post(_retry_url(meeting, email), follow=True)

    assert "Not delivered to Helen Zhang" in html
    assert _retry_url(meeting, email) not in html
    assert "The meeting is over" in response.content.decode()
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED


def test_the_meeting_page_reads_as_much_for_many_failures_as_for_one(
    incident, pm, project, smtp, now, login, enqueued
):
    one = _schedule(incident, pm, now, [ClientContactFactory(project=project)])
    many = _schedule(
        incident, pm, now, [ClientContactFactory(project=project) for _ in range(4)], title="B"
    )
    _give_up(now, enqueued)
    client = login(pm)
    _page(client, one)  # sessions and caches warmed

    with CaptureQueriesContext(connection) as for_one:
        assert _page(client, one).count("Not delivered to") == 1
    with CaptureQueriesContext(connection) as for_many:
        assert _page(client, many).count("Not delivered to") == 4

    assert len(for_many) == len(for_one)
