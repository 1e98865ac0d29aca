"""Counters in the shared cache: a link's views, an address's misses.

The status page reads one counter and bumps another on every request. On
Redis a bump is a plain INCR, which creates a missing key by itself (Django's
``incr()`` first asks whether the key exists), and the read and the bump
travel in one round trip. Other backends (tests use locmem) take Django's
portable calls. Django stores integers unpickled, so ``cache.get`` reads
these counters as usual.
"""

import weakref

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

#: One Redis client per Django cache client. Django builds a new one for every
#: call, which costs more than the round trip on this path.
_writers: "weakref.WeakKeyDictionary[object, object]" = weakref.WeakKeyDictionary()


def _backend():
    """The default cache, and a Redis client for it when it is Redis (else ``None``)."""
    backend = caches["default"]
    client = getattr(backend, "_cache", None)
    if not (isinstance(backend, RedisCache) and hasattr(client, "get_client")):
        return backend, None
    writer = _writers.get(client)
    if writer is None:
        writer = _writers[client] = client.get_client(write=True)
    return backend, writer


def bump(key: str) -> None:
    """Add one to a counter that never expires, creating it at 1."""
    backend, redis = _backend()
    if redis is not None:
        redis.incr(backend.make_and_validate_key(key))
        return
    try:
        backend.incr(key)
    except ValueError:  # missing, or evicted
        if not backend.add(key, 1, timeout=None):
            backend.incr(key)


def read_and_bump(read: str, bump_key: str) -> int:
    """The counter ``read`` (0 if absent), after adding one to ``bump_key``."""
    backend, redis = _backend()
    if redis is not None:
        pipe = redis.pipeline(transaction=False)
        pipe.get(backend.make_and_validate_key(read))
        pipe.incr(backend.make_and_validate_key(bump_key))
        value, _bumped = pipe.execute()
        return int(value or 0)
    bump(bump_key)
    return backend.get(read) or 0


def read_and_add(read: str, additions: dict[str, int]) -> int:
    """The counter ``read`` (0 if absent), after adding to each counter in ``additions``."""
    backend, redis = _backend()
    if redis is not None:
        pipe = redis.pipeline(transaction=False)
        pipe.get(backend.make_and_validate_key(read))
        for key, amount in additions.items():
            pipe.incrby(backend.make_and_validate_key(key), amount)
        value = pipe.execute()[0]
        return int(value or 0)
    for key, amount in additions.items():
        for _ in range(amount):
            bump(key)
    return backend.get(read) or 0
