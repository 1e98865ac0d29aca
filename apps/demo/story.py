"""The history of the demo incidents, written through the real services.

The seed case from the article, told as it happened: the PM tells the client
within hours, holds an urgent meeting, explains the cause, offers several
alternatives, chooses one with the client, which moves the committed delivery
date by a month, posts an update at least every three days, and goes live
region by region. Each step runs at its own moment in the past (services take
``now=``), so deadlines, punctuality and the timeline are real. Every text the
client reads is written in English and in Chinese.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import translation
from django.utils.formats import date_format

from apps.actionplans import services as plan
from apps.alternatives import services as alternatives
from apps.communications import services as comms
from apps.core.bilingual import split_languages
from apps.incidents import services as incidents
from apps.incidents.models import IncidentStatus


def both_languages(**texts) -> dict[str, str]:
    """Each text as its two columns: an (English, Chinese) pair, or "中文 / English"."""
    found = {}
    for name, value in texts.items():
        if isinstance(value, tuple):
            english, chinese = value
        else:
            split = split_languages(value)
            english, chinese = split["en"], split["zh-hans"]
        found[f"{name}_en"], found[f"{name}_zh_hans"] = english, chinese
    return found


#: How much later the seed case is delivered, as agreed with the client.
EXTENSION = timedelta(days=30)


def day_in_both(day: date) -> tuple[str, str]:
    """A day of the year as each reader writes it: ``("15 December", "12 月 15 日")``."""
    with translation.override("en"):
        english = date_format(day, "MONTH_DAY_FORMAT")
    return english, f"{day.month} 月 {day.day} 日"


def seed_updates(planned: date, agreed: date) -> list[tuple[str, str]]:
    """The seed case's updates (English, Chinese), naming the delivery dates it went through."""
    planned_en, planned_zh = day_in_both(planned)
    agreed_en, agreed_zh = day_in_both(agreed)
    return [
        (
            "We have found that the dispatch engine cannot meet the agreed response time at full "
            f"fleet size, so the launch on **{planned_en}** is not possible as planned.\n\n"
            "We are sorry: we should have found this earlier. Two senior architects are assessing "
            "a partitioned design today; we will meet you tomorrow to explain the cause and "
            "discuss options.",
            "压力测试发现，调度引擎在全量车队规模下无法达到约定的响应时间，"
            f"原定 **{planned_zh}** 上线已无法按计划实现。\n\n"
            "非常抱歉，我们本应更早发现这个问题。今天起两名资深架构师正在评估分区调度方案；"
            "明天我们将与您会面，说明原因并讨论可选方案。",
        ),
        (
            "Thank you for meeting with us. As agreed, we extend the delivery by 30 days, to "
            f"**{agreed_en}**, and partition the dispatch engine; the full scope is kept. You "
            "will hear from us at least every three days until the new engine is live.",
            f"感谢您与我们会面。按照会上的约定，交付延期 30 天至 **{agreed_zh}**，"
            "调度引擎改为分区架构，功能范围不变。新引擎上线前，我们至少每三天向您更新一次进展。",
        ),
        (
            "The partitioned design works in the lab: response time at 3,000 trucks is 1.6 s. "
            "Implementation has started, as agreed in our meeting.",
            "分区调度方案在实验环境中验证可行：3,000 辆车并发时响应时间为 1.6 秒。"
            "已按会上的约定开始实施。",
        ),
        (
            "Partitioned engine complete; full-scale load test passed (1.4 s at 3,000 trucks). "
            "Acceptance testing with your operations team starts tomorrow.",
            "分区调度引擎开发完成；全量压力测试通过（3,000 辆车并发 1.4 秒）。"
            "明天开始与贵方运营团队进行验收测试。",
        ),
        (
            "Acceptance testing finished with no blocking issue. As planned with your operations "
            "team, the platform goes live region by region, the first one in two days, and runs "
            f"all 3,000 trucks by {agreed_en}, the date agreed with you.",
            "验收测试完成，无阻塞问题。按照与贵方运营团队商定的计划，平台将按区域逐步上线，"
            f"首个区域两天后上线，并于与您约定的 {agreed_zh}前覆盖全部 3,000 辆车。",
        ),
        (
            "The first region is live: its 600 trucks are dispatched in real time, in 1.2 s. The "
            "bottleneck is solved; the other regions follow on the agreed plan, all of them by "
            f"{agreed_en}. Thank you for your patience and for deciding with us; a retrospective "
            "report will follow.",
            "首个区域已上线：该区域 600 辆车实现实时调度，响应时间 1.2 秒。性能瓶颈已经解决；"
            f"其余区域按约定计划陆续上线，{agreed_zh}前全部完成。"
            "感谢您的耐心以及与我们共同决策；复盘报告随后提供。",
        ),
    ]


def tell_seed_story(incident, *, pm, member, lead, contacts, planned, now):
    """The seed case, from the first update to go-live; ``planned`` is the launch it misses."""
    declared = incident.declared_at
    decision_maker = next(c for c in contacts if c.is_decision_maker)
    agreed = planned + EXTENSION
    planned_en, planned_zh = day_in_both(planned)
    agreed_en, agreed_zh = day_in_both(agreed)
    updates = seed_updates(planned, agreed)

    # Within two hours: the first update, with the apology, to every contact.
    first = comms.update_draft_save(
        incident=incident,
        actor=pm,
        body_en=updates[0][0],
        body_zh_hans=updates[0][1],
        now=declared + timedelta(hours=1, minutes=30),
    )
    comms.update_publish(update=first, actor=pm, now=declared + timedelta(hours=2))
    comms.log_contact(
        incident=incident,
        actor=pm,
        channel="call",
        occurred_at=declared + timedelta(hours=2, minutes=20),
        **both_languages(
            summary=(
                "Called Chen Jing to take her through the update and to arrange tomorrow's "
                "meeting.",
                "致电陈静，告知已发布的更新，并约定明天开会。",
            )
        ),
        team_participants=[pm],
        client_participants=[decision_maker],
        reaction=-1,
        client_visible=True,
        now=declared + timedelta(hours=2, minutes=30),
    )

    # The urgent meeting, scheduled the same day for the next morning.
    meeting_at = declared + timedelta(hours=20)
    meeting = comms.meeting_schedule(
        incident=incident,
        actor=pm,
        starts_at=meeting_at,
        duration_minutes=90,
        location="https://meet.huaxin.example/dispatch-review",
        **both_languages(
            title=("Urgent review meeting", "紧急沟通会"),
            agenda=(
                "1. Cause and how it arose\n2. Current state and impact\n3. Alternatives\n"
                "4. Decision",
                "1. 原因及其由来\n2. 当前状况与影响\n3. 备选方案\n4. 决定",
            ),
        ),
        team_attendees=[pm, member],
        client_attendees=contacts,
        now=declared + timedelta(hours=3),
    )

    # Several ways forward, compared side by side.
    extend = alternatives.alternative_propose(
        incident=incident,
        actor=pm,
        kind="extend_deadline",
        **both_languages(
            title=(
                "Extend by 30 days and partition the dispatch engine",
                "延期 30 天，将调度引擎改为分区架构",
            ),
            description=(
                "Redesign the dispatch engine into regional partitions and roll it out region "
                "by region; the full scope is kept.",
                "将调度引擎重新设计为按区域分区的架构，并逐个区域上线；功能范围不变。",
            ),
            scope_impact=("No change in scope.", "范围不变。"),
            risks=("The partitioned design is new to the team.", "团队此前未做过分区架构。"),
            pros=(
                "Meets the 2 s requirement with margin; no scope cut.",
                "满足 2 秒的响应要求并留有余量；不缩减范围。",
            ),
            cons=(
                f"One month later than planned: all trucks by {agreed_en}.",
                f"比原计划晚一个月：{agreed_zh}前覆盖全部车辆。",
            ),
        ),
        schedule_impact_days=EXTENSION.days,
        cost_impact=Decimal("180000.00"),
        now=declared + timedelta(hours=8),
    )
    alternatives.alternative_propose(
        incident=incident,
        actor=pm,
        kind="reduce_scope",
        **both_languages(
            title=(
                "Launch on time without real-time dispatch",
                "按期上线，暂不提供实时调度",
            ),
            description=(
                f"Go live on {planned_en} with batch dispatch every 15 minutes; real-time "
                "dispatch follows later.",
                f"{planned_zh}按期上线，每 15 分钟批量调度一次；实时调度稍后提供。",
            ),
            scope_impact=(
                "Real-time dispatch moves to a second release.",
                "实时调度移至第二个版本。",
            ),
            risks=(
                "Drivers lose up to 15 minutes per reassignment.",
                "每次改派，司机最多要多等 15 分钟。",
            ),
            pros=("The launch date holds.", "上线日期不变。"),
            cons=(
                "Operations keep manual workarounds for 2 months.",
                "运营团队需继续手工处理两个月。",
            ),
        ),
        schedule_impact_days=0,
        cost_impact=Decimal("60000.00"),
        now=declared + timedelta(hours=8, minutes=20),
    )
    alternatives.alternative_propose(
        incident=incident,
        actor=pm,
        kind="add_resources",
        **both_languages(
            title=("Add four engineers and keep the date", "增派四名工程师，保持上线日期"),
            description=(
                "Bring four engineers from the platform team to optimise the current engine.",
                "从平台团队抽调四名工程师优化现有调度引擎。",
            ),
            scope_impact=("None if it works.", "若成功，范围不变。"),
            risks=(
                "High: optimisation alone may not reach 2 s, and new engineers need days to "
                "learn the code.",
                "高：仅靠优化未必能达到 2 秒；新成员熟悉代码也需要几天时间。",
            ),
            pros=("Keeps date and scope if it succeeds.", "若成功，日期和范围都不变。"),
            cons=("Most expensive and most uncertain.", "成本最高，不确定性最大。"),
        ),
        schedule_impact_days=0,
        cost_impact=Decimal("240000.00"),
        now=declared + timedelta(hours=8, minutes=40),
    )
    held_at = meeting_at + timedelta(minutes=90)
    comms.meeting_record_outcome(
        meeting=meeting,
        actor=member,
        notes="Explained the cause (algorithm cost grows exponentially with fleet size) and how "
        "it arose (performance tested on 300 trucks only). Compared the three alternatives.",
        decisions="Extend by 30 days and partition the engine. Updates at least every three days.",
        reaction=0,
        now=held_at,
    )
    # The decision moves the committed delivery date, and the change is linked to it.
    alternatives.decision_record(
        incident=incident,
        alternative=extend,
        actor=pm,
        **both_languages(
            rationale=(
                "Keeps the full scope and meets the response-time requirement with margin; "
                "the client prefers one month's delay to a reduced launch.",
                "保留全部功能范围，并留有余量地满足响应时间要求；"
                "客户宁可延期一个月，也不愿缩减范围上线。",
            ),
            others_reason=(
                "Reduced scope or a risky staffing bet were not acceptable to operations.",
                "缩减范围或押注于有风险的增员方案，运营方都无法接受。",
            ),
        ),
        client_agreed=[decision_maker],
        team_agreed=[pm, lead],
        expected_current_decision_id=None,
        decided_at=meeting_at + timedelta(minutes=80),
        meeting=meeting,
        delivery_date=agreed,
        now=held_at + timedelta(minutes=10),
    )
    incidents.incident_change_status(
        incident=incident,
        actor=pm,
        status=IncidentStatus.RECOVERING,
        now=held_at + timedelta(hours=1),
    )
    # The disclosure follows the decision: where the project stands now.
    incident.refresh_from_db()
    incidents.incident_update_disclosure(
        incident=incident,
        actor=pm,
        now=held_at + timedelta(hours=1, minutes=5),
        **both_languages(
            current_state=(
                "85% of the functionality is built. With you, we chose to extend by 30 days and "
                f"partition the dispatch engine by region; all trucks go live by {agreed_en}.",
                "功能开发已完成 85%。经与贵方商定，延期 30 天并将调度引擎按区域分区改造；"
                f"{agreed_zh}前全部车辆上线。",
            )
        ),
    )

    # The plan: fix the problem, and stop it happening again.
    items = [
        (
            "remediation",
            ("Partition the dispatch engine", "将调度引擎改为分区架构"),
            member,
            6,
            "done",
            100,
        ),
        (
            "remediation",
            ("Run the full-scale load test", "进行全量压力测试"),
            member,
            8,
            "done",
            100,
        ),
        (
            "prevention",
            (
                "Test performance at full scale from the first iteration",
                "从第一个迭代起即按全量规模做性能测试",
            ),
            pm,
            14,
            "in_progress",
            60,
        ),
        (
            "prevention",
            ("Review the architecture when a project starts", "项目立项时进行架构评审"),
            pm,
            30,
            "planned",
            0,
        ),
    ]
    for kind, title, owner, due_days, status, progress in items:
        item = plan.action_item_create(
            incident=incident,
            actor=pm,
            kind=kind,
            **both_languages(title=title),
            owner=owner,
            due_at=declared + timedelta(days=due_days),
            now=held_at + timedelta(hours=2),
        )
        if status != "planned":
            plan.action_item_update(
                item=item,
                expected_version=item.version,
                actor=owner,
                status=status,
                progress=progress,
                now=min(declared + timedelta(days=due_days - 1), now),
            )
    remedy = plan.remedy_offer(
        incident=incident,
        actor=pm,
        kind="extended_warranty",
        **both_languages(
            description=(
                "Six more months of warranty on the dispatch platform.",
                "调度平台的质保期延长六个月。",
            )
        ),
        value=Decimal("45000.00"),
        now=held_at + timedelta(hours=3),
    )
    plan.remedy_answer(remedy=remedy, actor=pm, answer="accepted", now=declared + timedelta(days=2))

    # Regular updates, every three days as agreed, until the first region is live.
    incidents.incident_set_cadence(
        incident=incident,
        actor=pm,
        cadence=timedelta(hours=72),
        now=held_at + timedelta(hours=3, minutes=10),
    )
    moments = [held_at + timedelta(hours=3, minutes=20)] + [
        declared + timedelta(days=day) for day in (3, 5.5, 8, 10)
    ]
    for moment, (body_en, body_zh) in zip(moments, updates[1:], strict=True):
        update = comms.update_draft_save(
            incident=incident, actor=pm, body_en=body_en, body_zh_hans=body_zh, now=moment
        )
        comms.update_publish(update=update, actor=pm, now=moment)
    incidents.incident_change_status(
        incident=incident,
        actor=pm,
        status=IncidentStatus.RESOLVED,
        now=declared + timedelta(days=10, hours=1),
    )


def tell_recovery_story(incident, *, pm, member, now):
    """An incident in recovery, with an action overdue: the dashboard has work to show."""
    declared = incident.declared_at
    moment = declared + timedelta(hours=21)
    update = comms.update_draft_save(
        incident=incident,
        actor=pm,
        body_en="The nightly report now arrives one hour late instead of three; we are agreeing "
        "a new backup window with your IT team.",
        body_zh_hans=(
            "夜间报表的延迟已从 3 小时缩短到 1 小时；我们正在与贵方 IT 部门商定新的备份窗口。"
        ),
        now=moment,
    )
    comms.update_publish(update=update, actor=pm, now=moment)
    plan.action_item_create(
        incident=incident,
        actor=pm,
        kind="remediation",
        **both_languages(
            title=("Agree a new backup window with your IT team", "与贵方 IT 部门商定新的备份窗口")
        ),
        owner=member,
        due_at=declared + timedelta(days=1, hours=12),
        now=moment,
    )
    plan.action_item_create(
        incident=incident,
        actor=pm,
        kind="prevention",
        **both_languages(
            title=(
                "Rehearse cut-overs on weekday volumes",
                "按工作日高峰的数据量进行切换演练",
            )
        ),
        owner=pm,
        due_at=now + timedelta(days=10),
        now=moment,
    )
