"""The outbox: e-mails are written as rows with their cause and sent once."""

import logging
import os
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import SafeMIMEText
from django.db import transaction
from django.utils import timezone

from apps.core.queue import enqueue_many_now, enqueue_on_commit
from apps.core.slots import Slot

from .models import EmailStatus, OutgoingEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
#: Wait before attempt n+1 (attempts counted from 1).
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
)
#: A pending e-mail older than this with no send is re-enqueued by the sweep.
SWEEP_GRACE = timedelta(minutes=2)
#: The task that sends one e-mail (``tasks.send_email``), named so that this
#: module never imports the tasks that call it.
SEND_EMAIL_TASK = "apps.outbox.tasks.send_email"

#: Fillers are called with ``email`` and ``now`` once an e-mail has failed for good,
#: in the same transaction: the apps that sent it tell the people who must know.
EMAIL_FAILED = Slot("after an e-mail failed for good")
#: Test hook, never set in production: seconds to wait just before each SMTP
#: send, so that an integration test can kill a worker while it is delivering.
TEST_SLOW_SEND_ENV = "CANDOR_TEST_SLOW_SEND_SECONDS"


def email_enqueue(
    *,
    key: str,
    to: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    ics: str = "",
    ics_method: str = "",
    now: datetime | None = None,
) -> OutgoingEmail:
    """Promise an e-mail, inside the caller's transaction; a repeated key is a no-op.

    The outbox is delivery machinery, not the record: the change that causes
    the e-mail records its own event.
    """
    now = now or timezone.now()
    email, created = OutgoingEmail.objects.get_or_create(
        dedupe_key=key,
        defaults={
            "to": to,
            "subject": " ".join(subject.split())[:300],
            "body_text": body_text,
            "body_html": body_html,
            "ics": ics,
            "ics_method": ics_method,
            "created_at": now,
            "next_attempt_at": now,
        },
    )
    if created:
        enqueue_on_commit(SEND_EMAIL_TASK, email.pk)
    return email


class _Message(EmailMultiAlternatives):
    """An e-mail whose calendar part says its method and its charset once each.

    Django builds an alternative's MIME part from its content type string, so
    ``text/calendar; method=REQUEST; charset=utf-8`` came out with the charset
    twice, which strict mail clients refuse.
    """

    def _create_mime_attachment(self, content, mimetype):
        basetype, _sep, params = mimetype.partition(";")
        if basetype.strip() != "text/calendar":
            return super()._create_mime_attachment(content, mimetype)
        part = SafeMIMEText(content, "calendar", "utf-8")
        for param in params.split(";"):
            key, _eq, value = param.strip().partition("=")
            if key and key.lower() != "charset":
                part.set_param(key, value)
        return part


def _message(email: OutgoingEmail, connection) -> EmailMultiAlternatives:
    message = _Message(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        connection=connection,
        headers={"X-Candor-Key": email.dedupe_key, "Auto-Submitted": "auto-generated"},
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    if email.ics:
        method = email.ics_method or "REQUEST"
        message.attach_alternative(email.ics, f"text/calendar; method={method}")
        message.attach("invite.ics", email.ics, f"application/ics; method={method}")
    return message


def email_send(*, email_id: int, now: datetime | None = None) -> str:
    """Send one pending e-mail: lock, re-check, send, mark.

    Returns ``"sent"``, ``"skipped"`` (already sent, failed for good, or being
    sent by someone else), ``"retry"`` or ``"failed"``. The row stays locked
    while the SMTP server is talking, so two workers never send it twice.
    """
    now = now or timezone.now()
    with transaction.atomic():
        email = (
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=EmailStatus.PENDING)
            .first()
        )
        if email is None:
            return "skipped"
        email.attempts += 1
        try:
            connection = get_connection(timeout=settings.EMAIL_TIMEOUT)
            message = _message(email, connection)
            _test_slow_send(email)
            message.send()
        except Exception as exc:  # any failure is recorded on the row
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if email.attempts >= MAX_ATTEMPTS:
                email.status = EmailStatus.FAILED
                outcome = "failed"
                logger.error("E-mail %s failed for good: %s", email.pk, email.last_error)
            else:
                email.next_attempt_at = now + BACKOFF[min(email.attempts, len(BACKOFF)) - 1]
                outcome = "retry"
                logger.warning("E-mail %s failed (attempt %s)", email.pk, email.attempts)
        else:
            email.status = EmailStatus.SENT
            email.sent_at = now
            email.last_error = ""
            outcome = "sent"
        email.save(update_fields=["attempts", "last_error", "status", "sent_at", "next_attempt_at"])
        if outcome == "failed":
            EMAIL_FAILED.check(email=email, now=now)
    return outcome


def email_retry(*, email: OutgoingEmail, actor, now: datetime | None = None) -> OutgoingEmail:
    """Try a failed e-mail again, as if new: five more attempts, the first at once.

    The outbox is delivery machinery, not the record: the retry writes no event,
    but the log says who asked for it.
    """
    now = now or timezone.now()
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().get(pk=email.pk)
        if email.status != EmailStatus.FAILED:
            return email
        email.status = EmailStatus.PENDING
        email.attempts = 0
        email.next_attempt_at = now
        email.save(update_fields=["status", "attempts", "next_attempt_at"])
        enqueue_on_commit(SEND_EMAIL_TASK, email.pk)
    logger.info("E-mail %s queued again by %s", email.pk, getattr(actor, "pk", actor))
    return email


def _test_slow_send(email: OutgoingEmail) -> None:
    seconds = float(os.environ.get(TEST_SLOW_SEND_ENV) or 0)
    if seconds > 0:
        logger.warning("%s: sending e-mail %s in %gs", TEST_SLOW_SEND_ENV, email.pk, seconds)
        time.sleep(seconds)


def email_ids_to_sweep(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Pending e-mails whose send is due and apparently lost (never sent, no retry running)."""
    now = now or timezone.now()
    return list(
        OutgoingEmail.objects.filter(
            status=EmailStatus.PENDING, next_attempt_at__lte=now - SWEEP_GRACE
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def email_sweep(*, now: datetime | None = None) -> int:
    """Re-enqueue the e-mails whose messages were lost; returns how many.

    Through the queue helper, not ``.delay``: a publish that fails must not
    abort the sweep — what is not enqueued now stays pending and is found again.
    """
    ids = email_ids_to_sweep(now=now)
    enqueue_many_now(SEND_EMAIL_TASK, ids)
    return len(ids)
