from datetime import timedelta

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Fieldset, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.bilingual import columns
from apps.core.conflicts import HiddenErrorsMixin, VersionField
from apps.core.fields import (
    SecondarySubmit,
    bilingual_help,
    bilingual_row,
    check_wording_button,
    mark_languages,
)

from .models import INCIDENT_TEXTS, MAX_CADENCE, MIN_CADENCE, Incident, IncidentStatus

DISCLOSURE_LAYOUT = (
    Fieldset(
        _("What happened"),
        bilingual_row("title"),
        bilingual_row("summary"),
        "severity",
    ),
    Fieldset(
        _("Cause"),
        bilingual_row("cause"),
        bilingual_row("cause_origin"),
        "cause_category",
    ),
    Fieldset(
        _("Current state and impact"),
        bilingual_row("current_state"),
        Row(
            Column("impact_schedule_days", css_class="col-md-6"),
            Column("impact_cost", css_class="col-md-6"),
        ),
        bilingual_row("impact_scope"),
    ),
    Fieldset(
        _("What we will say and do"),
        bilingual_row("first_step"),
        bilingual_row("apology"),
    ),
    Fieldset(
        _("Internal only"),
        "internal_notes",
    ),
)

#: The rows a text area gets, by text.
ROWS = {
    "summary": 4,
    "cause": 3,
    "cause_origin": 3,
    "current_state": 3,
    "impact_scope": 2,
    "first_step": 2,
    "apology": 2,
}


def find_similar_button() -> SecondarySubmit:
    """Shows the similar past cases for what was typed, nothing saved (the script's fallback)."""
    return SecondarySubmit(
        "find_similar", _("Find similar cases"), css_class="ms-2", formnovalidate="formnovalidate"
    )


class IncidentForm(forms.ModelForm):
    """Declare an incident or edit its disclosure. Validates only; services save."""

    class Meta:
        model = Incident
        fields = (
            *columns(*INCIDENT_TEXTS),
            "severity",
            "cause_category",
            "impact_schedule_days",
            "impact_cost",
            "internal_notes",
        )
        widgets = {
            **{
                name: forms.Textarea(attrs={"rows": ROWS[text]})
                for text in ROWS
                for name in columns(text)
            },
            "internal_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, submit_label=None, find_similar=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["impact_cost"].widget.attrs.setdefault("step", "0.01")
        mark_languages(self)
        self.helper = FormHelper()
        # The tone check's dismiss buttons, below the form, belong to it by this id.
        self.helper.form_id = "incident-form"
        self.helper.layout = Layout(
            bilingual_help(),
            *DISCLOSURE_LAYOUT,
            Div(
                Submit("submit", submit_label or _("Save")),
                check_wording_button(),
                *([find_similar_button()] if find_similar else []),
                css_class="mt-3",
            ),
        )

    def clean(self):
        cleaned = super().clean()
        for name in columns(*INCIDENT_TEXTS):
            if isinstance(cleaned.get(name), str):
                cleaned[name] = cleaned[name].strip()
        if not (cleaned.get("title_en") or cleaned.get("title_zh_hans")):
            self.add_error(
                "title_en", _("Give the incident a short title, in English or in Chinese.")
            )
        if not (cleaned.get("summary_en") or cleaned.get("summary_zh_hans")):
            self.add_error("summary_en", _("Say briefly what happened, in English or in Chinese."))
        return cleaned

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
        # Any move of the lifecycle is accepted, so that a move the incident is
        # not ready for is refused with the service's reason; only the moves
        # possible now are offered.
        self.fields["status"].choices = [
            (value, IncidentStatus(value).label) for value in incident.allowed_transitions
        ]
        self.fields["status"].widget.choices = [
            (value, IncidentStatus(value).label) for value in incident.next_statuses
        ]
        self.fields["status"].error_messages["invalid_choice"] = _(
            "That status is not a valid next step for this incident."
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class ResolveForm(forms.Form):
    """Why the incident is resolved while actions of its plan are still open."""

    reason = forms.CharField(
        label=_("Why resolve it now"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept on the incident's record, for the team."),
        error_messages={
            "required": _("Say why the incident is resolved while actions are still open."),
            "max_length": _("Keep the reason under %(limit_value)d characters."),
        },
    )

    def __init__(self, *args, reason_required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required
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
