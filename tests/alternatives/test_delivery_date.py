"""A decision can move the project's committed delivery date, agreed with the client.

The move is the projects app's change, made in the decision's transaction and
linked to it, so that the client reads "agreed with you on …" next to the date.
"""

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.alternatives.models import Decision
from apps.events.models import Event
from apps.projects.models import DeliveryDateChange
from apps.projects.selectors import delivery_summary
from apps.projects.services import project_change_delivery_date

pytestmark = pytest.mark.django_db

DEC_15 = date(2026, 12, 15)
JAN_14 = date(2027, 1, 14)


@pytest.fixture
def dated(informed, pm):
    """The incident, on a project committed to deliver on 15 December 2026."""
    project_change_delivery_date(
        project=informed.project, actor=pm, delivery_date=DEC_15, reason="Agreed at the kick-off."
    )
    informed.project.refresh_from_db()
    return informed


def _delivery_value(html: str) -> str:
    """The value the form's delivery date field was rendered with ("" for none)."""
    [tag] = re.findall(r'<input type="date" name="delivery_date"[^>]*>', html)
    found = re.search(r'value="([^"]*)"', tag)
    return found.group(1) if found else ""


# --- the service --------------------------------------------------------------------------


def test_deciding_with_a_new_date_moves_the_delivery_and_links_the_change(
    dated, propose, decide, pm, now
):
    extend = propose(dated, title_en="Extend 30 days", schedule_impact_days=30)

    decision = decide(dated, extend, delivery_date=JAN_14)

    dated.project.refresh_from_db()
    assert dated.project.delivery_date == JAN_14
    change = DeliveryDateChange.objects.get(new=JAN_14)
    assert decision.delivery_change == change
    assert (change.previous, change.changed_by, change.changed_at) == (DEC_15, pm, now)
    assert "Extend 30 days" in change.reason
    moved = Event.objects.get(verb="project.delivery_date_changed", object_id=change.pk)
    assert (moved.data["previous"], moved.data["new"]) == ("2026-12-15", "2027-01-14")
    recorded = Event.objects.get(verb="decision.recorded")
    assert recorded.data["delivery_change"]["id"] == change.pk


def test_the_client_reads_that_the_new_date_was_agreed_with_them(dated, propose, decide, now):
    decide(dated, propose(dated), delivery_date=JAN_14)

    summary = delivery_summary(dated.project)

    assert (summary.previous, summary.current) == (DEC_15, JAN_14)
    assert summary.agreed_on == now.date()


@pytest.mark.parametrize("delivery_date", [None, DEC_15])
def test_deciding_without_a_new_date_leaves_the_delivery_as_it_is(
    dated, propose, decide, delivery_date
):
    decision = decide(dated, propose(dated), delivery_date=delivery_date)

    dated.project.refresh_from_db()
    assert dated.project.delivery_date == DEC_15
    assert decision.delivery_change is None
    assert DeliveryDateChange.objects.count() == 1  # the kick-off's


def test_a_first_delivery_date_can_be_agreed_in_a_decision(informed, propose, decide):
    decision = decide(informed, propose(informed), delivery_date=JAN_14)

    informed.project.refresh_from_db()
    assert informed.project.delivery_date == JAN_14
    assert decision.delivery_change.previous is None


def test_a_refused_decision_moves_no_date(dated, propose, decide):
    with pytest.raises(ValidationError):
        decide(dated, propose(dated), delivery_date=JAN_14, client_agreed=[])

    dated.project.refresh_from_db()
    assert dated.project.delivery_date == DEC_15
    assert not Decision.objects.exists()
    assert DeliveryDateChange.objects.count() == 1


def test_a_later_decision_moves_the_date_again(dated, propose, decide):
    extend, phase = propose(dated), propose(dated)
    first = decide(dated, extend, delivery_date=JAN_14)

    second = decide(
        dated, phase, expected_current_decision_id=first.pk, delivery_date=date(2027, 2, 1)
    )

    dated.project.refresh_from_db()
    assert dated.project.delivery_date == date(2027, 2, 1)
    assert (second.delivery_change.previous, second.delivery_change.new) == (
        JAN_14,
        date(2027, 2, 1),
    )
    first.refresh_from_db()
    assert first.delivery_change.new == JAN_14


# --- the form -------------------------------------------------------------------------------


def test_the_form_suggests_the_date_the_chosen_alternative_leads_to(
    dated, propose, team_member, login
):
    propose(dated, schedule_impact_days=0)
    extend = propose(dated, title_en="Extend 30 days", schedule_impact_days=30)
    url = reverse("decision_record", args=[dated.pk])

    html = login(team_member).get(url, {"alternative": str(extend.pk)}).content.decode()

    assert _delivery_value(html) == "2027-01-14"
    assert re.search(rf'name="alternative" value="{extend.pk}"[^>]*checked', html)
    assert "Changes the project's committed delivery date, which the client sees." in html
    assert "Now: 15 Dec 2026." in html


def test_with_one_alternative_only_its_date_is_suggested(dated, propose, pm, login):
    propose(dated, schedule_impact_days=-5)

    html = login(pm).get(reverse("decision_record", args=[dated.pk])).content.decode()

    assert _delivery_value(html) == "2026-12-10"


@pytest.mark.parametrize("impacts", [(30, 0), (None,)], ids=["several, none chosen", "no impact"])
def test_no_date_is_suggested_without_one_alternative_with_an_impact(
    dated, propose, pm, login, impacts
):
    for days in impacts:
        propose(dated, schedule_impact_days=days)

    html = login(pm).get(reverse("decision_record", args=[dated.pk])).content.decode()

    assert _delivery_value(html) == ""


def test_no_date_is_suggested_for_a_project_without_one(informed, propose, pm, login):
    propose(informed, schedule_impact_days=30)

    html = login(pm).get(reverse("decision_record", args=[informed.pk])).content.decode()

    assert _delivery_value(html) == ""
    assert "Now:" not in html


def test_the_alternatives_offer_to_be_chosen(dated, propose, pm, login):
    extend = propose(dated)

    html = login(pm).get(reverse("incident_detail", args=[dated.pk])).content.decode()

    assert f"{reverse('decision_record', args=[dated.pk])}?alternative={extend.pk}" in html


def _post(client, incident, alternative, contact, user, **changes):
    data = {
        "alternative": str(alternative.pk),
        "decided_at": "2025-03-10T08:00",
        "meeting": "",
        "client_agreed": [str(contact.pk)],
        "team_agreed": [str(user.pk)],
        "rationale_en": "A month more for the whole scope.",
        "expected_current_decision": "",
        "send_anyway": "on",  # in English only, for a contact who reads Chinese
    } | changes
    return client.post(reverse("decision_record", args=[incident.pk]), data)


def test_a_decision_entered_with_a_new_date_moves_the_delivery(dated, propose, pm, contact, login):
    extend = propose(dated, schedule_impact_days=30)

    response = _post(login(pm), dated, extend, contact, pm, delivery_date="2027-01-14")

    assert response.status_code == 302
    dated.project.refresh_from_db()
    assert dated.project.delivery_date == JAN_14
    assert Decision.objects.get().delivery_change.new == JAN_14


def test_a_decision_entered_without_a_date_leaves_the_delivery(dated, propose, pm, contact, login):
    extend = propose(dated, schedule_impact_days=30)

    response = _post(login(pm), dated, extend, contact, pm, delivery_date="")

    assert response.status_code == 302
    dated.project.refresh_from_db()
    assert dated.project.delivery_date == DEC_15
    assert Decision.objects.get().delivery_change is None


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("next month", "Enter a date, for example 2025-03-10."),
        ("1999-12-31", "Enter a date between the years 2000 and 2100."),
    ],
)
def test_a_bad_date_is_explained_and_nothing_is_decided(
    dated, propose, pm, contact, login, value, error
):
    extend = propose(dated)

    response = _post(login(pm), dated, extend, contact, pm, delivery_date=value)

    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Decision.objects.exists()


def test_the_decision_shows_the_date_it_moved(dated, propose, decide, pm, login):
    decide(dated, propose(dated), delivery_date=JAN_14)

    html = login(pm).get(reverse("incident_detail", args=[dated.pk])).content.decode()

    decision = html[html.index('id="decision"') :][:3000]
    assert "moved from 15 Dec 2026 to 14 Jan 2027" in decision
