from django.core.cache import cache

from .health import scheduler_is_stale

STALE_CACHE_SECONDS = 30


def scheduler_warning(request):
    """Staff see a banner when reminders are not being scanned."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated and user.is_staff):
        return {}
    stale = cache.get("candor:scheduler-stale")
    if stale is None:
        stale = scheduler_is_stale()
        cache.set("candor:scheduler-stale", stale, STALE_CACHE_SECONDS)
    return {"scheduler_stale": stale}
