"""Is Candor able to keep its promises? Database, broker and scheduler status."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import Heartbeat

#: The heartbeat the scheduler's periodic scan records every time it runs.
SCAN_HEARTBEAT = "scan"

#: The heartbeat the scheduler (Celery beat) records once, each time it starts.
SCHEDULER_START_HEARTBEAT = "scheduler-start"

#: The scan runs every minute; five missed minutes mean the scheduler is down.
SCHEDULER_STALE_AFTER = timedelta(minutes=5)

#: What the scheduler check reports: scanning, just started and not scanned
#: yet, or not scanning.
SCHEDULER_OK = "ok"
SCHEDULER_STARTING = "starting"
SCHEDULER_STALE = "stale"


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True}


def check_broker() -> dict:
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "transport": app.conf.broker_url.split(":", 1)[0]}


def scheduler_start_grace() -> timedelta:
    return timedelta(seconds=settings.SCHEDULER_START_GRACE_SECONDS)


def _scheduler_status(
    *, last_scan: datetime | None, started: datetime | None, now: datetime
) -> str:
    """Which of ok, starting or stale the scheduler is.

    1. A scan within the last five minutes: ok.
    2. Otherwise, a scheduler that started within the grace period and has not
       scanned since: starting. Its first scan comes one interval after it
       starts, so until then there is nothing to be late.
    3. Anything else: stale.
    """
    if last_scan is not None and now - last_scan <= SCHEDULER_STALE_AFTER:
        return SCHEDULER_OK
    not_scanned_since_start = started is not None and (last_scan is None or last_scan < started)
    if not_scanned_since_start and now - started <= scheduler_start_grace():
        return SCHEDULER_STARTING
    return SCHEDULER_STALE


def check_scheduler(now: datetime | None = None) -> dict:
    now = now or timezone.now()
    try:
        beats = dict(
            Heartbeat.objects.filter(
                name__in=[SCAN_HEARTBEAT, SCHEDULER_START_HEARTBEAT]
            ).values_list("name", "beat_at")
        )
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    last_scan = beats.get(SCAN_HEARTBEAT)
    started = beats.get(SCHEDULER_START_HEARTBEAT)
    status = _scheduler_status(last_scan=last_scan, started=started, now=now)
    return {
        "ok": status != SCHEDULER_STALE,
        "status": status,
        "last_scan_at": last_scan.isoformat() if last_scan else None,
        "started_at": started.isoformat() if started else None,
        "stale": status == SCHEDULER_STALE,
    }


def health(now: datetime | None = None) -> dict:
    checks = {
        "database": check_database(),
        "broker": check_broker(),
        "scheduler": check_scheduler(now),
    }
    return {"ok": all(c["ok"] for c in checks.values()), "checks": checks, "debug": settings.DEBUG}


def scheduler_status(now: datetime | None = None) -> str:
    """ok, starting or stale; stale too when the heartbeats cannot be read."""
    return check_scheduler(now).get("status", SCHEDULER_STALE)
