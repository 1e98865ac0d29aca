"""Who sent a request, as far as the proxies in front of Candor can vouch for it."""

from django.conf import settings


def client_address(request) -> str:
    """The client's address, as seen by the last of ``TRUSTED_PROXY_COUNT`` proxies.

    Behind N trusted proxies each appends the address it saw to
    ``X-Forwarded-For``, so the client is the N-th entry from the right;
    anything further left was written by the client and is not believed. With
    no trusted proxy (the default), ``X-Forwarded-For`` is ignored.
    """
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < trusted:
        # Fewer hops than proxies configured: the request did not come through them all.
        return forwarded[0] if forwarded else remote
    return forwarded[-trusted]
