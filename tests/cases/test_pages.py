"""The /cases/ page: hits, highlighted snippets, filters that keep their values, bad input."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.cases.models import CaseEntry

pytestmark = pytest.mark.django_db
URL = reverse("case_library")


def test_the_library_needs_a_login(client, library):
    response = client.get(URL)
    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_search_shows_its_hits_with_what_was_chosen_and_how_it_ended(login, library):
    response = login(library.pmo).get(URL, {"q": "订单 接口"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="card mb-2 case-hit"') == 1
    assert reverse("incident_detail", args=[library.incidents["api-1"].pk]) in html
    assert "<mark>订单</mark>" in html or "<mark>接口</mark>" in html
    assert "Switch to asynchronous callbacks" in html
    assert "Extend the deadline" in html  # the kind of option chosen
    assert "Delivered late" in html  # how it ended
    assert "Retail platform" in html and "Huaxin" in html
    assert '<details class="case-filters">' in html  # no filter set: folded away


def test_the_page_speaks_chinese(login, library):
    response = login(library.pmo, language="zh-hans").get(URL, {"q": "接口"})
    html = response.content.decode()
    assert "<mark>接口</mark>" in html
    assert "改用异步回调" in html


def test_the_snippet_is_escaped_and_only_the_marks_are_markup(login, library):
    entry = CaseEntry.objects.get(incident=library.incidents["api-1"])
    CaseEntry.objects.filter(pk=entry.pk).update(
        text_en='<script>alert("x")</script> payment & <b>bold</b>'
    )
    html = login(library.pmo).get(URL, {"q": "payment orders"}).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html
    assert "<mark>payment</mark> &amp; &lt;b&gt;bold&lt;/b&gt;" in html


def test_the_filters_keep_their_values(login, library):
    p3 = library.projects["p3"].pk
    response = login(library.pmo).get(
        URL,
        {
            "q": "性能",
            "project": p3,
            "severity": "low",
            "cause_category": "technical",
            "closed_from": "2024-01-01",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="性能"' in html
    assert f'<option value="{p3}" selected>' in html
    assert '<option value="low" selected>' in html
    assert '<option value="technical" selected>' in html
    assert 'value="2024-01-01"' in html
    assert '<details class="case-filters" open>' in html  # what applies is in sight
    assert html.count('class="card mb-2 case-hit"') == 1  # perf-4


@pytest.mark.parametrize(
    ("params", "field_error"),
    [
        ({"severity": "apocalyptic"}, "Choose one of the values in the list."),
        ({"project": "abc"}, "Choose one of the values in the list."),
        ({"project": "999999"}, "Choose one of the values in the list."),
        ({"closed_from": "yesterday"}, "Enter a date"),
        ({"closed_from": "2024-05-01", "closed_to": "2024-04-01"}, "before its start"),
        ({"q": "x" * 201}, "under 200 characters"),
        ({"page": "-3"}, "Enter a page number."),
    ],
)
def test_bad_filters_are_a_400_with_the_reason_and_keep_what_was_typed(
    login, library, params, field_error
):
    response = login(library.pmo).get(URL, {"q": "接口", **params})
    assert response.status_code == 400
    html = response.content.decode()
    assert field_error in html
    assert "Some of the filters are not valid" in html
    if "q" not in params:
        assert 'value="接口"' in html


def test_a_project_the_user_cannot_see_is_not_a_filter_they_can_use(login, library):
    p3 = library.projects["p3"].pk
    response = login(library.pm).get(URL, {"project": p3})
    assert response.status_code == 400
    assert "Ledger" not in response.content.decode()


def test_results_are_paged_and_the_pages_keep_the_search(login, library):
    huaxin = library.clients["Huaxin"].pk  # thirty cases
    client = login(library.pmo)
    html = client.get(URL, {"client": huaxin}).content.decode()
    assert html.count('class="card mb-2 case-hit"') == 20
    assert "Page 1 of 2" in html
    assert f'href="?client={huaxin}&amp;page=2"' in html
    second = client.get(URL, {"client": huaxin, "page": 2}).content.decode()
    assert second.count('class="card mb-2 case-hit"') == 10
    assert f'href="?client={huaxin}&amp;page=1"' in second
    beyond = client.get(URL, {"client": huaxin, "page": 99})
    assert beyond.status_code == 200 and "Page 2 of 2" in beyond.content.decode()


def test_nothing_found_says_what_to_try(login, library):
    html = login(library.pmo).get(URL, {"q": "区块链"}).content.decode()
    assert "No closed case matches this search." in html
    assert "two characters are enough" in html


def test_the_main_navigation_links_the_library(login, library):
    html = login(library.pm).get(reverse("dashboard")).content.decode()
    assert f'href="{URL}"' in html


def test_the_page_takes_the_same_queries_for_one_hit_or_twenty(login, library):
    client = login(library.pmo)
    client.get(URL, {"q": "订单 接口"})  # the session and the user are warm now
    with CaptureQueriesContext(connection) as one:
        client.get(URL, {"q": "订单 接口"})
    with CaptureQueriesContext(connection) as twenty:
        client.get(URL, {"severity": "high"})
    assert len(one) == len(twenty)
