"""The only write the core knows: a background component's heartbeat."""

from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Heartbeat


@transaction.atomic
def heartbeat_record(*, name: str, hostname: str = "", now: datetime | None = None) -> Heartbeat:
    """Record a beat with one conditional write, safe under concurrent workers.

    Heartbeats are the machinery's own liveness, not a change to the record:
    they write no event.
    """
    now = now or timezone.now()
    updated = Heartbeat.objects.filter(name=name).update(
        beat_at=now, hostname=hostname, count=F("count") + 1
    )
    if not updated:
        Heartbeat.objects.get_or_create(
            name=name, defaults={"beat_at": now, "hostname": hostname, "count": 1}
        )
    return Heartbeat.objects.get(name=name)
