"""The history of the demo incidents, written through the real services.

The seed case from the article, told as it happened: the PM tells the client
within hours, holds an urgent meeting, explains the cause, offers several
alternatives, chooses one with the client, extends the deadline, posts an
update every day, and delivers. Each step runs at its own moment in the past
(services take ``now=``), so deadlines, punctuality and the timeline are real.
"""

from datetime import timedelta
from decimal import Decimal

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


SEED_UPDATES = [
    (
        "We have found that the dispatch engine cannot meet the agreed response time at full "
        "fleet size, so the launch on **15 December** is not possible as planned.\n\n"
        "We are sorry: we should have found this earlier. Two senior architects are assessing "
        "a partitioned design today; we will meet you tomorrow at 10:00 to explain the cause "
        "and discuss options.",
        "压力测试发现,调度引擎在全量车队规模下无法达到约定的响应时间,"
        "原定 **12 月 15 日** 上线已无法按计划实现。\n\n"
        "非常抱歉,我们本应更早发现这个问题。今天起两名资深架构师正在评估分区调度方案;"
        "明天上午 10:00 我们将与您会面,说明原因并讨论可选方案。",
    ),
    (
        "Thank you for this morning's meeting. As agreed, we extend the delivery by 30 days and "
        "partition the dispatch engine; the full scope is kept. You will hear from us at least "
        "every three days until go-live.",
        "感谢您今天上午参加会议。按照会上的约定,交付延期 30 天,调度引擎改为分区架构,功能范围不变。"
        "上线前我们至少每三天向您更新一次进展。",
    ),
    (
        "The partitioned design works in the lab: response time at 3,000 trucks is 1.6 s. "
        "Implementation has started as agreed in yesterday's meeting.",
        "分区调度方案在实验环境中验证可行:3,000 辆车并发时响应时间为 1.6 秒。"
        "已按昨天会议的约定开始实施。",
    ),
    (
        "Partitioned engine complete; full-scale load test passed (1.4 s at 3,000 trucks). "
        "Acceptance testing with your operations team starts Monday.",
        "分区调度引擎开发完成;全量压力测试通过(3,000 辆车并发 1.4 秒)。"
        "周一开始与贵方运营团队进行验收测试。",
    ),
    (
        "Acceptance testing finished with no blocking issue. The platform goes live on the new "
        "date agreed with you.",
        "验收测试完成,无阻塞问题。平台将在与您约定的新日期上线。",
    ),
    (
        "The platform is live on all 3,000 trucks. Thank you for your patience and for deciding "
        "with us; a retrospective report will follow.",
        "平台已在全部 3,000 辆车上线。感谢您的耐心以及与我们共同决策;复盘报告随后提供。",
    ),
]


def tell_seed_story(incident, *, pm, member, lead, contacts, now):
    declared = incident.declared_at
    decision_maker = next(c for c in contacts if c.is_decision_maker)

    # Within two hours: the first update, with the apology, to every contact.
    first = comms.update_draft_save(
        incident=incident,
        actor=pm,
        body_en=SEED_UPDATES[0][0],
        body_zh_hans=SEED_UPDATES[0][1],
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
                "Called Chen Jing to announce the update and set the meeting for tomorrow.",
                "致电陈静,告知已发布的更新,并约定明天开会。",
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
            title="紧急沟通会 / Urgent review meeting",
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
        **both_languages(
            title="延期 30 天,重构调度引擎 / Extend 30 days, partition the engine",
            description=(
                "Redesign the dispatch engine into regional partitions; full scope kept.",
                "将调度引擎重新设计为按区域分区的架构;功能范围不变。",
            ),
            scope_impact=("No change in scope.", "范围不变。"),
            risks=("The partitioned design is new to the team.", "团队此前未做过分区架构。"),
            pros=(
                "Meets the 2 s requirement with margin; no scope cut.",
                "留有余量地满足 2 秒的要求;不缩减范围。",
            ),
            cons=("One month later than planned.", "比原计划晚一个月。"),
        ),
        schedule_impact_days=30,
        cost_impact=Decimal("180000.00"),
        now=declared + timedelta(hours=8),
    )
    alternatives.alternative_propose(
        incident=incident,
        actor=pm,
        **both_languages(
            title="按期上线,缩减范围 / Launch on time without real-time dispatch",
            description=(
                "Go live on 15 December with batch dispatch every 15 minutes; real-time later.",
                "12 月 15 日按期上线,每 15 分钟批量调度一次;实时调度稍后提供。",
            ),
            scope_impact=(
                "Real-time dispatch moves to a second release.",
                "实时调度移至第二个版本。",
            ),
            risks=(
                "Drivers lose up to 15 minutes per reassignment.",
                "每次改派司机最多损失 15 分钟。",
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
        **both_languages(
            title="增加人手,保持日期 / Add four engineers, keep the date",
            description=(
                "Bring four engineers from the platform team to optimise the current engine.",
                "从平台团队抽调四名工程师优化现有调度引擎。",
            ),
            scope_impact=("None if it works.", "若成功,范围不变。"),
            risks=(
                "High: optimisation alone may not reach 2 s; onboarding costs a week.",
                "高:仅靠优化可能达不到 2 秒;新成员上手需要一周。",
            ),
            pros=("Keeps date and scope if it succeeds.", "若成功,日期和范围都不变。"),
            cons=("Most expensive and most uncertain.", "成本最高,不确定性最大。"),
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
        decisions="Extend by 30 days and partition the engine. Daily updates until go-live.",
        reaction=0,
        now=held_at,
    )
    alternatives.decision_record(
        incident=incident,
        alternative=extend,
        actor=pm,
        **both_languages(
            rationale=(
                "Keeps the full scope and meets the response-time requirement with margin; "
                "the client prefers one month's delay to a reduced launch.",
                "保留全部功能范围,并留有余量地满足响应时间要求;"
                "客户宁可延期一个月,也不愿缩减范围上线。",
            ),
            others_reason=(
                "Reduced scope or a risky staffing bet were not acceptable to operations.",
                "缩减范围或押注于有风险的增员方案,运营方都无法接受。",
            ),
        ),
        client_agreed=[decision_maker],
        team_agreed=[pm, lead],
        expected_current_decision_id=None,
        decided_at=meeting_at + timedelta(minutes=80),
        meeting=meeting,
        now=held_at + timedelta(minutes=10),
    )
    incidents.incident_change_status(
        incident=incident,
        actor=pm,
        status=IncidentStatus.RECOVERING,
        now=held_at + timedelta(hours=1),
    )

    # The plan: fix the problem, and stop it happening again.
    items = [
        ("remediation", "分区调度引擎 / Partition the dispatch engine", member, 6, "done", 100),
        ("remediation", "全量压力测试 / Full-scale load test", member, 8, "done", 100),
        (
            "prevention",
            "首个迭代即做全量性能测试 / Full-scale performance test in iteration 1",
            pm,
            14,
            "in_progress",
            60,
        ),
        ("prevention", "立项架构评审 / Architecture review at project start", pm, 30, "planned", 0),
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
        **both_languages(description="Six more months of warranty on the dispatch platform."),
        value=Decimal("45000.00"),
        now=held_at + timedelta(hours=3),
    )
    plan.remedy_answer(remedy=remedy, actor=pm, answer="accepted", now=declared + timedelta(days=2))

    # Regular updates, every three days as agreed, then delivery.
    incidents.incident_set_cadence(
        incident=incident,
        actor=pm,
        cadence=timedelta(hours=72),
        now=held_at + timedelta(hours=3, minutes=10),
    )
    moments = [held_at + timedelta(hours=3, minutes=20)] + [
        declared + timedelta(days=day) for day in (3, 5.5, 8, 10)
    ]
    for moment, (body_en, body_zh) in zip(moments, SEED_UPDATES[1:], strict=True):
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
            "夜间报表的延迟已从 3 小时缩短到 1 小时;我们正在与贵方 IT 部门商定新的备份窗口。"
        ),
        now=moment,
    )
    comms.update_publish(update=update, actor=pm, now=moment)
    plan.action_item_create(
        incident=incident,
        actor=pm,
        kind="remediation",
        **both_languages(title="与客户 IT 商定备份窗口 / Agree the backup window with IT"),
        owner=member,
        due_at=declared + timedelta(days=1, hours=12),
        now=moment,
    )
    plan.action_item_create(
        incident=incident,
        actor=pm,
        kind="prevention",
        **both_languages(title="切换演练覆盖工作日高峰 / Rehearse cut-overs on weekday volumes"),
        owner=pm,
        due_at=now + timedelta(days=10),
        now=moment,
    )
