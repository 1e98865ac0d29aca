"""Who reaches a status page: a wrong, revoked or expired token learns nothing."""

import secrets
from datetime import timedelta

import pytest
import time_machine

from apps.statuspage import services
from apps.statuspage.http import MISS_LIMIT
from tests.factories import informed_incident

from .support import make_link, page_url

PAGES = ("status_page", "status_feed", "status_meetings")


@pytest.fixture
def shared(project, pm, now):
    incident = informed_incident(project=project, declared_by=pm, now=now)
    return make_link(incident, expires_at=now + timedelta(days=30))


@pytest.mark.parametrize("name", PAGES)
def test_a_live_link_opens(client, shared, name):
    _link, token = shared
    assert client.get(page_url(token, name)).status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_a_revoked_link_is_a_404(client, shared, name):
    link, token = shared
    services.link_revoke(link=link, actor=link.created_by)
    assert client.get(page_url(token, name)).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_an_expired_link_is_a_404(client, shared, now, name):
    _link, token = shared
    with time_machine.travel(now + timedelta(days=30), tick=False):
        assert client.get(page_url(token, name)).status_code == 404
    with time_machine.travel(now + timedelta(days=29, hours=23), tick=False):
        assert client.get(page_url(token, name)).status_code == 200


def _fingerprint(response) -> tuple:
    headers = {k: v for k, v in response.items() if k.lower() != "date"}
    return response.status_code, headers, response.content


def test_wrong_revoked_and_expired_tokens_get_byte_identical_404s(client, project, pm, now):
    incident = informed_incident(project=project, declared_by=pm, now=now)
    revoked, revoked_token = make_link(incident)
    services.link_revoke(link=revoked, actor=revoked.created_by)
    _expired, expired_token = make_link(incident, expires_at=now + timedelta(hours=1))
    wrong_token = secrets.token_urlsafe(24)

    with time_machine.travel(now + timedelta(hours=2), tick=False):
        answers = {
            kind: _fingerprint(client.get(page_url(token)))
            for kind, token in (
                ("wrong", wrong_token),
                ("revoked", revoked_token),
                ("expired", expired_token),
            )
        }

    assert answers["wrong"][0] == 404
    assert answers["wrong"] == answers["revoked"] == answers["expired"]
    html = answers["wrong"][2].decode()
    assert "This page does not exist" in html
    assert 'name="robots" content="noindex' in html


def test_a_malformed_or_huge_token_is_a_plain_404(client, db):
    assert client.get(page_url("x")).status_code == 404
    assert client.get(page_url("a" * 5000)).status_code == 404


def test_too_many_misses_refuse_more_guesses_but_never_a_good_token(client, shared):
    _link, token = shared
    attacker, neighbour = "203.0.113.7", "198.51.100.23"
    for _ in range(MISS_LIMIT):
        guess = secrets.token_urlsafe(24)
        assert client.get(page_url(guess), REMOTE_ADDR=attacker).status_code == 404

    refused = client.get(page_url(guess), REMOTE_ADDR=attacker)
    assert refused.status_code == 429
    assert refused["Retry-After"]
    assert client.get(page_url(guess, "status_feed"), REMOTE_ADDR=attacker).status_code == 429
    # Whoever holds a real link reads it, whatever else came from their address.
    assert client.get(page_url(token), REMOTE_ADDR=attacker).status_code == 200
    assert client.get(page_url(token, "status_feed"), REMOTE_ADDR=attacker).status_code == 200
    assert client.get(page_url(guess), REMOTE_ADDR=neighbour).status_code == 404


PROXY = "10.0.0.5"


def _through_proxy(client, path, client_address, *, claimed=""):
    """A request as the HTTPS proxy forwards it: it appends the address it saw."""
    forwarded = f"{claimed}, {client_address}" if claimed else client_address
    return client.get(path, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


def test_behind_a_trusted_proxy_one_guesser_locks_out_only_themselves(client, shared, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    _link, token = shared
    guesser, other = "203.0.113.7", "198.51.100.23"
    for _ in range(100):
        _through_proxy(client, page_url(secrets.token_urlsafe(24)), guesser)

    # The 101st miss from the real client behind the proxy is refused ...
    assert _through_proxy(client, page_url("wrong-" * 5), guesser).status_code == 429
    # ... while the other clients of the same proxy are not, and a good token never is.
    assert _through_proxy(client, page_url("wrong-" * 5), other).status_code == 404
    assert _through_proxy(client, page_url(token), other).status_code == 200
    assert _through_proxy(client, page_url(token), guesser).status_code == 200


def test_an_address_the_client_wrote_itself_is_not_believed(client, shared, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    guesser = "203.0.113.7"
    for n in range(MISS_LIMIT):
        # A new claimed address each time: the proxy's own entry still names the guesser.
        claimed = f"192.0.2.{n}"
        _through_proxy(client, page_url(secrets.token_urlsafe(24)), guesser, claimed=claimed)

    assert _through_proxy(client, page_url("wrong-" * 5), guesser).status_code == 429


def test_without_trusted_proxies_x_forwarded_for_is_ignored(client, shared):
    for n in range(MISS_LIMIT):
        client.get(
            page_url(secrets.token_urlsafe(24)),
            REMOTE_ADDR="203.0.113.9",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )

    assert client.get(page_url("wrong-" * 5), REMOTE_ADDR="203.0.113.9").status_code == 429


def test_good_requests_do_not_count_as_misses(client, shared):
    _link, token = shared
    for _ in range(MISS_LIMIT + 5):
        assert client.get(page_url(token), REMOTE_ADDR="203.0.113.8").status_code == 200
