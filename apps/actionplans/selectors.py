"""Reads of the action plan and the remedies shared by pages."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from apps.incidents.models import Incident

from .models import OPEN_ITEM_STATUSES, ActionItem, ItemKind, ItemStatus, Remedy


@dataclass(frozen=True)
class Plan:
    """An incident's action plan as the incident page shows it."""

    items: list[ActionItem]
    now: datetime

    @property
    def remediation(self) -> list[ActionItem]:
        return [item for item in self.items if item.kind == ItemKind.REMEDIATION]

    @property
    def prevention(self) -> list[ActionItem]:
        return [item for item in self.items if item.kind == ItemKind.PREVENTION]

    @property
    def progress(self) -> int | None:
        """The average progress of the items still part of the plan (dropped ones are not)."""
        counted = [item.progress for item in self.items if item.status != ItemStatus.DROPPED]
        if not counted:
            return None
        return round(sum(counted) / len(counted))

    @property
    def overdue(self) -> list[ActionItem]:
        return [item for item in self.items if item.is_overdue(self.now)]

    @property
    def done_count(self) -> int:
        return sum(1 for item in self.items if item.status == ItemStatus.DONE)

    @property
    def counted_count(self) -> int:
        return sum(1 for item in self.items if item.status != ItemStatus.DROPPED)


def incident_plan(incident: Incident, now: datetime | None = None) -> Plan:
    """The plan in one query: the items by due moment, with their owners."""
    now = now or timezone.now()
    items = list(
        ActionItem.objects.filter(incident=incident)
        .select_related("owner")
        .order_by("due_at", "pk")
    )
    for item in items:
        item.overdue = item.is_overdue(now)
    return Plan(items=items, now=now)


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
