"""Reads of retrospectives: the timeline drafted from the record, and the figures."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone

from apps.actionplans.models import ActionItem, ActionItemKind, RemedyAnswer
from apps.communications.models import (
    CONTACT_CHANNELS,
    ClientReaction,
    LogEntry,
    MeetingStatus,
    UpdateStatus,
)
from apps.events.display import EventLine, event_line
from apps.events.models import Event
from apps.incidents.models import Incident

from .models import Retrospective, TimelineLine

#: What happened, as the timeline tells it: the record's verbs that are facts
#: of the incident's story (not drafts, dismissals, links or the review itself).
TIMELINE_VERBS = (
    "incident.declared",
    "incident.disclosure_changed",
    "incident.cadence_changed",
    "incident.status_changed",
    "first_contact.recorded",
    "first_contact.breached",
    "update.overdue",
    "update.escalated",
    "update.published",
    "log_entry.added",
    "log_entry.corrected",
    "meeting.scheduled",
    "meeting.rescheduled",
    "meeting.cancelled",
    "meeting.outcome_recorded",
    "alternative.proposed",
    "alternative.rejected",
    "alternative.chosen",
    "decision.recorded",
    "action_item.added",
    "action_item.updated",
    "action_item.overdue",
    "remedy.offered",
    "remedy.answered",
    "project.delivery_date_changed",
)
#: Verbs recorded on the project, not the incident, that belong to its story
#: while it was open.
PROJECT_VERBS = ("project.delivery_date_changed",)


@dataclass
class TimelineItem:
    """One line of the timeline: what the record says, and what the team added to it."""

    occurred_at: datetime
    #: The record's line (``None`` for a line the team added).
    line: EventLine | None
    #: The team's note on it, or the line the team added.
    note: TimelineLine | None
    #: Where it came from: the page that shows the source.
    url: str = ""

    @property
    def hidden(self) -> bool:
        return self.note is not None and self.note.hidden

    @property
    def added(self) -> bool:
        return self.line is None

    @property
    def event(self) -> Event | None:
        return self.line.event if self.line else None


def _source_url(event: Event, incident: Incident, update_entries: dict[int, int]) -> str:
    """The page that shows what the event is about (``update_entries``: update → log entry)."""
    model = event.object_type.model if event.object_type_id else ""
    detail = reverse("incident_detail", args=[incident.pk])
    pk = event.object_id
    if model == "logentry":
        return f"{detail}#entry-{pk}"
    if model == "statusupdate":
        entry = update_entries.get(pk)
        return f"{detail}#entry-{entry}" if entry else f"{detail}#timeline"
    if model == "meeting" and event.verb != "meeting.cancelled":
        return reverse("meeting_detail", args=[incident.pk, pk])
    if model in ("alternative", "decision"):
        return reverse("alternative_compare", args=[incident.pk])
    if model == "actionitem":
        return f"{detail}#item-{pk}"
    if model == "remedy":
        return f"{detail}#remedies"
    if event.verb in PROJECT_VERBS:
        return reverse("project_detail", args=[incident.project_id])
    history = reverse("incident_history", args=[incident.pk])
    return f"{history}?event={event.pk}#event-{event.pk}"


def _tells(event: Event) -> bool:
    """Whether the event is part of the story: an action's edit only when its status moved."""
    if event.verb == "action_item.updated":
        return "status" in (event.data or {}).get("changes", {})
    return True


def timeline_events(incident: Incident):
    """The incident's record, oldest first: its own events and the project's during it."""
    until = incident.closed_at or timezone.now()
    return (
        Event.objects.filter(
            Q(incident_id=incident.pk)
            | Q(
                project_id=incident.project_id,
                incident__isnull=True,
                verb__in=PROJECT_VERBS,
                occurred_at__gte=incident.declared_at,
                occurred_at__lte=until,
            ),
            verb__in=TIMELINE_VERBS,
        )
        .select_related("actor", "object_type", "project")
        .order_by("occurred_at", "pk")
    )


def retrospective_timeline(retrospective: Retrospective) -> list[TimelineItem]:
    """Every line of the record in order, with the team's notes, and the lines it added.

    Drafted afresh from the record each time: nothing that happened can be
    missing. Hidden lines are included, marked; the page decides how to show them.
    """
    incident = retrospective.incident
    notes = {}
    added = []
    for note in retrospective.timeline_lines.select_related("written_by"):
        if note.event_id is None:
            added.append(note)
        else:
            notes[note.event_id] = note
    update_entries = dict(
        LogEntry.objects.filter(incident=incident, status_update__isnull=False).values_list(
            "status_update_id", "pk"
        )
    )
    items = [
        TimelineItem(
            occurred_at=event.occurred_at,
            line=event_line(event),
            note=notes.get(event.pk),
            url=_source_url(event, incident, update_entries),
        )
        for event in timeline_events(incident)
        if _tells(event)
    ]
    items += [TimelineItem(occurred_at=note.occurred_at, line=None, note=note) for note in added]
    items.sort(key=lambda item: (item.occurred_at, item.line is None))
    return items


@dataclass
class Figures:
    """The incident in numbers, for the review."""

    declared_at: datetime
    first_contact_after: timedelta | None
    first_contact_window: timedelta
    first_contact_met: bool | None
    updates_due: int
    updates_on_time: int
    #: Days the committed delivery date moved while the incident was open (None: unknown).
    schedule_slip_days: int | None
    delivery_before: object = None
    delivery_after: object = None
    cost_impact: Decimal | None = None
    remedies_accepted: Decimal | None = None
    currency: str = ""
    time_to_resolve: timedelta | None = None
    contacts: int = 0
    reactions: list = field(default_factory=list)

    @property
    def updates_late(self) -> int:
        return self.updates_due - self.updates_on_time

    @property
    def first_reaction(self):
        return self.reactions[0] if self.reactions else None

    @property
    def last_reaction(self):
        return self.reactions[-1] if self.reactions else None

    @property
    def first_reaction_label(self) -> str:
        return str(ClientReaction(self.reactions[0][1]).label) if self.reactions else ""

    @property
    def last_reaction_label(self) -> str:
        return str(ClientReaction(self.reactions[-1][1]).label) if self.reactions else ""


def retrospective_figures(incident: Incident) -> Figures:
    """Time to first contact against the window, updates on time, schedule slip, cost."""
    updates = incident.updates.filter(status=UpdateStatus.PUBLISHED, was_due_at__isnull=False)
    due = on_time = 0
    for published_at, was_due_at in updates.values_list("published_at", "was_due_at"):
        due += 1
        on_time += published_at <= was_due_at
    until = incident.resolved_at or incident.closed_at or timezone.now()
    changes = list(
        incident.project.delivery_changes.filter(
            changed_at__gte=incident.declared_at, changed_at__lte=until
        ).order_by("changed_at", "pk")
    )
    before = changes[0].previous if changes else None
    after = changes[-1].new if changes else None
    slip = (after - before).days if before and after else incident.impact_schedule_days
    remedies = incident.remedies.filter(answer=RemedyAnswer.ACCEPTED).aggregate(total=Sum("value"))[
        "total"
    ]
    entries = incident.log_entries.filter(corrects__isnull=True)
    reactions = [
        (occurred_at, reaction)
        for occurred_at, reaction in entries.filter(reaction__isnull=False)
        .order_by("occurred_at")
        .values_list("occurred_at", "reaction")
    ]
    return Figures(
        declared_at=incident.declared_at,
        first_contact_after=(
            incident.first_contact_at - incident.declared_at if incident.first_contact_at else None
        ),
        first_contact_window=incident.first_contact_due_at - incident.declared_at,
        first_contact_met=incident.first_contact_met,
        updates_due=due,
        updates_on_time=on_time,
        schedule_slip_days=slip,
        delivery_before=before,
        delivery_after=after,
        cost_impact=incident.impact_cost,
        remedies_accepted=remedies,
        currency=incident.project.currency,
        time_to_resolve=(incident.resolved_at - incident.declared_at)
        if incident.resolved_at
        else None,
        contacts=entries.filter(channel__in=CONTACT_CHANNELS).count(),
        reactions=reactions,
    )


def review_meetings(incident: Incident):
    """The incident's meetings since its resolution that are not cancelled: its review."""
    if incident.resolved_at is None:
        return incident.meetings.none()
    return (
        incident.meetings.exclude(status=MeetingStatus.CANCELLED)
        .filter(starts_at__gte=incident.resolved_at)
        .order_by("starts_at")
    )


def get_retrospective(incident: Incident) -> Retrospective | None:
    return Retrospective.objects.filter(incident=incident).first()


def prevention_items(incident: Incident, *, client: bool = False):
    """The improvements: the plan's prevention actions (for the client, the visible ones)."""
    items = ActionItem.objects.filter(incident=incident, kind=ActionItemKind.PREVENTION)
    if client:
        items = items.filter(client_visible=True)
    return items.select_related("owner").order_by("due_at", "pk")
