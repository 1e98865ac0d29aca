from django.urls import path

from . import views

urlpatterns = [
    path("incidents/<int:pk>/snooze/", views.incident_snooze, name="incident_snooze"),
]
