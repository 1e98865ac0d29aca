"""The client's trust over time: the reactions from the log and what happened between them."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.communications.models import ClientReaction, LogEntry
from apps.communications.trend import TREND_MARKERS, TrendMarker
from apps.incidents.models import Incident

IMPROVING = "improving"
WORSENING = "worsening"
STEADY = "steady"


@dataclass(frozen=True)
class ReactionPoint:
    """The client's reaction at one contact: ``value`` from -2 (very negative) to +2."""

    at: datetime
    value: int
    entry: LogEntry

    @property
    def label(self) -> str:
        return ClientReaction(self.value).label


@dataclass
class TrustTrend:
    incident: Incident
    #: The span the chart shows: from the declaration to the resolution (or now).
    starts_at: datetime
    ends_at: datetime
    points: list[ReactionPoint] = field(default_factory=list)
    markers: list[TrendMarker] = field(default_factory=list)

    @property
    def first(self) -> ReactionPoint | None:
        return self.points[0] if self.points else None

    @property
    def last(self) -> ReactionPoint | None:
        return self.points[-1] if self.points else None

    @property
    def lowest(self) -> ReactionPoint | None:
        """The lowest reaction; of equal ones, the earliest."""
        return min(self.points, key=lambda point: point.value) if self.points else None

    @property
    def direction(self) -> str | None:
        """From the first reaction to the last one: improving, worsening or steady."""
        if not self.points:
            return None
        change = self.last.value - self.first.value
        return IMPROVING if change > 0 else WORSENING if change < 0 else STEADY

    @property
    def direction_label(self) -> str:
        return {
            IMPROVING: _("improving"),
            WORSENING: _("worsening"),
            STEADY: _("steady"),
            None: "",
        }[self.direction]

    @property
    def count(self) -> int:
        return len(self.points)

    def events(self) -> list[tuple[datetime, ReactionPoint | None, TrendMarker | None]]:
        """Every point and marker in time order (a marker before a point at the same moment)."""
        rows = [(marker.at, 0, None, marker) for marker in self.markers]
        rows += [(point.at, 1, point, None) for point in self.points]
        rows.sort(key=lambda row: (row[0], row[1]))
        return [(at, point, marker) for at, _order, point, marker in rows]


def reaction_points(incident: Incident) -> list[ReactionPoint]:
    """The reactions on the log in time order, one query.

    A corrected entry is superseded by its correction: only entries nobody
    corrected count, so a correction's reaction (or its lack of one) replaces
    the reaction it corrects.
    """
    entries = (
        LogEntry.objects.filter(incident=incident, reaction__isnull=False)
        .exclude(corrections__isnull=False)
        .order_by("occurred_at", "pk")
    )
    return [
        ReactionPoint(at=entry.occurred_at, value=entry.reaction, entry=entry) for entry in entries
    ]


def trend_markers(incident: Incident) -> list[TrendMarker]:
    """What the apps mark on the trend (``TREND_MARKERS``), in time order."""
    return sorted(TREND_MARKERS.apply([], incident=incident), key=lambda marker: marker.at)


def trust_trend(incident: Incident, *, now: datetime | None = None) -> TrustTrend:
    """The trend of one incident: its points, its markers and the span they fall in."""
    now = now or timezone.now()
    points = reaction_points(incident)
    markers = trend_markers(incident)
    moments = [point.at for point in points] + [marker.at for marker in markers]
    end = incident.resolved_at or incident.closed_at or now
    return TrustTrend(
        incident=incident,
        starts_at=min([incident.declared_at, *moments]),
        ends_at=max([end, *moments]),
        points=points,
        markers=markers,
    )
