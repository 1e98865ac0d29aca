"""The trust trend drawn as an SVG the server renders: no script, no library.

The geometry is worked out here, in the chart's own units (``WIDTH`` by
``HEIGHT``, scaled by the browser through the ``viewBox``); the template only
writes it out, so every text in it is escaped like any other.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from apps.communications.models import ClientReaction
from apps.communications.trend import TrendMarker

from .selectors import ReactionPoint, TrustTrend

WIDTH, HEIGHT = 480, 270
LEFT, RIGHT, TOP, BOTTOM = 112, 16, 30, 40
PLOT_WIDTH = WIDTH - LEFT - RIGHT
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM


@dataclass(frozen=True)
class MarkerStyle:
    """How a kind of marker is drawn: a colour (at least 4.5:1 on white), a dash, a symbol."""

    colour: str
    dash: str
    symbol: str  # "square", "triangle", "diamond" or "circle"


STYLES = {
    "update": MarkerStyle("#5b2a86", "6 4", "square"),
    "decision": MarkerStyle("#1d6b34", "", "triangle"),
    "remedy": MarkerStyle("#8a4b00", "2 3", "diamond"),
}
#: Kinds the chart was not told about (an app added them later) still get a style.
FALLBACK = MarkerStyle("#3d4349", "8 3 2 3", "circle")


@dataclass(frozen=True)
class Gridline:
    y: float
    label: str
    is_zero: bool


@dataclass(frozen=True)
class PlacedPoint:
    x: float
    y: float
    point: ReactionPoint


def symbol_path(symbol: str, x: float, y: float, r: float = 6) -> str:
    """A marker's symbol centred on (x, y), as an SVG path."""
    return {
        "square": f"M{x - r:.1f} {y - r:.1f}h{2 * r}v{2 * r}h{-2 * r}z",
        "triangle": f"M{x:.1f} {y - r:.1f}l{r} {2 * r}h{-2 * r}z",
        "diamond": f"M{x:.1f} {y - r:.1f}l{r} {r}l{-r} {r}l{-r} {-r}z",
    }.get(symbol, f"M{x - r:.1f} {y:.1f}a{r} {r} 0 1 0 {2 * r} 0a{r} {r} 0 1 0 {-2 * r} 0")


@dataclass(frozen=True)
class PlacedMarker:
    x: float
    marker: TrendMarker
    style: MarkerStyle

    @property
    def symbol_path(self) -> str:
        """The symbol above the plot, on the marker's line."""
        return symbol_path(self.style.symbol, self.x, TOP - 12)


@dataclass(frozen=True)
class LegendItem:
    kind: str
    name: str
    style: MarkerStyle

    @property
    def symbol_path(self) -> str:
        """The symbol in a 16 by 16 swatch."""
        return symbol_path(self.style.symbol, 8, 8)


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    gridlines: list[Gridline]
    points: list[PlacedPoint]
    line: str
    markers: list[PlacedMarker]
    legend: list[LegendItem]
    starts_at: datetime
    ends_at: datetime
    title: str
    description: str


def value_y(value: int) -> float:
    return TOP + (2 - value) / 4 * PLOT_HEIGHT


def describe(trend: TrustTrend) -> str:
    """The trend in a sentence or two, for the chart's accessible name and the page."""
    if not trend.points:
        text = _("No reaction of the client recorded yet.")
    else:
        text = _(
            "%(reactions)s, from %(first)s to %(last)s; the lowest was %(lowest)s; "
            "the trend is %(direction)s."
        ) % {
            "reactions": ngettext(
                "%(count)d reaction recorded", "%(count)d reactions recorded", trend.count
            )
            % {"count": trend.count},
            "first": trend.first.label,
            "last": trend.last.label,
            "lowest": trend.lowest.label,
            "direction": trend.direction_label,
        }
    counts = Counter(marker.kind_name for marker in trend.markers)
    if counts:
        items = pgettext("list separator", ", ").join(
            pgettext("a kind of marker and how many", "%(name)s (%(count)d)")
            % {"name": name, "count": count}
            for name, count in counts.items()
        )
        text += " " + _("Marked on the time axis: %(items)s.") % {"items": items}
    return text


def trend_chart(trend: TrustTrend) -> TrendChart | None:
    """The chart of ``trend``, or None while no reaction was recorded."""
    if not trend.points:
        return None
    span = max(trend.ends_at - trend.starts_at, timedelta(hours=1))

    def x_of(at: datetime) -> float:
        return round(LEFT + (at - trend.starts_at) / span * PLOT_WIDTH, 1)

    points = [PlacedPoint(x_of(p.at), round(value_y(p.value), 1), p) for p in trend.points]
    markers = [
        PlacedMarker(x_of(marker.at), marker, STYLES.get(marker.kind, FALLBACK))
        for marker in trend.markers
    ]
    legend = {}
    for placed in markers:
        legend.setdefault(
            placed.marker.kind,
            LegendItem(placed.marker.kind, placed.marker.kind_name, placed.style),
        )
    return TrendChart(
        width=WIDTH,
        height=HEIGHT,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        plot_top=TOP,
        plot_bottom=HEIGHT - BOTTOM,
        gridlines=[
            Gridline(round(value_y(value), 1), label, value == 0)
            for value, label in sorted(
                zip(ClientReaction.values, ClientReaction.labels, strict=True), reverse=True
            )
        ],
        points=points,
        line=" ".join(f"{p.x},{p.y}" for p in points),
        markers=markers,
        legend=list(legend.values()),
        starts_at=trend.starts_at,
        ends_at=trend.ends_at,
        title=_("The client's reaction over time"),
        description=describe(trend),
    )
