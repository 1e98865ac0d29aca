from datetime import datetime

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.fields import LocalDateTimeField, in_your_time_zone
from apps.incidents.models import Incident

MAX_REASON_CHARS = 1000


class SnoozeForm(forms.Form):
    """Quiet the update reminders for a while; the service checks how long."""

    until = LocalDateTimeField(
        label=_("Snooze update reminders until"), help_text=in_your_time_zone()
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_REASON_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Written on the incident's timeline."),
        error_messages={
            "required": _("Say why the reminders can wait."),
            "max_length": _("Keep the reason to %(limit_value)s characters."),
        },
    )

    def __init__(self, *args, incident: Incident, now: datetime | None = None, **kwargs):
        now = now or timezone.now()
        kwargs.setdefault("initial", {}).setdefault("until", now + incident.update_cadence / 2)
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
