"""Reads of the action plan and the remedies shared by pages."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from apps.incidents.models import Incident

from .models import OPEN_ITEM_STATUSES, ActionItem, ActionItemKind, ActionItemStatus, Remedy


@dataclass(frozen=True)
class Plan:
    """An incident's action plan as the incident page shows it."""

    items: list[ActionItem]
    now: datetime

    @property
    def remediation(self) -> list[ActionItem]:
        return [item for item in self.items if item.kind == ActionItemKind.REMEDIATION]

    @property
    def prevention(self) -> list[ActionItem]:
        return [item for item in self.items if item.kind == ActionItemKind.PREVENTION]

    @property
    def progress(self) -> int | None:
        """The average progress of the items still part of the plan (dropped ones are not)."""
        counted = [item.progress for item in self.items if item.status != ActionItemStatus.DROPPED]
        if not counted:
            return None
        return round(sum(counted) / len(counted))

    @property
    def overdue(self) -> list[ActionItem]:
        return [item for item in self.items if item.is_overdue(self.now)]

    @property
    def done_count(self) -> int:
        return sum(1 for item in self.items if item.status == ActionItemStatus.DONE)

    @property
    def counted_count(self) -> int:
        return sum(1 for item in self.items if item.status != ActionItemStatus.DROPPED)


#: What the client's status page may show of an action item (not its owner).
CLIENT_ITEM_FIELDS = (
    "id",
    "incident_id",
    "kind",
    "title_en",
    "title_zh_hans",
    "description_en",
    "description_zh_hans",
    "due_at",
    "status",
    "dropped_reason_en",
    "dropped_reason_zh_hans",
    "progress",
    "client_visible",
)


def plans_for(
    incident_ids: list[int], now: datetime | None = None, *, for_client: bool = False
) -> dict[int, Plan]:
    """The plans of these incidents in one query: the items by due moment.

    The incident page and the client's status page read their plans here.
    For the client (``for_client``), only the items visible to the client,
    and nothing of them the client should not see (who owns them).
    """
    now = now or timezone.now()
    items = ActionItem.objects.filter(incident_id__in=incident_ids).order_by("due_at", "pk")
    if for_client:
        items = items.filter(client_visible=True).only(*CLIENT_ITEM_FIELDS)
    else:
        items = items.select_related("owner")
    grouped: dict[int, list[ActionItem]] = {pk: [] for pk in incident_ids}
    for item in items:
        item.overdue = item.is_overdue(now)
        grouped[item.incident_id].append(item)
    return {pk: Plan(items=found, now=now) for pk, found in grouped.items()}


def incident_plan(incident: Incident, now: datetime | None = None) -> Plan:
    """The incident page's plan: every item, with its owner."""
    return plans_for([incident.pk], now)[incident.pk]


def open_remediation(incident: Incident) -> list[ActionItem]:
    """The plan's actions that fix the current problem and are not done or dropped yet."""
    return list(
        ActionItem.objects.filter(
            incident=incident, kind=ActionItemKind.REMEDIATION, status__in=OPEN_ITEM_STATUSES
        )
        .select_related("owner")
        .order_by("due_at", "pk")
    )


def remedies_for(incident_ids: list[int]) -> dict[int, list[Remedy]]:
    """The remedies offered on these incidents, in the order they were offered."""
    grouped: dict[int, list[Remedy]] = {pk: [] for pk in incident_ids}
    for remedy in Remedy.objects.filter(incident_id__in=incident_ids).order_by("offered_at", "pk"):
        grouped[remedy.incident_id].append(remedy)
    return grouped


def incident_remedies(incident: Incident) -> QuerySet[Remedy]:
    return Remedy.objects.filter(incident=incident).select_related("offered_by")


def get_action_item(incident: Incident, pk: int) -> ActionItem:
    """An item of this incident; one of another incident is a 404."""
    return get_object_or_404(
        ActionItem.objects.select_related("owner", "incident", "incident__project"),
        incident=incident,
        pk=pk,
    )


def get_remedy(incident: Incident, pk: int) -> Remedy:
    return get_object_or_404(
        Remedy.objects.select_related("incident", "offered_by"), incident=incident, pk=pk
    )


def with_overdue_action_count(
    incidents: QuerySet[Incident], now: datetime | None = None
) -> QuerySet[Incident]:
    """Annotate ``overdue_action_count``: open items past their due moment.

    A correlated subquery, so the incidents query stays one query without a GROUP BY.
    """
    now = now or timezone.now()
    overdue = (
        ActionItem.objects.filter(
            incident=OuterRef("pk"), status__in=OPEN_ITEM_STATUSES, due_at__lte=now
        )
        .order_by()
        .values("incident")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return incidents.annotate(
        overdue_action_count=Coalesce(Subquery(overdue, output_field=IntegerField()), Value(0))
    )
