"""The retrospective's pages: who may read and write, and bad input answered in words."""

from datetime import timedelta

import pytest
from django.urls import reverse

from apps.actionplans.models import ActionItem, ActionItemKind
from apps.events.models import Event
from apps.incidents.models import IncidentStatus
from apps.retrospectives.models import Retrospective

pytestmark = pytest.mark.django_db


def _url(name, incident, *args):
    return reverse(name, args=[incident.pk, *args])


def test_the_team_reads_the_retrospective_and_a_stranger_gets_404(
    resolved, team_member, stranger, login
):
    page = login(team_member).get(_url("retrospective", resolved))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Timeline" in html and "Root causes" in html and "In figures" in html
    assert login(stranger).get(_url("retrospective", resolved)).status_code == 404


def test_an_open_incident_says_when_the_retrospective_comes(incident, pm, login):
    page = login(pm).get(_url("retrospective", incident))
    assert page.status_code == 200
    assert "once the incident is resolved" in page.content.decode()


def test_the_timeline_links_each_line_to_its_source(resolved, pm, login):
    page = login(pm).get(_url("retrospective", resolved)).content.decode()
    assert reverse("incident_history", args=[resolved.pk]) + "?event=" in page
    assert "Declared the incident" in page


def test_the_review_form_keeps_what_was_typed_when_refused(retrospective, team_member, login):
    client = login(team_member)
    answer = client.post(
        _url("retrospective_review", retrospective.incident),
        {"summary": "Dispatch did not scale.", "outcome": "exploded", "version": 1},
    )
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "Dispatch did not scale." in html
    assert "Choose how it ended from the list." in html
    answer = client.post(
        _url("retrospective_review", retrospective.incident),
        {"summary": "Dispatch did not scale.", "outcome": "delivered_late", "version": 1},
    )
    assert answer.status_code == 302
    assert Retrospective.objects.get(pk=retrospective.pk).outcome == "delivered_late"


def test_a_stale_review_form_shows_both_versions(retrospective, team_member, login):
    client = login(team_member)
    client.post(
        _url("retrospective_review", retrospective.incident), {"summary": "First", "version": 1}
    )
    answer = client.post(
        _url("retrospective_review", retrospective.incident), {"summary": "Second", "version": 1}
    )
    assert answer.status_code == 409
    assert "Second" in answer.content.decode()


def test_the_client_report_is_the_project_managers(retrospective, team_member, pm, login):
    url = _url("retrospective_report_edit", retrospective.incident)
    assert login(team_member).get(url).status_code == 403
    answer = login(pm).post(
        url, {"report_why_en": "We committed a date before testing at scale.", "version": 1}
    )
    assert answer.status_code == 302
    assert Retrospective.objects.get(pk=retrospective.pk).report_why_en.startswith("We committed")


def test_checking_the_report_wording_saves_nothing(retrospective, pm, login):
    answer = login(pm).post(
        _url("retrospective_report_edit", retrospective.incident),
        {"report_why_en": "It was not our fault, obviously.", "version": 1, "tone_check": "1"},
    )
    assert answer.status_code == 200
    assert Retrospective.objects.get(pk=retrospective.pk).report_why_en == ""


def test_root_cause_form_needs_a_statement_and_keeps_the_whys(retrospective, team_member, login):
    answer = login(team_member).post(
        _url("retrospective_cause_new", retrospective.incident),
        {"why_1": "Dispatch timed out at 3,000 trucks", "statement": ""},
    )
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "Dispatch timed out at 3,000 trucks" in html
    assert "Name the root cause." in html


def test_hiding_a_line_without_a_reason_is_refused(retrospective, team_member, login):
    event = Event.objects.get(incident=retrospective.incident, verb="incident.declared")
    url = _url("retrospective_note", retrospective.incident, event.pk)
    answer = login(team_member).post(url, {"text": "Noise", "hidden": "on"})
    assert answer.status_code == 400
    assert "Say why this line is hidden" in answer.content.decode()
    answer = login(team_member).post(
        url, {"text": "Noise", "hidden": "on", "hidden_reason": "Logged twice."}
    )
    assert answer.status_code == 302
    page = login(team_member).get(_url("retrospective", retrospective.incident))
    assert "Declared the incident" not in page.content.decode().split('id="timeline"')[1]
    page = login(team_member).get(_url("retrospective", retrospective.incident) + "?hidden=1")
    assert "Logged twice." in page.content.decode()


def test_an_event_of_another_incident_is_404(retrospective, team_member, login, pm, now):
    from tests.factories import IncidentFactory

    other = IncidentFactory(project=retrospective.incident.project, declared_by=pm, now=now)
    event = Event.objects.get(incident=other, verb="incident.declared")
    url = _url("retrospective_note", retrospective.incident, event.pk)
    assert login(team_member).get(url).status_code == 404


def test_an_improvement_without_owner_or_date_is_refused_in_words(
    retrospective, team_member, login, now
):
    url = _url("retrospective_improvement", retrospective.incident)
    answer = login(team_member).post(url, {"title_en": "Load tests at scale"})
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "Every improvement needs an owner." in html
    assert "Every improvement needs a due date." in html
    assert "Load tests at scale" in html
    due = (now + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")
    answer = login(team_member).post(
        url,
        {
            "kind": "remediation",
            "title_en": "Load tests at scale",
            "owner": team_member.pk,
            "due_at": due,
            "client_visible": "on",
        },
    )
    assert answer.status_code == 302
    assert ActionItem.objects.get().kind == ActionItemKind.PREVENTION


def test_closing_without_a_report_asks_for_the_reason(retrospective, pm, team_member, login):
    url = _url("retrospective_close", retrospective.incident)
    assert login(team_member).get(url).status_code == 403
    answer = login(pm).post(url, {"reason": ""})
    assert answer.status_code == 400
    assert "Say why the client gets no report." in answer.content.decode()
    answer = login(pm).post(url, {"reason": "The contract ended; the client declined a report."})
    assert answer.status_code == 302
    retrospective.incident.refresh_from_db()
    assert retrospective.incident.status == IncidentStatus.CLOSED


def test_the_incident_page_shows_the_retrospective_card(resolved, pm, login):
    page = login(pm).get(reverse("incident_detail", args=[resolved.pk])).content.decode()
    assert 'id="retrospective-card"' in page
    assert reverse("retrospective", args=[resolved.pk]) in page


def test_the_pages_speak_chinese(resolved, pm, login):
    page = login(pm, language="zh-hans").get(_url("retrospective", resolved)).content.decode()
    assert "复盘" in page
