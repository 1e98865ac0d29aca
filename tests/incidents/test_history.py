"""The incident's History: who changed what and when, for the project's members only."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.communications import services as communications
from apps.events.models import Event
from apps.incidents import services as incidents
from apps.incidents.models import IncidentSeverity
from apps.reminders import services as reminders
from tests.factories import UserFactory, informed_incident
from tests.helpers import SCRIPT

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


def _url(incident, **query):
    url = reverse("incident_history", args=[incident.pk])
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


@pytest.fixture
def edited(incident, pm, now):
    """The PM filled in the cause and the cost, and raised the severity."""
    incidents.incident_update_disclosure(
        incident=incident,
        actor=pm,
        cause_en="The routing algorithm does not scale.",
        impact_cost=Decimal("180000"),
        severity=IncidentSeverity.CRITICAL,
        now=now + HOUR,
    )
    return incident


def test_the_history_answers_who_changed_the_cause_and_from_what(edited, pm, login):
    response = login(pm).get(_url(edited))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Changed the disclosure" in html
    assert "Declared the incident" in html
    assert pm.get_full_name() in html
    assert "The routing algorithm does not scale." in html
    assert "CN¥180,000.00" in html  # an amount in its currency, grouped
    assert "<del>High</del>" in html and "<ins>Critical</ins>" in html  # choices by label
    assert html.index("Changed the disclosure") < html.index(
        "Declared the incident"
    )  # newest first


def test_a_viewer_reads_the_history_too(edited, viewer, login):
    assert login(viewer).get(_url(edited)).status_code == 200


def test_pmo_staff_read_every_incidents_history(edited, pmo, login):
    assert login(pmo).get(_url(edited)).status_code == 200


def test_someone_outside_the_project_learns_nothing(edited, stranger, login):
    assert login(stranger).get(_url(edited)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(edited, client):
    response = client.get(_url(edited))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_history_speaks_the_readers_language_and_time_zone(edited, pm, login):
    pm.profile.time_zone = "Asia/Shanghai"
    pm.profile.save()

    html = login(pm, language="zh-hans").get(_url(edited)).content.decode()

    assert "修改了情况说明" in html
    assert "<del>高</del>" in html
    # Declared at 09:00 UTC, which is 17:00 in Shanghai.
    assert "17:00" in html


def test_the_system_is_named_as_the_actor_of_what_the_scan_found(incident, pm, login):
    reminders.reminders_scan(now=incident.first_contact_due_at + HOUR)

    html = login(pm).get(_url(incident, actor="system")).content.decode()

    assert "The first-contact deadline passed without contact" in html
    assert "Candor (system)" in html
    assert "Declared the incident" not in html


def test_filtering_by_kind_person_and_days(edited, pm, team_member, login, now):
    communications.log_contact(
        incident=edited,
        actor=team_member,
        channel="call",
        occurred_at=now + 2 * HOUR,
        summary_en="Called the CIO.",
        now=now + 2 * HOUR,
    )
    client = login(pm)

    by_kind = client.get(_url(edited, group="communication")).content.decode()
    assert "Logged a contact or a note" in by_kind
    assert "Changed the disclosure" not in by_kind

    by_person = client.get(_url(edited, actor=team_member.pk)).content.decode()
    assert "Logged a contact or a note" in by_person
    assert "Declared the incident" not in by_person

    day = now.date()
    the_day = client.get(_url(edited, since=day, until=day)).content.decode()
    assert "Declared the incident" in the_day
    later = client.get(_url(edited, since=day + timedelta(days=1))).content.decode()
    assert "No change matches these filters." in later


def test_a_bad_filter_is_explained_and_what_was_typed_is_kept(edited, pm, login):
    response = login(pm).get(_url(edited, since="2025-13-45", until="yesterday", actor=99999))

    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a date, for example 2025-03-10." in html
    assert "Choose someone from the list." in html
    assert 'value="2025-13-45"' in html
    assert "Declared the incident" in html  # the whole history, unfiltered


def test_dates_in_the_wrong_order_are_refused(edited, pm, login, now):
    day = now.date()

    response = login(pm).get(_url(edited, since=day, until=day - timedelta(days=3)))

    assert response.status_code == 400
    assert "The end comes before the start: swap the dates." in response.content.decode()


def test_what_was_typed_is_shown_as_text_never_run(incident, pm, login):
    incidents.incident_update_disclosure(incident=incident, actor=pm, cause_en=SCRIPT)

    html = login(pm).get(_url(incident)).content.decode()

    assert SCRIPT not in html
    assert "&lt;script&gt;" in html


def test_the_history_costs_the_same_queries_for_3_or_90_events(pm, project, login, now):
    def queries_for(count):
        incident = informed_incident(project=project, declared_by=pm, now=now)
        for i in range(count):
            incidents.incident_update_disclosure(
                incident=incident, actor=pm, cause_en=f"Cause {i}", now=now + i * HOUR
            )
        client = login(pm)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_url(incident)).status_code == 200
        return len(captured)

    assert queries_for(1) == queries_for(88)


def test_a_long_history_is_paged_newest_first(incident, pm, login, now):
    for i in range(60):
        incidents.incident_update_disclosure(
            incident=incident, actor=pm, current_state_en=f"State {i}", now=now + i * HOUR
        )
    client = login(pm)

    first = client.get(_url(incident)).content.decode()
    second = client.get(_url(incident, page=2)).content.decode()

    assert "State 59" in first and "State 59" not in second
    assert "Declared the incident" in second
    assert "Page 2 of 2" in second
    assert Event.objects.filter(incident=incident).count() == 61


def test_the_incident_page_links_to_its_history(incident, viewer, login):
    html = login(viewer).get(reverse("incident_detail", args=[incident.pk])).content.decode()

    assert _url(incident) in html


def test_a_person_who_left_the_team_stays_named_in_the_history(incident, login, pm, now):
    former = UserFactory(first_name="Jun", last_name="Wang")
    communications.log_note(incident=incident, actor=former, summary="x", now=now)
    incidents.incident_set_cadence(incident=incident, actor=former, cadence=24 * HOUR)

    html = login(pm).get(_url(incident)).content.decode()

    assert "Jun Wang" in html
