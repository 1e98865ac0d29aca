"""Within a one-second lease a worker serves the warm page without the database."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.statuspage import lease
from apps.statuspage.models import ShareLink
from apps.statuspage.services import link_revoke, views_key
from tests.factories import informed_incident

from .support import make_link, page_url, publish


@pytest.fixture
def clock(monkeypatch, settings):
    """The lease on, and a monotonic clock the test moves by hand."""
    settings.STATUSPAGE_LEASE_SECONDS = 1.0
    moment = [1000.0]
    monkeypatch.setattr(lease.time, "monotonic", lambda: moment[0])

    def advance(seconds):
        moment[0] += seconds

    return advance


def test_a_second_request_within_the_lease_costs_no_query(client, project, pm, now, clock):
    incident = informed_incident(project=project, declared_by=pm, now=now)
    _link, token = make_link(incident)
    client.get(page_url(token))

    with CaptureQueriesContext(connection) as queries:
        response = client.get(page_url(token))

    assert response.status_code == 200
    assert [q["sql"] for q in queries.captured_queries] == []


def test_a_change_made_by_another_worker_shows_when_the_lease_ends(client, project, pm, now, clock):
    incident = informed_incident(project=project, declared_by=pm, now=now)
    _link, token = make_link(incident)
    first = client.get(page_url(token))
    # Another worker publishes: this worker's lease does not know yet.
    publish(incident, body_en="News from another worker.")

    within = client.get(page_url(token))
    clock(1.01)
    after = client.get(page_url(token))

    assert within["ETag"] == first["ETag"]
    assert after["ETag"] != first["ETag"]
    assert "News from another worker." in after.content.decode()


def test_a_link_revoked_through_this_worker_is_gone_at_once(client, project, pm, now, clock):
    incident = informed_incident(project=project, declared_by=pm, now=now)
    link, token = make_link(incident)
    assert client.get(page_url(token)).status_code == 200

    link_revoke(link=link, actor=link.created_by)

    assert client.get(page_url(token)).status_code == 404


def test_a_link_revoked_elsewhere_is_gone_when_the_lease_ends(client, project, pm, now, clock):
    incident = informed_incident(project=project, declared_by=pm, now=now)
    link, token = make_link(incident)
    assert client.get(page_url(token)).status_code == 200
    ShareLink.objects.filter(pk=link.pk).update(revoked_at=now)  # another worker's revoke

    clock(1.01)

    assert client.get(page_url(token)).status_code == 404


def test_views_counted_within_a_lease_all_reach_the_shared_counter(client, project, pm, now, clock):
    from django.core.cache import cache

    incident = informed_incident(project=project, declared_by=pm, now=now)
    link, token = make_link(incident)
    for _ in range(5):
        client.get(page_url(token))
    clock(1.01)
    client.get(page_url(token))

    link.refresh_from_db()  # the first view was written to the row at once
    assert link.view_count + cache.get(views_key(link.pk)) == 6
