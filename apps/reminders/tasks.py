import socket

from celery import shared_task

from apps.core.queue import enqueue_many_now

from . import services


@shared_task(ignore_result=True)
def heartbeat() -> None:
    """Proves that beat schedules, the broker carries and a worker runs tasks."""
    services.heartbeat_record(name="worker", hostname=socket.gethostname())


@shared_task(ignore_result=True)
def scan_due() -> None:
    services.reminders_scan()


@shared_task(ignore_result=True)
def deliver(reminder_id: int) -> None:
    services.reminder_deliver(reminder_id=reminder_id)


@shared_task(ignore_result=True)
def sweep() -> None:
    """Re-enqueue reminders and e-mails whose messages were lost.

    Through the queue helper, not ``.delay``: a publish that fails must not
    abort the sweep (the e-mails would wait for the next run) — what is not
    enqueued now stays pending and is found again.
    """
    from apps.outbox.services import email_ids_to_sweep
    from apps.outbox.tasks import send_email

    enqueue_many_now(deliver, services.reminder_ids_to_sweep())
    enqueue_many_now(send_email, email_ids_to_sweep())
