"""The outbox: an e-mail is a row written with its cause, sent once, retried with care."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import TestCase
from django.utils import translation
from django.utils.translation import gettext

from apps.communications.services import update_draft_save, update_publish
from apps.core.bilingual import marked, text_in
from apps.outbox import services
from apps.outbox.models import EmailStatus, OutgoingEmail
from tests.factories import ClientContactFactory

pytestmark = pytest.mark.django_db

SENT_TASK = "apps.outbox.tasks.send_email"


class FailingBackend:
    """An SMTP server that refuses the next ``failures`` messages (all, if None)."""

    failures: int | None = None

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        if FailingBackend.failures is None or FailingBackend.failures > 0:
            if FailingBackend.failures is not None:
                FailingBackend.failures -= 1
            raise ConnectionRefusedError("SMTP server refused the connection")
        from django.core import mail

        mail.outbox.extend(messages)
        return len(messages)


@pytest.fixture
def failing_smtp(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    FailingBackend.failures = None
    yield FailingBackend
    FailingBackend.failures = None


def _enqueue(*, key="test:1", now, **fields):
    values = {"to": "cio@client.example.com", "subject": "Hello", "body_text": "Text"} | fields
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.email_enqueue(key=key, now=now, **values)


# --- enqueueing ---------------------------------------------------------------------------


def test_enqueueing_the_same_key_twice_creates_one_row_and_one_message(enqueued, now):
    first = _enqueue(key="update:1:contact:1", now=now)
    second = _enqueue(key="update:1:contact:1", now=now, subject="Something else")

    assert second.pk == first.pk
    assert OutgoingEmail.objects.count() == 1
    assert OutgoingEmail.objects.get().subject == "Hello"
    assert enqueued.messages == [(SENT_TASK, (first.pk,))]


def test_the_send_is_enqueued_only_after_commit(enqueued, now, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        email = services.email_enqueue(
            key="k", to="a@b.example", subject="S", body_text="T", now=now
        )
    assert enqueued.messages == []

    for callback in callbacks:
        callback()

    assert enqueued.messages == [(SENT_TASK, (email.pk,))]


def test_an_email_promised_in_a_rolled_back_transaction_is_never_sent(
    enqueued, now, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError),
        transaction.atomic(),
    ):
        services.email_enqueue(key="k", to="a@b.example", subject="S", body_text="T", now=now)
        raise ValidationError("the cause of the e-mail failed")

    assert not OutgoingEmail.objects.exists()
    assert enqueued.messages == []


def test_a_new_email_is_pending_and_due_now(now):
    email = _enqueue(now=now)

    assert email.status == EmailStatus.PENDING
    assert email.attempts == 0
    assert email.created_at == now
    assert email.next_attempt_at == now


def test_the_subject_is_one_line_of_at_most_300_characters(now):
    email = _enqueue(now=now, subject="Update:\n  the   plan\n" + "x" * 400)

    assert email.subject.startswith("Update: the plan x")
    assert "\n" not in email.subject
    assert len(email.subject) == 300


# --- sending --------------------------------------------------------------------------------


def test_sending_twice_sends_once(enqueued, now, mailoutbox):
    email = _enqueue(now=now)

    enqueued.run()
    assert services.email_send(email_id=email.pk, now=now) == "skipped"

    assert len(mailoutbox) == 1
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert email.sent_at == now
    assert email.attempts == 1


def test_the_message_carries_its_key_both_bodies_and_the_sender(settings, now, mailoutbox):
    email = _enqueue(now=now, body_text="Plain", body_html="<p>Rich</p>")

    assert services.email_send(email_id=email.pk, now=now) == "sent"

    [message] = mailoutbox
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.to == ["cio@client.example.com"]
    assert message.subject == "Hello"
    assert message.body == "Plain"
    assert message.extra_headers["X-Candor-Key"] == "test:1"
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert [(a.content, a.mimetype) for a in message.alternatives] == [("<p>Rich</p>", "text/html")]


def test_a_calendar_email_carries_the_invitation_inline_and_attached(now, mailoutbox):
    ics = "BEGIN:VCALENDAR\r\nMETHOD:CANCEL\r\nEND:VCALENDAR\r\n"
    email = _enqueue(now=now, ics=ics, ics_method="CANCEL")

    services.email_send(email_id=email.pk, now=now)

    [message] = mailoutbox
    assert (ics, "text/calendar; method=CANCEL") in [
        (a.content, a.mimetype) for a in message.alternatives
    ]
    [(name, content, mimetype)] = message.attachments
    assert (name, content) == ("invite.ics", ics)
    assert mimetype.startswith("application/ics")


# --- failures ---------------------------------------------------------------------------------


def test_a_failing_send_records_the_error_and_backs_off(failing_smtp, now, mailoutbox):
    email = _enqueue(now=now)

    assert services.email_send(email_id=email.pk, now=now) == "retry"

    email.refresh_from_db()
    assert email.status == EmailStatus.PENDING
    assert email.attempts == 1
    assert email.last_error == "ConnectionRefusedError: SMTP server refused the connection"
    assert email.next_attempt_at == now + timedelta(minutes=1)
    assert email.sent_at is None
    assert mailoutbox == []


def test_each_retry_waits_longer_and_the_last_attempt_gives_up(failing_smtp, now, mailoutbox):
    email = _enqueue(now=now)
    moment, waits = now, []

    outcomes = []
    for _ in range(services.MAX_ATTEMPTS):
        outcomes.append(services.email_send(email_id=email.pk, now=moment))
        email.refresh_from_db()
        waits.append(email.next_attempt_at - moment)
        moment = email.next_attempt_at

    assert outcomes == ["retry"] * (services.MAX_ATTEMPTS - 1) + ["failed"]
    assert waits[:-1] == list(services.BACKOFF)
    assert email.status == EmailStatus.FAILED
    assert email.attempts == services.MAX_ATTEMPTS
    assert "refused" in email.last_error


def test_a_failed_email_is_never_retried(failing_smtp, now, mailoutbox):
    email = _enqueue(now=now)
    moment = now
    for _ in range(services.MAX_ATTEMPTS):
        services.email_send(email_id=email.pk, now=moment)
        moment += timedelta(hours=2)
    failing_smtp.failures = 0  # the SMTP server is back

    assert services.email_send(email_id=email.pk, now=moment) == "skipped"
    assert services.email_ids_to_sweep(now=moment + timedelta(days=30)) == []
    assert mailoutbox == []
    assert OutgoingEmail.objects.get().attempts == services.MAX_ATTEMPTS


def test_an_email_that_failed_once_is_sent_on_the_next_attempt(failing_smtp, now, mailoutbox):
    failing_smtp.failures = 1
    email = _enqueue(now=now)

    assert services.email_send(email_id=email.pk, now=now) == "retry"
    later = now + timedelta(minutes=1)
    assert services.email_send(email_id=email.pk, now=later) == "sent"

    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert email.last_error == ""
    assert email.sent_at == later
    assert len(mailoutbox) == 1


# --- languages ------------------------------------------------------------------------------


def test_update_emails_are_written_in_each_contacts_language(
    enqueued, incident, project, pm, now, mailoutbox
):
    ClientContactFactory(project=project, email="en@client.example.com", language="en")
    ClientContactFactory(project=project, email="zh@client.example.com", language="zh-hans")
    draft = update_draft_save(
        incident=incident,
        actor=pm,
        body_en="We found the cause.",
        body_zh_hans="我们找到了原因。",
        now=now,
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        update_publish(update=draft, actor=pm, now=now)

    enqueued.run()

    sent = {m.to[0]: m for m in mailoutbox}
    names = {"project": project.name, "title": incident.title}
    assert sent["en@client.example.com"].subject == "[{project}] Update: {title}".format(**names)
    with translation.override("zh-hans"):
        # The incident has an English title only: the Chinese reader is told so.
        names["title"] = marked(text_in(incident, "title"))
        zh_subject = gettext("[%(project)s] Update: %(title)s") % names
    assert zh_subject.endswith("（仅有英文版本）")
    assert sent["zh@client.example.com"].subject == zh_subject
    assert "We found the cause." in sent["en@client.example.com"].body
    assert "我们找到了原因。" in sent["zh@client.example.com"].body
    assert "我们找到了原因。" not in sent["en@client.example.com"].body
    # The next deadline (now + 48 h) in each reader's format and zone (Asia/Shanghai, +8).
    assert "2025年3月12日 17:00" in sent["zh@client.example.com"].body
    assert "12 Mar 2025, 17:00" in sent["en@client.example.com"].body


def test_the_calendar_part_names_its_charset_and_method_once(now, mailoutbox):
    import email as email_lib

    email = _enqueue(now=now, ics="BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", ics_method="REQUEST")
    services.email_send(email_id=email.pk, now=now)

    parsed = email_lib.message_from_bytes(mailoutbox[0].message().as_bytes())
    [calendar] = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    header = calendar["Content-Type"]
    assert header.count("charset") == 1
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_content_charset() == "utf-8"


def test_the_text_part_of_an_update_is_text_not_markdown(
    enqueued, incident, pm, project, now, mailoutbox
):
    import email as email_lib

    ClientContactFactory(project=project, email="en@client.example.com", language="en")
    draft = update_draft_save(
        incident=incident,
        actor=pm,
        body_en="The engine **cannot** scale.\n\n- [The report](https://docs.example.com/r)\n"
        "- *Next*: a new design",
        body_zh_hans="",
        now=now,
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        update_publish(update=draft, actor=pm, now=now)
    enqueued.run()

    parsed = email_lib.message_from_bytes(mailoutbox[0].message().as_bytes())
    parts = {
        p.get_content_type(): p.get_payload(decode=True).decode()
        for p in parsed.walk()
        if not p.is_multipart()
    }
    text, html = parts["text/plain"], parts["text/html"]
    assert "The engine cannot scale." in text
    assert "- The report (https://docs.example.com/r)" in text
    assert "- Next: a new design" in text
    assert "**" not in text and "](" not in text and "*Next*" not in text
    assert "<strong>cannot</strong>" in html
