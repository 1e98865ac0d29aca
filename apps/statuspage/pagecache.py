"""Rendered status pages: in this process's memory first, then in the shared cache.

A page is stored under its ETag, which changes with anything the page shows
(see ``views._fingerprint``), so an entry is never wrong, only unused. Each
worker keeps the most recent pages in memory, a few megabytes at most, so
that a warm request does not fetch a page of ~100 KB from Redis every time;
the shared cache spares the other workers the rendering.
"""

import threading
from collections import OrderedDict

from django.core.cache import cache

LOCAL_BYTES = 8 * 1024 * 1024
SHARED_SECONDS = 3600

_local: OrderedDict[str, bytes] = OrderedDict()
_local_bytes = 0
_lock = threading.Lock()


def _key(etag: str) -> str:
    return f"statuspage:html:{etag}"


def _remember(etag: str, html: bytes) -> None:
    global _local_bytes
    with _lock:
        if etag in _local:
            _local.move_to_end(etag)
            return
        _local[etag] = html
        _local_bytes += len(html)
        while _local_bytes > LOCAL_BYTES and len(_local) > 1:
            _old, dropped = _local.popitem(last=False)
            _local_bytes -= len(dropped)


def get(etag: str) -> bytes | None:
    with _lock:
        html = _local.get(etag)
        if html is not None:
            _local.move_to_end(etag)
            return html
    html = cache.get(_key(etag))
    if html is not None:
        _remember(etag, html)
    return html


def put(etag: str, html: bytes) -> None:
    cache.set(_key(etag), html, SHARED_SECONDS)
    _remember(etag, html)


def clear_local() -> None:
    """Forget this process's copies (tests reuse ids, hence ETags, across tests)."""
    global _local_bytes
    with _lock:
        _local.clear()
        _local_bytes = 0
