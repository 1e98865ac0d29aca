"""Reads of snoozes, and of the reminders that could not be delivered."""

from datetime import datetime

from django.db.models import QuerySet

from apps.incidents.models import Incident

from .models import Reminder, ReminderStatus, Snooze


def active_snoozes(incident: Incident, now: datetime) -> QuerySet[Snooze]:
    return (
        Snooze.objects.filter(incident=incident, until__gt=now)
        .select_related("created_by")
        .order_by("until")
    )


def failed_reminders(incident: Incident) -> QuerySet[Reminder]:
    """The incident's reminders whose delivery gave up, the oldest first; one query."""
    return (
        Reminder.objects.filter(incident=incident, status=ReminderStatus.FAILED)
        .select_related("recipient", "action_item")
        .order_by("fire_at", "pk")
    )
