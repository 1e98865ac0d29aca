"""Calm, professional client messages pass: at most 5 % of them may be flagged."""

from pathlib import Path

import pytest

from apps.tone.engine import check

CORPUS = Path(__file__).parent / "corpus"


def _sentences(name: str) -> list[str]:
    lines = (CORPUS / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip()]


@pytest.mark.parametrize(("language", "name"), [("en", "calm_en.txt"), ("zh-hans", "calm_zh.txt")])
def test_at_most_five_percent_of_calm_sentences_are_flagged(language, name):
    sentences = _sentences(name)
    flagged = {s: check(s, language=language) for s in sentences}
    flagged = {s: [(f.rule, f.text) for f in found] for s, found in flagged.items() if found}

    assert len(sentences) >= 100
    assert len(flagged) <= 0.05 * len(sentences), flagged


@pytest.mark.parametrize(("language", "name"), [("en", "calm_en.txt"), ("zh-hans", "calm_zh.txt")])
def test_the_calm_corpus_as_one_message_is_a_complete_update(language, name):
    """Read together, the sentences give an apology and a dated next update."""
    text = "\n".join(_sentences(name))

    found = check(text, language=language, kind="first_notice")

    assert not [f for f in found if f.category == "missing"]
