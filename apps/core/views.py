from django.shortcuts import render


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)


ROBOTS_TXT = "User-agent: *\nDisallow: /s/\nDisallow: /admin/\n"


def robots_txt(request):
    """Crawlers stay away from status pages (they also say noindex themselves)."""
    from django.http import HttpResponse

    return HttpResponse(ROBOTS_TXT, content_type="text/plain; charset=utf-8")
