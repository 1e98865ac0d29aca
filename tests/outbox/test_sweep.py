"""The outbox's own sweep: an e-mail whose message was lost is sent once, a failing one gives up."""

from datetime import timedelta

import pytest
from django.test import TestCase

from apps.outbox import services as outbox
from apps.outbox import tasks
from apps.outbox.models import EmailStatus, OutgoingEmail

pytestmark = pytest.mark.django_db

SECOND = timedelta(seconds=1)
HOUR = timedelta(hours=1)


class FailingBackend:
    """An SMTP server that refuses every message."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server refused the connection")


def _enqueue_email(at, key="test:1"):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return outbox.email_enqueue(
            key=key, to="pm@example.com", subject="Hello", body_text="Text", now=at
        )


def test_an_email_whose_send_message_was_lost_is_swept_after_the_grace_period(
    enqueued, now, clock, mailoutbox
):
    email = _enqueue_email(now)
    assert enqueued.messages == [("apps.outbox.tasks.send_email", (email.pk,))]
    enqueued.drop()

    assert outbox.email_ids_to_sweep(now=now + outbox.SWEEP_GRACE - SECOND) == []
    assert outbox.email_ids_to_sweep(now=now + outbox.SWEEP_GRACE) == [email.pk]

    clock.move_to(now + outbox.SWEEP_GRACE)
    tasks.sweep()
    enqueued.run()
    tasks.sweep()
    enqueued.run()

    assert len(mailoutbox) == 1
    assert OutgoingEmail.objects.get().status == EmailStatus.SENT
    assert outbox.email_ids_to_sweep(now=now + 1000 * HOUR) == []


# --- failures --------------------------------------------------------------------------------


def test_a_failing_email_backs_off_and_is_given_up_after_max_attempts(
    settings, enqueued, now, clock, mailoutbox
):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    email = _enqueue_email(now)
    enqueued.run()  # first attempt fails

    moments = []
    for _ in range(outbox.MAX_ATTEMPTS - 1):
        email.refresh_from_db()
        assert email.status == EmailStatus.PENDING
        due = email.next_attempt_at + outbox.SWEEP_GRACE
        assert outbox.email_ids_to_sweep(now=due - SECOND) == []
        clock.move_to(due)
        moments.append(due)
        tasks.sweep()
        assert enqueued.args_of("send_email") == [(email.pk,)]
        enqueued.run()

    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    assert email.attempts == outbox.MAX_ATTEMPTS
    assert "SMTP server refused the connection" in email.last_error
    assert outbox.email_ids_to_sweep(now=moments[-1] + 1000 * HOUR) == []
    assert outbox.email_send(email_id=email.pk) == "skipped"
    assert mailoutbox == []
