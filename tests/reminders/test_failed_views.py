"""The incident page shows a reminder that could not be delivered; a PM sends it again."""

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.events.models import Event
from apps.notifications.models import Notification
from apps.projects.models import ProjectRole
from apps.reminders.models import Reminder, ReminderStatus
from tests.factories import IncidentFactory, member

from .support import HOUR, BrokenDelivery, until_given_up

pytestmark = pytest.mark.django_db

NOTICE = (
    "The reminder 'First contact due in 12 hours' could not be delivered: "
    "RuntimeError: template broke"
)


@pytest.fixture
def given_up(beat, incident, monkeypatch):
    """The 12-hour reminder to the PM, given up; ``given_up.repair()`` mends delivery."""
    delivery = BrokenDelivery(monkeypatch)
    moment = incident.first_contact_due_at - 12 * HOUR
    beat.scan(at=moment)
    until_given_up(beat, moment)
    delivery.reminder = Reminder.objects.get(status=ReminderStatus.FAILED)
    return delivery


def _page(client, incident) -> str:
    response = client.get(reverse("incident_detail", args=[incident.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _retry_url(reminder) -> str:
    return reverse("reminder_retry", args=[reminder.incident_id, reminder.pk])


def test_a_pm_sees_it_sends_it_again_and_it_is_delivered(beat, incident, pm, given_up, login):
    reminder = given_up.reminder
    client = login(pm)
    [told] = Notification.objects.filter(key__startswith="reminder-failed:")
    assert told.user == pm

    html = _page(client, incident)
    assert NOTICE in html
    assert "It was for" in html
    assert _retry_url(reminder) in html

    given_up.repair()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(_retry_url(reminder))
    assert response.status_code == 302
    assert response["Location"].endswith(f"{incident.get_absolute_url()}#failed-reminders")
    html = _page(client, incident)
    assert "The reminder will be delivered again." in html
    assert NOTICE not in html

    beat.work()

    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.DELIVERED
    assert Notification.objects.filter(key=f"reminder:{reminder.pk}", user=pm).exists()
    assert "could not be delivered" not in _page(client, incident)
    assert Event.objects.get(verb="reminder.retried").actor == pm


def test_only_the_pms_may_send_it_again(
    incident, pm, given_up, login, team_member, viewer, stranger
):
    url = _retry_url(given_up.reminder)

    html = _page(login(viewer), incident)
    assert NOTICE in html  # the whole team may know
    assert url not in html
    assert url not in _page(login(team_member), incident)
    assert login(team_member).post(url).status_code == 403
    assert login(viewer).post(url).status_code == 403
    assert login(stranger).post(url).status_code == 404
    assert login(pm).get(url).status_code == 405

    given_up.reminder.refresh_from_db()
    assert given_up.reminder.status == ReminderStatus.FAILED
    assert not Event.objects.filter(verb="reminder.retried").exists()


def test_bad_ids_are_refused_without_an_error(incident, pm, given_up, login, project, now):
    client = login(pm)
    reminder = given_up.reminder
    other = IncidentFactory(project=project, declared_by=pm, now=now)

    assert client.post(reverse("reminder_retry", args=[incident.pk, 999999])).status_code == 404
    assert client.post(reverse("reminder_retry", args=[other.pk, reminder.pk])).status_code == 404
    assert client.post(f"/incidents/{incident.pk}/reminders/x/retry/").status_code == 404
    assert (
        client.post(f"/incidents/{incident.pk}/reminders/{reminder.pk}/retry/").status_code == 302
    )
    again = client.post(_retry_url(reminder), follow=True)  # sent again already

    assert again.status_code == 200
    assert "That reminder is no longer waiting to be sent again." in again.content.decode()
    assert Event.objects.filter(verb="reminder.retried").count() == 1


def test_the_incident_page_reads_as_much_for_many_failed_reminders_as_for_one(
    beat, incident, project, pm, login, monkeypatch
):
    BrokenDelivery(monkeypatch)
    moment = incident.first_contact_due_at - 12 * HOUR
    beat.scan(at=moment)
    moment = until_given_up(beat, moment)
    client = login(pm)
    _page(client, incident)  # sessions and caches warmed
    with CaptureQueriesContext(connection) as one:
        assert _page(client, incident).count("could not be delivered") == 1

    for _ in range(3):
        member(project, ProjectRole.PM)
    beat.scan(at=incident.first_contact_due_at)  # the breach: four PMs and the PMO lead
    until_given_up(beat, incident.first_contact_due_at)
    with CaptureQueriesContext(connection) as many:
        assert _page(client, incident).count("could not be delivered") == 6

    assert len(many) == len(one)
