"""Beat records its start and schedules the heartbeat, the broker carries it, a real worker
records it."""

import pytest

from apps.core.health import SCHEDULER_START_HEARTBEAT
from apps.core.models import Heartbeat

pytestmark = pytest.mark.integration


def _worker_heartbeat() -> Heartbeat | None:
    return Heartbeat.objects.filter(name="worker").first()


def test_worker_records_the_heartbeat_that_beat_schedules(transactional_db, celery_processes):
    celery_processes.worker()
    celery_processes.beat()

    first = celery_processes.wait_until(
        _worker_heartbeat, timeout=30, what="the first worker heartbeat"
    )

    def grown() -> Heartbeat | None:
        beat = _worker_heartbeat()
        return beat if beat is not None and beat.count > first.count else None

    later = celery_processes.wait_until(
        grown, timeout=15, what=f"the heartbeat count to grow past {first.count}"
    )

    assert later.beat_at >= first.beat_at
    assert later.hostname
    # Beat recorded its start before it scheduled anything, so /healthz can
    # say "starting" instead of raising the alarm before the first scan.
    start = Heartbeat.objects.get(name=SCHEDULER_START_HEARTBEAT)
    assert start.beat_at <= first.beat_at
    assert start.hostname
