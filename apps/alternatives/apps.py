from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlternativesConfig(AppConfig):
    name = "apps.alternatives"
    verbose_name = _("Alternatives")

    def ready(self):
        from . import slots

        slots.connect()
