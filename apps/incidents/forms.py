from datetime import timedelta

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Fieldset, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.conflicts import HiddenErrorsMixin, VersionField

from .models import MAX_CADENCE, MIN_CADENCE, Incident, IncidentStatus

DISCLOSURE_LAYOUT = (
    Fieldset(
        _("What happened"),
        "title",
        "summary",
        "severity",
    ),
    Fieldset(
        _("Cause"),
        "cause",
        "cause_origin",
    ),
    Fieldset(
        _("Current state and impact"),
        "current_state",
        Row(
            Column("impact_schedule_days", css_class="col-md-6"),
            Column("impact_cost", css_class="col-md-6"),
        ),
        "impact_scope",
    ),
    Fieldset(
        _("What we will say and do"),
        "first_step",
        "apology",
    ),
    Fieldset(
        _("Internal only"),
        "internal_notes",
    ),
)


class IncidentForm(forms.ModelForm):
    """Declare an incident or edit its disclosure. Validates only; services save."""

    class Meta:
        model = Incident
        fields = (
            "title",
            "summary",
            "severity",
            "cause",
            "cause_origin",
            "current_state",
            "impact_schedule_days",
            "impact_cost",
            "impact_scope",
            "first_step",
            "apology",
            "internal_notes",
        )
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "cause": forms.Textarea(attrs={"rows": 3}),
            "cause_origin": forms.Textarea(attrs={"rows": 3}),
            "current_state": forms.Textarea(attrs={"rows": 3}),
            "impact_scope": forms.Textarea(attrs={"rows": 2}),
            "first_step": forms.Textarea(attrs={"rows": 2}),
            "apology": forms.Textarea(attrs={"rows": 2}),
            "internal_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["impact_cost"].widget.attrs.setdefault("step", "0.01")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            *DISCLOSURE_LAYOUT,
            Div(Submit("submit", submit_label or _("Save")), css_class="mt-3"),
        )

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Give the incident a short title."))
        return title

    def clean_summary(self):
        summary = self.cleaned_data["summary"].strip()
        if not summary:
            raise forms.ValidationError(_("Say briefly what happened."))
        return summary

    def clean_impact_cost(self):
        cost = self.cleaned_data.get("impact_cost")
        if cost is not None and cost < 0:
            raise forms.ValidationError(_("Enter the cost impact as a positive amount."))
        return cost


class IncidentEditForm(HiddenErrorsMixin, IncidentForm):
    """Edit the disclosure; remembers the version it was opened at."""

    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("version", self.instance.version)
        self.helper.render_hidden_fields = True


class IncidentStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))

    def __init__(self, *args, incident: Incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (value, IncidentStatus(value).label) for value in incident.allowed_transitions
        ]
        self.fields["status"].error_messages["invalid_choice"] = _(
            "That status is not a valid next step for this incident."
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class CadenceForm(forms.Form):
    cadence_hours = forms.IntegerField(
        label=_("Update the client every (hours)"),
        min_value=int(MIN_CADENCE / timedelta(hours=1)),
        max_value=int(MAX_CADENCE / timedelta(hours=1)),
        error_messages={
            "min_value": _("Updates cannot be more frequent than every %(limit_value)s hour."),
            "max_value": _("Update the client at least every %(limit_value)s hours (14 days)."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    @property
    def cadence(self) -> timedelta:
        return timedelta(hours=self.cleaned_data["cadence_hours"])
