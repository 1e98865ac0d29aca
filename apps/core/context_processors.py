from django.core.cache import cache

from .health import SCHEDULER_STALE, SCHEDULER_STARTING, scheduler_status

STATUS_CACHE_KEY = "candor:scheduler-status"
STATUS_CACHE_SECONDS = 30


def scheduler_warning(request):
    """Staff see a banner when reminders are not being scanned.

    A scheduler that has just started is not down: staff see a quiet note
    instead, until its first scan or the end of the grace period.
    """
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated and user.is_staff):
        return {}
    status = cache.get(STATUS_CACHE_KEY)
    if status is None:
        status = scheduler_status()
        cache.set(STATUS_CACHE_KEY, status, STATUS_CACHE_SECONDS)
    return {
        "scheduler_stale": status == SCHEDULER_STALE,
        "scheduler_starting": status == SCHEDULER_STARTING,
    }
