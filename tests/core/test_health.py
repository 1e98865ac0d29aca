"""/healthz and the stale-scheduler banner: can Candor keep its promises right now?"""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse

from apps.core.health import SCHEDULER_STALE_AFTER
from apps.reminders import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BANNER = "Reminders are not being scanned"
SECOND = timedelta(seconds=1)


def _scan():
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.reminders_scan()


def _dashboard(client, user) -> str:
    cache.delete("candor:scheduler-stale")  # the banner's state is cached for 30 s
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def test_healthz_is_ok_when_the_database_the_broker_and_the_scheduler_are(client, clock, now):
    _scan()

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    report = response.json()
    assert report["ok"] is True
    assert report["checks"]["database"] == {"ok": True}
    assert report["checks"]["broker"]["ok"] is True
    assert report["checks"]["scheduler"] == {
        "ok": True,
        "last_scan_at": now.isoformat(),
        "stale": False,
    }
    assert "debug" not in report


def test_healthz_is_503_when_the_last_scan_is_older_than_five_minutes(client, clock, now):
    _scan()

    clock.move_to(now + SCHEDULER_STALE_AFTER)
    assert client.get("/healthz").status_code == 200

    clock.move_to(now + SCHEDULER_STALE_AFTER + SECOND)
    response = client.get("/healthz")

    assert response.status_code == 503
    report = response.json()
    assert report["ok"] is False
    assert report["checks"]["scheduler"]["stale"] is True
    assert report["checks"]["database"]["ok"] is True


def test_healthz_is_503_before_any_scan_ever_ran(client, clock):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["scheduler"] == {
        "ok": False,
        "last_scan_at": None,
        "stale": True,
    }


def test_healthz_is_503_when_the_broker_is_unreachable(client, clock, monkeypatch):
    _scan()

    def unreachable(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr("config.celery.app.connection_for_write", unreachable)
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == {"ok": False, "error": "ConnectionRefusedError"}


def test_a_replayed_scan_still_counts_as_a_beat_now(client, clock, now):
    # ``--now`` replays a moment in the past; the scheduler is alive today.
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.reminders_scan(now=datetime(2024, 1, 1, tzinfo=UTC))

    assert client.get("/healthz").status_code == 200


def test_staff_see_the_banner_on_the_dashboard_when_the_scheduler_is_stale(client, clock, now):
    staff = UserFactory(is_staff=True)
    _scan()

    assert BANNER not in _dashboard(client, staff)

    clock.move_to(now + SCHEDULER_STALE_AFTER + SECOND)
    assert BANNER in _dashboard(client, staff)


def test_other_users_never_see_the_banner(client, clock, pm):
    staff = UserFactory(is_staff=True)
    # No scan ever ran: as stale as it gets.
    assert BANNER in _dashboard(client, staff)

    assert BANNER not in _dashboard(client, pm)
