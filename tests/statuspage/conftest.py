import pytest
from django.core.cache import cache

from apps.statuspage import pagecache
from tests.celery_capture import capture_enqueued


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Pages, view counts and miss counters live in the cache: each test starts empty.

    Ids, hence ETags, repeat from test to test: each worker's own copies go too.
    """
    cache.clear()
    pagecache.clear_local()
    yield
    cache.clear()
    pagecache.clear_local()


@pytest.fixture(autouse=True)
def enqueued(monkeypatch):
    """Publishing e-mails the contacts; tests need no broker for that."""
    return capture_enqueued(monkeypatch)
