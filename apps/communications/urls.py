from django.urls import path

from . import views

urlpatterns = [
    path("incidents/<int:pk>/log/new/", views.log_entry_create, name="log_entry_create"),
    path(
        "incidents/<int:pk>/log/<int:entry_pk>/correct/",
        views.log_entry_correct,
        name="log_entry_correct",
    ),
    path("incidents/<int:pk>/updates/new/", views.update_create, name="update_create"),
    path("incidents/<int:pk>/updates/preview/", views.update_preview, name="update_preview"),
    path(
        "incidents/<int:pk>/updates/<int:update_pk>/deliveries/<int:email_pk>/retry/",
        views.update_delivery_retry,
        name="update_delivery_retry",
    ),
    path(
        "incidents/<int:pk>/updates/<int:update_pk>/edit/",
        views.update_edit,
        name="update_edit",
    ),
    path(
        "incidents/<int:pk>/updates/<int:update_pk>/discard/",
        views.update_discard,
        name="update_discard",
    ),
    path(
        "incidents/<int:pk>/updates/<int:update_pk>/publish/",
        views.update_publish,
        name="update_publish",
    ),
    path("incidents/<int:pk>/meetings/new/", views.meeting_create, name="meeting_create"),
    path(
        "incidents/<int:pk>/meetings/<int:meeting_pk>/",
        views.meeting_detail,
        name="meeting_detail",
    ),
    path(
        "incidents/<int:pk>/meetings/<int:meeting_pk>/deliveries/<int:email_pk>/retry/",
        views.meeting_delivery_retry,
        name="meeting_delivery_retry",
    ),
    path(
        "incidents/<int:pk>/meetings/<int:meeting_pk>/edit/",
        views.meeting_edit,
        name="meeting_edit",
    ),
    path(
        "incidents/<int:pk>/meetings/<int:meeting_pk>/cancel/",
        views.meeting_cancel,
        name="meeting_cancel",
    ),
    path(
        "incidents/<int:pk>/meetings/<int:meeting_pk>/outcome/",
        views.meeting_outcome,
        name="meeting_outcome",
    ),
    path(
        "incidents/<int:pk>/meetings/<int:meeting_pk>/invite.ics",
        views.meeting_ics,
        name="meeting_ics",
    ),
]
