from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from .health import health
from .middleware import UNREADABLE_MESSAGE


def bad_request(request, exception=None):
    """A 400 that says what went wrong, in the user's language.

    Our own refusals (``UnreadableRequest``) carry their message; Django's
    (a form in another charset, too many fields) get the general one.
    """
    message = getattr(exception, "user_message", UNREADABLE_MESSAGE)
    return render(request, "400.html", {"message": message}, status=400)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)


ROBOTS_TXT = "User-agent: *\nDisallow: /s/\nDisallow: /admin/\n"


def robots_txt(request):
    """Crawlers stay away from status pages (they also say noindex themselves)."""
    return HttpResponse(ROBOTS_TXT, content_type="text/plain; charset=utf-8")


@never_cache
def healthz(request):
    """Machine-readable health: 200 when everything works, 503 otherwise."""
    report = health()
    report.pop("debug", None)
    return JsonResponse(report, status=200 if report["ok"] else 503)


def favicon(request):
    """Browsers and the admin ask for /favicon.ico: send them to the icon."""
    from django.shortcuts import redirect
    from django.templatetags.static import static

    return redirect(static("img/favicon.svg"), permanent=False)
