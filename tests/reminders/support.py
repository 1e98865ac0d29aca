"""Small helpers shared by the reminder tests."""

from collections import defaultdict
from datetime import timedelta

from apps.reminders.models import Reminder

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)


def kinds(reminders) -> set[str]:
    return {r.kind for r in reminders}


def recipients(reminders) -> dict[str, set[int]]:
    """Who each kind of reminder went to: ``{kind: {user ids}}``."""
    found: dict[str, set[int]] = defaultdict(set)
    for r in reminders:
        found[r.kind].add(r.recipient_id)
    return dict(found)


def all_reminders(incident=None) -> list[Reminder]:
    qs = Reminder.objects.order_by("pk")
    if incident is not None:
        qs = qs.filter(incident=incident)
    return list(qs)
