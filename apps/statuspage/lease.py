"""A one-second lease on what the warm path reads, per worker process.

A client team reloading a status page sends many requests a second to each
worker. Within a lease (``STATUSPAGE_LEASE_SECONDS``, one second by default)
a worker answers from what it read last: the link's stamp (so no database
query), the address's miss count, and it adds views up locally. When the
lease runs out, one database read renews the stamp and one cache round trip
renews the miss count and hands over the views counted meanwhile.

So a change made through another worker (a new update, a revoked link) shows
within a second; one made through this worker shows at once (revoking a link
forgets its stamp here). A lease of 0 turns all this off.
"""

import threading
import time
from collections import defaultdict

from django.conf import settings

_lock = threading.Lock()
_stamps: dict[str, tuple[float, object]] = {}
_misses: dict[str, tuple[float, int]] = {}
_views: defaultdict[str, int] = defaultdict(int)
_views_flushed_at = 0.0
#: Stamps of at most this many links are kept per worker.
MAX_STAMPS = 10_000


def seconds() -> float:
    return float(getattr(settings, "STATUSPAGE_LEASE_SECONDS", 0))


def stamp(token_hash: str, load):
    """The stamp for a token hash, read through ``load()`` at most once per lease."""
    lease = seconds()
    if lease <= 0:
        return load()
    now = time.monotonic()
    with _lock:
        held = _stamps.get(token_hash)
    if held is not None and held[0] > now:
        return held[1]
    value = load()
    with _lock:
        if len(_stamps) >= MAX_STAMPS:
            _stamps.clear()
        _stamps[token_hash] = (now + lease, value)
    return value


def forget(token_hash: str) -> None:
    with _lock:
        _stamps.pop(token_hash, None)


def misses_and_count_view(miss_key: str, views_key: str, round_trip) -> int:
    """The address's misses, counting one view; ``round_trip(miss_key, views)`` renews both.

    ``views`` maps view-counter keys to the views counted here since the last
    round trip; the round trip adds them to the shared counters.
    """
    global _views_flushed_at
    lease = seconds()
    if lease <= 0:
        return round_trip(miss_key, {views_key: 1})
    now = time.monotonic()
    with _lock:
        _views[views_key] += 1
        held = _misses.get(miss_key)
        if held is not None and held[0] > now and now - _views_flushed_at < lease:
            return held[1]
        pending = dict(_views)
        _views.clear()
        _views_flushed_at = now
    misses = round_trip(miss_key, pending)
    with _lock:
        if len(_misses) >= MAX_STAMPS:
            _misses.clear()
        _misses[miss_key] = (now + lease, misses)
    return misses


def clear() -> None:
    """Forget everything (tests; a worker never needs to)."""
    global _views_flushed_at
    from .services import _written_here

    _written_here.clear()
    with _lock:
        _stamps.clear()
        _misses.clear()
        _views.clear()
        _views_flushed_at = 0.0
