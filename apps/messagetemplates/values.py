"""The values of the placeholders, read from an incident, in the language of the template.

Each value is written in the template's language, whatever the PM's interface
language is. A value the incident does not have yet becomes a bracketed prompt
in that language ("[the cause — not recorded yet]"), so that the PM sees what
is left to write; one written only in the other language says so.

Dates are written so that nobody has to guess: the weekday, the day, the month
in words, the year, a 24-hour time and the time zone by name with its offset
("Friday 4 December 2026, 17:00 China Standard Time (UTC+8)",
"2026年12月4日（周五）17:00（北京时间）").
"""

import zoneinfo
from collections import Counter
from datetime import date, datetime, timedelta

from babel.dates import format_date, format_datetime, get_timezone_name
from django.utils import timezone

from apps.actionplans.models import ActionItemKind, ActionItemStatus
from apps.actionplans.selectors import plans_for
from apps.alternatives.models import AlternativeStatus
from apps.alternatives.selectors import incident_alternatives, incident_decisions
from apps.core.bilingual import column, normalise, other
from apps.core.money import LOCALES, format_money
from apps.events.services import display_name
from apps.projects.selectors import delivery_summary

from .placeholders import PLACEHOLDERS

ZH = "zh-hans"

#: What each missing value is called in a prompt, in each language.
NAMES = {
    "client": ("the client's name", "客户名称"),
    "project": ("the project's name", "项目名称"),
    "incident_title": ("the incident's title", "问题标题"),
    "summary": ("what happened", "事情经过"),
    "cause": ("the cause", "原因"),
    "cause_origin": ("how the problem arose", "问题的由来"),
    "impact": ("the impact on schedule, cost and scope", "对进度、成本和范围的影响"),
    "current_state": ("the current state of the project", "项目目前的状态"),
    "first_step": ("the first action step", "第一步行动"),
    "apology": ("the apology", "致歉"),
    "actions": ("the actions under way", "正在采取的行动"),
    "prevention": ("what we are changing to prevent it", "预防措施"),
    "options": ("the options", "备选方案"),
    "decision": ("the decision", "双方商定的方案"),
    "delivery_date": ("the committed delivery date", "承诺的交付日期"),
    "next_update": ("the next update time", "下一次更新时间"),
    "pm_name": ("your name", "您的姓名"),
}


def prompt(name: str, language: str, *, elsewhere: bool = False) -> str:
    """The bracketed prompt standing for a missing value."""
    en, zh = NAMES[name]
    if normalise(language) == ZH:
        state = "尚未用中文填写" if elsewhere else "尚未记录"
        return f"【{zh}——{state}】"
    state = "not written in English yet" if elsewhere else "not recorded yet"
    return f"[{en} — {state}]"


def _text(obj, name: str, language: str, placeholder: str | None = None) -> str:
    """``obj``'s text ``name`` in ``language``, else the prompt (saying if the other has it)."""
    value = (getattr(obj, column(name, language)) or "").strip()
    if value:
        return value
    elsewhere = bool((getattr(obj, column(name, other(language))) or "").strip())
    return prompt(placeholder or name, language, elsewhere=elsewhere)


def _in(obj, name: str, language: str) -> str:
    """``obj``'s text in ``language``, else in the other one (for items in a list), else ""."""
    value = (getattr(obj, column(name, language)) or "").strip()
    return value or (getattr(obj, column(name, other(language))) or "").strip()


# --- dates, times and amounts ---------------------------------------------------------------


def format_day(day: date, language: str) -> str:
    """ "Tuesday 5 January 2027" / "2027年1月5日（周二）"."""
    if normalise(language) == ZH:
        return format_date(day, "y年M月d日（EEE）", locale=LOCALES[ZH])
    return format_date(day, "EEEE d MMMM y", locale=LOCALES["en"])


def _offset(moment: datetime) -> str:
    """ "UTC+8", "UTC−5", "UTC+5:30"."""
    minutes = int(moment.utcoffset().total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def format_moment(moment: datetime, language: str, zone: str) -> str:
    """A moment in ``zone``, with the weekday and the zone's name, in ``language``."""
    local = moment.astimezone(zoneinfo.ZoneInfo(zone))
    offset = _offset(local)
    if normalise(language) == ZH:
        when = format_datetime(local, "y年M月d日（EEE）HH:mm", locale=LOCALES[ZH])
        if zone in ("Asia/Shanghai", "Asia/Chongqing", "Asia/Harbin", "PRC"):
            return f"{when}（北京时间）"
        if zone == "UTC":
            return f"{when}（UTC）"
        return f"{when}（{get_timezone_name(local, width='long', locale=LOCALES[ZH])}，{offset}）"
    when = format_datetime(local, "EEEE d MMMM y, HH:mm", locale=LOCALES["en"])
    if zone == "UTC":
        return f"{when} UTC"
    return f"{when} {get_timezone_name(local, width='long', locale=LOCALES['en'])} ({offset})"


def reader_zone(contacts, language: str) -> str:
    """The time zone most of the contacts reading ``language`` are in; else most contacts'."""
    language = normalise(language)
    zones = Counter(c.time_zone for c in contacts if normalise(c.language) == language)
    if not zones:
        zones = Counter(c.time_zone for c in contacts)
    if zones:
        return zones.most_common(1)[0][0]
    return timezone.get_current_timezone_name()


def next_update_moment(incident, now: datetime) -> datetime | None:
    """When the next update falls due if the message is published at ``now``.

    Publishing sets the deadline to ``now`` plus the cadence; the promise is
    rounded down to the full hour so that it falls inside that deadline.
    ``None`` once the incident is no longer open (the cadence stops).
    """
    if not incident.is_open:
        return None
    due = now + incident.update_cadence
    return due.replace(minute=0, second=0, microsecond=0)


def _days(days: int, language: str) -> str:
    if normalise(language) == ZH:
        if days > 0:
            return f"推迟{days}天"
        return f"提前{-days}天" if days < 0 else "不变"
    if days == 0:
        return "no change"
    unit = "day" if abs(days) == 1 else "days"
    return f"{abs(days)} {unit} {'later' if days > 0 else 'earlier'}"


# --- the composite values ------------------------------------------------------------------


def impact(incident, language: str) -> str:
    """The impact as a Markdown list; the prompt when nothing is assessed yet."""
    zh = normalise(language) == ZH
    lines = []
    if incident.impact_schedule_days is not None:
        days = incident.impact_schedule_days
        if zh:
            lines.append(f"- 进度：比原计划推迟{days}天" if days else "- 进度：不受影响")
        else:
            unit = "day" if days == 1 else "days"
            lines.append(
                f"- Schedule: {days} {unit} later than planned" if days else "- Schedule: no change"
            )
    if incident.impact_cost is not None:
        amount = format_money(incident.impact_cost, incident.project.currency, language)
        lines.append(f"- 成本影响：{amount}" if zh else f"- Cost impact: {amount}")
    scope = _in(incident, "impact_scope", language)
    if scope:
        lines.append(f"- 受影响的范围：{scope}" if zh else f"- Scope affected: {scope}")
    return "\n".join(lines) if lines else prompt("impact", language)


def options(incident, language: str) -> str:
    """The alternatives still open, one Markdown item each with its impact."""
    zh = normalise(language) == ZH
    currency = incident.project.currency
    lines = []
    for alternative in incident_alternatives(incident):
        if alternative.status != AlternativeStatus.PROPOSED:
            continue
        parts = []
        if alternative.schedule_impact_days is not None:
            days = _days(alternative.schedule_impact_days, language)
            parts.append(f"进度：{days}" if zh else f"schedule: {days}")
        if alternative.cost_impact is not None:
            amount = format_money(alternative.cost_impact, currency, language)
            parts.append(f"成本：{amount}" if zh else f"cost: {amount}")
        for name, en, cn in (("scope_impact", "scope", "范围"), ("risks", "risks", "风险")):
            value = _in(alternative, name, language)
            if value:
                parts.append(f"{cn}：{value}" if zh else f"{en}: {value}")
        title = _in(alternative, "title", language)
        description = " ".join(_in(alternative, "description", language).split())
        head = f"**{title}**" + ((("：" if zh else ": ") + description) if description else "")
        if parts:
            tail = ("；" if zh else "; ").join(parts)
            if zh:
                head += ("" if head.endswith("。") else "。") + tail
            else:
                head += ("" if head.endswith(".") else ".") + " " + tail[0].upper() + tail[1:]
        if not head.endswith(("。", ".", "？", "?")):
            head += "。" if zh else "."
        lines.append(f"- {head}")
    return "\n".join(lines) if lines else prompt("options", language)


def decision(incident, language: str) -> str:
    """The decision in force: the option, the day it was agreed, and why."""
    current = incident_decisions(incident).current
    if current is None:
        return prompt("decision", language)
    zone = timezone.get_current_timezone()
    day = format_day(current.decided_at.astimezone(zone).date(), language)
    title = _in(current.alternative, "title", language)
    rationale = _in(current, "rationale", language)
    if normalise(language) == ZH:
        return f"**{title}**，于{day}商定。{rationale}".strip()
    return f"**{title}**, agreed on {day}. {rationale}".strip()


def _items(incident, kind: str, language: str, now: datetime) -> list[str]:
    plan = plans_for([incident.pk], now, for_client=True)[incident.pk]
    zh = normalise(language) == ZH
    lines = []
    for item in plan.items:
        if item.kind != kind or item.status == ActionItemStatus.DROPPED:
            continue
        title = _in(item, "title", language)
        day = format_day(timezone.localdate(item.due_at), language)
        if item.status == ActionItemStatus.DONE:
            lines.append(f"- {title}（已完成）" if zh else f"- {title} (done)")
        else:
            lines.append(f"- {title}——{day}前完成" if zh else f"- {title} — by {day}")
    return lines


def delivery_date(project, language: str) -> str:
    summary = delivery_summary(project)
    current = summary.current if summary else None
    current = current or project.delivery_date
    return format_day(current, language) if current else prompt("delivery_date", language)


def incident_values(incident, language: str, *, actor, now: datetime | None = None) -> dict:
    """Every placeholder's value for a message about ``incident`` written in ``language``."""
    language = normalise(language)
    now = now or timezone.now()
    project = incident.project
    contacts = list(project.contacts.all())
    moment = next_update_moment(incident, now)
    actions = _items(incident, ActionItemKind.REMEDIATION, language, now)
    prevention = _items(incident, ActionItemKind.PREVENTION, language, now)
    values = {
        "client": project.client.name,
        "project": project.name,
        "incident_title": _text(incident, "title", language, "incident_title"),
        "impact": impact(incident, language),
        "actions": "\n".join(actions) if actions else prompt("actions", language),
        "prevention": "\n".join(prevention) if prevention else prompt("prevention", language),
        "options": options(incident, language),
        "decision": decision(incident, language),
        "delivery_date": delivery_date(project, language),
        "next_update": (
            format_moment(moment, language, reader_zone(contacts, language))
            if moment
            else prompt("next_update", language)
        ),
        "pm_name": display_name(actor) if actor is not None else prompt("pm_name", language),
    }
    for name in ("summary", "cause", "cause_origin", "current_state", "first_step", "apology"):
        values[name] = _text(incident, name, language)
    assert set(values) == set(PLACEHOLDERS)
    return values


#: What a template is shown with when the project has no open incident: a realistic case.
SAMPLE = {
    "en": {
        "incident_title": "The dispatch engine cannot handle peak load",
        "summary": (
            "During load testing last week, the dispatch engine slowed down sharply above "
            "2,000 vehicles, so we cannot launch on the planned date."
        ),
        "cause": (
            "The routing algorithm recalculates every route for every vehicle on each change, "
            "so its work grows with the square of the fleet."
        ),
        "cause_origin": (
            "Our load tests ran on a tenth of your fleet, and we did not test a realistic peak "
            "until last week."
        ),
        "impact": (
            "- Schedule: 21 days later than planned\n- Cost impact: CN¥40,000.00\n"
            "- Scope affected: real-time dispatch for the full fleet"
        ),
        "current_state": (
            "About 85% of the features are complete and tested. Order entry, tracking and "
            "reporting work as specified."
        ),
        "first_step": (
            "Two senior architects are assessing a partitioned dispatch design and will present "
            "the results on Thursday."
        ),
        "apology": (
            "We are sorry: we promised you a launch on 15 December and we will not deliver it on "
            "that date. We should have found this risk much earlier."
        ),
        "actions": (
            "- Prototype partitioned dispatch — by Thursday 10 December 2026\n"
            "- Load test at full fleet size — by Tuesday 15 December 2026"
        ),
        "prevention": (
            "- Load tests at full production volume before every release — by Friday 15 January "
            "2027\n- A performance review at each design milestone — by Friday 29 January 2027"
        ),
        "options": (
            "- **Partitioned dispatch**: split the fleet by region. Schedule: 21 days later; "
            "cost: CN¥40,000.00; risks: the regional boundaries need care.\n"
            "- **Reduced scope**: launch without real-time dispatch. Schedule: no change; "
            "cost: CN¥0.00; scope: real-time dispatch follows in February."
        ),
        "decision": (
            "**Partitioned dispatch**, agreed on Wednesday 2 December 2026. You preferred a later "
            "date to a smaller scope, because real-time dispatch is what your drivers need most."
        ),
    },
    "zh-hans": {
        "incident_title": "调度引擎无法承受高峰负载",
        "summary": "上周压力测试中，车辆超过2000辆后调度引擎明显变慢，我们无法在原定日期上线。",
        "cause": "路径算法在每次变化时都会为每辆车重新计算全部路线，计算量随车队规模成平方增长。",
        "cause_origin": (
            "我们的压力测试只覆盖了贵方车队规模的十分之一，直到上周才按真实高峰进行测试。"
        ),
        "impact": (
            "- 进度：比原计划推迟21天\n- 成本影响：¥40,000.00\n- 受影响的范围：全车队的实时调度"
        ),
        "current_state": "约85%的功能已完成并通过测试，订单录入、跟踪和报表均按需求运行。",
        "first_step": "两位资深架构师正在评估分区调度方案，将于周四汇报评估结果。",
        "apology": "非常抱歉：我们原定12月15日上线，现在无法按期交付。这个风险我们本应更早发现。",
        "actions": (
            "- 分区调度原型——2026年12月10日（周四）前完成\n"
            "- 全车队规模压力测试——2026年12月15日（周二）前完成"
        ),
        "prevention": (
            "- 每次发布前按生产规模进行压力测试——2027年1月15日（周五）前完成\n"
            "- 每个设计里程碑进行性能评审——2027年1月29日（周五）前完成"
        ),
        "options": (
            "- **分区调度**：按区域拆分车队。进度：推迟21天；成本：¥40,000.00；"
            "风险：区域边界需要仔细处理。\n"
            "- **缩减范围**：先上线不含实时调度的版本。进度：不变；成本：¥0.00；"
            "范围：实时调度于2月补上。"
        ),
        "decision": (
            "**分区调度**，于2026年12月2日（周三）商定。相比缩减范围，贵方更希望推迟交付日期，"
            "因为实时调度是司机最需要的功能。"
        ),
    },
}


def sample_values(project, language: str, *, actor, now: datetime | None = None) -> dict:
    """The placeholders filled with a realistic example, the project's own names kept."""
    language = normalise(language)
    now = now or timezone.now()
    contacts = list(project.contacts.all())
    moment = (now + timedelta(hours=48)).replace(minute=0, second=0, microsecond=0)
    return {
        **SAMPLE[language],
        "client": project.client.name,
        "project": project.name,
        "delivery_date": format_day((now + timedelta(days=35)).date(), language),
        "next_update": format_moment(moment, language, reader_zone(contacts, language)),
        "pm_name": display_name(actor),
    }
