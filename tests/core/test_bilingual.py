"""A text the client reads is kept in English and in Chinese; a missing one falls back, marked."""

import pytest
from django.utils import translation

from apps.core.bilingual import column, missing_languages, split_languages, text_in
from apps.incidents.models import Incident


def _incident(**texts):
    return Incident(**texts)


def test_a_text_is_read_in_the_readers_language():
    incident = _incident(title_en="Dispatch too slow", title_zh_hans="调度太慢")

    assert text_in(incident, "title", "zh-hans").value == "调度太慢"
    assert text_in(incident, "title", "en").value == "Dispatch too slow"
    with translation.override("zh-hans"):
        assert incident.title == "调度太慢"


def test_a_missing_language_falls_back_to_the_other_and_says_so():
    incident = _incident(title_en="Dispatch too slow", title_zh_hans="  ")

    text = text_in(incident, "title", "zh-hans")

    assert (text.value, text.language, text.is_fallback) == ("Dispatch too slow", "en", True)
    assert not text_in(incident, "title", "en").is_fallback


def test_a_text_in_neither_language_is_missing_not_a_fallback():
    text = text_in(_incident(), "cause", "en")

    assert text.missing and not text.is_fallback


def test_the_languages_a_text_lacks_are_named_only_when_it_exists_in_another():
    incident = _incident(cause_en="A bad index.")

    assert missing_languages(incident, "cause", ["zh-hans", "en"]) == ["zh-hans"]
    assert missing_languages(incident, "apology", ["zh-hans"]) == []  # not written at all


def test_writing_the_reader_language_text_directly_is_refused():
    with pytest.raises(AttributeError, match="title_en or title_zh_hans"):
        _incident().title = "Ambiguous"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "调度引擎性能瓶颈 / Dispatch bottleneck",
            {"en": "Dispatch bottleneck", "zh-hans": "调度引擎性能瓶颈"},
        ),
        ("Dispatch bottleneck / 调度瓶颈", {"en": "Dispatch bottleneck", "zh-hans": "调度瓶颈"}),
        ("The route cost grows.", {"en": "The route cost grows.", "zh-hans": ""}),
        ("路径算法 2 秒", {"en": "", "zh-hans": "路径算法 2 秒"}),
        ("A / B", {"en": "A / B", "zh-hans": ""}),
        ("", {"en": "", "zh-hans": ""}),
    ],
)
def test_an_old_single_language_text_is_split_by_its_script(text, expected):
    assert split_languages(text) == expected


def test_the_columns_are_named_after_djangos_language_codes():
    assert column("title", "zh-hans") == "title_zh_hans"
    assert column("title", "zh-Hans") == "title_zh_hans"
    assert column("title", "en-gb") == "title_en"
