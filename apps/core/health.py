"""Is Candor able to keep its promises? Database, broker and scheduler status."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import Heartbeat

#: The heartbeat the scheduler's periodic scan records every time it runs.
SCAN_HEARTBEAT = "scan"

#: The scan runs every minute; five missed minutes mean the scheduler is down.
SCHEDULER_STALE_AFTER = timedelta(minutes=5)


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


def check_scheduler(now: datetime | None = None) -> dict:
    now = now or timezone.now()
    try:
        beat = (
            Heartbeat.objects.filter(name=SCAN_HEARTBEAT).values_list("beat_at", flat=True).first()
        )
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    if beat is None:
        return {"ok": False, "last_scan_at": None, "stale": True}
    stale = now - beat > SCHEDULER_STALE_AFTER
    return {"ok": not stale, "last_scan_at": beat.isoformat(), "stale": stale}


def health(now: datetime | None = None) -> dict:
    checks = {
        "database": check_database(),
        "broker": check_broker(),
        "scheduler": check_scheduler(now),
    }
    return {"ok": all(c["ok"] for c in checks.values()), "checks": checks, "debug": settings.DEBUG}


def scheduler_is_stale(now: datetime | None = None) -> bool:
    return not check_scheduler(now)["ok"]
