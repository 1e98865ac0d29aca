"""The demo's reflection: the article's case reviewed and reported, and past cases to learn from.

Written through the real services, like the rest of the demo: the review
meeting, the root causes with their whys, the improvements on the plan, the
client report published in both languages; and a few incidents closed long
ago, so the case library has something to find.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from apps.actionplans import services as plan
from apps.alternatives import services as alternatives
from apps.communications import services as comms
from apps.incidents import services as incidents
from apps.incidents.models import IncidentStatus
from apps.retrospectives import services as retro
from apps.retrospectives.models import Retrospective

from .story import both_languages


def _report(**texts) -> dict[str, str]:
    """The client report's four parts, each given as ``(english, chinese)``."""
    return both_languages(**{f"report_{name}": value for name, value in texts.items()})


def tell_seed_retrospective(incident, *, pm, member, lead, now):
    """The seed case after go-live: reviewed with the team, reported to the client."""
    incident.refresh_from_db()
    retrospective = Retrospective.objects.get(incident=incident)
    resolved = incident.resolved_at
    # The review meeting, the next working morning, with the team.
    meeting = comms.meeting_schedule(
        incident=incident,
        actor=pm,
        starts_at=resolved + timedelta(hours=20),
        duration_minutes=60,
        location="会议室 3 / Room 3",
        **both_languages(
            title=("Retrospective review meeting", "复盘会议"),
            agenda=(
                "1. Timeline\n2. Root causes\n3. Improvements and owners",
                "1. 时间线\n2. 根本原因\n3. 改进措施及负责人",
            ),
        ),
        team_attendees=[pm, member, lead],
        now=resolved + timedelta(hours=1),
    )
    comms.meeting_record_outcome(
        meeting=meeting,
        actor=pm,
        notes="五个为什么：性能评估只用了 300 辆车的样本；全量压测排在第三次迭代。",
        decisions="两项预防措施，各有负责人和日期。",
        reaction=None,
        now=resolved + timedelta(hours=21),
    )
    moment = resolved + timedelta(hours=22)
    retro.retrospective_update(
        retrospective=retrospective,
        actor=pm,
        expected_version=retrospective.version,
        now=moment,
        summary="调度引擎在全量车队下无法满足 2 秒响应要求；与客户商定延期 30 天并改为分区架构，"
        "最终按新日期上线。",
        contributing_factors="架构组人手紧张；压测环境到第三次迭代才就绪。",
        went_well="发现问题当天即告知客户并道歉；紧急会议上给出三个方案，客户参与决定；"
        "更新按承诺的频率发布。",
        went_badly="性能风险发现太晚；第一周有一次更新晚了几个小时。",
        lucky="客户的运营旺季在新的上线日期之后，否则一个月的延期代价会大得多。",
        outcome="delivered_late",
    )
    retro.root_cause_add(
        retrospective=retrospective,
        actor=pm,
        statement="立项时没有按全量车队做性能验证，就承诺了上线日期。",
        whys=[
            "调度引擎在 3,000 辆车并发时响应超过 40 秒，无法按期上线。",
            "全量压力测试直到第三次迭代才进行，所以发现得晚。",
            "压测环境和全量数据没有列入第一次迭代的计划。",
            "性能评估只基于 300 辆车的样本，风险被判断为很低。",
        ],
        now=moment,
    )
    retro.root_cause_add(
        retrospective=retrospective,
        actor=pm,
        statement="算法复杂度没有在设计评审中评估。",
        whys=["路径优化按全车队一次求解，没有分区，计算量呈指数级上升。"],
        now=moment,
    )
    for title, owner, days in (
        (
            ("Load-test at full scale before committing a date", "承诺日期前按全量规模做压力测试"),
            pm,
            30,
        ),
        (
            (
                "Review algorithmic complexity in every design review",
                "每次设计评审都评估算法复杂度",
            ),
            member,
            45,
        ),
    ):
        retro.improvement_add(
            retrospective=retrospective,
            actor=pm,
            owner=owner,
            due_at=now + timedelta(days=days),
            now=moment,
            **both_languages(title=title),
        )
    first_call = incident.events.filter(verb="log_entry.added").order_by("occurred_at").first()
    if first_call is not None:
        retro.timeline_note(
            retrospective=retrospective,
            actor=pm,
            event=first_call,
            text="客户情绪负面但愿意第二天开会：当天电话很关键。",
            now=moment,
        )
    retro.timeline_line_add(
        retrospective=retrospective,
        actor=pm,
        occurred_at=incident.declared_at - timedelta(hours=3),
        text="压测结果出来后，架构组先内部确认了结论，三小时后才登记事件。",
        now=moment,
    )
    retrospective.refresh_from_db()
    retro.retrospective_update(
        retrospective=retrospective,
        actor=pm,
        expected_version=retrospective.version,
        now=moment + timedelta(hours=1),
        **_report(
            what_happened=(
                "With the full fleet of 3,000 trucks, the dispatch engine took more than 40 "
                "seconds to respond instead of the 2 seconds agreed. The launch could not happen "
                "on the planned date.",
                "在 3,000 辆车全量并发时，调度引擎的响应时间超过 40 秒，而约定为 2 秒，"
                "因此无法按原计划日期上线。",
            ),
            why=(
                "We committed the launch date on a performance estimate made with 300 trucks, and "
                "tested at full scale only in the third iteration. The routing algorithm's work "
                "grows much faster than the fleet; we did not review that early enough.",
                "我们根据 300 辆车样本的性能评估承诺了上线日期，直到第三次迭代才做全量压测。"
                "路径算法的计算量随车队规模急剧增长，我们没有及早评估这一点。",
            ),
            what_we_did=(
                "We told you the same day, met the next morning, and chose with you to extend by "
                "30 days and partition the engine by region. It now answers within 1.2 seconds at "
                "full scale, and all trucks went live on the new date.",
                "我们当天告知贵方，次日上午开会，并与贵方共同决定延期 30 天、按区域分区改造引擎。"
                "现在全量规模下响应时间为 1.2 秒，所有车辆已在新日期上线。",
            ),
            what_changes=(
                "No date is committed before a load test at full scale, and every design review "
                "now checks the algorithms' complexity.",
                "今后在全量规模压测之前不承诺日期；每次设计评审都检查算法复杂度。",
            ),
        ),
    )
    retro.retrospective_publish(
        retrospective=retrospective, actor=pm, now=moment + timedelta(hours=2)
    )


@dataclass
class PastCase:
    """A case closed long ago, told in a few steps."""

    title: tuple[str, str]
    summary: tuple[str, str]
    cause: tuple[str, str]
    cause_origin: tuple[str, str]
    impact_scope: tuple[str, str]
    severity: str
    cause_category: str
    declared_ago: timedelta
    #: The options, as (kind, title, description); the first is the one chosen.
    options: list[tuple[str, tuple[str, str], tuple[str, str]]]
    rationale: tuple[str, str]
    outcome: str
    report: dict = field(default_factory=dict)
    root_cause: str = ""
    improvement: tuple[str, str] = ("", "")
    slip_days: int | None = None
    cost: Decimal | None = None
    #: The internal review, in the team's language: what went well, and badly.
    went_well: str = ""
    went_badly: str = ""


PAST_CASES = {
    "bank": PastCase(
        title=("Payment gateway API integration delayed", "支付网关接口对接延期"),
        summary=(
            "The bank's payment gateway sandbox changed its API twice during integration; the "
            "card payment feature could not be delivered for the planned release.",
            "银行支付网关的测试环境在对接期间两次变更接口，银行卡支付功能无法随计划版本交付。",
        ),
        cause=(
            "The gateway supplier changed the signature scheme of its API without notice.",
            "网关供应商未经通知更改了接口的签名方式。",
        ),
        cause_origin=(
            "The integration contract did not freeze the API version; we relied on the "
            "supplier's sandbox alone.",
            "对接协议没有冻结接口版本；我们只依赖了供应商的测试环境。",
        ),
        impact_scope=("Card payments in release 2.4.", "2.4 版本中的银行卡支付。"),
        severity="high",
        cause_category="supplier",
        declared_ago=timedelta(days=210),
        options=[
            (
                "extend_deadline",
                ("Delay card payments by three weeks", "银行卡支付延期三周上线"),
                (
                    "Ship 2.4 without card payments; add them when the API is frozen.",
                    "2.4 先上线其余功能；接口冻结后再加入银行卡支付。",
                ),
            ),
            (
                "add_resources",
                ("Two more engineers on the integration", "增派两名工程师负责对接"),
                (
                    "Keep the date by working around each change as it comes.",
                    "随变更随适配，保持原定日期。",
                ),
            ),
        ],
        rationale=(
            "A frozen API is safer than chasing changes; the other features are not blocked.",
            "等接口冻结比追着变更改更稳妥；其余功能不受影响。",
        ),
        outcome="delivered_late",
        report={
            "what_happened": (
                "Card payments could not be delivered in release 2.4.",
                "银行卡支付未能随 2.4 版本交付。",
            ),
            "why": (
                "The payment gateway's API changed twice during integration, and our agreement "
                "did not freeze its version.",
                "支付网关的接口在对接期间变更了两次，而我们的协议没有冻结接口版本。",
            ),
            "what_we_did": (
                "We shipped 2.4 without card payments and added them three weeks later, once the "
                "API was frozen.",
                "我们先发布了不含银行卡支付的 2.4 版本，接口冻结后三周补齐了该功能。",
            ),
            "what_changes": (
                "Every integration now starts with a frozen API version signed by the supplier.",
                "今后每次对接都先由供应商签字确认冻结的接口版本。",
            ),
        },
        root_cause="对接协议没有冻结接口版本",
        went_well="Told the client the same day; the rest of 2.4 shipped on time.",
        went_badly="We relied on the supplier's sandbox and found the change in testing.",
        improvement=("Freeze API versions in integration contracts", "对接协议中冻结接口版本"),
        slip_days=21,
    ),
    "logistics": PastCase(
        title=("Driver app requirements changed late", "司机端需求后期变更导致范围削减"),
        summary=(
            "Two weeks before acceptance, the client's operations team asked for offline "
            "delivery confirmation in the driver app; it could not fit the release.",
            "验收前两周，客户运营团队要求司机端支持离线签收，无法纳入本次版本。",
        ),
        cause=(
            "The requirement for offline use was not captured in the requirements phase.",
            "需求阶段没有识别出离线使用的需求。",
        ),
        cause_origin=(
            "The requirements workshops involved headquarters only, not the drivers in the field.",
            "需求调研只访谈了总部人员，没有走访一线司机。",
        ),
        impact_scope=("Offline delivery confirmation.", "离线签收功能。"),
        severity="medium",
        cause_category="requirements",
        declared_ago=timedelta(days=320),
        options=[
            (
                "reduce_scope",
                ("Release without offline confirmation", "本期不含离线签收"),
                (
                    "Keep the date; offline confirmation comes in the next phase.",
                    "保持日期，离线签收放到下一期。",
                ),
            ),
            (
                "extend_deadline",
                ("Extend by six weeks", "延期六周"),
                ("Build offline confirmation now.", "本期完成离线签收。"),
            ),
        ],
        rationale=(
            "The drivers need the app now; offline confirmation can follow.",
            "司机现在就需要这个应用；离线签收可以随后提供。",
        ),
        outcome="scope_cut",
        report={
            "what_happened": (
                "Offline delivery confirmation was not in the driver app's first release.",
                "司机端首期版本没有包含离线签收功能。",
            ),
            "why": (
                "We gathered requirements at headquarters only and missed how drivers work "
                "without a signal.",
                "我们只在总部做了需求调研，没有了解司机在无信号时如何工作。",
            ),
            "what_we_did": (
                "We released on the date with online confirmation and delivered offline "
                "confirmation in the next phase.",
                "我们按期发布了在线签收版本，并在下一期交付了离线签收。",
            ),
            "what_changes": (
                "Requirements workshops now include field visits with end users.",
                "今后的需求调研都包括走访一线用户。",
            ),
        },
        root_cause="需求调研没有覆盖一线用户",
        went_well="客户当场参与取舍，按期上线。",
        went_badly="离线签收需求在验收前两周才提出。",
        improvement=("Field visits in every requirements phase", "每个需求阶段走访一线用户"),
        slip_days=0,
    ),
    "vista": PastCase(
        title=("Exam system cannot take the peak load", "考试系统无法支撑高峰并发"),
        summary=(
            "In the rehearsal for the city-wide exam, the exam system failed at 20,000 "
            "concurrent candidates; 50,000 are expected.",
            "全市统考演练中，考试系统在 2 万名考生并发时崩溃，而正式考试预计有 5 万人。",
        ),
        cause=(
            "Every answer is written synchronously to one database; the database saturates.",
            "每次作答都同步写入同一个数据库，数据库被压满。",
        ),
        cause_origin=(
            "Performance tests used 2,000 simulated candidates, a tenth of the rehearsal.",
            "性能测试只模拟了 2,000 名考生，是演练规模的十分之一。",
        ),
        impact_scope=("The city-wide exam on the new system.", "在新系统上举行的全市统考。"),
        severity="critical",
        cause_category="technical",
        declared_ago=timedelta(days=150),
        options=[
            (
                "phased_delivery",
                ("Run the exam in two sittings", "分两场进行考试"),
                (
                    "Half the districts in the morning, half in the afternoon, while answers are "
                    "queued and written asynchronously.",
                    "上午、下午各安排一半的区；同时把作答改为排队异步写入。",
                ),
            ),
            (
                "change_approach",
                ("Move the exam to the old system", "改回旧系统考试"),
                ("Use last year's system for this exam.", "本次考试沿用去年的系统。"),
            ),
        ],
        rationale=(
            "Two sittings halve the peak and give time to make the writes asynchronous.",
            "分两场可以把峰值减半，并争取时间完成异步写入改造。",
        ),
        outcome="phased",
        report={
            "what_happened": (
                "The exam system failed at 20,000 concurrent candidates in the rehearsal.",
                "考试系统在演练中 2 万名考生并发时崩溃。",
            ),
            "why": (
                "Answers were written synchronously to one database, and our load tests used a "
                "tenth of the real number of candidates.",
                "作答同步写入单一数据库，而我们的压测只用了实际考生人数的十分之一。",
            ),
            "what_we_did": (
                "The exam ran in two sittings on the new system, with answers queued; it went "
                "without interruption.",
                "考试分两场在新系统上进行，作答排队异步写入，全程没有中断。",
            ),
            "what_changes": (
                "Load tests now use the real peak plus half again, before every rehearsal.",
                "今后每次演练前都按实际峰值的 1.5 倍做压测。",
            ),
        },
        root_cause="压测规模远低于真实峰值",
        went_well="演练暴露了问题；分场方案一天内与客户商定。",
        went_badly="压测规模只有真实峰值的十分之一。",
        improvement=("Load-test at 1.5 times the real peak", "按真实峰值 1.5 倍压测"),
        slip_days=0,
        cost=Decimal("120000.00"),
    ),
}


def close_past_case(case: PastCase, *, project, pm, contacts, now):
    """One case from declaration to closing, long ago."""
    declared = now - case.declared_ago
    incident = incidents.incident_declare(
        project=project,
        actor=pm,
        severity=case.severity,
        cause_category=case.cause_category,
        impact_schedule_days=case.slip_days,
        impact_cost=case.cost,
        now=declared,
        **both_languages(
            title=case.title,
            summary=case.summary,
            cause=case.cause,
            cause_origin=case.cause_origin,
            impact_scope=case.impact_scope,
        ),
    )
    comms.log_contact(
        incident=incident,
        actor=pm,
        channel="call",
        occurred_at=declared + timedelta(hours=3),
        **both_languages(
            summary=("Called the client to explain what happened.", "致电客户说明情况。")
        ),
        team_participants=[pm],
        client_participants=contacts[:1],
        reaction=-1,
        client_visible=True,
        now=declared + timedelta(hours=3),
    )
    options = [
        alternatives.alternative_propose(
            incident=incident,
            actor=pm,
            kind=kind,
            now=declared + timedelta(hours=6),
            **both_languages(title=title, description=description),
        )
        for kind, title, description in case.options
    ]
    alternatives.decision_record(
        incident=incident,
        alternative=options[0],
        actor=pm,
        client_agreed=contacts[:1],
        team_agreed=[pm],
        expected_current_decision_id=None,
        decided_at=declared + timedelta(days=1),
        now=declared + timedelta(days=1),
        **both_languages(
            rationale=case.rationale,
            others_reason=("The client preferred the chosen option.", "客户更倾向于所选方案。"),
        ),
    )
    resolved_at = declared + timedelta(days=20)
    incidents.incident_change_status(
        incident=incident, actor=pm, status=IncidentStatus.RESOLVED, now=resolved_at
    )
    retrospective = Retrospective.objects.get(incident=incident)
    moment = resolved_at + timedelta(days=2)
    retro.root_cause_add(
        retrospective=retrospective, actor=pm, statement=case.root_cause, now=moment
    )
    item = retro.improvement_add(
        retrospective=retrospective,
        actor=pm,
        owner=pm,
        due_at=resolved_at + timedelta(days=30),
        now=moment,
        **both_languages(title=case.improvement),
    )
    plan.action_item_update(
        item=item,
        actor=pm,
        expected_version=item.version,
        status="done",
        progress=100,
        now=resolved_at + timedelta(days=25),
    )
    retro.retrospective_update(
        retrospective=retrospective,
        actor=pm,
        expected_version=retrospective.version,
        outcome=case.outcome,
        went_well=case.went_well,
        went_badly=case.went_badly,
        now=moment,
        **_report(**case.report),
    )
    retro.retrospective_publish(
        retrospective=retrospective, actor=pm, now=moment + timedelta(hours=1)
    )
    return retro.retrospective_close(incident=incident, actor=pm, now=moment + timedelta(days=1))
