from django.urls import path

from .views import findings

urlpatterns = [
    path("incidents/<int:pk>/tone/", findings.tone_live, name="tone_live"),
    path("projects/<int:pk>/tone/check/", findings.tone_live_project, name="tone_live_project"),
    path("incidents/<int:pk>/tone/dismiss/", findings.tone_dismiss, name="tone_dismiss"),
    path(
        "incidents/<int:pk>/tone/dismissals/<int:dismissal_pk>/withdraw/",
        findings.tone_dismissal_withdraw,
        name="tone_dismissal_withdraw",
    ),
]
