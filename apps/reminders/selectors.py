"""Reads of snoozes."""

from datetime import datetime

from django.db.models import QuerySet

from apps.incidents.models import Incident

from .models import Snooze


def active_snoozes(incident: Incident, now: datetime) -> QuerySet[Snooze]:
    return (
        Snooze.objects.filter(incident=incident, until__gt=now)
        .select_related("created_by")
        .order_by("until")
    )
