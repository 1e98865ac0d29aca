"""Every rule flags the sentences its file says it flags, and passes the close ones."""

import pytest

from apps.tone.engine import check
from apps.tone.languages import LANGUAGES
from apps.tone.ruleset import rules

CATEGORIES = {"emotional", "blame", "minimising", "vague", "overpromise", "passive", "missing"}


def _examples(which: str):
    for language in LANGUAGES:
        for rule in rules(language):
            sentences = rule.flag_examples if which == "flag" else rule.pass_examples
            for n, sentence in enumerate(sentences):
                yield pytest.param(rule, sentence, id=f"{rule.id}-{which}{n}")


@pytest.mark.parametrize(("rule", "sentence"), list(_examples("flag")))
def test_the_rule_flags_its_flag_examples(rule, sentence):
    found = check(sentence, language=rule.language, kind=rule.example_kind)

    assert rule.id in {f.rule for f in found}, [(f.rule, f.text) for f in found]


@pytest.mark.parametrize(("rule", "sentence"), list(_examples("pass")))
def test_the_rule_passes_its_close_examples(rule, sentence):
    found = check(sentence, language=rule.language, kind=rule.example_kind)

    assert rule.id not in {f.rule for f in found}, [(f.rule, f.text) for f in found]


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_has_at_least_150_rules_in_every_category(language):
    loaded = rules(language)

    assert len(loaded) >= 150
    assert {r.category for r in loaded} == CATEGORIES
    assert len({r.id for r in loaded}) == len(loaded)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_rule_has_two_flag_and_one_pass_example_and_says_why(language):
    for rule in rules(language):
        assert len(rule.flag_examples) >= 2, rule.id
        assert len(rule.pass_examples) >= 1, rule.id
        assert rule.message and rule.suggestion, rule.id
        assert {ui for ui, _m in rule.messages} == set(LANGUAGES), rule.id


def test_a_flag_example_for_a_missing_piece_needs_its_kind():
    for language in LANGUAGES:
        for rule in rules(language):
            if rule.category == "missing":
                assert rule.example_kind in rule.kinds or rule.kinds == (), rule.id
