from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionPlansConfig(AppConfig):
    name = "apps.actionplans"
    verbose_name = _("Action plans")

    def ready(self):
        from . import slots

        slots.connect()
