from django.urls import path

from . import views

urlpatterns = [
    path(
        "incidents/<int:pk>/commitments/new/",
        views.commitment_create,
        name="commitment_create",
    ),
    path(
        "incidents/<int:pk>/commitments/<int:commitment_pk>/edit/",
        views.commitment_edit,
        name="commitment_edit",
    ),
    path(
        "incidents/<int:pk>/commitments/<int:commitment_pk>/kept/",
        views.commitment_keep,
        name="commitment_keep",
    ),
    path(
        "incidents/<int:pk>/commitments/<int:commitment_pk>/missed/",
        views.commitment_miss,
        name="commitment_miss",
    ),
]
