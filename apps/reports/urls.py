"""The reports and exports."""

from django.urls import path

from . import views

urlpatterns = [
    path("reports/exports/", views.exports, name="report_exports"),
    path("reports/exports/incidents.csv", views.export_incidents, name="export_incidents"),
    path("reports/exports/communication-log.csv", views.export_log, name="export_log"),
    path("reports/exports/commitments.csv", views.export_commitments, name="export_commitments"),
]
