from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ToneConfig(AppConfig):
    name = "apps.tone"
    verbose_name = _("Tone check")

    def ready(self) -> None:
        from apps.incidents.pages import TONE_CHECK

        from .pages import tone_form_check

        TONE_CHECK.fill(tone_form_check)
