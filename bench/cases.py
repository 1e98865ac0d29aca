"""The case library on PostgreSQL: 10,000 closed bilingual cases, search and similar cases.

Builds 10,000 closed incidents with varied texts in Chinese and English (a
seeded mix of subjects, causes, options and outcomes, some written in one
language only), each with a chosen alternative, its decision and a
retrospective, on the benchmark database; indexes them with the library's own
rebuild (``case_index_rebuild``); then runs ROUNDS interleaved rounds: each
round runs every search (two-character Chinese words, longer words, mixed
Chinese and English, English words, filters, an empty query) and every
similar-cases lookup once, for PMO staff and for a member of a fifth of the
projects. Targets: p95 of a search ≤ 50 ms, p95 of a similar-cases lookup ≤
100 ms (``case_search`` and ``similar_cases`` as the pages call them, rows
loaded and snippets cut). The figures are reported whether the targets are
met or not.
"""

import random
import statistics
import time
from datetime import timedelta

CASES = 10_000
PROJECTS = 50
ROUNDS = 5
SEED = 20_241_208
TARGET_SEARCH_MS = 50.0
TARGET_SIMILAR_MS = 100.0

AREAS = [
    ("订单", "orders"), ("库存", "inventory"), ("物流", "logistics"), ("财务", "finance"),
    ("客服", "helpdesk"), ("会员", "loyalty"), ("报表", "reporting"), ("支付", "payments"),
    ("仓储", "warehouse"), ("排班", "rostering"), ("采购", "purchasing"), ("结算", "billing"),
]  # fmt: skip
TROUBLES = [
    ("接口超时", "API timeouts", "technical"),
    ("上线延期", "go-live delayed", "estimation"),
    ("查询性能不足", "slow queries", "technical"),
    ("需求反复变更", "requirements kept changing", "requirements"),
    ("数据迁移失败", "data migration failed", "infrastructure"),
    ("供应商未按时交货", "vendor shipped late", "supplier"),
    ("核心人员离职", "lead developers resigned", "resources"),
    ("服务器宕机", "production outage", "infrastructure"),
    ("沟通不畅导致返工", "rework after a misunderstanding", "communication"),
    ("发现安全漏洞", "security vulnerability found", "technical"),
    ("测试环境不稳定", "unstable test environment", "infrastructure"),
    ("估算过于乐观", "estimate far too optimistic", "estimation"),
]
CAUSES = [
    ("高峰期并发量超出设计容量", "peak load exceeded the designed capacity"),
    ("第三方系统没有提供文档", "the third-party system had no documentation"),
    ("联调时间被压缩", "integration testing was squeezed"),
    ("旧系统编码不一致", "the old system used inconsistent encodings"),
    ("关键岗位没有备份人员", "nobody backed up a key role"),
    ("验收标准没有书面确认", "acceptance criteria were never written down"),
    ("硬件在海关滞留", "hardware was held at customs"),
    ("监控告警没有覆盖该模块", "monitoring did not cover the module"),
    ("客户在开发中期调整范围", "the client reshaped the scope mid-development"),
    ("缓存策略设计错误", "the caching strategy was wrong"),
]
OPTIONS = [
    ("申请延期并分阶段验收", "ask for a new date with staged acceptance", "extend_deadline"),
    ("削减范围先上线核心功能", "cut scope and launch the core first", "reduce_scope"),
    ("分阶段交付", "deliver in phases", "phased_delivery"),
    ("外包补充人手", "bring in contractors", "add_resources"),
    ("改用异步架构", "switch to an asynchronous design", "change_approach"),
    ("终止项目", "stop the project", "cancel"),
]
OUTCOMES = ["delivered_late", "scope_cut", "phased", "cancelled", "delivered_on_time", "ongoing"]
SEVERITIES = ["low", "medium", "high", "critical"]

SEARCHES = [
    ("接口", {}), ("延期", {}), ("性能", {}), ("需求", {}), ("宕机", {}), ("漏洞", {}),
    ("数据迁移", {}), ("供应商", {}), ("订单 接口", {}), ("财务 性能", {}),
    ("API 超时", {}), ("vendor 海关", {}), ("payments API", {}), ("migration", {}),
    ("contract", {}), ("缓存策略", {}), ("接口", {"severity": "high"}),
    ("延期", {"cause_category": "estimation", "outcome": "delivered_late"}),
    ("", {"chosen_kind": "cancel"}), ("", {}), ("区块链", {}),
    ("监控告警 module", {"severity": "critical"}),
]  # fmt: skip


class BenchError(RuntimeError):
    pass


def _texts(rng: random.Random, n: int) -> dict:
    area_zh, area_en = rng.choice(AREAS)
    trouble_zh, trouble_en, category = rng.choice(TROUBLES)
    cause_zh, cause_en = rng.choice(CAUSES)
    origin_zh, origin_en = rng.choice(CAUSES)
    option_zh, option_en, kind = rng.choice(OPTIONS)
    days = rng.randint(3, 90)
    texts = {
        "title_zh_hans": f"{area_zh}系统{trouble_zh}",
        "title_en": f"{trouble_en.capitalize()} in {area_en}",
        "summary_zh_hans": f"{area_zh}模块{trouble_zh}，影响约{days}天的计划，第{n}号事件。",
        "summary_en": f"The {area_en} module: {trouble_en}; about {days} days of the plan (#{n}).",
        "cause_zh_hans": f"{cause_zh}。",
        "cause_en": f"Because {cause_en}.",
        "cause_origin_zh_hans": f"起因是{origin_zh}。",
        "cause_origin_en": f"It started when {origin_en}.",
    }
    language = rng.random()
    if language < 0.15:  # written only in Chinese
        texts = {k: (v if k.endswith("_zh_hans") else "") for k, v in texts.items()}
    elif language < 0.3:  # only in English
        texts = {k: (v if k.endswith("_en") else "") for k, v in texts.items()}
    option = {"title_zh_hans": option_zh, "title_en": option_en.capitalize(), "kind": kind}
    return {"texts": texts, "category": category, "option": option}


def build(now) -> dict:
    """Users, projects, and 10,000 closed cases written straight to their tables."""
    from django.contrib.auth import get_user_model

    from apps.accounts.models import Profile
    from apps.alternatives.models import Alternative, AlternativeStatus, Decision
    from apps.incidents.models import Incident, IncidentStatus
    from apps.projects.models import Client, Membership, Project, ProjectRole
    from apps.retrospectives.models import Retrospective, RootCause

    rng = random.Random(SEED)
    User = get_user_model()
    pmo = User.objects.create(username="bench.cases.pmo", email="pmo@bench.example.com")
    Profile.objects.update_or_create(user=pmo, defaults={"is_pmo": True})
    member = User.objects.create(username="bench.cases.member", email="m@bench.example.com")
    clients = [Client.objects.create(name=f"Bench client {i}") for i in range(10)]
    projects = [
        Project.objects.create(client=clients[i % 10], name=f"Bench project {i}", pmo_lead=pmo)
        for i in range(PROJECTS)
    ]
    for project in projects[: PROJECTS // 5]:
        Membership.objects.create(project=project, user=member, role=ProjectRole.MEMBER)
    plans = []
    incidents = []
    for n in range(CASES):
        plan = _texts(rng, n)
        closed = now - timedelta(days=rng.randint(1, 1500), minutes=n)
        declared = closed - timedelta(days=rng.randint(5, 120))
        texts = plan["texts"]
        if not texts["title_en"] and not texts["title_zh_hans"]:
            texts["title_en"] = f"Case {n}"
        incidents.append(
            Incident(
                project=rng.choice(projects),
                declared_by=pmo,
                severity=rng.choice(SEVERITIES),
                cause_category=plan["category"],
                status=IncidentStatus.CLOSED,
                declared_at=declared,
                first_contact_due_at=declared + timedelta(hours=24),
                first_contact_at=declared + timedelta(hours=3),
                update_cadence=timedelta(hours=48),
                resolved_at=closed - timedelta(days=2),
                closed_at=closed,
                **texts,
            )
        )
        plans.append(plan)
    incidents = Incident.objects.bulk_create(incidents, batch_size=1000)
    alternatives = Alternative.objects.bulk_create(
        [
            Alternative(
                incident=incident,
                status=AlternativeStatus.CHOSEN,
                created_by=pmo,
                created_at=incident.closed_at,
                updated_at=incident.closed_at,
                description_en="The option agreed with the client.",
                **plan["option"],
            )
            for incident, plan in zip(incidents, plans, strict=True)
        ],
        batch_size=1000,
    )
    Decision.objects.bulk_create(
        [
            Decision(
                incident_id=a.incident_id,
                alternative=a,
                decided_at=a.created_at,
                rationale_zh_hans=f"客户认为{a.title_zh_hans}风险最小。",
                rationale_en=f"The client judged that to {a.title_en.lower()} was safest.",
                recorded_by=pmo,
                recorded_at=a.created_at,
            )
            for a in alternatives
        ],
        batch_size=1000,
    )
    retrospectives = Retrospective.objects.bulk_create(
        [
            Retrospective(
                incident=incident,
                outcome=rng.choice(OUTCOMES),
                summary=rng.choice(
                    ["复盘认为应尽早告知客户。", "We should have told them sooner."]
                ),
                no_report_reason="Benchmark case.",
                created_at=incident.closed_at,
                updated_at=incident.closed_at,
            )
            for incident in incidents
        ],
        batch_size=1000,
    )
    RootCause.objects.bulk_create(
        [
            RootCause(
                retrospective=r,
                statement=f"根因：{rng.choice(CAUSES)[0]}",
                whys=["没有预警", "no early warning"],
                created_by=pmo,
                created_at=r.created_at,
            )
            for r in retrospectives[::3]
        ],
        batch_size=1000,
    )
    return {"pmo": pmo, "member": member, "incidents": incidents}


def explain(sql: str, params) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def run() -> dict:
    from django.db import connection
    from django.utils import timezone

    from apps.cases.models import CaseEntry
    from apps.cases.selectors import CaseFilters, case_search, similar_cases
    from apps.cases.services import case_index_rebuild

    if connection.vendor != "postgresql":
        raise BenchError("the case-library benchmark runs on PostgreSQL")
    now = timezone.now()
    t0 = time.perf_counter()
    built = build(now)
    build_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    indexed = case_index_rebuild()
    index_seconds = time.perf_counter() - t0
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_caseentry")
    if indexed != CASES or CaseEntry.objects.count() != CASES:
        raise BenchError(f"indexed {indexed} cases, expected {CASES}")

    users = [built["pmo"], built["member"]]
    rng = random.Random(SEED + 1)
    drafts = rng.sample(built["incidents"], 20)
    # Warm up: jieba's dictionary, the connection, the caches.
    for q, filters in SEARCHES:
        case_search(users[0], q, CaseFilters(**filters))
    similar_cases(drafts[0], users[0])

    search_rounds: list[list[float]] = []
    similar_rounds: list[list[float]] = []
    hits = {}
    for _round in range(ROUNDS):
        searches, similars = [], []
        for i, (q, filters) in enumerate(SEARCHES):
            user = users[i % 2]
            start = time.perf_counter()
            result = case_search(user, q, CaseFilters(**filters), page=1)
            searches.append((time.perf_counter() - start) * 1000)
            hits[(q, tuple(sorted(filters.items())), user.username)] = result.page.paginator.count
        for i, incident in enumerate(drafts):
            start = time.perf_counter()
            found = similar_cases(incident, users[i % 2])
            similars.append((time.perf_counter() - start) * 1000)
            if not found:
                raise BenchError(f"no similar case for incident {incident.pk}")
        search_rounds.append(searches)
        similar_rounds.append(similars)

    from apps.cases.search import _postgres_all
    from apps.cases.segment import parse_query

    plan = explain(
        "SELECT id FROM cases_caseentry WHERE search @@ to_tsquery('simple', %s)",
        [_postgres_all(parse_query("订单 接口"))],
    )
    return summarise(search_rounds, similar_rounds) | {
        "build_seconds": build_seconds,
        "index_seconds": index_seconds,
        "plan": plan,
        "uses_gin": "case_search_gin" in plan,
        "hits": hits,
    }


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def summarise(search_rounds, similar_rounds) -> dict:
    def figures(rounds, target):
        per_round = [p95(r) for r in rounds]
        every = [x for r in rounds for x in r]
        overall = p95(every)
        return {
            "samples": len(every),
            "median": statistics.median(every),
            "p95": overall,
            "max": max(every),
            "round_p95": (min(per_round), statistics.median(per_round), max(per_round)),
            "target": target,
            "met": overall <= target,
        }

    search = figures(search_rounds, TARGET_SEARCH_MS)
    similar = figures(similar_rounds, TARGET_SIMILAR_MS)
    return {"search": search, "similar": similar, "met": search["met"] and similar["met"]}


def markdown(result: dict) -> str:
    lines = [
        f"## Case library (PostgreSQL, {CASES:,} closed bilingual cases)",
        "",
        "Command: `make bench` or `python -m bench cases` (module `bench/cases.py`). "
        f"{CASES:,} closed incidents in {PROJECTS} projects, each with a chosen alternative, "
        "its decision and a retrospective (a third with a root cause), 15 % written only in "
        "Chinese and 15 % only in English, indexed by `case_index_rebuild` "
        f"({result['index_seconds']:.1f} s; the rows were built in "
        f"{result['build_seconds']:.1f} s). {ROUNDS} interleaved rounds; each runs the "
        f"{len(SEARCHES)} searches (Chinese two-character and longer words, mixed Chinese and "
        "English, English words, filters, no query) and 20 similar-cases lookups once, "
        "alternately as PMO staff and as a member of a fifth of the projects. Times are "
        "`case_search` (count and page, snippets cut) and `similar_cases` (top 5) as the "
        "pages call them.",
        "",
        "| query | samples | median | p95 | max | p95 per round (min / median / max) "
        "| target (p95) | met |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, key in (("search", "search"), ("similar cases", "similar")):
        r = result[key]
        low, mid, high = r["round_p95"]
        lines.append(
            f"| {name} | {r['samples']} | {r['median']:.1f} ms | {r['p95']:.1f} ms "
            f"| {r['max']:.1f} ms | {low:.1f} / {mid:.1f} / {high:.1f} ms "
            f"| ≤ {r['target']:.0f} ms | {'yes' if r['met'] else '**NO**'} |"
        )
    lines += [
        "",
        f"The full-text match uses the GIN index: **{'yes' if result['uses_gin'] else 'NO'}**.",
        "",
        f"All targets met: **{'yes' if result['met'] else 'NO'}**.",
    ]
    return "\n".join(lines)
