from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetrospectivesConfig(AppConfig):
    name = "apps.retrospectives"
    verbose_name = _("Retrospectives")

    def ready(self) -> None:
        from . import slots

        slots.connect()
