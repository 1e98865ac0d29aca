"""What every status-page response carries: privacy headers, validators, a fixed cost."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.communications import services as communications
from apps.communications.models import LogChannel
from apps.incidents import services as incidents
from apps.statuspage import pagecache
from apps.statuspage.http import MISS_LIMIT
from apps.statuspage.models import ShareLink
from tests.factories import ClientContactFactory, informed_incident

from .support import make_link, page_url, parse_tags, publish


@pytest.fixture
def incident(project, pm, now):
    return informed_incident(project=project, declared_by=pm, now=now, ready=True)


@pytest.fixture
def token(incident, now):
    publish(incident, now=now + timedelta(hours=2))
    return make_link(incident)[1]


def _assert_private(response):
    assert "noindex" in response["X-Robots-Tag"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert "private" in response["Cache-Control"]
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy.get("style-src", "")
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["frame-ancestors"] == "'none'"


def _assert_no_inline_code(html: str):
    tags = parse_tags(html)
    assert not [tag for tag, _attrs in tags if tag in ("script", "style")]
    assert not [(tag, attrs) for tag, attrs in tags if "style" in attrs]
    assert not [(tag, name) for tag, attrs in tags for name in attrs if name.startswith("on")]
    robots = [attrs for tag, attrs in tags if tag == "meta" and attrs.get("name") == "robots"]
    assert robots and "noindex" in robots[0]["content"]


@pytest.mark.parametrize("name", ["status_page", "status_feed", "status_meetings"])
def test_every_answer_is_private(client, token, name):
    _assert_private(client.get(page_url(token, name)))


def test_the_page_has_no_inline_script_or_style(client, token):
    response = client.get(page_url(token))
    assert response.status_code == 200
    _assert_no_inline_code(response.content.decode())


def test_not_found_and_too_many_are_private_too(client, token):
    missing = client.get(page_url("no-such-token-at-all"), REMOTE_ADDR="203.0.113.1")
    assert missing.status_code == 404
    _assert_private(missing)
    _assert_no_inline_code(missing.content.decode())
    for _ in range(MISS_LIMIT):
        client.get(page_url("no-such-token-at-all"), REMOTE_ADDR="203.0.113.1")
    refused = client.get(page_url("no-such-token-at-all"), REMOTE_ADDR="203.0.113.1")
    assert refused.status_code == 429
    _assert_private(refused)
    _assert_no_inline_code(refused.content.decode())


def test_a_repeated_request_is_answered_304(client, token):
    first = client.get(page_url(token))
    etag = first["ETag"]
    assert etag.startswith('"') and len(etag) > 10

    again = client.get(page_url(token), HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    _assert_private(again)
    assert client.get(page_url(token), HTTP_IF_NONE_MATCH='"stale"').status_code == 200


def _etag_after(client, token, now, seconds, change) -> tuple[str, str]:
    """The page's ETag and HTML after ``change`` runs ``seconds`` later (same cache bucket)."""
    with time_machine.travel(now + timedelta(seconds=seconds), tick=False):
        change()
        response = client.get(page_url(token), {"lang": "en"})
        assert response.status_code == 200
        return response["ETag"], response.content.decode()


def test_every_change_the_client_can_see_gives_a_new_etag(client, incident, pm, now):
    _link, token = make_link(incident)
    seen = []

    def check(seconds, change, text):
        etag, html = _etag_after(client, token, now, seconds, change)
        assert etag not in seen, f"stale ETag after: {text}"
        assert text in html, f"stale page after: {text}"
        seen.append(etag)

    check(0, lambda: None, "The routing algorithm does not scale.")
    check(10, lambda: publish(incident, body_en="A fresh update."), "A fresh update.")
    check(
        20,
        lambda: incidents.incident_change_status(
            incident=incident, status="plan_agreed", actor=incident.declared_by
        ),
        "We have agreed a plan with you",
    )
    check(
        30,
        lambda: incidents.incident_update_disclosure(
            incident=incident,
            current_state_en="Half of the data is migrated.",
            actor=incident.declared_by,
        ),
        "Half of the data is migrated.",
    )
    check(
        40,
        lambda: communications.meeting_schedule(
            incident=incident,
            actor=pm,
            title_en="Option review",
            starts_at=now + timedelta(days=2),
            duration_minutes=45,
            location="Room 4",
        ),
        "Option review",
    )
    check(
        50,
        lambda: communications.log_contact(
            incident=incident,
            actor=pm,
            channel=LogChannel.EMAIL,
            occurred_at=now,
            summary_en="We sent the test report.",
            client_visible=True,
        ),
        "We sent the test report.",
    )


def test_a_revoked_link_is_not_served_from_the_page_cache(client, incident):
    link, token = make_link(incident)
    etag = client.get(page_url(token))["ETag"]
    link.revoked_at = link.created_at
    link.save()
    assert client.get(page_url(token)).status_code == 404
    assert client.get(page_url(token), HTTP_IF_NONE_MATCH=etag).status_code == 404


def test_the_language_is_part_of_the_etag(client, incident):
    _link, token = make_link(incident)
    english = client.get(page_url(token), {"lang": "en"})
    chinese = client.get(page_url(token), {"lang": "zh-hans"})
    assert english["ETag"] != chinese["ETag"]
    assert english.content != chinese.content


def _cold_page_queries(client, token) -> int:
    cache.clear()
    pagecache.clear_local()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page_url(token)).status_code == 200
    return len(queries.captured_queries)


def test_the_page_costs_the_same_queries_with_1_or_100_updates(client, project, pm, now):
    later = now + timedelta(hours=2)
    small = informed_incident(project=project, declared_by=pm, now=now)
    big = informed_incident(project=project, declared_by=pm, now=now)
    for incident, count in ((small, 1), (big, 100)):
        previous = None
        for i in range(count):
            moment = later + timedelta(minutes=i)
            publish(incident, body_en=f"Update number {i}.", now=moment)
            previous = communications.log_contact(
                incident=incident,
                actor=pm,
                channel=LogChannel.CALL,
                occurred_at=moment,
                summary_en=f"Call number {i}.",
                client_visible=True,
                corrects=previous if i % 10 == 9 else None,
                now=moment,
            )
    contact = ClientContactFactory(project=project, language="en")

    with time_machine.travel(later + timedelta(hours=3), tick=False):
        one = _cold_page_queries(client, make_link(small, contact=contact)[1])
        hundred_token = make_link(big, contact=contact)[1]
        hundred = _cold_page_queries(client, hundred_token)
        html = client.get(page_url(hundred_token)).content.decode()

    assert html.count('class="timeline-item"') == 200
    assert one == hundred
    # link, incident, updates, entries (+ corrections), meetings, plan, the delivery date,
    # the commitments
    assert hundred <= 19


def test_a_warm_page_and_a_revalidation_cost_two_small_queries(client, token):
    etag = client.get(page_url(token))["ETag"]  # renders, counts the first view

    with CaptureQueriesContext(connection) as warm:
        assert client.get(page_url(token)).status_code == 200
    with CaptureQueriesContext(connection) as revalidated:
        assert client.get(page_url(token), HTTP_IF_NONE_MATCH=etag).status_code == 304

    # The link, the incidents' change stamps (no reader here): nothing else.
    assert len(warm.captured_queries) == 2
    assert len(revalidated.captured_queries) == 2


def _link_writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("UPDATE") and ShareLink._meta.db_table in q["sql"]
    ]


def test_views_are_written_at_most_once_per_few_minutes(client, incident, now):
    link, token = make_link(incident)

    with CaptureQueriesContext(connection) as queries:
        for _ in range(10):
            assert client.get(page_url(token)).status_code == 200
    # The first view claims the row (last viewed) and adds the count: two writes in all.
    assert len(_link_writes(queries)) == 2
    link.refresh_from_db()
    assert link.last_viewed_at == now
    assert link.view_count == 1

    with (
        time_machine.travel(now + timedelta(minutes=2), tick=False),
        CaptureQueriesContext(connection) as queries,
    ):
        client.get(page_url(token))
    assert _link_writes(queries) == []

    later = now + timedelta(minutes=6)
    with (
        time_machine.travel(later, tick=False),
        CaptureQueriesContext(connection) as queries,
    ):
        client.get(page_url(token))
    assert len(_link_writes(queries)) == 2
    link.refresh_from_db()
    assert link.last_viewed_at == later
    assert link.view_count == 12
