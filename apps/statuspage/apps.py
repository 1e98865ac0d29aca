from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatusPageConfig(AppConfig):
    name = "apps.statuspage"
    verbose_name = _("Client status page")

    def ready(self):
        from . import slots

        slots.connect()
