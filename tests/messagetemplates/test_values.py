"""Filling a template from an incident: its facts in, the gaps shown as prompts to write."""

from datetime import UTC, datetime

import pytest

from apps.incidents import services as incidents
from apps.messagetemplates.kinds import default_body
from apps.messagetemplates.placeholders import PLACEHOLDERS, fill
from apps.messagetemplates.values import format_day, format_moment, incident_values
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db


def test_filling_puts_in_the_facts_of_the_incident_in_english(realistic, pm):
    values = incident_values(realistic, "en", actor=pm)
    assert values["cause"] == "The routing algorithm recalculates every route on each change."
    assert values["current_state"] == "About 85% of the features are complete and tested."
    assert values["impact"] == (
        "- Schedule: 21 days later than planned\n"
        "- Cost impact: CN¥40,000.00\n"
        "- Scope affected: Real-time dispatch for the full fleet."
    )
    # Published now (Monday 10 March 2025, 09:00 UTC), the next one is due 48 h later.
    assert values["next_update"] == "Wednesday 12 March 2025, 17:00 China Standard Time (UTC+8)"
    assert values["delivery_date"] == "Tuesday 15 April 2025"
    assert values["options"] == (
        "- **Partitioned dispatch**: Split the fleet by region. Schedule: 21 days later; "
        "cost: CN¥40,000.00.\n"
        "- **Reduced scope**: Launch without real-time dispatch. Schedule: no change."
    )
    assert values["actions"] == "- Prototype partitioned dispatch — by Thursday 13 March 2025"
    assert values["client"] == "Northwind Logistics"
    assert values["pm_name"] == pm.get_full_name()


def test_filling_puts_in_the_facts_of_the_incident_in_chinese(realistic, pm):
    values = incident_values(realistic, "zh-hans", actor=pm)
    assert values["cause"] == "路径算法在每次变化时都会重新计算全部路线。"
    assert values["current_state"] == "约85%的功能已完成并通过测试。"
    assert values["impact"] == (
        "- 进度：比原计划推迟21天\n- 成本影响：¥40,000.00\n- 受影响的范围：全车队的实时调度。"
    )
    assert values["next_update"] == "2025年3月12日（周三）17:00（北京时间）"
    assert values["delivery_date"] == "2025年4月15日（周二）"
    assert values["options"].startswith(
        "- **分区调度**：按区域拆分车队。进度：推迟21天；成本：¥40,000.00"
    )
    assert "- **缩减范围**：先上线不含实时调度的版本。进度：不变" in values["options"]


def test_the_filled_update_template_carries_every_fact(realistic, pm):
    text = fill(default_body("update", "en"), incident_values(realistic, "en", actor=pm))
    for fact in (
        "About 85% of the features",
        "21 days later than planned",
        "CN¥40,000.00",
        "Wednesday 12 March 2025, 17:00 China Standard Time (UTC+8)",
        "Tuesday 15 April 2025",
        "Prototype partitioned dispatch",
    ):
        assert fact in text
    assert "{" not in text


def test_the_alternatives_template_lists_the_open_options(realistic, pm):
    text = fill(
        default_body("alternatives", "zh-hans"), incident_values(realistic, "zh-hans", actor=pm)
    )
    assert "分区调度" in text and "缩减范围" in text


def test_missing_values_become_prompts_in_the_templates_language(project, pm, now):
    incident = IncidentFactory(project=project, declared_by=pm, now=now)
    en = incident_values(incident, "en", actor=pm)
    zh = incident_values(incident, "zh-hans", actor=pm)
    assert en["cause"] == "[the cause — not recorded yet]"
    assert zh["cause"] == "【原因——尚未记录】"
    assert en["impact"] == "[the impact on schedule, cost and scope — not recorded yet]"
    assert zh["options"] == "【备选方案——尚未记录】"
    assert en["decision"] == "[the decision — not recorded yet]"
    assert zh["delivery_date"] == "【承诺的交付日期——尚未记录】"
    assert en["apology"] == "[the apology — not recorded yet]"
    assert set(en) == set(zh) == set(PLACEHOLDERS)


def test_a_text_written_only_in_the_other_language_says_so(project, pm, now):
    incident = IncidentFactory(project=project, declared_by=pm, now=now, cause="Too slow.")
    assert incident_values(incident, "zh-hans", actor=pm)["cause"] == "【原因——尚未用中文填写】"
    assert incident_values(incident, "en", actor=pm)["cause"] == "Too slow."


def test_a_resolved_incident_has_no_next_update_time(realistic, pm, now):
    incidents.incident_record_first_contact(incident=realistic, at=now, now=now, actor=pm)
    resolved = incidents.incident_resolve(
        incident=realistic, actor=pm, reason="The fix is live.", now=now
    )
    assert incident_values(resolved, "en", actor=pm)["next_update"] == (
        "[the next update time — not recorded yet]"
    )


def test_dates_name_the_weekday_and_the_zone_in_both_languages():
    moment = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
    assert format_moment(moment, "en", "Asia/Shanghai") == (
        "Friday 4 December 2026, 17:00 China Standard Time (UTC+8)"
    )
    assert (
        format_moment(moment, "zh-hans", "Asia/Shanghai")
        == "2026年12月4日（周五）17:00（北京时间）"
    )
    assert format_moment(moment, "en", "America/New_York") == (
        "Friday 4 December 2026, 04:00 Eastern Standard Time (UTC−5)"
    )
    assert format_moment(moment, "zh-hans", "UTC") == "2026年12月4日（周五）09:00（UTC）"
    assert format_day(moment.date(), "zh-hans") == "2026年12月4日（周五）"
