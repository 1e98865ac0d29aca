"""Snoozing update reminders from the incident page."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from apps.communications.models import LogEntry
from apps.incidents.services import incident_change_status
from apps.reminders.models import Snooze
from tests.factories import informed_incident

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


@pytest.fixture
def informed(project, pm, now):
    """The client heard from us an hour ago; updates every 48 h, so a snooze lasts 24 h at most."""
    return informed_incident(project=project, declared_by=pm, now=now - 2 * HOUR)


@pytest.fixture
def url(informed):
    return reverse("incident_snooze", args=[informed.pk])


def test_the_snooze_form_is_offered_once_there_is_an_update_deadline(informed, pm, login):
    html = login(pm).get(reverse("incident_detail", args=[informed.pk])).content.decode()

    assert reverse("incident_snooze", args=[informed.pk]) in html
    assert 'name="until"' in html


def test_no_snooze_form_before_the_first_contact(incident, pm, login):
    html = login(pm).get(reverse("incident_detail", args=[incident.pk])).content.decode()

    assert reverse("incident_snooze", args=[incident.pk]) not in html


def test_pm_snoozes_the_update_reminders_in_their_time_zone(informed, pm, login, url, now):
    pm.profile.time_zone = "Asia/Shanghai"
    pm.profile.save()

    response = login(pm).post(
        url, {"until": "2025-03-10T23:00", "reason": "Waiting for the load-test results."}
    )

    assert response.status_code == 302
    snooze = Snooze.objects.get(incident=informed)
    assert snooze.until == datetime(2025, 3, 10, 15, 0, tzinfo=UTC)
    assert snooze.due_at == informed.next_update_due_at
    assert snooze.created_by == pm
    page = login(pm).get(reverse("incident_detail", args=[informed.pk])).content.decode()
    assert "Update reminders are quiet until 10 Mar 2025, 23:00" in page
    assert "Reminders snoozed" in page
    assert "Waiting for the load-test results." in page
    assert LogEntry.objects.filter(incident=informed, channel="note").exists()


@pytest.mark.parametrize(
    ("until", "reason", "error"),
    [
        (
            "2025-03-12T09:00",
            "Too long.",
            "A snooze can last at most half the update cadence (24 h).",
        ),
        ("2025-03-10T08:00", "In the past.", "Choose a moment in the future."),
        ("tonight", "Garbage.", "Enter a date and a time, for example 2025-03-10 14:30."),
        ("", "No time.", "This field is required."),
        ("2025-03-10T12:00", "   ", "Say why the reminders can wait."),
        ("2025-03-10T12:00", "r" * 1001, "Keep the reason to 1000 characters."),
    ],
)
def test_a_bad_snooze_is_explained_on_the_form(informed, pm, login, url, now, until, reason, error):
    response = login(pm).post(url, {"until": until, "reason": reason})

    assert response.status_code == 400
    html = response.content.decode()
    assert error in html
    if reason.strip():
        assert reason in html
    assert not Snooze.objects.exists()


def test_the_same_deadline_cannot_be_snoozed_twice(informed, pm, login, url, now):
    client = login(pm)
    client.post(url, {"until": "2025-03-10T12:00", "reason": "First."})

    response = client.post(url, {"until": "2025-03-10T13:00", "reason": "Second."})

    assert response.status_code == 400
    assert "The reminders for this deadline were already snoozed once." in (
        response.content.decode()
    )
    assert Snooze.objects.count() == 1


def test_a_resolved_incident_has_nothing_to_snooze(informed, pm, login, url, now):
    incident_change_status(incident=informed, status="resolved", actor=informed.declared_by)

    response = login(pm).post(url, {"until": "2025-03-10T12:00", "reason": "Why not."})

    assert response.status_code == 400
    assert "There is no update deadline to snooze." in response.content.decode()


@pytest.mark.parametrize("who", ["viewer", "team_member"])
def test_only_pms_snooze(informed, login, url, request, who):
    user = request.getfixturevalue(who)

    response = login(user).post(url, {"until": "2025-03-10T12:00", "reason": "Quiet."})

    assert response.status_code == 403
    assert not Snooze.objects.exists()


def test_strangers_get_404_and_get_is_not_allowed(informed, stranger, pm, login, url):
    assert login(stranger).post(url, {"until": "2025-03-10T12:00", "reason": "x"}).status_code == (
        404
    )
    assert login(stranger).post(reverse("incident_snooze", args=[10**9])).status_code == 404
    assert login(pm).get(url).status_code == 405


def test_pmo_staff_may_snooze(informed, pmo, login, url, now):
    response = login(pmo).post(url, {"until": "2025-03-10T12:00", "reason": "Board meeting."})

    assert response.status_code == 302
    assert Snooze.objects.get().created_by == pmo
