"""Fifty bilingual closed cases and the hits each search must give.

Ten themes (a cause, in Chinese and in English) meet five business areas
(orders, inventory, logistics, finance, customer service): ``api-1`` is the
payment-interface case of the orders area. Each case is written in both
languages, some only in one (``zh_only``, ``en_only``); what was chosen and how
it ended vary by area. ``EXPECTED`` lists, for each query, the cases it must
find — written out by hand, not computed by the code under test.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

THEMES = {
    # key: (cause category, title zh, title en, cause zh, cause en, option zh, option en)
    "api": (
        "technical",
        "支付接口超时",
        "Payment gateway timeouts",
        "第三方支付接口在高峰期响应超过十秒。",
        "The payment API answered in over ten seconds at peak hours.",
        "改用异步回调",
        "Switch to asynchronous callbacks",
    ),
    "delay": (
        "estimation",
        "上线延期两周",
        "Go-live postponed by two weeks",
        "排期过于乐观，联调时间被压缩，导致延期。",
        "The schedule was optimistic and integration testing was squeezed.",
        "申请延期并分阶段验收",
        "Ask for a new date with staged acceptance",
    ),
    "perf": (
        "technical",
        "报表查询性能不足",
        "Reports load far too slowly",
        "月度报表的查询性能随数据量增长急剧下降。",
        "Monthly report queries degrade sharply as the volume grows.",
        "增加只读副本",
        "Add a read replica",
    ),
    "req": (
        "requirements",
        "需求反复变更",
        "Requirements kept changing",
        "客户在开发中期多次调整需求范围。",
        "The client reshaped the requested features mid-development.",
        "冻结需求并削减范围",
        "Freeze the specification and cut features",
    ),
    "data": (
        "infrastructure",
        "历史数据迁移失败",
        "Legacy data migration failed",
        "旧系统的编码不一致，数据迁移脚本中断。",
        "Inconsistent encodings in the old system broke the migration scripts.",
        "人工清洗后重跑",
        "Clean by hand and rerun",
    ),
    "vendor": (
        "supplier",
        "硬件供应商未按时交货",
        "Hardware vendor shipped late",
        "供应商的扫描枪在海关滞留三周。",
        "The vendor's scanners were held at customs for three weeks.",
        "更换本地供应商",
        "Switch to a local vendor",
    ),
    "staff": (
        "resources",
        "核心开发人员离职",
        "Lead developers resigned",
        "两名核心人员同时离职，知识没有交接。",
        "Two senior engineers left at once without a handover.",
        "外包补充人手",
        "Bring in contractors",
    ),
    "server": (
        "infrastructure",
        "生产服务器宕机",
        "Production outage",
        "机房断电后服务器未能自动恢复。",
        "After a power cut in the data centre the machines did not restart.",
        "迁移到云主机",
        "Move to cloud hosting",
    ),
    "comm": (
        "communication",
        "沟通不畅导致返工",
        "Rework after a misunderstanding",
        "双方对验收标准的理解不一致，沟通记录缺失。",
        "Both sides read the acceptance criteria differently and nothing was written down.",
        "建立周会与书面确认",
        "Weekly meetings with written sign-off",
    ),
    "security": (
        "technical",
        "发现安全漏洞",
        "Security vulnerability found",
        "渗透测试发现登录模块存在注入漏洞。",
        "Penetration testing found an injection flaw in the login module.",
        "暂停上线并修复",
        "Hold the launch and patch",
    ),
}

#: Business areas: (zh, en, project, severity, chosen kind, outcome).
AREAS = {
    1: ("订单", "orders", "p1", "high", "extend_deadline", "delivered_late"),
    2: ("库存", "inventory", "p1", "medium", "reduce_scope", "scope_cut"),
    3: ("物流", "logistics", "p2", "critical", "cancel", "cancelled"),
    4: ("财务", "finance", "p3", "low", "phased_delivery", "phased"),
    5: ("客服", "helpdesk", "p3", "high", "change_approach", "delivered_on_time"),
}
#: Projects and their clients.
PROJECTS = {
    "p1": ("Retail platform", "Huaxin"),
    "p2": ("Fleet", "Huaxin"),
    "p3": ("Ledger", "Beiming"),
}
START = datetime(2024, 1, 1, 10, 0, tzinfo=UTC)


@dataclass
class CorpusCase:
    key: str
    theme: str
    area: int
    texts: dict = field(default_factory=dict)

    @property
    def project(self) -> str:
        return AREAS[self.area][2]

    @property
    def severity(self) -> str:
        return AREAS[self.area][3]

    @property
    def chosen_kind(self) -> str:
        return AREAS[self.area][4]

    @property
    def outcome(self) -> str:
        return AREAS[self.area][5]

    @property
    def cause_category(self) -> str:
        return THEMES[self.theme][0]

    @property
    def closed_at(self) -> datetime:
        # Themes in order, a month apart; areas a day apart within the month.
        return START + timedelta(days=30 * list(THEMES).index(self.theme) + self.area)


def _case(theme: str, area: int) -> CorpusCase:
    _cat, title_zh, title_en, cause_zh, cause_en, option_zh, option_en = THEMES[theme]
    area_zh, area_en = AREAS[area][:2]
    texts = {
        "title_zh_hans": f"{area_zh}系统{title_zh}",
        "title_en": f"{title_en} in {area_en}",
        "summary_zh_hans": f"{area_zh}模块受到影响，客户无法按计划使用。",
        "summary_en": f"The {area_en} module is affected; the client cannot use it as planned.",
        "cause_zh_hans": cause_zh,
        "cause_en": cause_en,
        "option_zh_hans": option_zh,
        "option_en": option_en,
        "rationale_zh_hans": f"客户认为{option_zh}风险最小。",
        "rationale_en": f"The client judged that to {option_en.lower()} was the least risky.",
    }
    if area == 2:  # written only in Chinese
        texts = {k: v for k, v in texts.items() if not k.endswith("_en")}
        texts["title_en"] = ""
    if area == 3:  # written only in English
        texts = {k: v for k, v in texts.items() if not k.endswith("_zh_hans")}
    if area == 5:  # the review found a root cause worth finding again
        texts["root_cause"] = f"根因：{title_zh}前缺少预警机制 (no early warning)"
        texts["review_summary"] = "复盘会议认为应尽早告知客户。"
    return CorpusCase(f"{theme}-{area}", theme, area, texts)


CASES = [_case(theme, area) for theme in THEMES for area in AREAS]
KEYS = [case.key for case in CASES]


def theme(name: str, areas=(1, 2, 3, 4, 5)) -> set[str]:
    return {f"{name}-{a}" for a in areas}


def area(number: int) -> set[str]:
    return {f"{t}-{number}" for t in THEMES}


ZH = (1, 2, 4, 5)  # the areas written in Chinese
EN = (1, 3, 4, 5)  # the areas written in English

#: Query → the cases it must find (any order), over all three projects.
EXPECTED = {
    # Two-character Chinese words.
    "接口": theme("api", ZH),
    "延期": theme("delay", ZH),
    "性能": theme("perf", ZH),
    "需求": theme("req", ZH),
    "漏洞": theme("security", ZH),
    "离职": theme("staff", ZH),
    "宕机": theme("server", ZH),
    "沟通": theme("comm", ZH),
    "订单": area(1),
    "库存": area(2),
    "财务": area(4),
    # Longer words, and substrings that cross jieba's word boundaries.
    "数据迁移": theme("data", ZH),
    "供应商": theme("vendor", ZH),
    "付接": theme("api", ZH),
    "口在高": theme("api", ZH),
    "报表的查": theme("perf", ZH),
    "报表迁移": set(),  # its pair 表迁 is in no case
    "迁移脚本中断": theme("data", ZH),
    "安全漏洞": theme("security", ZH),
    # Chinese words in two places at once (AND).
    "订单 接口": {"api-1"},
    "财务 性能": {"perf-4"},
    "库存 需求": {"req-2"},
    # Mixed Chinese and English.
    "API 订单": {"api-1"},
    "API 超时": {"api-1", "api-4", "api-5"},
    "vendor 供应商": {"vendor-1", "vendor-4", "vendor-5"},
    "helpdesk 根因": area(5),
    # English words (prefixes: "delay" would find "delayed").
    "payment": theme("api", EN),
    "vendor": theme("vendor", EN),
    "migration": theme("data", EN),
    "replica": theme("perf", EN),
    "logistics": area(3),
    "logistics payment": {"api-3"},
    "PAYMENT Gateway": theme("api", EN),
    "contract": theme("staff", EN),  # a prefix of "contractors"
    # The retrospective's internal texts and root causes.
    "复盘": area(5),
    "预警机制": area(5),
    "early warning": area(5),
    # Nothing.
    "区块链": set(),
    "blockchain": set(),
}

#: Filters (with a query or without) → the cases kept.
FILTERED = [
    ({"cause_category": "technical"}, "", theme("api") | theme("perf") | theme("security")),
    (
        {"cause_category": "technical", "severity": "high"},
        "",
        {"api-1", "api-5", "perf-1", "perf-5", "security-1", "security-5"},
    ),
    ({"chosen_kind": "cancel"}, "", area(3)),
    ({"outcome": "scope_cut", "cause_category": "requirements"}, "", {"req-2"}),
    ({"outcome": "delivered_late"}, "接口", {"api-1"}),
    ({"project": "p3"}, "性能", {"perf-4", "perf-5"}),
    ({"client": "Beiming"}, "", area(4) | area(5)),
    ({"client": "Huaxin", "severity": "critical"}, "payment", {"api-3"}),
    # Closed in the second theme's month (delay), from the 2nd to the 4th day.
    (
        {
            "closed_from": (START + timedelta(days=32)).date(),
            "closed_to": (START + timedelta(days=34)).date(),
        },
        "",
        {"delay-2", "delay-3", "delay-4"},
    ),
]
