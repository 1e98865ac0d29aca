"""The reminder engine's writes: scan, deliver, sweep, snooze, notifications.

The database is the source of truth for every deadline; these functions are
idempotent, so running them twice, concurrently, or late is harmless.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.selectors import profile_for
from apps.core.queue import enqueue_many_now, enqueue_many_on_commit
from apps.incidents.models import Incident
from apps.outbox.services import email_enqueue

from .models import Heartbeat, Kind, Notification, Reminder, ReminderStatus, Snooze
from .scan import due_reminders, recipients_by_project, recipients_for

logger = logging.getLogger(__name__)

SCAN_HEARTBEAT = "scan"
MAX_DELIVERY_ATTEMPTS = 5
#: A pending reminder older than this was probably lost on its way to a worker.
SWEEP_GRACE = timedelta(minutes=2)


@transaction.atomic
def heartbeat_record(*, name: str, hostname: str = "", now: datetime | None = None) -> Heartbeat:
    """Record a beat with one conditional write, safe under concurrent workers."""
    now = now or timezone.now()
    updated = Heartbeat.objects.filter(name=name).update(
        beat_at=now, hostname=hostname, count=F("count") + 1
    )
    if not updated:
        Heartbeat.objects.get_or_create(
            name=name, defaults={"beat_at": now, "hostname": hostname, "count": 1}
        )
    return Heartbeat.objects.get(name=name)


def reminders_scan(*, now: datetime | None = None) -> list[int]:
    """Insert every reminder that is due and enqueue the new ones for delivery.

    Steps: select what is due (range queries on indexed deadlines), work out
    the recipients, skip what already exists, bulk-insert the rest (the unique
    constraint turns a concurrent duplicate into a no-op), then enqueue the
    rows this scan created after the transaction commits. A bounded number of
    queries, however many incidents are due.
    """
    from .tasks import deliver

    now = now or timezone.now()
    with transaction.atomic():
        due = due_reminders(now)
        recipients = recipients_by_project({d.project_id for d in due})
        wanted = []
        for d in due:
            if d.project_id not in recipients:
                continue
            pms, lead = recipients[d.project_id]
            for user_id in recipients_for(d, pms, lead):
                wanted.append(
                    Reminder(
                        subject=d.subject,
                        incident_id=d.incident_id,
                        kind=d.kind,
                        due_at=d.due_at,
                        fire_at=d.fire_at,
                        recipient_id=user_id,
                        is_escalation=d.is_escalation,
                        created_at=now,
                    )
                )
        new_ids: list[int] = []
        if wanted:
            subjects = {r.subject for r in wanted}
            existing = set(
                Reminder.objects.filter(subject__in=subjects).values_list(
                    "subject", "kind", "due_at", "recipient_id"
                )
            )
            fresh = [
                r for r in wanted if (r.subject, r.kind, r.due_at, r.recipient_id) not in existing
            ]
            if fresh:
                Reminder.objects.bulk_create(fresh, ignore_conflicts=True, batch_size=500)
                new_ids = list(
                    Reminder.objects.filter(
                        subject__in={r.subject for r in fresh},
                        created_at=now,
                        status=ReminderStatus.PENDING,
                    ).values_list("pk", flat=True)
                )
        # The beat is the real moment of the scan, even when replaying another moment.
        heartbeat_record(name=SCAN_HEARTBEAT)
        enqueue_many_on_commit(deliver, new_ids)
    return new_ids


#: "Due soon" kinds: true only before their deadline.
DUE_SOON_KINDS = (Kind.FIRST_CONTACT_DUE_12H, Kind.FIRST_CONTACT_DUE_2H, Kind.UPDATE_DUE_4H)


def _still_needed(reminder: Reminder, incident: Incident, now: datetime) -> bool:
    """A reminder about a deadline that was met meanwhile is not sent.

    Nor is a "due soon" reminder whose deadline has passed before it could be
    delivered (a lost message found by the sweep): the overdue or breach
    reminder the scan records at the deadline says what is true by then.
    """
    if reminder.kind in DUE_SOON_KINDS and reminder.due_at <= now:
        return False
    if reminder.kind in (Kind.FIRST_CONTACT_DUE_12H, Kind.FIRST_CONTACT_DUE_2H):
        return incident.first_contact_at is None and incident.is_open
    if reminder.kind in (Kind.UPDATE_DUE_4H, Kind.UPDATE_OVERDUE, Kind.UPDATE_ESCALATED):
        return incident.is_open and incident.next_update_due_at == reminder.due_at
    if reminder.kind == Kind.ACTION_OVERDUE:
        # Still open, still due at that moment, and still the recipient's: an
        # item handed to someone else reminds its new owner (the next scan).
        item = action_item_of(reminder)
        return (
            item is not None
            and incident.is_open
            and item.is_open
            and item.due_at == reminder.due_at
            and item.owner_id == reminder.recipient_id
        )
    return True  # a breach is a fact: always delivered


def action_item_of(reminder: Reminder):
    from apps.actionplans.models import ActionItem

    kind, _sep, pk = reminder.subject.partition(":")
    if kind != "action" or not pk.isdigit():
        return None
    return ActionItem.objects.filter(pk=int(pk)).first()


def _reminder_texts(reminder: Reminder, incident: Incident, user) -> dict:
    profile = profile_for(user)
    language = profile.language if profile else settings.LANGUAGE_CODE
    tz = profile.time_zone if profile else "UTC"
    url = reverse("incident_detail", args=[incident.pk])
    with translation.override(language), timezone.override(tz):
        context = {
            "reminder": reminder,
            "action_item": action_item_of(reminder),
            "incident": incident,
            "user": user,
            "url": settings.SITE_URL + url,
        }
        title = render_to_string("reminders/email/subject.txt", context).strip()
        return {
            "title": title,
            "body": render_to_string("reminders/email/body.txt", context),
            "html": render_to_string("reminders/email/body.html", context),
            "url": url,
        }


UPDATE_KINDS = (Kind.UPDATE_DUE_4H, Kind.UPDATE_OVERDUE, Kind.UPDATE_ESCALATED)


def _snoozed(reminder: Reminder, now: datetime) -> bool:
    return (
        reminder.kind in UPDATE_KINDS
        and Snooze.objects.filter(
            incident_id=reminder.incident_id, due_at=reminder.due_at, until__gt=now
        ).exists()
    )


def reminder_deliver(*, reminder_id: int, now: datetime | None = None) -> str:
    """Deliver one reminder: lock it, re-check it, notify, mark it delivered.

    The e-mail is written to the outbox in the same transaction, so the
    in-app notification, the e-mail and the "delivered" mark happen together
    or not at all. A reminder about an update deadline that was snoozed after
    the reminder was queued waits (the sweep offers it again) until the snooze
    ends. Returns "delivered", "obsolete", "deferred", "skipped", "retry" or
    "failed".
    """
    now = now or timezone.now()
    with transaction.atomic():
        reminder = (
            Reminder.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=reminder_id, status=ReminderStatus.PENDING)
            .first()
        )
        if reminder is None:
            return "skipped"
        incident = Incident.objects.select_related("project").get(pk=reminder.incident_id)
        if _snoozed(reminder, now):
            return "deferred"
        reminder.attempts += 1
        if not _still_needed(reminder, incident, now):
            reminder.status = ReminderStatus.OBSOLETE
            reminder.save(update_fields=["status", "attempts"])
            return "obsolete"
        try:
            with transaction.atomic():
                user = get_user_model().objects.get(pk=reminder.recipient_id)
                texts = _reminder_texts(reminder, incident, user)
                Notification.objects.get_or_create(
                    reminder=reminder,
                    defaults={
                        "user": user,
                        "incident": incident,
                        "title": texts["title"][:300],
                        "body": texts["body"],
                        "url": texts["url"],
                        "is_escalation": reminder.is_escalation,
                        "created_at": now,
                    },
                )
                if user.email:
                    email_enqueue(
                        key=f"reminder:{reminder.pk}",
                        to=user.email,
                        subject=texts["title"],
                        body_text=texts["body"],
                        body_html=texts["html"],
                        now=now,
                    )
        except Exception as exc:  # recorded on the row; the sweep tries again
            logger.exception("Reminder %s could not be delivered", reminder.pk)
            reminder.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            failed = reminder.attempts >= MAX_DELIVERY_ATTEMPTS
            reminder.status = ReminderStatus.FAILED if failed else ReminderStatus.PENDING
            reminder.save(update_fields=["status", "attempts", "last_error"])
            return "failed" if failed else "retry"
        reminder.status = ReminderStatus.DELIVERED
        reminder.delivered_at = now
        reminder.last_error = ""
        reminder.save(update_fields=["status", "attempts", "delivered_at", "last_error"])
    return "delivered"


def reminder_ids_to_sweep(*, now: datetime | None = None, limit: int = 1000) -> list[int]:
    """Pending reminders whose delivery message was apparently lost."""
    now = now or timezone.now()
    return list(
        Reminder.objects.filter(status=ReminderStatus.PENDING, created_at__lte=now - SWEEP_GRACE)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def reminders_sweep(*, now: datetime | None = None) -> tuple[int, int]:
    """Re-enqueue reminders and e-mails whose messages were lost.

    Through the queue helper, not ``.delay``: a publish that fails must not
    abort the sweep (the e-mails would wait for the next run) — what is not
    enqueued now stays pending and is found again. Returns how many reminders
    and e-mails it re-enqueued.
    """
    from apps.outbox.services import email_ids_to_sweep
    from apps.outbox.tasks import send_email

    from .tasks import deliver

    reminder_ids = reminder_ids_to_sweep(now=now)
    email_ids = email_ids_to_sweep(now=now)
    enqueue_many_now(deliver, reminder_ids)
    enqueue_many_now(send_email, email_ids)
    return len(reminder_ids), len(email_ids)


@transaction.atomic
def snooze_update_reminders(
    *, incident: Incident, user, until: datetime, reason: str, now: datetime | None = None
) -> Snooze:
    """Quiet the reminders for the current update deadline, once, for a reason.

    At most half a cadence from now. The deadline the client sees stays put;
    the snooze is written on the incident's timeline.
    """
    from apps.communications.services import log_note

    now = now or timezone.now()
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the reminders can wait.")})
    if not incident.is_open or incident.next_update_due_at is None:
        raise ValidationError(_("There is no update deadline to snooze."), code="no_deadline")
    if until <= now:
        raise ValidationError({"until": _("Choose a moment in the future.")})
    longest = incident.update_cadence / 2
    if until - now > longest:
        raise ValidationError(
            {
                "until": _("A snooze can last at most half the update cadence (%(hours)s h).")
                % {"hours": int(longest.total_seconds() // 3600)}
            }
        )
    due_at = incident.next_update_due_at
    if Snooze.objects.filter(incident=incident, due_at=due_at).exists():
        raise ValidationError(
            _("The reminders for this deadline were already snoozed once."), code="twice"
        )
    snooze = Snooze.objects.create(
        incident=incident,
        due_at=due_at,
        until=until,
        reason=reason,
        created_by=user,
        created_at=now,
    )
    log_note(
        incident=incident,
        recorded_by=user,
        summary=_("Update reminders snoozed until %(until)s. Reason: %(reason)s")
        % {"until": timezone.localtime(until).strftime("%Y-%m-%d %H:%M %Z"), "reason": reason},
        now=now,
    )
    return snooze


def notification_mark_read(
    *, user, notification_id: int | None = None, now: datetime | None = None
) -> int:
    """Mark one notification (or all, when no id is given) as read."""
    now = now or timezone.now()
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=now)
