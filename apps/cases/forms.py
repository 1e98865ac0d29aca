"""The case library's search form: what to look for, and the filters. Validates only."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.alternatives.models import AlternativeKind
from apps.incidents.models import CauseCategory, IncidentSeverity
from apps.projects.forms import DayField
from apps.retrospectives.models import Outcome

from .selectors import CaseFilters

MAX_QUERY_CHARS = 200
ANY = [("", pgettext_lazy("any value of a search filter", "Any"))]


def _choice(label, choices) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=ANY + list(choices),
        error_messages={"invalid_choice": _("Choose one of the values in the list.")},
    )


class CaseSearchForm(forms.Form):
    """A GET form: every field optional, bad values reported next to their field."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=MAX_QUERY_CHARS,
        error_messages={"max_length": _("Keep the search under %(limit_value)d characters.")},
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("For example: 接口 延期, API timeout")}
        ),
    )
    project = forms.TypedChoiceField(label=_("Project"), required=False, coerce=int)
    client = forms.TypedChoiceField(label=_("Client"), required=False, coerce=int)
    severity = _choice(_("Severity"), IncidentSeverity.choices)
    cause_category = _choice(_("Kind of cause"), CauseCategory.choices)
    chosen_kind = _choice(_("Option chosen"), AlternativeKind.choices)
    outcome = _choice(_("How it ended"), Outcome.choices)
    closed_from = DayField(label=_("Closed from"), required=False)
    closed_to = DayField(label=_("Closed until"), required=False)
    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=100_000,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": _("Enter a page number."),
            "min_value": _("Enter a page number."),
            "max_value": _("Enter a page number."),
        },
    )

    def __init__(self, *args, projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        invalid = {"invalid_choice": _("Choose one of the values in the list.")}
        projects = list(projects)
        self.fields["project"].choices = ANY + [(p.pk, p.name) for p in projects]
        clients = {p.client_id: p.client.name for p in projects}
        self.fields["client"].choices = ANY + sorted(clients.items(), key=lambda c: c[1])
        for name in ("project", "client"):
            self.fields[name].error_messages.update(invalid)
            self.fields[name].empty_value = None

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("closed_from"), cleaned.get("closed_to")
        if start and end and start > end:
            self.add_error("closed_to", _("The end of the date range is before its start."))
        return cleaned

    @property
    def filters(self) -> CaseFilters:
        data = self.cleaned_data
        return CaseFilters(
            **{name: data.get(name) or None for name in ("project", "client")},
            **{
                name: data.get(name) or ""
                for name in ("severity", "cause_category", "chosen_kind", "outcome")
            },
            closed_from=data.get("closed_from"),
            closed_to=data.get("closed_to"),
        )

    @property
    def has_filters(self) -> bool:
        return any(self.cleaned_data.get(name) for name in self.fields if name not in ("q", "page"))


class SimilarForm(forms.Form):
    """What the declare page sends to find similar cases while the PM types."""

    q = forms.CharField(required=False, max_length=5000)
    cause_category = forms.ChoiceField(
        required=False, choices=[("", "")] + list(CauseCategory.choices)
    )
    severity = forms.ChoiceField(
        required=False, choices=[("", "")] + list(IncidentSeverity.choices)
    )
    project = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
