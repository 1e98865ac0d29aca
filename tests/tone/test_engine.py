"""The tone check's findings: exact spans, negation, quotation, missing pieces."""

import pytest

from apps.tone.engine import check, segments
from apps.tone.ruleset import rule_by_id


def _rules(found):
    return [f.rule for f in found]


def test_a_span_is_exact_python_offsets_into_the_text():
    text = "We checked everything. Frankly, this is not our fault."

    [frankly, fault] = check(text, language="en")

    assert (frankly.rule, frankly.start, frankly.end) == ("en.emotional.frankly", 23, 30)
    assert (fault.rule, fault.start, fault.end) == ("en.blame.not-our-fault", 32, 53)
    assert text[fault.start : fault.end] == fault.text == "this is not our fault"


def test_spans_stay_exact_after_emoji():
    text = "🙂🚀 Release update 😀: this is not our fault."

    [found] = check(text, language="en")

    assert found.start == text.index("this is")
    assert text[found.start : found.end] == "this is not our fault"


def test_spans_stay_exact_in_mixed_chinese_and_english_text():
    text = "UAT 环境 🙂 可用，但这不是我们的责任，API 也正常。"

    [found] = check(text, language="zh-hans")

    assert found.rule == "zh.blame.not-our-responsibility"
    assert (found.start, found.end) == (text.index("不是"), text.index("，API"))
    assert text[found.start : found.end] == "不是我们的责任"


def test_an_emoji_itself_can_be_the_span():
    text = "导入又失败了😡，请查看"

    [found] = check(text, language="zh-hans")

    assert (found.rule, found.start, found.end, found.text) == (
        "zh.emotional.angry-emoji",
        6,
        7,
        "😡",
    )


def test_english_matching_ignores_case_and_knows_inflections():
    assert "en.blame.blame-you" in _rules(check("We BLAMED your team.", language="en"))
    assert "en.blame.blame-you" in _rules(check("Blaming your vendor helps no one.", language="en"))
    assert "en.blame.not-our-fault" in _rules(check("It’s not our fault.", language="en"))


def test_english_phrases_match_whole_words_only():
    assert check("The totality of the data is intact.", language="en") == []
    assert check("We will resend the invoices.", language="en") == []


def test_a_chinese_pattern_does_not_match_inside_another_word():
    assert check("保证金将在验收后退还。", language="zh-hans") == []
    assert _rules(check("我们保证周五交付。", language="zh-hans")) == ["zh.overpromise.guarantee"]


@pytest.mark.parametrize(
    "text",
    [
        "We will not blame your team.",
        "We don't want to say it's not our fault.",
        "We never said the problem is on your side.",
        "We cannot guarantee the date.",
    ],
)
def test_a_negator_before_the_pattern_cancels_it_in_english(text):
    assert check(text, language="en") == []


@pytest.mark.parametrize(
    "text", ["我们不会说这不是我们的责任。", "我们无法保证日期。", "我们不想怪你们。"]
)
def test_a_negator_before_the_pattern_cancels_it_in_chinese(text):
    assert check(text, language="zh-hans") == []


def test_a_pattern_that_starts_with_a_negator_is_still_found():
    """不是我们的责任 starts with 不; only a negator before the whole pattern counts."""
    assert _rules(check("这不是我们的责任。", language="zh-hans")) == [
        "zh.blame.not-our-responsibility"
    ]
    assert _rules(check("Not our fault.", language="en")) == ["en.blame.not-our-fault"]


def test_a_negator_in_an_earlier_clause_does_not_cancel():
    assert _rules(check("No, this is not our fault.", language="en")) == ["en.blame.not-our-fault"]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ('Your message said "this is not our fault, you should have known".', "en"),
        ("You wrote: “It is a complete disaster!!”", "en"),
        ("您在邮件中说「这是你们的问题」，我们理解您的不满。", "zh-hans"),
        ("客户原话是『你们早就说过会修好』。", "zh-hans"),
        ("您提到“这简直是一场灾难！！”，我们完全理解。", "zh-hans"),
    ],
)
def test_a_quoted_sentence_is_not_flagged(text, language):
    assert check(text, language=language) == []


def test_the_same_words_outside_the_quotation_are_flagged():
    text = 'You wrote "this is not our fault". This is not our fault.'

    [found] = check(text, language="en")

    assert found.start == text.rindex("This is")


def test_a_vague_promise_with_a_concrete_date_nearby_passes():
    assert check("We will fix it soon — by 5 January 18:00.", language="en") == []
    assert check("我们会尽快修复，最迟12月5日。", language="zh-hans") == []
    assert _rules(check("We will fix it soon.", language="en")) == ["en.vague.soon"]
    assert _rules(check("我们会尽快修复。", language="zh-hans")) == ["zh.vague.asap"]


def test_a_date_in_the_next_sentence_does_not_rescue_a_vague_promise():
    found = check("We will fix it soon. The meeting was on Monday.", language="en")

    assert _rules(found) == ["en.vague.soon"]


def test_a_first_notice_without_apology_or_next_update_gets_two_empty_span_findings():
    found = check("The release will not go live on Friday.", language="en", kind="first_notice")

    assert _rules(found) == ["en.missing.apology", "en.missing.next-update"]
    assert all((f.start, f.end, f.text) == (0, 0, "") for f in found)
    assert all(f.is_missing_piece for f in found)


def test_a_first_notice_with_apology_and_a_dated_next_update_is_complete():
    text = "We are sorry: the release will not go live. Our next update is on Thursday at 12:00."

    assert check(text, language="en", kind="first_notice") == []


def test_an_update_that_promises_a_next_update_without_a_time_is_missing_it():
    found = check("Tests are 60 % done. We will send another update.", language="en", kind="update")

    assert _rules(found) == ["en.missing.next-update"]


def test_an_update_does_not_need_an_apology():
    text = "测试已完成60%。我们将于周二12:00前向您发送下一次更新。"

    assert check(text, language="zh-hans", kind="update") == []


def test_a_chinese_first_notice_without_apology():
    found = check(
        "原定周五的上线无法进行。下一次更新将在今天下午3点发出。",
        language="zh-hans",
        kind="first_notice",
    )

    assert _rules(found) == ["zh.missing.apology"]


@pytest.mark.parametrize("kind", [None, "decision", "retrospective", "log_entry"])
def test_kinds_without_required_pieces_never_report_missing_ones(kind):
    assert check("The export was rewritten.", language="en", kind=kind) == []


def test_an_apology_message_needs_an_apology():
    found = check("The export was rewritten.", language="en", kind="apology")

    assert _rules(found) == ["en.missing.apology"]


def test_a_disabled_rule_reports_nothing():
    text = "This is not our fault."

    assert check(text, language="en", disabled_rules=frozenset({"en.blame.not-our-fault"})) == []


def test_shouting_needs_two_shouted_words_or_a_long_one_and_skips_acronyms():
    assert _rules(check("This is NOT OK.", language="en")) == []
    assert _rules(check("This is NOT ACCEPTABLE.", language="en")) == ["en.emotional.shouting"]
    assert _rules(check("URGENT: please call.", language="en")) == ["en.emotional.shouting"]
    assert check("The UAT and SLA PDF are attached.", language="en") == []


def test_one_finding_per_stretch_of_a_category():
    found = check("It was just a small glitch.", language="en")

    assert [(f.rule, f.text) for f in found] == [
        ("en.minimising.small-glitch", "just a small glitch")
    ]


def test_language_aliases_and_bad_values():
    assert _rules(check("这不是我们的责任。", language="zh_Hans")) == _rules(
        check("这不是我们的责任。", language="zh-CN")
    )
    with pytest.raises(ValueError, match="unknown language"):
        check("text", language="fr")
    with pytest.raises(ValueError, match="unknown kind"):
        check("text", language="en", kind="memo")


def test_empty_text_has_no_findings_even_for_a_first_notice():
    assert check("", language="en", kind="first_notice") == []
    assert check("  \n", language="zh-hans", kind="first_notice") == []


def test_the_explanation_is_available_in_the_pm_interface_language():
    [found] = check("这不是我们的责任。", language="zh-hans")

    assert found.message_for("zh-hans") == found.message
    assert found.message_for("en").startswith("Denying responsibility")
    assert rule_by_id(found.rule).message_for("en") == found.message_for("en")


def test_segments_cut_the_text_around_findings_for_highlighting():
    text = "OK. This is not our fault. Thanks."
    found = check(text, language="en")

    pieces = segments(text, found)

    assert "".join(p for p, _f in pieces) == text
    assert [(p, [f.rule for f in fs]) for p, fs in pieces if fs] == [
        ("This is not our fault", ["en.blame.not-our-fault"])
    ]
