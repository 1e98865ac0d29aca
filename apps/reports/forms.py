"""The exports' filters, read from the query string."""

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.fields import IdChoiceField


class ProjectChoiceField(IdChoiceField):
    default_error_messages = {
        "invalid_choice": _("Choose one of your projects, or all of them."),
    }

    def label_from_instance(self, obj):
        return f"{obj.client.name} — {obj.name}"


class ExportFilterForm(forms.Form):
    project = ProjectChoiceField(
        label=_("Project"),
        queryset=None,
        required=False,
        empty_label=pgettext_lazy("any project", "All your projects"),
    )
    since = forms.DateField(
        label=_("Declared from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date, for example 2025-03-10.")},
    )
    until = forms.DateField(
        label=_("Declared until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date, for example 2025-03-10.")},
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects.order_by("client__name", "name")

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end of the date range is before its start."))
        return cleaned

    def filters(self) -> dict:
        """The filters as the selectors take them: days in the reader's zone, both included."""
        data = self.cleaned_data
        zone = timezone.get_current_timezone()

        def start(day):
            return timezone.make_aware(datetime.combine(day, time.min), zone)

        return {
            "project": data.get("project"),
            "since": start(data["since"]) if data.get("since") else None,
            "until": start(data["until"] + timedelta(days=1)) if data.get("until") else None,
        }
