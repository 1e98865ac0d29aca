from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from apps.core.views import favicon, healthz, robots_txt

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="dashboard", permanent=False), name="home"),
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("accounts/", include("apps.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("projects/", include("apps.projects.urls")),
    path("", include("apps.incidents.urls")),
    path("", include("apps.statuspage.urls")),
    path("", include("apps.tone.urls")),
    path("", include("apps.communications.urls")),
    path("", include("apps.notifications.urls")),
    path("", include("apps.reminders.urls")),
    path("", include("apps.actionplans.urls")),
    path("", include("apps.alternatives.urls")),
    path("", include("apps.messagetemplates.urls")),
    path("", include("apps.retrospectives.urls")),
    path("", include("apps.commitments.urls")),
    path("", include("apps.cases.urls")),
    path("", include("apps.reports.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()

handler400 = "apps.core.views.bad_request"
handler404 = "apps.core.views.page_not_found"
handler500 = "apps.core.views.server_error"
