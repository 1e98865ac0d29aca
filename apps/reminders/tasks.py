from celery import shared_task

from . import services


@shared_task(name="apps.reminders.tasks.scan_due", ignore_result=True)
def scan_due() -> None:
    services.reminders_scan()


@shared_task(name=services.DELIVER_TASK, ignore_result=True)
def deliver(reminder_id: int) -> None:
    services.reminder_deliver(reminder_id=reminder_id)


@shared_task(name="apps.reminders.tasks.sweep", ignore_result=True)
def sweep() -> None:
    """Re-enqueue reminders whose messages were lost (the outbox sweeps its own e-mails)."""
    services.reminders_sweep()
