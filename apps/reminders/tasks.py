import socket

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def heartbeat() -> None:
    """Proves that beat schedules, the broker carries and a worker runs tasks."""
    services.heartbeat_record(name="worker", hostname=socket.gethostname())
