import socket

from celery import shared_task

from . import services

HEARTBEAT_TASK = "apps.core.tasks.heartbeat"


@shared_task(name=HEARTBEAT_TASK, ignore_result=True)
def heartbeat() -> None:
    """Proves that beat schedules, the broker carries and a worker runs tasks."""
    services.heartbeat_record(name="worker", hostname=socket.gethostname())
