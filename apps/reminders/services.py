"""The reminder engine's writes: scan, deliver, sweep, snooze, and retry what gave up.

The database is the source of truth for every deadline; these functions are
idempotent, so running them twice, concurrently, or late is harmless.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.selectors import language_of, profile_for
from apps.actionplans.models import ActionItem
from apps.commitments.models import Commitment, CommitmentStatus
from apps.communications.services import log_note
from apps.core.health import SCAN_HEARTBEAT
from apps.core.queue import enqueue_many_now, enqueue_many_on_commit, enqueue_on_commit
from apps.core.services import heartbeat_record
from apps.events.models import Event
from apps.events.services import Actor, event_record, events_record_once
from apps.incidents.models import Incident, IncidentStatus
from apps.notifications.services import notify
from apps.outbox.services import email_enqueue
from apps.projects.models import Membership, ProjectRole
from apps.retrospectives.models import Retrospective

from .models import Reminder, ReminderKind, ReminderStatus, Snooze
from .scan import (
    Due,
    action_item_reminded,
    due_reminders,
    meetings_in_time,
    recipients_by_project,
    recipients_for,
)

logger = logging.getLogger(__name__)

#: The task that delivers one reminder (``tasks.deliver``), named so that this
#: module never imports the tasks that call it.
DELIVER_TASK = "apps.reminders.tasks.deliver"
MAX_DELIVERY_ATTEMPTS = 5
#: A pending reminder older than this was probably lost on its way to a worker.
SWEEP_GRACE = timedelta(minutes=2)


def reminders_scan(*, now: datetime | None = None) -> list[int]:
    """Insert every reminder that is due and enqueue the new ones for delivery.

    Steps: select what is due (range queries on indexed deadlines), work out
    the recipients, skip what already exists, bulk-insert the rest (the unique
    constraint turns a concurrent duplicate into a no-op), record the passed
    deadlines as the system's events, then enqueue the rows this scan created
    after the transaction commits. A bounded number of queries, however many
    incidents are due. The actor is always the system.
    """
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
                        incident_id=d.incident_id,
                        action_item_id=d.action_item_id,
                        commitment_id=d.commitment_id,
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
            incident_ids = {r.incident_id for r in wanted}
            existing = set(
                Reminder.objects.filter(incident_id__in=incident_ids).values_list(
                    "incident_id",
                    "action_item_id",
                    "commitment_id",
                    "kind",
                    "due_at",
                    "recipient_id",
                )
            )
            fresh = [r for r in wanted if _identity(r) not in existing]
            if fresh:
                Reminder.objects.bulk_create(fresh, ignore_conflicts=True, batch_size=500)
                _record_facts(due, fresh, now)
                new_ids = list(
                    Reminder.objects.filter(
                        incident_id__in={r.incident_id for r in fresh},
                        created_at=now,
                        status=ReminderStatus.PENDING,
                    ).values_list("pk", flat=True)
                )
        # The beat is the real moment of the scan, even when replaying another moment.
        heartbeat_record(name=SCAN_HEARTBEAT)
        enqueue_many_on_commit(DELIVER_TASK, new_ids)
    return new_ids


#: Reminders that state a fact for the record: a deadline passed.
FACTS = {
    ReminderKind.FIRST_CONTACT_BREACHED: "first_contact.breached",
    ReminderKind.UPDATE_OVERDUE: "update.overdue",
    ReminderKind.UPDATE_ESCALATED: "update.escalated",
    ReminderKind.ACTION_OVERDUE: "action_item.overdue",
}


def _record_facts(due: list[Due], fresh: list[Reminder], now: datetime) -> None:
    """The system's events: a deadline passed, at the moment it passed, once.

    Only for deadlines that got new reminders in this scan (so a steady scan
    writes nothing); the event's key makes a second scan's attempt a no-op.
    """
    new = {(r.incident_id, r.action_item_id, r.kind, r.due_at) for r in fresh}
    incident_type = ContentType.objects.get_for_model(Incident)
    item_type = ContentType.objects.get_for_model(ActionItem)
    events = []
    for d in due:
        verb = FACTS.get(d.kind)
        if verb is None or (d.incident_id, d.action_item_id, d.kind, d.due_at) not in new:
            continue
        on_item = d.action_item_id is not None
        kind, object_id = ("action", d.action_item_id) if on_item else ("incident", d.incident_id)
        data = {"due_at": d.due_at, "noticed_at": now}
        if d.kind == ReminderKind.UPDATE_ESCALATED:
            data["escalated_at"] = d.fire_at
        events.append(
            Event(
                verb=verb,
                actor=None,
                occurred_at=d.fire_at,
                project_id=d.project_id,
                incident_id=d.incident_id,
                object_type=item_type if on_item else incident_type,
                object_id=object_id,
                object_repr=d.label[:200],
                data=data,
                key=f"{verb}:{kind}:{object_id}:{d.due_at.isoformat()}",
            )
        )
    events_record_once(events)


def _identity(reminder: Reminder) -> tuple:
    """What makes a reminder the same reminder (the database's unique constraints)."""
    return (
        reminder.incident_id,
        reminder.action_item_id,
        reminder.commitment_id,
        reminder.kind,
        reminder.due_at,
        reminder.recipient_id,
    )


#: "Due soon" kinds: true only before their deadline.
DUE_SOON_KINDS = (
    ReminderKind.FIRST_CONTACT_DUE_12H,
    ReminderKind.FIRST_CONTACT_DUE_2H,
    ReminderKind.UPDATE_DUE_4H,
    ReminderKind.REVIEW_MEETING_DUE,
    ReminderKind.COMMITMENT_DUE,
)
#: A commitment to the client, due soon or missed.
COMMITMENT_KINDS = (ReminderKind.COMMITMENT_DUE, ReminderKind.COMMITMENT_MISSED)
#: The review meeting after resolution, which the PMs schedule through the meetings.
REVIEW_KINDS = (ReminderKind.REVIEW_MEETING_DUE, ReminderKind.REVIEW_MEETING_OVERDUE)


def _still_needed(reminder: Reminder, incident: Incident, now: datetime) -> bool:
    """A reminder about a deadline that was met meanwhile is not sent.

    Nor is a "due soon" reminder whose deadline has passed before it could be
    delivered (a lost message found by the sweep): the overdue or breach
    reminder the scan records at the deadline says what is true by then.
    """
    if reminder.kind in DUE_SOON_KINDS and reminder.due_at <= now:
        return False
    if reminder.kind in (ReminderKind.FIRST_CONTACT_DUE_12H, ReminderKind.FIRST_CONTACT_DUE_2H):
        return incident.first_contact_at is None and incident.is_open
    if reminder.kind in (
        ReminderKind.UPDATE_DUE_4H,
        ReminderKind.UPDATE_OVERDUE,
        ReminderKind.UPDATE_ESCALATED,
    ):
        return incident.is_open and incident.next_update_due_at == reminder.due_at
    if reminder.kind == ReminderKind.ACTION_OVERDUE:
        # Still open, still due at that moment, and still the recipient's: an
        # item handed to someone else reminds its new owner (the next scan).
        item = ActionItem.objects.filter(pk=reminder.action_item_id).first()
        return (
            item is not None
            and action_item_reminded(item.kind, incident.status)
            and item.is_open
            and item.due_at == reminder.due_at
            and item.owner_id == reminder.recipient_id
        )
    if reminder.kind in COMMITMENT_KINDS:
        # Still open, still due at that moment, its incident not closed, and the
        # recipient still concerned: a commitment kept, missed or moved meanwhile
        # is not reminded of, and one handed on reminds its new owner (next scan).
        commitment = Commitment.objects.filter(
            pk=reminder.commitment_id, status=CommitmentStatus.OPEN, due_at=reminder.due_at
        ).first()
        return (
            commitment is not None
            and not incident.is_closed
            and _concerned(reminder, commitment, incident)
        )
    if reminder.kind in REVIEW_KINDS:
        # Still resolved, still due at that moment, and still no meeting in time.
        return (
            incident.status == IncidentStatus.RESOLVED
            and Retrospective.objects.filter(
                incident_id=incident.pk, review_meeting_due_at=reminder.due_at
            ).exists()
            and not meetings_in_time(incident, incident.resolved_at, reminder.due_at).exists()
        )
    return True  # a breach is a fact: always delivered


def _concerned(reminder: Reminder, commitment: Commitment, incident: Incident) -> bool:
    """The commitment's owner, a PM of its project, or for an escalation its PMO lead."""
    if reminder.recipient_id == commitment.owner_id:
        return True
    if reminder.is_escalation and reminder.recipient_id == incident.project.pmo_lead_id:
        return True
    return Membership.objects.filter(
        project_id=incident.project_id,
        user_id=reminder.recipient_id,
        role=ProjectRole.PM,
        user__is_active=True,
    ).exists()


def review_meeting_url(incident: Incident) -> str:
    """The meeting form, prefilled for the retrospective's review meeting."""
    return reverse("meeting_create", args=[incident.pk]) + "?purpose=review"


def _reminder_texts(reminder: Reminder, incident: Incident, user) -> dict:
    profile = profile_for(user)
    language = profile.language if profile else settings.LANGUAGE_CODE
    tz = profile.time_zone if profile else "UTC"
    url = incident.get_absolute_url()
    if reminder.commitment_id is not None:
        url += f"#commitment-{reminder.commitment_id}"
    schedule = review_meeting_url(incident) if reminder.kind in REVIEW_KINDS else ""
    with translation.override(language), timezone.override(tz):
        context = {
            "reminder": reminder,
            "action_item": reminder.action_item,
            "commitment": reminder.commitment,
            "incident": incident,
            "user": user,
            "url": settings.SITE_URL + url,
            "schedule_url": settings.SITE_URL + schedule if schedule else "",
        }
        title = render_to_string("reminders/email/subject.txt", context).strip()
        return {
            "title": title,
            "body": render_to_string("reminders/email/body.txt", context),
            "html": render_to_string("reminders/email/body.html", context),
            # The inbox entry leads to what to do: for the review, the meeting form.
            "url": schedule or url,
        }


UPDATE_KINDS = (
    ReminderKind.UPDATE_DUE_4H,
    ReminderKind.UPDATE_OVERDUE,
    ReminderKind.UPDATE_ESCALATED,
)


def _snoozed(reminder: Reminder, now: datetime) -> bool:
    return (
        reminder.kind in UPDATE_KINDS
        and Snooze.objects.filter(
            incident_id=reminder.incident_id, due_at=reminder.due_at, until__gt=now
        ).exists()
    )


def notification_key(reminder: Reminder) -> str:
    """The inbox entry of a reminder: one per reminder, however often delivery runs."""
    return f"reminder:{reminder.pk}"


def reminder_deliver(*, reminder_id: int, now: datetime | None = None) -> str:
    """Deliver one reminder: lock it, re-check it, notify, mark it delivered.

    The e-mail is written to the outbox in the same transaction, so the
    in-app notification, the e-mail and the "delivered" mark happen together
    or not at all. A reminder about an update deadline that was snoozed after
    the reminder was queued waits (the sweep offers it again) until the snooze
    ends. A delivery that fails for the last time tells the project's PMs and
    the recipient (``_tell_of_failure``). Returns "delivered", "obsolete",
    "deferred", "skipped", "retry" or "failed".
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
                notify(
                    user=user,
                    key=notification_key(reminder),
                    title=texts["title"],
                    body=texts["body"],
                    url=texts["url"],
                    about=incident.title,
                    is_escalation=reminder.is_escalation,
                    now=now,
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
            if failed:
                _tell_of_failure(reminder, incident, now)
            return "failed" if failed else "retry"
        reminder.status = ReminderStatus.DELIVERED
        reminder.delivered_at = now
        reminder.last_error = ""
        reminder.save(update_fields=["status", "attempts", "delivered_at", "last_error"])
    return "delivered"


def _tell_of_failure(reminder: Reminder, incident: Incident, now: datetime) -> None:
    """A reminder gave up: the project's PMs and its recipient are told, each once.

    In their inbox (e-mail may be what failed), in their language, keyed by the
    moment it gave up: a reminder sent again that gives up again is news again.
    Telling them must not undo the "failed" mark, so its own failure is only logged.
    """
    people = set(
        Membership.objects.filter(
            project_id=incident.project_id, role=ProjectRole.PM, user__is_active=True
        ).values_list("user_id", flat=True)
    ) | {reminder.recipient_id}
    try:
        with transaction.atomic():
            for user in get_user_model().objects.filter(pk__in=people).select_related("profile"):
                with translation.override(language_of(user)):
                    what = reminder.what
                    notify(
                        user=user,
                        key=f"reminder-failed:{reminder.pk}:{now.isoformat()}:user:{user.pk}",
                        title=_("A reminder could not be delivered: %(what)s") % {"what": what},
                        body=_("The reminder '%(what)s' could not be delivered: %(reason)s")
                        % {"what": what, "reason": reminder.last_error},
                        url=f"{incident.get_absolute_url()}#failed-reminders",
                        about=incident.title,
                        now=now,
                    )
    except Exception:
        logger.exception("Nobody could be told that reminder %s failed", reminder.pk)


@transaction.atomic
def reminder_retry(*, reminder: Reminder, actor: Actor, now: datetime | None = None) -> Reminder:
    """Put a reminder whose delivery gave up back to be delivered, with fresh attempts.

    Steps: lock it, refuse unless it still failed (two clicks retry once),
    mark it pending, record who asked and why it had failed, and hand it to a
    worker after commit. Delivery re-checks it as always: a reminder no longer
    needed by then is not sent.
    """
    now = now or timezone.now()
    reminder = Reminder.objects.select_for_update().get(pk=reminder.pk)
    if reminder.status != ReminderStatus.FAILED:
        raise ValidationError(
            _("That reminder is no longer waiting to be sent again."), code="not_failed"
        )
    event_record(
        actor=actor,
        verb="reminder.retried",
        obj=reminder,
        incident=reminder.incident,
        data={
            "kind": reminder.kind,
            "due_at": reminder.due_at,
            "recipient": reminder.recipient_id,
            "attempts": reminder.attempts,
            "last_error": reminder.last_error,
        },
        now=now,
    )
    reminder.status = ReminderStatus.PENDING
    reminder.attempts = 0
    reminder.save(update_fields=["status", "attempts"])
    enqueue_on_commit(DELIVER_TASK, reminder.pk)
    return reminder


def reminder_ids_to_sweep(*, now: datetime | None = None, limit: int = 1000) -> list[int]:
    """Pending reminders whose delivery message was apparently lost."""
    now = now or timezone.now()
    return list(
        Reminder.objects.filter(status=ReminderStatus.PENDING, created_at__lte=now - SWEEP_GRACE)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def reminders_sweep(*, now: datetime | None = None) -> int:
    """Re-enqueue the reminders whose delivery messages were lost; returns how many.

    Through the queue helper, not ``.delay``: a publish that fails must not
    abort the sweep — what is not enqueued now stays pending and is found again.
    """
    ids = reminder_ids_to_sweep(now=now)
    enqueue_many_now(DELIVER_TASK, ids)
    return len(ids)


@transaction.atomic
def snooze_update_reminders(
    *, incident: Incident, actor: Actor, until: datetime, reason: str, now: datetime | None = None
) -> Snooze:
    """Quiet the reminders for the current update deadline, once, for a reason.

    At most half a cadence from now. The deadline the client sees stays put;
    the snooze is written on the incident's timeline.
    """
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
        created_by=actor,
        created_at=now,
    )
    event_record(
        actor=actor,
        verb="reminder.snoozed",
        obj=snooze,
        incident=incident,
        data={"due_at": due_at, "until": until, "reason": reason},
        now=now,
    )
    log_note(
        incident=incident,
        actor=actor,
        summary=_("Update reminders snoozed until %(until)s. Reason: %(reason)s")
        % {"until": timezone.localtime(until).strftime("%Y-%m-%d %H:%M %Z"), "reason": reason},
        now=now,
    )
    return snooze
