from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessageTemplatesConfig(AppConfig):
    name = "apps.messagetemplates"
    label = "messagetemplates"
    verbose_name = _("Message templates")

    def ready(self):
        from . import slots

        slots.connect()
