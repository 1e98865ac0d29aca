"""On a phone the options are stacked, one card each, so that none hides beyond the edge."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_comparison_has_a_card_per_alternative_for_phones(informed, propose, pm, login):
    for title in ("Extend 30 days", "Launch on time", "Add four engineers"):
        propose(informed, title_en=title, risks_en=f"Risk of {title}.")

    html = login(pm).get(reverse("alternative_compare", args=[informed.pk])).content.decode()

    cards = html[html.index('class="comparison-cards d-sm-none"') :]
    cards = cards[: cards.index('<div class="table-responsive')]
    assert len(re.findall(r"<article class=\"card", cards)) == 3
    for title in ("Extend 30 days", "Launch on time", "Add four engineers"):
        assert title in cards and f"Risk of {title}." in cards
    # The table is for wider screens; both say the same.
    assert 'class="table-responsive comparison-wrap d-none d-sm-block"' in html
