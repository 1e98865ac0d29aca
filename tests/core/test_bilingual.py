"""A text the client reads is kept in English and in Chinese; a missing one falls back, marked."""

import pytest
from django.utils import translation

from apps.core.bilingual import (
    column,
    language_gaps,
    missing_languages,
    readings,
    split_languages,
    text_in,
)
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


# --- which texts lack which language, and what each reader gets ---------------------------


class _Reader:
    def __init__(self, name, language):
        self.name, self.language = name, language

    def __str__(self):
        return self.name


def test_the_gaps_name_each_language_and_the_texts_written_only_in_the_other():
    incident = _incident(
        title_en="Too slow",
        title_zh_hans="太慢",
        summary_en="40 s per route.",
        cause_zh_hans="索引错误。",
        apology_en="We are sorry.",
    )

    gaps = language_gaps(
        incident, ["title", "summary", "cause", "apology", "first_step"], ["zh-Hans", "en"]
    )

    assert gaps == {"en": ["cause"], "zh-hans": ["summary", "apology"]}


def test_only_the_languages_asked_for_are_gaps():
    incident = _incident(title_en="Too slow", cause_zh_hans="索引错误。")

    assert language_gaps(incident, ["title", "cause"], ["en"]) == {"en": ["cause"]}
    assert language_gaps(incident, ["title", "cause"], []) == {}


def test_a_text_written_in_neither_language_is_no_gap():
    assert language_gaps(
        _incident(title_en="Too slow"), ["title", "apology"], ["en", "zh-hans"]
    ) == {"zh-hans": ["title"]}


def test_the_gaps_of_a_forms_data_are_read_by_column():
    data = {"title_en": "Review", "title_zh_hans": "  ", "agenda_en": "", "agenda_zh_hans": "议程"}

    assert language_gaps(data, ["title", "agenda"], ["en", "zh-hans"]) == {
        "en": ["agenda"],
        "zh-hans": ["title"],
    }


def test_each_reader_gets_their_language_or_the_other_one_marked_as_a_fallback():
    update = {"body_en": "The new design is under review.", "body_zh_hans": ""}
    chen, helen = _Reader("Chen Jing", "en"), _Reader("Helen Zhang", "zh-hans")

    got = readings([chen, helen], update, ["body"])

    assert [(r.reader, r.wanted, r.language, r.is_fallback) for r in got] == [
        (chen, "en", "en", False),
        (helen, "zh-hans", "en", True),
    ]
    assert got.direct == [got[0]]
    assert got.fallbacks == [got[1]]
    assert (str(got[1].wanted_name), str(got[1].language_name)) == ("Chinese", "English")


def test_a_reading_names_the_missing_texts_by_the_labels_given():
    meeting = {"title_en": "Review", "title_zh_hans": "", "agenda_en": "", "agenda_zh_hans": ""}

    (reading,) = readings(
        [_Reader("Helen", "zh-Hans")],
        meeting,
        ["title", "agenda"],
        {
            "title": "title",
            "agenda": "agenda",
        },
    )

    assert reading.missing == ("title",)
    assert reading.missing_labels == ("title",)
