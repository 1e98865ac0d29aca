from django.urls import path

from . import views

urlpatterns = [
    path("projects/<int:pk>/templates/", views.template_list, name="message_templates"),
    path(
        "projects/<int:pk>/templates/<str:kind>/<str:language>/",
        views.template_edit,
        name="message_template_edit",
    ),
    path(
        "projects/<int:pk>/templates/<str:kind>/<str:language>/reset/",
        views.template_reset,
        name="message_template_reset",
    ),
]
