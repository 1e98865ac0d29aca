"""Showing an edit conflict: both versions side by side, nothing lost.

A versioned form carries the version it was opened at in a hidden field.
When the service raises ``EditConflict``, the view calls ``edit_conflict``:
the form keeps what the user typed, its hidden version moves to the version
saved now (so that submitting again is a deliberate overwrite), and the page
gets a row per field with their value (as saved now) next to the user's (as
typed, not saved).
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .fields import MAX_PK

VERSION_FIELD = "version"


class VersionField(forms.IntegerField):
    """The hidden version a form was opened at; a damaged one is no crash."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_PK)
        kwargs.setdefault(
            "error_messages",
            {
                code: gettext_lazy("This form is out of date or damaged: reload the page.")
                for code in ("required", "invalid", "min_value", "max_value")
            },
        )
        super().__init__(**kwargs)


class HiddenErrorsMixin:
    """Errors of hidden fields (a damaged version) are shown at the top of the form.

    A hidden field's errors are easy to miss; these go where the user looks.
    """

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            if field.widget.is_hidden:
                for error in self._errors.pop(name, []):
                    self.add_error(None, error)
        return cleaned


@dataclass(frozen=True)
class ConflictRow:
    label: str
    theirs: str
    yours: str

    @property
    def differs(self) -> bool:
        return self.theirs != self.yours


@dataclass(frozen=True)
class Conflict:
    rows: list[ConflictRow]
    saved_at: datetime | None

    @property
    def changed(self) -> list[ConflictRow]:
        return [row for row in self.rows if row.differs]

    @property
    def same(self) -> list[ConflictRow]:
        return [row for row in self.rows if not row.differs]


def _display(field: forms.Field, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, models.Model):
        if hasattr(value, "get_full_name"):
            return value.get_full_name() or value.get_username()
        return str(value)
    choices = getattr(field, "choices", None)
    if choices is not None and not isinstance(field, forms.ModelChoiceField):
        labels = {str(key): label for key, label in choices}
        return str(labels.get(str(value), value))
    if isinstance(value, Decimal):
        return number_format(value, decimal_pos=2)
    if isinstance(value, int):
        return number_format(value)
    return str(value).strip() or "—"


def edit_conflict(form: forms.Form, current: models.Model) -> Conflict:
    """Prepare ``form`` for a deliberate second submit and compare the two versions.

    ``form`` is bound and valid (the conflict is found when saving); ``current``
    is the row as saved now.
    """
    data = form.data.copy()
    data[form.add_prefix(VERSION_FIELD)] = str(current.version)
    form.data = data
    rows = []
    for name, field in form.fields.items():
        if name == VERSION_FIELD or not hasattr(current, name):
            continue
        rows.append(
            ConflictRow(
                label=str(field.label or name),
                theirs=_display(field, getattr(current, name)),
                yours=_display(field, form.cleaned_data.get(name)),
            )
        )
    return Conflict(rows=rows, saved_at=getattr(current, "updated_at", None))
