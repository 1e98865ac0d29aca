from django.urls import path

from . import views

urlpatterns = [
    path("incidents/<int:pk>/snooze/", views.incident_snooze, name="incident_snooze"),
    path(
        "incidents/<int:pk>/reminders/<int:reminder_pk>/retry/",
        views.reminder_retry,
        name="reminder_retry",
    ),
]
