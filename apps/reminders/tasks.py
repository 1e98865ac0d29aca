import socket

from celery import shared_task

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
    """Re-enqueue reminders and e-mails whose messages were lost."""
    services.reminders_sweep()
