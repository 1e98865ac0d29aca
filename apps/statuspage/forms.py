from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.projects.models import ClientContact, Project


class ShareLinkForm(forms.Form):
    contact = forms.ModelChoiceField(
        label=_("For"),
        queryset=ClientContact.objects.none(),
        required=False,
        empty_label=_("Anyone with the link"),
        help_text=_("A link per person shows you who read the page and when."),
    )
    label = forms.CharField(label=_("Label"), max_length=200, required=False)
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for a link that lasts until you revoke it."),
    )
    whole_project = forms.BooleanField(
        label=_("Show every incident of the project"),
        required=False,
        help_text=_("Otherwise the link shows only this incident."),
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = project.contacts.order_by("name")
        self.fields["contact"].error_messages["invalid_choice"] = _(
            "Choose a contact of this project."
        )

    def clean_expires_on(self):
        day = self.cleaned_data.get("expires_on")
        if day is not None and day <= timezone.localdate():
            raise forms.ValidationError(_("Choose an expiry date after today."))
        if day is not None and day > timezone.localdate() + timedelta(days=365):
            raise forms.ValidationError(_("A link can live at most one year."))
        return day

    def clean(self):
        data = super().clean()
        day = data.get("expires_on")
        # Expires at the end of that day in the PM's time zone.
        data["expires_at"] = (
            timezone.make_aware(datetime.combine(day, time.max)) if day is not None else None
        )
        return data
