"""From the comparison, who may decide chooses an option; the one chosen is marked as such."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from apps.projects.models import ProjectRole
from tests.factories import close_incident, member
from tests.statuspage.support import make_link, page_url

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


def _compare(client, incident) -> tuple[str, str]:
    """The table and the phone's cards of the comparison page."""
    html = client.get(reverse("alternative_compare", args=[incident.pk])).content.decode()
    start = html.index('class="comparison-cards d-sm-none"')
    split = html.index('<div class="table-responsive', start)
    return html[split : html.index("</table>", split)], html[start:split]


def _choose_links(part: str, incident) -> list[str]:
    url = re.escape(reverse("decision_record", args=[incident.pk]))
    return re.findall(rf'href="{url}\?alternative=(\d+)"[^>]*>Choose this option', part)


@pytest.fixture
def options(informed, propose):
    return propose(informed, title_en="Extend 30 days"), propose(informed, title_en="Cut scope")


@pytest.mark.parametrize("role", [ProjectRole.PM, ProjectRole.MEMBER])
def test_who_may_decide_can_choose_each_option_in_the_table_and_the_cards(
    informed, options, project, login, role
):
    client = login(member(project, role))

    table, cards = _compare(client, informed)

    expected = [str(option.pk) for option in options]
    assert _choose_links(table, informed) == expected
    assert _choose_links(cards, informed) == expected


def test_choosing_leads_to_the_decision_form_with_the_option_ticked(informed, options, pm, login):
    client = login(pm)
    _table, cards = _compare(client, informed)
    chosen = options[1]
    assert str(chosen.pk) in _choose_links(cards, informed)

    form = client.get(
        reverse("decision_record", args=[informed.pk]), {"alternative": chosen.pk}
    ).content.decode()

    assert re.search(rf'name="alternative" value="{chosen.pk}"[^>]*checked', form)
    assert not re.search(rf'name="alternative" value="{options[0].pk}"[^>]*checked', form)


def test_a_viewer_compares_but_cannot_choose(informed, options, viewer, login):
    table, cards = _compare(login(viewer), informed)

    assert "Choose this option" not in table + cards


def test_a_closed_incident_offers_no_choice(informed, options, pm, login):
    close_incident(informed, actor=pm)

    table, cards = _compare(login(pm), informed)

    assert "Choose this option" not in table + cards


def test_the_chosen_option_is_marked_chosen_in_words_in_the_table_and_the_cards(
    informed, options, decide, pm, login
):
    extend, cut = options
    decide(informed, extend)

    table, cards = _compare(login(pm), informed)

    header = re.search(r"<thead>.*?</thead>", table, re.S).group(0)
    assert re.search(
        r'<th scope="col" class="chosen">Extend 30 days <span[^>]*>Chosen</span>', header
    )
    assert re.search(r'<th scope="col" class="rejected">Cut scope</th>', header)
    card = re.search(r'<article class="card mb-2 chosen">.*?</article>', cards, re.S).group(0)
    assert "Extend 30 days" in card and ">Chosen</span>" in card
    assert "Cut scope" not in card
    # The chosen one cannot be chosen again; the other can, by a new decision.
    assert _choose_links(table, informed) == [str(cut.pk)]
    assert _choose_links(cards, informed) == [str(cut.pk)]


def test_the_clients_comparison_has_no_choice_to_make(client, informed, options, decide):
    decide(informed, options[0])
    _link, token = make_link(informed)

    html = client.get(page_url(token), {"lang": "en"}).content.decode()

    assert "Chosen" in html
    assert "Choose this option" not in html
    assert reverse("decision_record", args=[informed.pk]) not in html
