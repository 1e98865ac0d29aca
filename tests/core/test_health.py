"""/healthz and the stale-scheduler banner: can Candor keep its promises right now?"""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse

from apps.core.health import SCHEDULER_STALE_AFTER, SCHEDULER_START_HEARTBEAT
from apps.core.models import Heartbeat
from apps.core.services import heartbeat_record
from apps.reminders import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BANNER = "Reminders are not being scanned"
STARTING_NOTE = "The scheduler has just started"
SECOND = timedelta(seconds=1)


def _scan():
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.reminders_scan()


def _start_scheduler():
    """What beat records when it starts, before its first scan."""
    heartbeat_record(name=SCHEDULER_START_HEARTBEAT, hostname="beat-host")


def _dashboard(client, user) -> str:
    cache.delete("candor:scheduler-status")  # the banner's state is cached for 30 s
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
        "status": "ok",
        "last_scan_at": now.isoformat(),
        "started_at": None,
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


def test_healthz_is_503_before_any_scan_ever_ran_and_no_scheduler_started(client, clock):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["scheduler"] == {
        "ok": False,
        "status": "stale",
        "last_scan_at": None,
        "started_at": None,
        "stale": True,
    }


def test_healthz_says_starting_right_after_the_scheduler_started(client, clock, now):
    _start_scheduler()
    clock.move_to(now + timedelta(seconds=59))

    response = client.get("/healthz")

    assert response.status_code == 200
    report = response.json()
    assert report["ok"] is True
    assert report["checks"]["scheduler"] == {
        "ok": True,
        "status": "starting",
        "last_scan_at": None,
        "started_at": now.isoformat(),
        "stale": False,
    }


def test_the_grace_period_defaults_to_two_scan_intervals():
    from config import settings as config_settings

    assert (
        config_settings.SCHEDULER_START_GRACE_SECONDS == 2 * config_settings.REMINDER_SCAN_SECONDS
    )


def test_the_scheduler_is_starting_until_the_end_of_the_grace_period(client, clock, now, settings):
    settings.SCHEDULER_START_GRACE_SECONDS = 120
    _start_scheduler()

    clock.move_to(now + timedelta(minutes=2))
    assert client.get("/healthz").status_code == 200

    clock.move_to(now + timedelta(minutes=2) + SECOND)
    assert client.get("/healthz").status_code == 503


def test_healthz_is_503_when_a_started_scheduler_never_scans(client, clock, now, settings):
    _start_scheduler()

    clock.move_to(now + timedelta(seconds=settings.SCHEDULER_START_GRACE_SECONDS) + SECOND)
    response = client.get("/healthz")

    assert response.status_code == 503
    scheduler = response.json()["checks"]["scheduler"]
    assert scheduler["status"] == "stale"
    assert scheduler["last_scan_at"] is None
    assert scheduler["started_at"] == now.isoformat()


def test_a_restarted_scheduler_gets_the_grace_period_despite_an_old_scan(client, clock, now):
    _scan()
    restart = now + timedelta(hours=3)
    clock.move_to(restart)
    assert client.get("/healthz").status_code == 503

    _start_scheduler()
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["checks"]["scheduler"]["status"] == "starting"


def test_a_stale_scan_after_the_start_is_still_503(client, clock, now):
    _start_scheduler()
    clock.move_to(now + timedelta(minutes=1))
    _scan()

    clock.move_to(now + timedelta(minutes=1) + SCHEDULER_STALE_AFTER + SECOND)
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["scheduler"]["status"] == "stale"


def test_the_first_scan_after_the_start_makes_the_scheduler_ok(client, clock, now):
    _start_scheduler()
    clock.move_to(now + timedelta(minutes=1))
    _scan()

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["checks"]["scheduler"]["status"] == "ok"


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
    page = _dashboard(client, staff)
    assert BANNER in page
    assert STARTING_NOTE not in page


def test_staff_see_no_alarm_right_after_the_scheduler_started(client, clock, now):
    staff = UserFactory(is_staff=True)
    _start_scheduler()
    clock.move_to(now + timedelta(seconds=30))

    page = _dashboard(client, staff)

    assert BANNER not in page
    assert STARTING_NOTE in page


def test_staff_see_the_alarm_when_a_started_scheduler_never_scans(client, clock, now, settings):
    staff = UserFactory(is_staff=True)
    _start_scheduler()

    clock.move_to(now + timedelta(seconds=settings.SCHEDULER_START_GRACE_SECONDS) + SECOND)
    page = _dashboard(client, staff)

    assert BANNER in page
    assert STARTING_NOTE not in page


def test_staff_see_neither_note_once_the_scheduler_scans(client, clock, now):
    staff = UserFactory(is_staff=True)
    _start_scheduler()
    clock.move_to(now + timedelta(minutes=1))
    _scan()

    page = _dashboard(client, staff)

    assert BANNER not in page
    assert STARTING_NOTE not in page


def test_other_users_never_see_the_banner(client, clock, pm):
    staff = UserFactory(is_staff=True)
    # No scan ever ran: as stale as it gets.
    assert BANNER in _dashboard(client, staff)

    assert BANNER not in _dashboard(client, pm)


def test_other_users_never_see_the_starting_note(client, clock, pm):
    _start_scheduler()

    assert STARTING_NOTE not in _dashboard(client, pm)


@pytest.mark.django_db(transaction=True)
def test_beat_records_its_start_when_it_starts(clock, now):
    from celery.signals import beat_init

    beat_init.send(sender=None)

    start = Heartbeat.objects.get(name=SCHEDULER_START_HEARTBEAT)
    assert start.beat_at == now
    assert start.hostname


@pytest.mark.django_db(transaction=True)
def test_beat_starts_even_when_its_start_cannot_be_recorded(clock, monkeypatch):
    from celery.signals import beat_init

    def unreachable(**kwargs):
        raise ConnectionRefusedError("database down")

    monkeypatch.setattr("apps.core.services.heartbeat_record", unreachable)

    responses = beat_init.send(sender=None)

    assert all(not isinstance(result, Exception) for _receiver, result in responses)
    assert not Heartbeat.objects.filter(name=SCHEDULER_START_HEARTBEAT).exists()
