"""The Celery application.

Deadlines live in the database; Celery only runs short, idempotent units of
work. Tasks are acknowledged late and fetched one at a time so that a worker
killed mid-task leaves its message for another worker instead of losing it.
"""

import logging
import os
import socket

from celery import Celery
from celery.signals import beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("candor")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_ignore_result=True,
    result_backend=None,
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_time_limit=120,
    task_soft_time_limit=90,
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
    timezone="UTC",
    enable_utc=True,
)


def _beat_schedule() -> dict:
    from django.conf import settings

    # Each entry is short and idempotent; "expires" drops a backlog of
    # identical scans after downtime instead of running them all (but leaves
    # a worker that is just starting a minute to pick up the first one).
    return {
        "heartbeat": {
            "task": "apps.core.tasks.heartbeat",
            "schedule": settings.CELERY_HEARTBEAT_SECONDS,
            "options": {"expires": max(settings.CELERY_HEARTBEAT_SECONDS, 60)},
        },
        "scan-due": {
            "task": "apps.reminders.tasks.scan_due",
            "schedule": settings.REMINDER_SCAN_SECONDS,
            "options": {"expires": max(settings.REMINDER_SCAN_SECONDS, 60)},
        },
        "sweep": {
            "task": "apps.reminders.tasks.sweep",
            "schedule": settings.REMINDER_SWEEP_SECONDS,
            "options": {"expires": max(settings.REMINDER_SWEEP_SECONDS, 60)},
        },
        "outbox-sweep": {
            "task": "apps.outbox.tasks.sweep",
            "schedule": settings.REMINDER_SWEEP_SECONDS,
            "options": {"expires": max(settings.REMINDER_SWEEP_SECONDS, 60)},
        },
    }


@app.on_after_configure.connect
def _setup_periodic_tasks(sender, **kwargs):
    sender.conf.beat_schedule = _beat_schedule()


@beat_init.connect
def _record_scheduler_start(sender=None, **kwargs):
    """Beat's first scan comes one interval after it starts; recording the start
    lets /healthz and the staff banner tell "just started" from "stopped".

    A database that cannot be reached must not keep beat from scheduling: the
    only cost is a false alarm until the first scan.
    """
    from django.db import connections

    from apps.core.health import SCHEDULER_START_HEARTBEAT
    from apps.core.services import heartbeat_record

    try:
        heartbeat_record(name=SCHEDULER_START_HEARTBEAT, hostname=socket.gethostname())
    except Exception:
        logging.getLogger(__name__).exception("Could not record the scheduler's start")
    finally:
        # Beat itself never uses the database: leave no idle connection open.
        connections.close_all()


app.autodiscover_tasks()
