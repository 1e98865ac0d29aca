import pytest
import time_machine

from tests.celery_capture import EnqueuedTasks, capture_enqueued


@pytest.fixture(autouse=True)
def enqueued(monkeypatch) -> EnqueuedTasks:
    """No broker: what would be enqueued is recorded, and run by hand."""
    return capture_enqueued(monkeypatch)


@pytest.fixture
def clock(now):
    """The frozen clock, which the test moves with ``clock.move_to(moment)``."""
    with time_machine.travel(now, tick=False) as traveller:
        yield traveller
