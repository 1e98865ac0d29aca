"""Demo data: three clients, their projects and incidents at different stages.

One incident is the case the method comes from: a software company hits a
technical bottleneck and cannot deliver on time; the PM tells the client at
once, holds an urgent meeting, explains the cause and offers alternatives.
"""

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation

from apps.accounts.models import Profile
from apps.incidents import services as incident_services
from apps.incidents.models import INCIDENT_TEXTS, Incident, IncidentSeverity, IncidentStatus
from apps.outbox.models import EmailStatus, OutgoingEmail
from apps.projects import services as project_services
from apps.projects.models import Project, ProjectRole
from apps.statuspage.models import ShareLink, hash_token
from apps.statuspage.services import link_create

from .retrospective import PAST_CASES, close_past_case, tell_seed_retrospective
from .story import EXTENSION, both_languages, day_in_both, tell_recovery_story, tell_seed_story

DEMO_PASSWORD = "candor-demo"  # noqa: S105 - printed to the user on purpose


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    language: str
    time_zone: str
    is_pmo: bool = False
    role_label: str = ""


USERS = (
    DemoUser("zhou.pmo", "Min", "Zhou", "zh-hans", "Asia/Shanghai", True, "PMO lead, admin"),
    DemoUser("li.pm", "Wei", "Li", "zh-hans", "Asia/Shanghai", False, "project manager"),
    DemoUser("anna.pm", "Anna", "Berg", "en", "Europe/Berlin", False, "project manager"),
    DemoUser("wang.dev", "Jun", "Wang", "zh-hans", "Asia/Shanghai", False, "team member"),
)


def _user(spec: DemoUser):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=spec.username,
        defaults={
            "first_name": spec.first_name,
            "last_name": spec.last_name,
            "email": f"{spec.username}@example.com",
            "is_staff": spec.is_pmo,
            "is_superuser": spec.is_pmo,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    Profile.objects.update_or_create(
        user=user,
        defaults={
            "language": spec.language,
            "time_zone": spec.time_zone,
            "is_pmo": spec.is_pmo,
            # The demo's PMO user is its PMO lead: they see the People page and grant rights.
            "is_pmo_lead": spec.is_pmo,
        },
    )
    return user


def _project(
    *,
    client_name,
    name,
    description,
    pmo_lead,
    members,
    contacts,
    currency="CNY",
    delivery_date=None,
    committed_at=None,
    milestones=(),
) -> Project:
    """The project, set up by its PMO lead (who is on the record for it).

    Its committed ``delivery_date`` and its ``milestones`` ((due on, done on,
    (English, Chinese) title) each) are set only when it is created, so that
    loading again adds nothing. ``committed_at`` is when the date was
    committed, if before today: a date's history is told in that order.
    """
    client = project_services.client_get_or_create(name=client_name, actor=pmo_lead)
    project = Project.objects.filter(client=client, name=name).first()
    if project is None:
        project = project_services.project_create(
            client=client,
            name=name,
            description=description,
            pmo_lead=pmo_lead,
            actor=pmo_lead,
            currency=currency,
            delivery_date=delivery_date if committed_at is None else None,
        )
        if delivery_date is not None and committed_at is not None:
            project_services.project_change_delivery_date(
                project=project,
                actor=pmo_lead,
                delivery_date=delivery_date,
                reason=str(project_services.SET_AT_CREATION),
                now=committed_at,
            )
            project.refresh_from_db(fields=["delivery_date"])
        for due_on, done_on, title in milestones:
            project_services.milestone_add(
                project=project,
                actor=pmo_lead,
                due_on=due_on,
                done_on=done_on,
                **both_languages(title=title),
            )
    for user, role in members:
        project_services.membership_set(project=project, user=user, role=role, actor=pmo_lead)
    for contact in contacts:
        if not project.contacts.filter(email=contact["email"]).exists():
            project_services.contact_create(project=project, actor=pmo_lead, **contact)
    return project


#: The statuses an incident passes through to reach a given one.
PATHS = {
    IncidentStatus.PLAN_AGREED: [IncidentStatus.PLAN_AGREED],
    IncidentStatus.RECOVERING: [IncidentStatus.PLAN_AGREED, IncidentStatus.RECOVERING],
    IncidentStatus.RESOLVED: [
        IncidentStatus.PLAN_AGREED,
        IncidentStatus.RECOVERING,
        IncidentStatus.RESOLVED,
    ],
}


def _incident(
    *, project, title, declared_by, declared_ago, now, first_contact_after=None, status=None, **kw
):
    """The incident and whether this run created it (its story is told only then)."""
    texts = both_languages(title=title, **{k: kw.pop(k) for k in INCIDENT_TEXTS if k in kw})
    existing = Incident.objects.filter(project=project, title_en=texts["title_en"]).first()
    if existing is not None:
        return existing, False
    declared_at = now - declared_ago
    pm = declared_by
    incident = incident_services.incident_declare(
        project=project, actor=pm, now=declared_at, **texts, **kw
    )
    if first_contact_after is not None:
        incident = incident_services.incident_record_first_contact(
            incident=incident, actor=pm, at=declared_at + first_contact_after, now=now
        )
    for step in PATHS.get(status, []):
        incident = incident_services.incident_change_status(
            incident=incident, actor=pm, status=step, now=now
        )
    return incident, True


def _mark_history_sent() -> None:
    """The demo's past e-mails belong to its history: they are not sent today."""
    OutgoingEmail.objects.filter(status=EmailStatus.PENDING).update(
        status=EmailStatus.SENT, sent_at=F("created_at")
    )


def demo_status_link(user) -> str:
    """A stable share link to the seed case, so the demo can print it every time.

    Its token is derived from SECRET_KEY; real links use ``secrets``.
    """
    token = hmac.new(settings.SECRET_KEY.encode(), b"candor-demo-link", hashlib.sha256)
    token = base64.urlsafe_b64encode(token.digest()[:24]).decode().rstrip("=")
    if not ShareLink.objects.filter(token_hash=hash_token(token)).exists():
        incident = Incident.objects.get(title_zh_hans__startswith="调度引擎性能瓶颈")
        link_create(
            actor=user,
            incident=incident,
            contact=incident.project.contacts.filter(is_decision_maker=True).first(),
            label="Demo",
            token=token,
        )
    return f"/s/{token}/"


#: The article's case was declared this long ago; the launch it misses was due a week later.
SEED_DECLARED_AGO = timedelta(days=12)
SEED_LAUNCH_AFTER = timedelta(days=7)


@transaction.atomic
def load_demo(now: datetime | None = None) -> list[DemoUser]:
    now = now or timezone.now()
    pmo, li, anna, wang = (_user(spec) for spec in USERS)

    seed_declared = now - SEED_DECLARED_AGO
    launch = (seed_declared + SEED_LAUNCH_AFTER).date()
    launch_en, launch_zh = day_in_both(launch)
    agreed = launch + EXTENSION
    logistics = _project(
        client_name="华信物流 Huaxin Logistics",
        name="智慧物流调度平台 Smart dispatch platform",
        description="Route optimisation and real-time dispatch for 3,000 trucks.",
        pmo_lead=pmo,
        members=[(li, ProjectRole.PM), (wang, ProjectRole.MEMBER)],
        contacts=[
            {
                "name": "陈静 Chen Jing",
                "email": "chen.jing@huaxin.example.com",
                "role": "CIO",
                "is_decision_maker": True,
                "language": "zh-hans",
                "time_zone": "Asia/Shanghai",
                "receives_updates": True,
            },
            {
                "name": "Tom Hughes",
                "email": "tom.hughes@huaxin.example.com",
                "role": "Operations lead",
                "is_decision_maker": False,
                "language": "en",
                "time_zone": "Asia/Hong_Kong",
                "receives_updates": True,
            },
        ],
        # Committed in the contract; the decision taken with the client moves it.
        delivery_date=launch,
        committed_at=seed_declared - timedelta(days=100),
        milestones=[
            (
                (seed_declared + timedelta(days=9)).date(),
                (seed_declared + timedelta(days=8)).date(),
                ("Acceptance testing with your operations team", "与贵方运营团队完成验收测试"),
            ),
            (
                (seed_declared + timedelta(days=10)).date(),
                (seed_declared + timedelta(days=10)).date(),
                ("First region live", "首个区域上线"),
            ),
            (agreed, None, ("All 3,000 trucks live", "全部 3,000 辆车上线")),
        ],
    )
    # The banking app was to be released next Monday.
    release = now.date() + timedelta(days=7 - now.date().weekday())
    release_en, release_zh = day_in_both(release)
    bank = _project(
        client_name="Northwind Bank",
        name="Mobile banking app 3.0",
        description="Rebuild of the retail mobile app with biometric login.",
        pmo_lead=pmo,
        currency="GBP",
        members=[(anna, ProjectRole.PM), (wang, ProjectRole.MEMBER), (li, ProjectRole.VIEWER)],
        contacts=[
            {
                "name": "Sarah Miller",
                "email": "sarah.miller@northwind.example.com",
                "role": "Head of digital channels",
                "is_decision_maker": True,
                "language": "en",
                "time_zone": "Europe/London",
                "receives_updates": True,
            },
        ],
        delivery_date=release,
    )
    # The warehouse is live; the project ends with the handover after two weeks' support.
    retail = _project(
        client_name="蓝河零售 Blue River Retail",
        name="数据仓库迁移 Data warehouse migration",
        description="Move the sales warehouse to a managed cloud platform.",
        pmo_lead=pmo,
        members=[(li, ProjectRole.PM), (anna, ProjectRole.MEMBER)],
        contacts=[
            {
                "name": "刘洋 Liu Yang",
                "email": "liu.yang@blueriver.example.com",
                "role": "数据部负责人",
                "is_decision_maker": True,
                "language": "zh-hans",
                "time_zone": "Asia/Shanghai",
                "receives_updates": True,
            },
        ],
        delivery_date=(now + timedelta(days=14)).date(),
    )

    # The case from the article: a technical bottleneck, told at once.
    seed, created = _incident(
        project=logistics,
        title=("Dispatch engine bottleneck delays delivery", "调度引擎性能瓶颈，无法按期交付"),
        declared_by=li,
        declared_ago=SEED_DECLARED_AGO,
        now=now,
        severity=IncidentSeverity.CRITICAL,
        cause_category="technical",
        summary=(
            "Load tests show that with 3,000 trucks at once the dispatch engine takes more than "
            "40 seconds to respond, far above the 2 seconds the contract requires. Going live on "
            f"{launch_en} as planned is no longer possible.",
            "压力测试显示，调度引擎在 3,000 辆车并发时响应时间超过 40 秒，远高于合同要求的 2 秒。"
            f"按原计划在 {launch_zh}上线已不可能。",
        ),
        cause=(
            "The route optimisation algorithm's workload grows exponentially with the number of "
            "trucks; the current architecture cannot dispatch in real time within the required "
            "response time.",
            "路径优化算法在车辆数量增长时计算量呈指数级上升；"
            "现有架构无法在要求的时间内完成实时调度。",
        ),
        cause_origin=(
            "The performance estimate made at the start of the project was based on sample data "
            "from 300 trucks; load testing at full fleet size was not done until the third "
            "iteration, so the problem was found too late.",
            "立项时的性能评估基于 300 辆车的样本数据；"
            "扩展到全量车队后的压力测试直到第三次迭代才进行，问题发现得太晚。",
        ),
        current_state=(
            "85% of the functionality is built. The core dispatch module has to be redesigned; "
            "the other modules (driver app, reports) are on schedule.",
            "功能开发已完成 85%。核心调度模块需要重新设计；其余模块（司机端、报表）按计划推进。",
        ),
        impact_schedule_days=30,
        impact_cost=Decimal("180000.00"),
        impact_scope=(
            "Real-time dispatch is delayed; the scope of the first release has to be agreed "
            "with you again.",
            "实时调度模块延期；首期上线范围需与贵方重新商定。",
        ),
        first_step=(
            "From today, two senior architects are assessing a partitioned dispatch design; "
            "they will say within 48 hours whether it is feasible.",
            "今天起由两名资深架构师评估分区调度方案，48 小时内给出可行性结论。",
        ),
        apology=(
            "We sincerely apologise for not identifying the performance risk earlier, and for "
            "the disruption this causes to your operations planning.",
            "我们对未能及早发现性能风险、给贵方运营计划带来的影响深表歉意。",
        ),
        internal_notes="架构组人手紧张，需从平台组借调一人两周。",
    )
    if created:
        # The notes the services write are in the language of whoever acts: here, Li Wei's.
        with translation.override("zh-hans"):
            tell_seed_story(
                seed,
                pm=li,
                member=wang,
                lead=pmo,
                contacts=list(logistics.contacts.all()),
                planned=launch,
                now=now,
            )
            tell_seed_retrospective(seed, pm=li, member=wang, lead=pmo, now=now)

    _incident(
        project=bank,
        title=(
            "Biometric login rejected by the app store review",
            "生物识别登录未通过应用商店审核",
        ),
        declared_by=anna,
        declared_ago=timedelta(hours=5),
        now=now,
        severity=IncidentSeverity.HIGH,
        summary=(
            "The store review rejected release 3.0 because the biometric login flow does not "
            f"offer a fallback. The launch planned for Monday {release_en} cannot happen.",
            "应用商店审核驳回了 3.0 版本，原因是生物识别登录流程没有提供备用登录方式。"
            f"原定 {release_zh}（周一）的发布无法进行。",
        ),
        cause=(
            "The fallback screen was cut from the last sprint to meet the date.",
            "为赶上发布日期，备用登录界面在上一个迭代中被砍掉了。",
        ),
        internal_notes="Check whether the design agency's contract covers the extra screens.",
    )
    _incident(
        project=retail,
        title=("Migration budget overrun", "迁移预算超支"),
        declared_by=li,
        declared_ago=timedelta(days=20),
        first_contact_after=timedelta(hours=6),
        status=IncidentStatus.RESOLVED,
        now=now,
        severity=IncidentSeverity.MEDIUM,
        cause_category="estimation",
        summary=(
            "The effort to clean the historical data was underestimated; the migration costs 25% "
            "more than budgeted.",
            "历史数据清洗工作量被低估，迁移成本超出预算 25%。",
        ),
        cause=(
            "The source system holds many duplicate and inconsistent historical orders.",
            "源系统中有大量重复和不一致的历史订单数据。",
        ),
        cause_origin=(
            "The quality of the historical data was not assessed on samples during the "
            "requirements phase.",
            "需求阶段未对历史数据质量做抽样评估。",
        ),
        current_state=(
            "The data has been cleaned and the migrated warehouse is live.",
            "数据清洗已完成，迁移已上线。",
        ),
        impact_schedule_days=10,
        impact_cost=Decimal("95000.00"),
        impact_scope=("No change in functional scope.", "无功能范围变化。"),
        first_step=(
            "Sample the quality of the remaining data and estimate the effort again.",
            "对剩余数据做质量抽样，重新估算工作量。",
        ),
        apology=(
            "We are sorry that we did not assess the risk in the data's quality properly at the "
            "outset.",
            "很抱歉我们在前期没有充分评估数据质量风险。",
        ),
    )
    nightly, created = _incident(
        project=retail,
        title=("Nightly report delays after cut-over", "切换后夜间报表延迟"),
        declared_by=li,
        declared_ago=timedelta(days=2),
        first_contact_after=timedelta(hours=20),
        now=now,
        severity=IncidentSeverity.HIGH,
        summary=(
            "Since the cut-over, the nightly sales report is ready three hours later than before, "
            "so the stores do not have their figures for the morning meeting.",
            "切换后夜间销售报表比原来晚 3 小时生成，门店早会拿不到数据。",
        ),
        cause=(
            "The new platform's batch window clashes with the source system's backup.",
            "新平台的批处理窗口与源系统备份时间冲突。",
        ),
        cause_origin=(
            "The cut-over rehearsals used weekend data volumes and did not cover weekday peaks.",
            "切换演练使用的是周末的数据量，没有覆盖工作日高峰。",
        ),
        current_state=(
            "The backup has been moved for now; the report is one hour late instead of three.",
            "已临时调整备份时间，报表延迟缩短到 1 小时。",
        ),
        impact_schedule_days=0,
        impact_scope=("The daily sales report.", "每日销售报表。"),
        first_step=(
            "Agree a new backup window with your IT department.",
            "与贵方 IT 部门协调备份窗口。",
        ),
        apology=(
            "We are sorry for the disruption to your stores' morning meetings.",
            "很抱歉影响了门店的早会安排。",
        ),
    )
    if created:
        with translation.override("zh-hans"):
            tell_recovery_story(nightly, pm=li, member=anna, now=now)
    vista = _project(
        client_name="远景教育 Vista Education",
        name="全市统考系统 City exam platform",
        description="Online exams for 50,000 candidates across the city's districts.",
        pmo_lead=pmo,
        members=[(li, ProjectRole.PM), (wang, ProjectRole.MEMBER)],
        contacts=[
            {
                "name": "赵敏 Zhao Min",
                "email": "zhao.min@vista.example.com",
                "role": "信息中心主任",
                "is_decision_maker": True,
                "language": "zh-hans",
                "time_zone": "Asia/Shanghai",
                "receives_updates": True,
            },
        ],
        delivery_date=(now - timedelta(days=100)).date(),
    )
    # Cases closed long ago, for the case library and the similar-cases panel.
    for key, project, pm in (
        ("bank", bank, anna),
        ("logistics", logistics, li),
        ("vista", vista, li),
    ):
        case = PAST_CASES[key]
        if not Incident.objects.filter(project=project, title_en=case.title[0]).exists():
            with translation.override("zh-hans" if pm == li else "en"):
                close_past_case(
                    case, project=project, pm=pm, contacts=list(project.contacts.all()), now=now
                )
    _mark_history_sent()
    return list(USERS)
