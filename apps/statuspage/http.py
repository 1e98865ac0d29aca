"""What every status-page response carries, and how misses are throttled."""

import hashlib
from functools import wraps

from django.core.cache import cache

from apps.core.http import client_address

#: Repeated misses from one address within the window get 429 for the rest of it.
MISS_LIMIT = 20
MISS_WINDOW_SECONDS = 600

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self' data:",
        "script-src 'self'",
        "font-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)


def miss_key(request) -> str:
    digest = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
    return f"statuspage:misses:{digest}"


def is_over_limit(misses: int | None) -> bool:
    return (misses or 0) >= MISS_LIMIT


def too_many_misses(request) -> bool:
    return is_over_limit(cache.get(miss_key(request)))


def record_miss(request) -> None:
    key = miss_key(request)
    cache.add(key, 0, timeout=MISS_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=MISS_WINDOW_SECONDS)


def private_page(view):
    """Headers for a secret page: never indexed, cached or leaked through a referrer."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow, noarchive"
        response["Referrer-Policy"] = "no-referrer"
        response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response["Cache-Control"] = "private, no-cache"
        response["X-Content-Type-Options"] = "nosniff"
        response["Vary"] = "Accept-Language"
        return response

    return wrapped
