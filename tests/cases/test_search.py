"""The case library's search over the corpus: Chinese, English, mixed, filters, access.

Every test runs on whichever database the suite runs on (SQLite by default,
PostgreSQL with DATABASE_URL); both must give exactly the hits of
``corpus.EXPECTED``, so both agree.
"""

import re

import pytest
from django.db import connection

from apps.cases.models import CaseEntry
from apps.cases.segment import CJK
from apps.cases.selectors import CaseFilters, case_search
from apps.cases.services import case_index

from .corpus import CASES, EXPECTED, FILTERED, KEYS

pytestmark = pytest.mark.django_db


def hits(library, q, user=None, **filters):
    """Every hit of the search (all its pages)."""
    result = case_search(user or library.pmo, q, CaseFilters(**library.filters(filters)), page=1)
    return library.keys(result.page.paginator.object_list)


def test_the_corpus_has_fifty_bilingual_cases(library):
    assert len(KEYS) == 50 == CaseEntry.objects.count()
    both = [c for c in CASES if c.texts.get("title_en") and c.texts.get("title_zh_hans")]
    assert len(both) >= 30


def test_each_query_finds_exactly_its_expected_cases(library):
    """Every query of the corpus, on the backend the suite runs on (named if it fails)."""
    wrong = {q: sorted(hits(library, q) ^ want) for q, want in EXPECTED.items()}
    wrong = {q: diff for q, diff in wrong.items() if diff}
    assert wrong == {}, f"{connection.vendor}: {wrong}"


def _chinese_substrings(text: str, sizes=(2, 3, 5)):
    for run in re.findall(rf"[{CJK}]+", text):
        for size in sizes:
            for start in range(0, max(0, len(run) - size + 1)):
                yield run[start : start + size]


def test_every_chinese_substring_of_two_characters_or_more_finds_its_case(library):
    """The guarantee: any Chinese substring of an indexed text finds the case (AND of pairs).

    Each distinct substring (of two, three and five characters) is searched once,
    and must find every case whose texts hold it.
    """
    holders: dict[str, set[str]] = {}
    for case in CASES:
        for name, text in case.texts.items():
            if not name.endswith("_en"):
                for piece in _chinese_substrings(text):
                    holders.setdefault(piece, set()).add(case.key)
    assert len(holders) > 500
    missing = {piece: keys - hits(library, piece) for piece, keys in holders.items()}
    assert {piece: keys for piece, keys in missing.items() if keys} == {}


def test_a_mixed_query_needs_both_its_languages(library):
    assert hits(library, "API 订单") == {"api-1"}
    assert hits(library, "订单API") == {"api-1"}
    assert hits(library, "API 区块链") == set()


def test_filters_combine_with_each_other_and_the_query(library):
    wrong = [
        (filters, q, sorted(hits(library, q, **filters) ^ want))
        for filters, q, want in FILTERED
        if hits(library, q, **filters) != want
    ]
    assert wrong == []


def test_a_user_sees_only_the_cases_of_their_projects(library):
    assert hits(library, "", user=library.pm) == {key for key in KEYS if key.endswith(("-1", "-2"))}
    assert hits(library, "接口", user=library.member) == {"api-4", "api-5"}
    assert hits(library, "", user=library.pmo) == set(KEYS)


def test_a_stranger_sees_no_case(library, django_user_model):
    stranger = django_user_model.objects.create(username="nobody")
    assert hits(library, "", user=stranger) == set()


def test_the_case_that_says_it_most_comes_first(library):
    """订单 is in every orders case once or twice; the one whose cause is about 订单 too wins."""
    incident = library.incidents["vendor-1"]
    type(incident).objects.filter(pk=incident.pk).update(
        cause_zh_hans="订单量暴增，订单系统的订单扫描枪不够。"
    )
    case_index(incident=incident)
    result = case_search(library.pmo, "订单", page=1)
    assert library.key_of(result.hits[0].incident_id) == "vendor-1"
    assert len(result.hits) == 10


def test_results_come_twenty_a_page(library):
    page1 = case_search(library.pmo, "", page=1)
    page3 = case_search(library.pmo, "", page=3)
    assert len(page1.hits) == 20 and len(page3.hits) == 10
    assert page1.page.paginator.count == 50
    # The latest closed first.
    assert library.key_of(page1.hits[0].incident_id) == "security-5"


def test_a_search_takes_two_queries_whatever_the_number_of_hits(library, django_assert_num_queries):
    for q in ("接口", "helpdesk", "复盘 客服", ""):
        with django_assert_num_queries(2):
            result = case_search(library.member, q, CaseFilters(severity="high"), page=1)
            [(hit.project.name, hit.client.name, hit.incident_id) for hit in result.hits]


def test_the_snippet_marks_the_match_and_escapes_the_text(library):
    result = case_search(library.pmo, "供应商 vendor", page=1)
    snippet = str(result.hits[0].snippet)
    assert "<mark>" in snippet
    assert "供应商" in snippet or "vendor" in snippet.lower()
