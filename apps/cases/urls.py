"""The cases pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("cases/", views.case_library, name="case_library"),
    path("cases/similar/", views.case_similar, name="case_similar"),
]
