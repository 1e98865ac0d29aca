import uuid

import pytest


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """A fresh cache for each test: reset-request counts never leak from one test to the next.

    A private local-memory cache rather than clearing the configured one,
    which may be a Redis that others use.
    """
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"accounts-test-{uuid.uuid4().hex}",
        }
    }
