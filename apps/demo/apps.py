from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo data: the top layer, so it may use every app below it."""

    name = "apps.demo"
    verbose_name = _("Demo data")
