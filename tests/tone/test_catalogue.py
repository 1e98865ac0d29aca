"""Anyone signed in reads every tone rule, by language and category, with its examples.

A PM lead checks what the tone check looks for without opening the rule files;
the filter and the search work as plain GET links, without JavaScript.
"""

import re

import pytest
from django.urls import reverse

from apps.tone.catalogue import catalogue, rule_count
from apps.tone.ruleset import rule_by_id, rules

pytestmark = pytest.mark.django_db

URL = reverse("tone_rule_catalogue")
RULE_ITEM = re.compile(r'<li class="tone-rule[^"]*" id="rule-([^"]+)"')


def _listed(response) -> list[str]:
    return RULE_ITEM.findall(response.content.decode())


def test_it_lists_every_rule_of_both_languages(stranger, login):
    response = login(stranger).get(URL)

    assert response.status_code == 200
    listed = _listed(response)
    assert len(listed) == len(rules("en")) + len(rules("zh-hans"))
    assert len(set(listed)) == len(listed)


def test_a_rule_shows_its_level_message_suggestion_and_examples(stranger, login):
    rule = rule_by_id("en.blame.not-our-fault")

    html = login(stranger).get(URL).content.decode()

    item = html.split(f'id="rule-{rule.id}"', 1)[1].split("</li>\n", 1)[0]
    assert f"<code>{rule.id}</code>" in item
    assert "Warning" in item
    assert rule.message in item
    assert "Say what happened and what you are doing" in item
    for sentence in (*rule.flag_examples, *rule.pass_examples):
        assert sentence.replace("'", "&#x27;") in item


def test_each_category_is_explained(stranger, login):
    html = login(stranger).get(URL).content.decode()

    assert "Blame and defensiveness" in html
    assert "Shifting blame or sounding defensive makes an upset client feel attacked" in html
    assert "Promises with no date" in html


def test_a_chinese_reader_sees_the_explanations_in_chinese(stranger, login):
    english = login(stranger).get(URL, {"lang": "en", "category": "blame"}).content.decode()
    chinese = login(stranger, language="zh-hans").get(URL, {"lang": "en", "category": "blame"})

    html = chinese.content.decode()
    rule = rule_by_id("en.blame.not-our-fault")
    assert rule.message in english and rule.message not in html
    assert rule.message_for("zh-hans") in html
    assert "推卸责任或语带防御" in html
    # The example sentences stay in the rule's own language.
    assert "The outage was not our fault." in html


def test_the_filter_by_language_and_category(stranger, login):
    client = login(stranger)

    chinese = _listed(client.get(URL, {"lang": "zh-hans"}))
    assert len(chinese) == len(rules("zh-hans"))
    assert all(rule_id.startswith("zh.") for rule_id in chinese)

    vague = _listed(client.get(URL, {"lang": "en", "category": "vague"}))
    assert vague == [r.id for r in rules("en") if r.category == "vague"]

    blame = _listed(client.get(URL, {"category": "blame"}))
    assert blame == [
        r.id for lang in ("en", "zh-hans") for r in rules(lang) if r.category == "blame"
    ]


def test_the_search_finds_words_in_examples_and_ids_ignoring_case(stranger, login):
    client = login(stranger)

    assert "en.vague.asap" in _listed(client.get(URL, {"q": "ASAP"}))
    assert _listed(client.get(URL, {"q": "zh.blame.not-our-responsibility"})) == [
        "zh.blame.not-our-responsibility"
    ]
    found = _listed(client.get(URL, {"q": "与我们无关"}))
    assert "zh.blame.not-our-responsibility" in found


def test_nothing_found_says_so(stranger, login):
    response = login(stranger).get(URL, {"q": "no rule says this 1234"})

    assert response.status_code == 200
    assert _listed(response) == []
    assert "No rule matches this filter." in response.content.decode()


def test_the_filter_is_kept_in_the_form(stranger, login):
    html = (
        login(stranger).get(URL, {"lang": "en", "category": "vague", "q": "soon"}).content.decode()
    )

    assert '<option value="en" selected>' in html
    assert '<option value="vague" selected>' in html
    assert 'value="soon"' in html


@pytest.mark.parametrize(
    "params, message",
    [
        ({"lang": "fr"}, "Choose English or Chinese."),
        ({"category": "rudeness"}, "There is no tone rule category with that name."),
        ({"q": "x" * 101}, "Search for at most 100 characters."),
    ],
)
def test_a_bad_filter_is_400_with_why_and_the_rest_still_applies(stranger, login, params, message):
    response = login(stranger).get(URL, params | {"lang": params.get("lang", "en")})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert _listed(response)


def test_what_is_searched_for_is_escaped(stranger, login):
    html = login(stranger).get(URL, {"q": '"><script>alert(1)</script>'}).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_it_needs_a_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_it_reads_only_what_every_page_reads(stranger, login, django_assert_max_num_queries):
    """The session, the user, their profile and their unread count: the rules are in memory."""
    client = login(stranger)
    with django_assert_max_num_queries(4):
        assert client.get(URL).status_code == 200


def test_the_project_page_links_to_its_tone_rules(project, viewer, login):
    html = login(viewer).get(reverse("project_detail", args=[project.pk])).content.decode()

    assert f'href="{reverse("project_tone_rules", args=[project.pk])}"' in html


# --- the catalogue as data ----------------------------------------------------------------


def test_the_sections_follow_the_reading_order_of_the_categories():
    sections = catalogue(ui_language="en", language="en")

    assert [s.category for s in sections] == [
        "emotional",
        "blame",
        "minimising",
        "vague",
        "overpromise",
        "passive",
        "missing",
    ]
    assert rule_count(sections) == len(rules("en"))


def test_a_switched_off_rule_is_marked():
    sections = catalogue(
        ui_language="en", category="blame", switched_off=frozenset({"en.blame.not-our-fault"})
    )

    marked = [e.rule.id for s in sections for e in s.entries if e.switched_off]
    assert marked == ["en.blame.not-our-fault"]
