"""Reads of the commitments that the incident page and the status page share."""

from dataclasses import dataclass, field
from datetime import datetime

from django.shortcuts import get_object_or_404
from django.utils import timezone

from apps.incidents.models import Incident

from .models import Commitment, CommitmentStatus

#: What the client's status page may show of a commitment (not its owner or source).
CLIENT_FIELDS = (
    "id",
    "incident_id",
    "what_en",
    "what_zh_hans",
    "due_at",
    "status",
    "kept_at",
    "missed_at",
    "told_client_en",
    "told_client_zh_hans",
)


@dataclass
class Commitments:
    """An incident's commitments: the open ones by due moment, and what became of the rest."""

    open: list[Commitment] = field(default_factory=list)
    closed: list[Commitment] = field(default_factory=list)

    @property
    def kept_count(self) -> int:
        return sum(1 for c in self.closed if c.status == CommitmentStatus.KEPT)

    @property
    def settled_count(self) -> int:
        """Kept or missed: the ones whose outcome is known."""
        return len(self.closed)


def commitments_for(
    incident_ids: list[int], now: datetime | None = None, *, for_client: bool = False
) -> dict[int, Commitments]:
    """The commitments of these incidents in one query (two with the owners and sources)."""
    now = now or timezone.now()
    rows = Commitment.objects.filter(incident_id__in=incident_ids).order_by("due_at", "pk")
    if for_client:
        rows = rows.only(*CLIENT_FIELDS)
    else:
        rows = rows.select_related("owner", "update", "meeting", "decision__alternative")
    grouped = {pk: Commitments() for pk in incident_ids}
    for row in rows:
        row.overdue = row.is_overdue(now)
        target = grouped[row.incident_id]
        (target.open if row.is_open else target.closed).append(row)
    for found in grouped.values():
        found.closed.sort(key=lambda c: c.kept_at or c.missed_at, reverse=True)
    return grouped


def incident_commitments(incident: Incident, now: datetime | None = None) -> Commitments:
    return commitments_for([incident.pk], now)[incident.pk]


def get_commitment(incident: Incident, pk: int) -> Commitment:
    """A commitment of this incident; one of another incident is a 404."""
    return get_object_or_404(
        Commitment.objects.select_related("owner", "incident", "incident__project"),
        incident=incident,
        pk=pk,
    )
