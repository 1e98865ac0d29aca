import pytest

from tests.celery_capture import EnqueuedTasks, capture_enqueued


@pytest.fixture
def enqueued(monkeypatch) -> EnqueuedTasks:
    """No broker: what would be enqueued is recorded, and run by hand.

    Not autouse: modules that want it say ``usefixtures("enqueued")``.
    """
    return capture_enqueued(monkeypatch)
