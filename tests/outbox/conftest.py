import pytest

from tests.celery_capture import EnqueuedTasks, capture_enqueued


@pytest.fixture(autouse=True)
def enqueued(monkeypatch) -> EnqueuedTasks:
    """No broker: what would be enqueued is recorded, and run by hand."""
    return capture_enqueued(monkeypatch)
