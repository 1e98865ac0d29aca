from django.urls import path

from . import views

urlpatterns = [
    path("incidents/<int:pk>/plan/new/", views.action_item_create, name="action_item_create"),
    path(
        "incidents/<int:pk>/plan/<int:item_pk>/edit/",
        views.action_item_edit,
        name="action_item_edit",
    ),
    path("incidents/<int:pk>/remedies/new/", views.remedy_create, name="remedy_create"),
    path(
        "incidents/<int:pk>/remedies/<int:remedy_pk>/answer/",
        views.remedy_answer,
        name="remedy_answer",
    ),
]
