from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ToneConfig(AppConfig):
    name = "apps.tone"
    verbose_name = _("Tone check")
