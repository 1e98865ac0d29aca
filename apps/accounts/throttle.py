"""How many password-reset e-mails one client, or one address, may ask for.

Counted in the cache (``CACHES``), per client address (as the proxies in
front of Candor vouch for it, ``apps.core.http.client_address``) and per
e-mail address, in fixed windows of ``PASSWORD_RESET_WINDOW_MINUTES``.
An unknown address counts like a known one, so the limit tells nothing.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

from apps.core.http import client_address


def _key(kind: str, value: str) -> str:
    # Hashed: no e-mail address in the cache, and no key too long for memcached.
    return f"accounts:reset:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"


def _count(key: str, window: int) -> int:
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=window)
        return 1


def reset_request_throttled(request, email: str) -> bool:
    """Count this request; whether the address or the e-mail is now over its limit."""
    window = settings.PASSWORD_RESET_WINDOW_MINUTES * 60
    by_address = _count(_key("address", client_address(request)), window)
    by_email = _count(_key("email", email.strip().casefold()), window)
    return (
        by_address > settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
        or by_email > settings.PASSWORD_RESET_LIMIT_PER_EMAIL
    )
