"""The History's filter: what kind of change, by whom, between which days."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import SYSTEM_ACTOR
from .verbs import GROUPS


class HistoryFilterForm(forms.Form):
    """Read from the query string; a bad value is reported next to its field."""

    group = forms.ChoiceField(
        label=_("What"),
        required=False,
        choices=[("", _("Every change")), *GROUPS.items()],
        error_messages={"invalid_choice": _("Choose a kind of change from the list.")},
    )
    actor = forms.ChoiceField(
        label=_("Who"),
        required=False,
        error_messages={"invalid_choice": _("Choose someone from the list.")},
    )
    since = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date, for example 2025-03-10.")},
    )
    until = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date, for example 2025-03-10.")},
    )

    def __init__(self, *args, actors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].choices = [
            ("", _("Anyone")),
            (SYSTEM_ACTOR, _("Candor (system)")),
            *((str(user.pk), user.get_full_name() or user.get_username()) for user in actors),
        ]
        for form_field in self.fields.values():
            small = "form-select" if isinstance(form_field, forms.ChoiceField) else "form-control"
            form_field.widget.attrs["class"] = f"{small} {small}-sm"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] += " is-invalid"

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end comes before the start: swap the dates."))
        return cleaned
