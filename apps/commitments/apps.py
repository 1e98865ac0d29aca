from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    name = "apps.commitments"
    verbose_name = _("Commitments")

    def ready(self):
        from . import slots

        slots.connect()
