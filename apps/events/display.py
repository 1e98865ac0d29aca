"""The record as people read it: each event as a line, in the reader's language and time zone.

The labels of changed fields come from the models themselves (their
``verbose_name``, translated), values are shown as the form that edits them
would show them (choices by label, dates in the reader's zone, amounts with
their decimals, people by name). Nothing here writes or queries.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from apps.core.money import format_money

from .models import Event
from .verbs import VERBS

EMPTY = "—"

#: Data keys that are not fields of the changed object, with their labels.
EXTRA_LABELS = {
    "due_at": gettext_lazy("deadline"),
    "next_update_due_at": gettext_lazy("next update due"),
    "noticed_at": gettext_lazy("noticed"),
    "escalated_at": gettext_lazy("escalated"),
    "was_due_at": gettext_lazy("was due"),
    "on_time": gettext_lazy("on time"),
    "within_window": gettext_lazy("within the window"),
    "recipients": gettext_lazy("e-mailed to"),
    "languages": gettext_lazy("written in"),
    "reason": gettext_lazy("reason"),
    "owner": gettext_lazy("owner"),
    "user": gettext_lazy("person"),
    "role": gettext_lazy("role"),
    "scope": gettext_lazy("shows"),
    "until": gettext_lazy("quiet until"),
    "team_attendees": gettext_lazy("team attendees"),
    "client_attendees": gettext_lazy("client attendees"),
    "team_participants": gettext_lazy("team participants"),
    "client_participants": gettext_lazy("client participants"),
    "client_agreed": gettext_lazy("agreed for the client"),
    "team_agreed": gettext_lazy("agreed for the team"),
}
#: Data kept for machines (webhooks, reports), not shown in the History.
HIDDEN_KEYS = {"version", "sequence", "decision", "corrects", "supersedes"}
LANGUAGE_NAMES = {"en": gettext_lazy("English"), "zh-hans": gettext_lazy("Simplified Chinese")}
SCOPES = {"incident": gettext_lazy("this incident"), "project": gettext_lazy("the whole project")}


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class Detail:
    label: str
    value: str


@dataclass
class EventLine:
    event: Event
    says: str
    who: str
    changes: list[Change] = field(default_factory=list)
    details: list[Detail] = field(default_factory=list)

    @property
    def by_system(self) -> bool:
        return self.event.actor_id is None

    @property
    def names_its_object(self) -> bool:
        """Worth naming what changed: not the incident itself, on the incident's own History."""
        is_incident = self.event.object_type_id and self.event.object_type.model == "incident"
        return bool(self.event.object_repr) and not is_incident


def who(event: Event) -> str:
    if event.actor is None:
        return _("Candor (system)")
    return event.actor.get_full_name() or event.actor.get_username()


def _field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _label(model, name: str) -> str:
    model_field = _field(model, name)
    if model_field is not None and hasattr(model_field, "verbose_name"):
        return str(model_field.verbose_name)
    return str(EXTRA_LABELS.get(name, name.replace("_", " ")))


def _moment(value: str) -> str:
    moment = parse_datetime(value)
    if moment is None:
        return value
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _names(values) -> str:
    names = [str(item.get("name", "")) if isinstance(item, dict) else str(item) for item in values]
    return pgettext("list separator", ", ").join(name for name in names if name) or EMPTY


def show(model, name: str, value, currency: str | None = None) -> str:
    """One stored value as the reader would expect to see it (an amount in ``currency``)."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dict):
        return str(value.get("name") or value.get("id") or EMPTY)
    if isinstance(value, list):
        if name == "languages":
            return _names(str(LANGUAGE_NAMES.get(code, code)) for code in value)
        return _names(value)
    if name == "scope":
        return str(SCOPES.get(value, value))
    model_field = _field(model, name)
    choices = getattr(model_field, "choices", None)
    if choices:
        labels = {str(key): label for key, label in model_field.flatchoices}
        return str(labels.get(str(value), value))
    if isinstance(model_field, models.DurationField) and isinstance(value, int):
        return _duration(value)
    if isinstance(model_field, models.DecimalField):
        try:
            if currency:
                return format_money(Decimal(value), currency)
            return number_format(Decimal(value), decimal_pos=model_field.decimal_places)
        except (InvalidOperation, TypeError, ValueError):
            return str(value)
    if isinstance(value, str) and (
        isinstance(model_field, models.DateTimeField) or name.endswith("_at")
    ):
        return _moment(value)
    if isinstance(value, int) and not isinstance(model_field, models.ForeignKey):
        return number_format(value)
    return str(value)


def _duration(seconds: int) -> str:
    hours = int(timedelta(seconds=seconds).total_seconds() // 3600)
    if hours >= 48 and hours % 24 == 0:
        return ngettext("%(n)s day", "%(n)s days", hours // 24) % {"n": hours // 24}
    return ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours}


def event_line(event: Event) -> EventLine:
    model = event.object_type.model_class() if event.object_type_id else None
    currency = getattr(event.project, "currency", None) if event.project_id else None
    verb = VERBS.get(event.verb)
    data = event.data or {}
    changes = [
        Change(
            _label(model, name),
            show(model, name, diff.get("before"), currency),
            show(model, name, diff.get("after"), currency),
        )
        for name, diff in (data.get("changes") or {}).items()
        if isinstance(diff, dict)
    ]
    details = [
        Detail(_label(model, name), show(model, name, value, currency))
        for name, value in data.items()
        if name != "changes" and name not in HIDDEN_KEYS and value not in (None, "", [])
    ]
    return EventLine(
        event=event,
        says=str(verb.says) if verb else event.verb,
        who=who(event),
        changes=changes,
        details=details,
    )
