"""The inbox's writes: ``notify`` for any app, and marking as read."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from .models import Notification


def notify(
    *,
    user: AbstractBaseUser,
    key: str,
    title: str,
    body: str = "",
    url: str = "",
    about: str = "",
    is_escalation: bool = False,
    now: datetime | None = None,
) -> Notification:
    """Put a notification in ``user``'s inbox, inside the caller's transaction.

    ``key`` names its cause: notifying twice with the same key leaves one
    notification, so a delivery that is retried never doubles an entry.
    """
    now = now or timezone.now()
    notification, _created = Notification.objects.get_or_create(
        key=key,
        defaults={
            "user": user,
            "title": title[:300],
            "body": body,
            "url": url[:500],
            "about": about[:300],
            "is_escalation": is_escalation,
            "created_at": now,
        },
    )
    return notification


def notification_mark_read(
    *, actor: AbstractBaseUser, notification_id: int | None = None, now: datetime | None = None
) -> int:
    """Mark one of the actor's notifications (or all, when no id is given) as read.

    The inbox is the reader's own: this is no change to the record, and writes no event.
    """
    now = now or timezone.now()
    unread = Notification.objects.filter(user=actor, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=now)
