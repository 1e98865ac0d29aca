"""Every shipped template reads calmly: the tone check finds nothing, raw or filled."""

import pytest

from apps.messagetemplates.kinds import KINDS, TONE_KINDS, all_defaults
from apps.messagetemplates.placeholders import PLACEHOLDERS, fill, unknown, used
from apps.messagetemplates.values import incident_values, sample_values
from apps.tone.engine import check
from apps.tone.languages import KINDS as TONE_CHECK_KINDS

SHIPPED = [(kind, language) for kind, language, _body in all_defaults()]


def _findings(text, language, kind):
    return [(f.rule, f.text) for f in check(text, language=language, kind=TONE_KINDS[kind])]


def test_six_kinds_are_shipped_in_both_languages():
    assert list(KINDS) == [
        "first_notice",
        "update",
        "alternatives",
        "decision",
        "resolution",
        "retrospective",
    ]
    assert len(SHIPPED) == 12


def test_each_kind_is_checked_as_the_message_it_is():
    for kind, tone_kind in TONE_KINDS.items():
        assert tone_kind in TONE_CHECK_KINDS
        if kind in TONE_CHECK_KINDS:
            assert tone_kind == kind
        else:
            assert tone_kind == "update"


@pytest.mark.parametrize(("kind", "language"), SHIPPED)
def test_a_shipped_template_uses_only_known_placeholders(kind, language):
    body = {(k, lang): b for k, lang, b in all_defaults()}[(kind, language)]
    assert unknown(body) == []
    assert "next_update" in used(body)
    assert "{{" not in body and "{%" not in body


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "language"), SHIPPED)
def test_a_shipped_template_filled_with_the_sample_passes_the_tone_check(
    kind, language, project, pm, now
):
    body = {(k, lang): b for k, lang, b in all_defaults()}[(kind, language)]
    values = sample_values(project, language, actor=pm)
    assert set(values) == set(PLACEHOLDERS)
    text = fill(body, values)
    assert used(text) == []
    assert _findings(text, language, kind) == []


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "language"), SHIPPED)
def test_a_shipped_template_filled_from_a_realistic_incident_passes_the_tone_check(
    kind, language, realistic, pm, now
):
    body = {(k, lang): b for k, lang, b in all_defaults()}[(kind, language)]
    text = fill(body, incident_values(realistic, language, actor=pm))
    if kind == "decision":
        # No decision yet: its prompt stands in the text, and is all that is missing.
        assert ("[the decision" if language == "en" else "【双方商定的方案") in text
    assert _findings(text, language, kind) == []
