from django.urls import path

from . import views

urlpatterns = [
    path(
        "incidents/<int:pk>/alternatives/new/",
        views.alternative_create,
        name="alternative_create",
    ),
    path(
        "incidents/<int:pk>/alternatives/compare/",
        views.alternative_compare,
        name="alternative_compare",
    ),
    path(
        "incidents/<int:pk>/alternatives/<int:alternative_pk>/edit/",
        views.alternative_edit,
        name="alternative_edit",
    ),
    path(
        "incidents/<int:pk>/alternatives/<int:alternative_pk>/reject/",
        views.alternative_reject,
        name="alternative_reject",
    ),
    path("incidents/<int:pk>/decisions/new/", views.decision_record, name="decision_record"),
    path(
        "incidents/<int:pk>/meetings/<int:meeting_pk>/decision/",
        views.decision_record,
        name="meeting_decision_record",
    ),
]
