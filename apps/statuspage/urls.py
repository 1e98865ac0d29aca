from django.urls import path

from . import views

urlpatterns = [
    path("s/<str:token>/", views.status_page, name="status_page"),
    path("s/<str:token>/feed.atom", views.atom_feed, name="status_feed"),
    path("s/<str:token>/meetings.ics", views.meetings_ics, name="status_meetings"),
    path("s/<str:token>/report/<int:incident_pk>/", views.report_print, name="status_report"),
    path("s/<str:token>/report/<int:incident_pk>.pdf", views.report_pdf, name="status_report_pdf"),
    path("incidents/<int:pk>/share/", views.links, name="share_links"),
    path(
        "incidents/<int:pk>/share/<int:link_pk>/revoke/",
        views.link_revoke,
        name="share_link_revoke",
    ),
]
