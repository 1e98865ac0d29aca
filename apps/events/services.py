"""Writing the record: ``event_record`` is called by every service that changes state.

A service records its event inside its own transaction, so a change and its
event are saved together or not at all. Values are stored as JSON the same
way everywhere (``as_data``): datetimes as ISO 8601 in UTC, amounts as
decimal strings, durations in seconds, people and other rows as
``{"id": …, "name": …}`` as they were called at that moment.
"""

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from .models import Event
from .verbs import VERBS


class System:
    """The actor of scans and tasks: no person did it."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = System()
#: Who acts: a user, or the system. Every state-changing service takes ``actor=``.
Actor = AbstractBaseUser | System


def display_name(obj) -> str:
    """What people call it: a user's full name, a contact's or client's name, else its text."""
    if hasattr(obj, "get_full_name"):
        return obj.get_full_name() or obj.get_username()
    name = getattr(obj, "name", None)
    if isinstance(name, str) and name:
        return name
    return str(obj)


def as_data(value: Any) -> Any:
    """A value as the record stores it (see the module's docstring)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat() if timezone.is_aware(value) else None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return int(value.total_seconds())
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return {"id": value.pk, "name": display_name(value)[:200]}
    if isinstance(value, Mapping):
        return {str(key): as_data(item) for key, item in value.items()}
    if isinstance(value, Iterable):
        return [as_data(item) for item in value]
    return str(value)


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict:
    """The named fields of ``instance`` as data (a foreign key as its row).

    An amount is written with the decimals its column keeps ("5000.00"), so
    that the same amount typed as "5000" is not a change.
    """
    found = {}
    for name in fields:
        value = getattr(instance, name)
        model_field = instance._meta.get_field(name)
        if isinstance(value, Decimal) and isinstance(model_field, models.DecimalField):
            value = value.quantize(Decimal(1).scaleb(-model_field.decimal_places))
        found[name] = as_data(value)
    return found


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict:
    """``{"field": {"before": …, "after": …}}`` for the fields whose value changed."""
    found = {}
    for name, new in after.items():
        old_value, new_value = as_data(before.get(name)), as_data(new)
        if old_value != new_value:
            found[name] = {"before": old_value, "after": new_value}
    return found


def event_record(
    *,
    actor: Actor,
    verb: str,
    obj: models.Model | None = None,
    incident=None,
    project=None,
    data: Mapping[str, Any] | None = None,
    now: dt.datetime | None = None,
    key: str | None = None,
) -> Event | None:
    """Record that ``actor`` did ``verb`` to ``obj``; call it inside the change's transaction.

    ``incident`` (and its project) is what the change belongs to; pass
    ``project`` for changes outside any incident. With a ``key``, a second
    event with the same key is not written (``None`` is returned): the
    system notices a passed deadline at every scan, and records it once.
    """
    if verb not in VERBS:
        raise ValueError(f"Unknown event verb {verb!r}: add it to apps/events/verbs.py")
    if not isinstance(actor, System | AbstractBaseUser):
        raise TypeError(f"The actor is a user or SYSTEM, not {actor!r}")
    if isinstance(actor, AbstractBaseUser) and not actor.is_authenticated:
        raise TypeError("An anonymous user cannot change the record")
    if key is not None and Event.objects.filter(key=key).exists():
        return None
    wall = timezone.now()
    if project is None and incident is not None:
        project = incident.project_id
    return Event.objects.create(
        verb=verb,
        actor=None if actor is SYSTEM else actor,
        occurred_at=now or wall,
        recorded_at=wall,
        incident_id=getattr(incident, "pk", incident),
        project_id=getattr(project, "pk", project),
        object_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=obj.pk if obj is not None else None,
        object_repr=str(obj)[:200] if obj is not None else "",
        data=as_data(dict(data or {})),
        key=key,
    )


def record_changes(
    *,
    actor: Actor,
    verb: str,
    obj: models.Model,
    before: Mapping[str, Any],
    fields: Iterable[str],
    incident=None,
    project=None,
    data: Mapping[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> Event | None:
    """Record an edit of ``obj``: its ``fields`` that differ from ``before`` (a ``snapshot``).

    The event's data carries ``changes`` (before and after of those fields)
    and whatever ``data`` adds; an edit that changed nothing records nothing.
    """
    changed = changes(before, snapshot(obj, fields))
    if not changed:
        return None
    return event_record(
        actor=actor,
        verb=verb,
        obj=obj,
        incident=incident,
        project=project,
        data={**(data or {}), "changes": changed},
        now=now,
    )


def events_record_once(events: list[Event]) -> None:
    """Write many system events at once, each at most once per key (the scan's facts).

    One statement: an event whose key is already recorded, by an earlier
    scan or a concurrent one, is skipped by the database (the unique key).
    """
    if not events:
        return
    wall = timezone.now()
    for event in events:
        if event.verb not in VERBS or not event.key:
            raise ValueError(f"A keyed event of a known verb, not {event.verb!r}")
        event.recorded_at = wall
        event.data = as_data(event.data)
    Event.objects.bulk_create(events, ignore_conflicts=True, batch_size=500)
