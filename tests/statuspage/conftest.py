import pytest
from django.core.cache import cache

from tests.celery_capture import capture_enqueued


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Pages, view counts and miss counters live in the cache: each test starts empty."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def enqueued(monkeypatch):
    """Publishing e-mails the contacts; tests need no broker for that."""
    return capture_enqueued(monkeypatch)
