from django.urls import path

from . import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path(
        "projects/<int:project_pk>/incidents/new/",
        views.incident_declare,
        name="incident_declare",
    ),
    path("incidents/<int:pk>/", views.incident_detail, name="incident_detail"),
    path("incidents/<int:pk>/edit/", views.incident_edit, name="incident_edit"),
    path("incidents/<int:pk>/history/", views.incident_history, name="incident_history"),
    path("incidents/<int:pk>/status/", views.incident_change_status, name="incident_status"),
    path("incidents/<int:pk>/resolve/", views.incident_resolve, name="incident_resolve"),
    path("incidents/<int:pk>/cadence/", views.incident_set_cadence, name="incident_cadence"),
]
