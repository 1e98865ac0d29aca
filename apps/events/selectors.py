"""Reads of the record: an incident's events, filtered, in a fixed number of queries."""

from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from .models import Event
from .verbs import verbs_in

#: The History's "who" filter for what no person did.
SYSTEM_ACTOR = "system"


def incident_events(incident_id: int, **filters) -> QuerySet[Event]:
    """The incident's events, the latest first (filters as for ``filtered``)."""
    return filtered(Event.objects.filter(incident_id=incident_id), **filters)


def project_events(project_id: int, **filters) -> QuerySet[Event]:
    """Everything on the project's record: its team, contacts and links, and its incidents."""
    return filtered(
        Event.objects.filter(project_id=project_id).select_related("incident"), **filters
    )


def filtered(
    events: QuerySet[Event],
    *,
    group: str = "",
    actor: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[Event]:
    """Events of a kind, by someone, between two days, the latest first, with who and what.

    ``actor`` is a user's id or ``SYSTEM_ACTOR``; ``since`` and ``until`` are
    days in the reader's time zone, both included. One query, whatever the
    number of events.
    """
    if group:
        events = events.filter(verb__in=verbs_in(group))
    if actor == SYSTEM_ACTOR:
        events = events.filter(actor__isnull=True)
    elif actor:
        events = events.filter(actor_id=int(actor))
    if since is not None:
        events = events.filter(occurred_at__gte=_start_of(since))
    if until is not None:
        events = events.filter(occurred_at__lt=_start_of(until + timedelta(days=1)))
    return events.select_related("actor", "object_type", "project").order_by("-occurred_at", "-pk")


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def incident_actors(incident_id: int) -> QuerySet:
    """The people who changed anything on the incident's record, for the History's filter."""
    return _actors(Event.objects.filter(incident_id=incident_id))


def project_actors(project_id: int) -> QuerySet:
    return _actors(Event.objects.filter(project_id=project_id))


def _actors(events: QuerySet[Event]) -> QuerySet:
    return (
        get_user_model()
        .objects.filter(pk__in=events.values("actor_id"))
        .order_by("first_name", "last_name", "username")
    )
