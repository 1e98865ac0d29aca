"""The trust trend of an incident: its points, its markers and its summary."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from apps.communications.models import LogEntry
from apps.communications.trend import TREND_MARKERS, TrendMarker
from apps.trust.selectors import IMPROVING, STEADY, WORSENING, trust_trend
from tests.factories import LogEntryFactory, StatusUpdateFactory

DAY = timedelta(days=1)


def test_the_points_are_the_reactions_in_time_order_with_corrections_replacing(
    declared, history, now
):
    trend = trust_trend(declared, now=now)

    assert [(point.value, point.entry) for point in trend.points] == [
        (-2, history["first"]),
        (0, history["correction"]),
        (1, history["last"]),
    ]
    assert [point.at for point in trend.points] == sorted(point.at for point in trend.points)


def test_a_correction_without_a_reaction_takes_the_point_away(declared, now):
    wrong = LogEntryFactory(incident=declared, occurred_at=now - DAY, reaction=-2)
    LogEntryFactory(incident=declared, occurred_at=now - DAY, corrects=wrong, reaction=None)

    assert trust_trend(declared, now=now).points == []


def test_the_markers_are_the_published_updates_decisions_and_remedies_in_time_order(
    declared, history, now
):
    start = declared.declared_at
    with translation.override("en"):
        markers = trust_trend(declared, now=now).markers

    assert [(marker.at - start, marker.kind, marker.label) for marker in markers] == [
        (DAY, "update", "Update published"),
        (2 * DAY, "decision", "Decision: Go live with a smaller scope"),
        (3 * DAY, "remedy", "Remedy offered: Discount"),
        (3.75 * DAY, "remedy", "Remedy accepted: Discount"),
    ]


def test_the_markers_speak_the_readers_language(declared, history, now):
    with translation.override("zh-hans"):
        labels = [marker.label for marker in trust_trend(declared, now=now).markers]

    assert "缩小范围上线" in labels[1]
    assert "Go live" not in labels[1]
    assert "折扣" in labels[2]


def test_the_summary_gives_first_last_lowest_direction_and_count(declared, history, now):
    trend = trust_trend(declared, now=now)

    assert (trend.first.value, trend.last.value, trend.lowest.value) == (-2, 1, -2)
    assert trend.lowest.entry == history["first"]
    assert trend.direction == IMPROVING
    assert trend.count == 3


def test_a_falling_reaction_is_worsening_and_an_equal_one_steady(declared, now):
    LogEntryFactory(incident=declared, occurred_at=now - 2 * DAY, reaction=1)
    later = LogEntryFactory(incident=declared, occurred_at=now - DAY, reaction=-1)
    assert trust_trend(declared, now=now).direction == WORSENING

    LogEntryFactory(incident=declared, occurred_at=now - DAY, corrects=later, reaction=1)
    assert trust_trend(declared, now=now).direction == STEADY


def test_with_no_reaction_there_is_no_summary(declared, now):
    LogEntryFactory(incident=declared, occurred_at=now - DAY)
    trend = trust_trend(declared, now=now)

    assert trend.points == [] and trend.count == 0
    assert trend.first is trend.last is trend.lowest is trend.direction is None


def test_the_span_runs_from_the_declaration_to_now_or_the_resolution(declared, history, now):
    assert trust_trend(declared, now=now).starts_at == declared.declared_at
    assert trust_trend(declared, now=now).ends_at == now

    declared.resolved_at = now - DAY / 4
    assert trust_trend(declared, now=now).ends_at == now - DAY / 4


def test_the_table_lists_every_point_and_marker_in_time_order(declared, history, now):
    events = trust_trend(declared, now=now).events()

    assert len(events) == 3 + 4
    assert [at for at, _point, _marker in events] == sorted(at for at, _p, _m in events)
    assert [(point is None) != (marker is None) for _at, point, marker in events] == [True] * 7


def _log(incident, count, now):
    for n in range(count):
        entry = LogEntryFactory(
            incident=incident, occurred_at=now - timedelta(hours=n + 1), reaction=(n % 5) - 2
        )
        if n % 3 == 0:
            LogEntryFactory(
                incident=incident, occurred_at=entry.occurred_at, corrects=entry, reaction=0
            )
        if n % 4 == 0:
            StatusUpdateFactory(
                incident=incident,
                status="published",
                published_at=entry.occurred_at,
                published_by=incident.declared_by,
            )


def test_the_queries_do_not_grow_with_the_history(declared, history, now):
    _log(declared, 1, now)
    with CaptureQueriesContext(connection) as one:
        few = trust_trend(declared, now=now)
        few.events()

    _log(declared, 29, now - 2 * DAY)
    with CaptureQueriesContext(connection) as thirty:
        many = trust_trend(declared, now=now)
        many.events()

    assert LogEntry.objects.filter(incident=declared).count() > 30 + 10
    assert many.count > few.count + 15
    assert len(thirty.captured_queries) == len(one.captured_queries) == 4


def test_an_app_above_can_add_its_own_kind_of_marker(declared, now):
    def missed(markers, *, incident):
        return markers + [TrendMarker(now - DAY, "missed", "Commitment missed", "Missed: spec")]

    TREND_MARKERS.fill(missed)
    try:
        markers = trust_trend(declared, now=now).markers
    finally:
        TREND_MARKERS._fillers.remove(missed)

    assert [marker.label for marker in markers] == ["Missed: spec"]


def test_the_trend_takes_its_markers_from_the_apps_that_fill_the_slot():
    # the published updates, the decisions, the remedies
    assert repr(TREND_MARKERS) == "<Slot markers on the trust trend: 3 filler(s)>"
