"""The trust trend on the incident page: a chart with an accessible name, and its table."""

import re
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.communications.models import LogEntry
from tests.factories import LogEntryFactory, StatusUpdateFactory


def _trend(html: str) -> str:
    match = re.search(r'<section class="card mb-3 trust-trend".*?</section>', html, re.S)
    assert match, "no trust trend on the page"
    return match.group(0)


def _page(login, user, incident, language=None) -> str:
    response = login(user, language).get(reverse("incident_detail", args=[incident.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_chart_draws_every_point_and_marker_and_names_itself(declared, history, pm, login, now):
    section = _trend(_page(login, pm, declared, "en"))
    svg = re.search(r"<svg viewBox=.*?</svg>", section, re.S).group(0)

    assert 'role="img"' in svg
    assert 'aria-labelledby="trust-chart-title trust-chart-desc"' in svg
    assert '<title id="trust-chart-title">The client&#x27;s reaction over time</title>' in svg
    desc = re.search(r'<desc id="trust-chart-desc">(.*?)</desc>', svg, re.S).group(1)
    assert "3 reactions recorded" in desc
    assert "from Very negative to Positive" in desc
    assert "improving" in desc
    assert svg.count('class="trend-point"') == 3
    assert [int(v) for v in re.findall(r'data-value="(-?\d)"', svg)] == [-2, 0, 1]
    assert svg.count('class="trend-line"') == 1
    assert svg.count('class="trend-marker marker-update"') == 1
    assert svg.count('class="trend-marker marker-decision"') == 1
    assert svg.count('class="trend-marker marker-remedy"') == 2
    for label in ("Very negative", "Negative", "Neutral", "Positive", "Very positive"):
        assert f">{label}</text>" in svg
    assert "<script" not in section


def test_the_points_rise_with_the_reaction_and_move_right_with_time(declared, history, pm, login):
    svg = _trend(_page(login, pm, declared, "en"))
    points = re.findall(r'class="trend-point" cx="([\d.]+)" cy="([\d.]+)"', svg)
    xs = [float(x) for x, _y in points]
    ys = [float(y) for _x, y in points]

    assert xs == sorted(xs) and len(set(xs)) == 3
    assert ys[0] > ys[1] > ys[2]  # very negative is lowest on the chart


def test_the_table_lists_every_point_and_marker_in_time_order(declared, history, pm, login):
    section = _trend(_page(login, pm, declared, "en"))
    table = re.search(r"<table.*?</table>", section, re.S).group(0)

    assert "<caption>" in table and 'scope="col"' in table
    rows = re.findall(r"<tr class=\"(trend-row-\w+)\">(.*?)</tr>", table, re.S)
    assert [kind for kind, _row in rows] == [
        "trend-row-point",  # very negative
        "trend-row-marker",  # update
        "trend-row-point",  # the correction: neutral
        "trend-row-marker",  # decision
        "trend-row-marker",  # remedy offered
        "trend-row-point",  # positive
        "trend-row-marker",  # remedy accepted
    ]
    assert "Very negative" in rows[0][1] and "Neutral" in rows[2][1] and "Positive" in rows[5][1]
    assert f'href="#entry-{history["correction"].pk}"' in rows[2][1]
    assert f'href="#entry-{history["corrected"].pk}"' not in table
    assert "Decision: Go live with a smaller scope" in rows[3][1]
    assert "Remedy accepted: Discount" in rows[6][1]
    times = re.findall(r'<time datetime="([^"]+)"', table)
    assert times == sorted(times) and len(times) == 7


def test_times_are_in_the_readers_time_zone(declared, history, pm, login):
    pm.profile.time_zone = "Asia/Shanghai"
    pm.profile.save()
    table = re.search(r"<table.*?</table>", _trend(_page(login, pm, declared, "en")), re.S)

    assert "Asia/Shanghai" in table.group(0)
    assert '<time datetime="' in table.group(0) and "+08:00" in table.group(0)


def test_the_trend_speaks_chinese_to_a_chinese_reader(declared, history, pm, login):
    section = _trend(_page(login, pm, declared, "zh-hans"))

    for label in ("非常负面", "中立", "正面"):
        assert label in section, label
    assert "缩小范围上线" in section
    assert "Go live with a smaller scope" not in section
    assert ">Very negative<" not in section


def test_before_any_reaction_the_trend_says_how_to_start_one(declared, pm, login, now):
    LogEntryFactory(incident=declared, occurred_at=now - timedelta(hours=2))
    section = _trend(_page(login, pm, declared, "en"))

    assert "Record the client's reaction when you log a contact" in section
    assert "<svg viewBox" not in section and "<table" not in section
    assert reverse("log_entry_create", args=[declared.pk]) in section


def test_the_page_asks_the_same_number_of_queries_for_1_or_30_reactions(
    declared, history, pm, login, now
):
    client = login(pm, "en")
    url = reverse("incident_detail", args=[declared.pk])

    def log(count, start):
        for n in range(count):
            entry = LogEntryFactory(
                incident=declared, occurred_at=start - timedelta(hours=n), reaction=(n % 5) - 2
            )
            if n % 3 == 0:
                LogEntryFactory(
                    incident=declared, occurred_at=entry.occurred_at, corrects=entry, reaction=1
                )
            if n % 4 == 0:
                StatusUpdateFactory(
                    incident=declared,
                    status="published",
                    published_at=entry.occurred_at,
                    published_by=pm,
                )

    log(1, now - timedelta(hours=1))
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    log(29, now - timedelta(hours=2))
    with CaptureQueriesContext(connection) as thirty:
        html = client.get(url).content.decode()

    assert LogEntry.objects.filter(incident=declared, reaction__isnull=False).count() > 35
    assert _trend(html).count('class="trend-point"') > 25
    assert len(thirty.captured_queries) == len(one.captured_queries)
