from celery import shared_task

from . import services


@shared_task(name=services.SEND_EMAIL_TASK, ignore_result=True)
def send_email(email_id: int) -> None:
    # A failed send stays pending with its next attempt time on the row; the
    # sweep picks it up then. No countdown task holds the retry.
    services.email_send(email_id=email_id)


@shared_task(name="apps.outbox.tasks.sweep", ignore_result=True)
def sweep() -> None:
    """Re-enqueue e-mails whose messages were lost."""
    services.email_sweep()
