"""What is due: the reminder scan's selection, as plain data.

Every rule reads deadlines from indexed columns with range conditions
(``<=``, never ``==``), so a scan after downtime sees everything that fell
due meanwhile. Only the latest reminder of a series is produced: a "due
soon" reminder whose deadline has passed gives way to the overdue one.

The rules: the first contact (12 h and 2 h before, and its breach), the
updates (4 h before, overdue, escalated), open action items past their due
moment (prevention items also once the incident is resolved or closed: the
client follows them after the report), and the review meeting after
resolution (one business day before its deadline, and at the deadline)
while no meeting is scheduled in time, and open commitments to the client
(a day before they fall due, and at their due moment — an escalation) while
their incident is not closed.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from apps.actionplans.models import OPEN_ITEM_STATUSES, ActionItem, ActionItemKind
from apps.commitments.models import Commitment, CommitmentStatus
from apps.communications.models import Meeting, MeetingStatus
from apps.incidents.models import OPEN_STATUSES, Incident, IncidentStatus
from apps.projects.models import Membership, Project, ProjectRole
from apps.retrospectives.models import Retrospective

from .models import ESCALATION_KINDS, ReminderKind, Snooze

#: Reminders before the first-contact deadline, latest first.
FIRST_CONTACT_NOTICES = (
    (ReminderKind.FIRST_CONTACT_DUE_2H, timedelta(hours=2)),
    (ReminderKind.FIRST_CONTACT_DUE_12H, timedelta(hours=12)),
)
UPDATE_NOTICE = timedelta(hours=4)
#: How far back a scan looks for a first-contact breach it has not recorded
#: (a first contact that came late while no scan was running).
BREACH_HORIZON = timedelta(days=7)
#: The review meeting's first reminder comes one business day before its
#: deadline: at most three days and a daylight-saving hour before (Monday → Friday).
REVIEW_NOTICE_REACH = timedelta(days=3, hours=1)
#: How long after its deadline a scan still looks at a review meeting nobody scheduled.
REVIEW_HORIZON = timedelta(days=7)
#: A commitment to the client is reminded this long before it falls due.
COMMITMENT_NOTICE = timedelta(hours=24)


@dataclass(frozen=True)
class Due:
    incident_id: int
    project_id: int
    kind: str
    due_at: datetime
    fire_at: datetime
    #: For an action item: the item and its owner, the only recipient.
    action_item_id: int | None = None
    owner_id: int | None = None
    #: What the record calls it (an action item's title); empty for the incident itself.
    label: str = ""
    #: For a commitment to the client: the commitment (its owner is ``owner_id``).
    commitment_id: int | None = None

    @property
    def about(self) -> tuple[int, int | None]:
        """What the reminder is about: the incident, and the action item if any."""
        return self.incident_id, self.action_item_id

    @property
    def is_escalation(self) -> bool:
        return self.kind in ESCALATION_KINDS


def _first_contact_due(now: datetime) -> list[Due]:
    rows = (
        Incident.objects.filter(
            first_contact_due_at__lte=now + FIRST_CONTACT_NOTICES[-1][1],
            first_contact_due_at__gt=now - BREACH_HORIZON,
        )
        .filter(
            Q(first_contact_at__isnull=True) | Q(first_contact_at__gt=F("first_contact_due_at"))
        )
        .values_list(
            "pk", "project_id", "status", "declared_at", "first_contact_due_at", "first_contact_at"
        )
    )
    found = []
    for pk, project_id, status, declared_at, due, first_contact_at in rows:
        if due <= now:
            found.append(Due(pk, project_id, ReminderKind.FIRST_CONTACT_BREACHED, due, due))
            continue
        if first_contact_at is not None or status not in OPEN_STATUSES:
            continue
        for kind, notice in FIRST_CONTACT_NOTICES:
            fire_at = due - notice
            if fire_at <= now:
                # A notice due before the incident existed is meaningless
                # (e.g. the 12-hour notice on a 6-hour window).
                if fire_at >= declared_at:
                    found.append(Due(pk, project_id, kind, due, fire_at))
                break
    return found


def _update_due(now: datetime) -> list[Due]:
    rows = list(
        Incident.objects.filter(
            next_update_due_at__lte=now + UPDATE_NOTICE, status__in=OPEN_STATUSES
        )
        .order_by()
        .values_list(
            "pk",
            "project_id",
            "next_update_due_at",
            "update_cadence",
            "last_update_at",
            "first_contact_at",
        )
    )
    snoozed = (
        set(
            Snooze.objects.filter(
                incident_id__in=[row[0] for row in rows], until__gt=now
            ).values_list("incident_id", "due_at")
        )
        if rows
        else set()
    )
    found = []
    for pk, project_id, due, cadence, last_update_at, first_contact_at in rows:
        if (pk, due) in snoozed:
            continue
        if due <= now:
            found.append(Due(pk, project_id, ReminderKind.UPDATE_OVERDUE, due, due))
            escalate_at = due + cadence / 2
            if escalate_at <= now:
                found.append(Due(pk, project_id, ReminderKind.UPDATE_ESCALATED, due, escalate_at))
            continue
        fire_at = due - UPDATE_NOTICE
        since = last_update_at or first_contact_at
        if fire_at <= now and (since is None or fire_at >= since):
            found.append(Due(pk, project_id, ReminderKind.UPDATE_DUE_4H, due, fire_at))
    return found


def action_item_reminded(kind: str, incident_status: str) -> bool:
    """An open item is reminded while its incident is open; a prevention item
    also once it is resolved or closed (the client follows it on the status page)."""
    return incident_status in OPEN_STATUSES or kind == ActionItemKind.PREVENTION


def _action_items_due(now: datetime) -> list[Due]:
    """Open action items past their due moment (see ``action_item_reminded``)."""
    rows = (
        ActionItem.objects.filter(due_at__lte=now, status__in=OPEN_ITEM_STATUSES)
        .filter(Q(incident__status__in=OPEN_STATUSES) | Q(kind=ActionItemKind.PREVENTION))
        .order_by()
        .values_list(
            "pk",
            "incident_id",
            "incident__project_id",
            "due_at",
            "owner_id",
            "title_en",
            "title_zh_hans",
        )
    )
    return [
        Due(
            incident_id,
            project_id,
            ReminderKind.ACTION_OVERDUE,
            due,
            due,
            pk,
            owner_id,
            " / ".join(title for title in (zh, en) if title),
        )
        for pk, incident_id, project_id, due, owner_id, en, zh in rows
    ]


def review_notice_at(due_at: datetime) -> datetime:
    """One business day before the review meeting's deadline, at the same wall-clock
    time in the team's time zone (a Monday deadline is reminded on the Friday)."""
    local = timezone.localtime(due_at, timezone.get_default_timezone())
    moment = local - timedelta(days=1)
    while moment.weekday() >= 5:
        moment -= timedelta(days=1)
    return timezone.make_aware(moment.replace(tzinfo=None), local.tzinfo)


def meetings_in_time(incident, resolved_at, due_at) -> QuerySet:
    """The incident's meetings, not cancelled, that start between its resolution and
    the review's deadline. Takes values, or ``OuterRef``s for the scan's subquery."""
    return Meeting.objects.filter(
        incident=incident, starts_at__gte=resolved_at, starts_at__lte=due_at
    ).exclude(status=MeetingStatus.CANCELLED)


def _review_meetings_due(now: datetime) -> list[Due]:
    """Resolved incidents whose review meeting is due soon or overdue, with none in time."""
    rows = (
        Retrospective.objects.filter(
            review_meeting_due_at__lte=now + REVIEW_NOTICE_REACH,
            review_meeting_due_at__gt=now - REVIEW_HORIZON,
            incident__status=IncidentStatus.RESOLVED,
        )
        .filter(
            ~Exists(
                meetings_in_time(
                    OuterRef("incident_id"),
                    OuterRef("incident__resolved_at"),
                    OuterRef("review_meeting_due_at"),
                )
            )
        )
        .order_by()
        .values_list(
            "incident_id", "incident__project_id", "incident__resolved_at", "review_meeting_due_at"
        )
    )
    found = []
    for incident_id, project_id, resolved_at, due in rows:
        if due <= now:
            found.append(
                Due(incident_id, project_id, ReminderKind.REVIEW_MEETING_OVERDUE, due, due)
            )
            continue
        fire_at = review_notice_at(due)
        if fire_at <= now and fire_at >= resolved_at:
            found.append(
                Due(incident_id, project_id, ReminderKind.REVIEW_MEETING_DUE, due, fire_at)
            )
    return found


def _commitments_due(now: datetime) -> list[Due]:
    """Open commitments due within a day, or past due, of incidents not closed (one query)."""
    rows = (
        Commitment.objects.filter(status=CommitmentStatus.OPEN, due_at__lte=now + COMMITMENT_NOTICE)
        .exclude(incident__status=IncidentStatus.CLOSED)
        .order_by()
        .values_list(
            "pk",
            "incident_id",
            "incident__project_id",
            "due_at",
            "created_at",
            "owner_id",
            "what_en",
            "what_zh_hans",
        )
    )
    found = []
    for pk, incident_id, project_id, due, created_at, owner_id, en, zh in rows:
        label = " / ".join(text for text in (zh, en) if text)
        if due <= now:
            kind, fire_at = ReminderKind.COMMITMENT_MISSED, due
        else:
            kind, fire_at = ReminderKind.COMMITMENT_DUE, due - COMMITMENT_NOTICE
            # A notice due before the promise was made is meaningless.
            if fire_at > now or fire_at < created_at:
                continue
        found.append(Due(incident_id, project_id, kind, due, fire_at, None, owner_id, label, pk))
    return found


def due_reminders(now: datetime) -> list[Due]:
    return (
        _first_contact_due(now)
        + _update_due(now)
        + _action_items_due(now)
        + _review_meetings_due(now)
        + _commitments_due(now)
    )


def recipients_by_project(project_ids: set[int]) -> dict[int, tuple[set[int], int]]:
    """For each project: (its project managers, its PMO lead)."""
    pms: dict[int, set[int]] = defaultdict(set)
    for project_id, user_id in Membership.objects.filter(
        project_id__in=project_ids, role=ProjectRole.PM, user__is_active=True
    ).values_list("project_id", "user_id"):
        pms[project_id].add(user_id)
    leads = dict(Project.objects.filter(pk__in=project_ids).values_list("pk", "pmo_lead_id"))
    return {pid: (pms.get(pid, set()), leads[pid]) for pid in project_ids if pid in leads}


def recipients_for(due: Due, pms: set[int], pmo_lead: int) -> set[int]:
    """PMs are reminded; escalations also go to the PMO lead. Nobody left out.

    An overdue action item reminds its owner; a commitment reminds its owner and
    the PMs (and, once missed, the PMO lead).
    """
    if due.commitment_id is not None:
        people = pms | {due.owner_id}
        return people | {pmo_lead} if due.is_escalation else people
    if due.owner_id is not None:
        return {due.owner_id}
    if due.is_escalation:
        return pms | {pmo_lead}
    return pms or {pmo_lead}
