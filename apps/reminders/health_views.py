from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .health import health


@never_cache
def healthz(request):
    """Machine-readable health: 200 when everything works, 503 otherwise."""
    report = health()
    report.pop("debug", None)
    return JsonResponse(report, status=200 if report["ok"] else 503)
