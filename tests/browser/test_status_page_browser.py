"""The client's status page in a real Chromium: as a client on a desktop and on a phone.

Run with ``pytest -m browser``. Chromium comes from the system (CI installs it);
Playwright's own browser downloads are never used. Screenshots are written to
``test-artifacts/statuspage/`` for a person to look at.
"""

import os
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import timezone

from apps.actionplans import services as plan
from apps.alternatives import services as alternatives
from apps.communications import services as communications
from apps.communications.models import LogChannel
from apps.projects.services import project_change_delivery_date
from apps.statuspage import pagecache
from tests.celery_capture import capture_enqueued
from tests.factories import ClientContactFactory, informed_incident, member
from tests.statuspage.support import make_link, page_url, publish

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("CANDOR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "statuspage"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}

LONG_URL = "https://docs.example.com/" + "very-long-path-segment-" * 8 + "end"
UPDATE_EN = f"""The migration of the **dispatch** data has started.

- 40 % of the records are moved
- the rest follows this week

Details: {LONG_URL}

    a_code_line_that_is_much_longer_than_a_phone_screen_is_wide_and_must_not_make_it_scroll()
"""
UPDATE_ZH = f"""**调度**数据的迁移已经开始。

- 已迁移 40% 的记录
- 其余部分本周完成

详情:{LONG_URL}
"""


#: The Chinese of the incident's texts (the English ones come with ``ready=True``).
INCIDENT_ZH = {
    "title_zh_hans": "调度上线延期",
    "summary_zh_hans": "实时调度无法在计划日期上线。",
    "cause_zh_hans": "路径算法无法扩展。",
    "cause_origin_zh_hans": "压力测试只用了十分之一的车队。",
    "current_state_zh_hans": "85% 的功能已完成。",
    "impact_scope_zh_hans": "实时调度。",
    "first_step_zh_hans": "两名架构师评估分区调度方案。",
    "apology_zh_hans": "很抱歉我们这么晚才发现风险。",
}
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
#: What the page shows of itself in Latin letters in any language: the time zone it names,
#: the feed format and the language switch (marked with its own lang).
LATIN_ANYWHERE = {"Asia", "Shanghai", "Atom"}

#: The text a reader sees, less what is marked as another language (the fallbacks and their
#: marks, the language switch), so that what remains must be in the page's own language.
OWN_LANGUAGE_TEXT = """() => {
  const own = document.documentElement.lang;
  const copy = document.body.cloneNode(true);
  copy.querySelectorAll('[lang]').forEach((el) => { if (el.lang !== own) el.remove(); });
  copy.querySelectorAll('.fallback-mark, script, style').forEach((el) => el.remove());
  return copy.innerText;
}"""


def _require_chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: install it (apt-get install chromium) "
            "or set CANDOR_CHROMIUM; the browser tests never download a browser."
        )


def _scenario(now) -> dict[str, str]:
    """An incident well under way; a link for an English and for a Chinese reader."""
    incident = informed_incident(
        now=now - timedelta(days=3),
        ready=True,
        title="Dispatch launch delayed",
        summary="The real-time dispatch cannot launch on the planned date.",
        **INCIDENT_ZH,
    )
    pm = incident.declared_by
    project = incident.project
    teammate = member(project, username="browser.member")
    publish(
        incident,
        body_en="We found the cause and are assessing two options.",
        body_zh_hans="我们已找到原因,正在评估两个方案。",
        now=now - timedelta(days=2),
    )
    publish(incident, body_en=UPDATE_EN, body_zh_hans=UPDATE_ZH, now=now - timedelta(hours=3))
    communications.log_contact(
        incident=incident,
        actor=pm,
        channel=LogChannel.MEETING,
        occurred_at=now - timedelta(days=1),
        summary_en="We walked through both options with your team.",
        summary_zh_hans="我们与贵方团队逐一讨论了两个方案。",
        client_visible=True,
        now=now,
    )
    communications.meeting_schedule(
        incident=incident,
        actor=pm,
        title_en="Decision on the recovery option",
        title_zh_hans="恢复方案决策会",
        starts_at=now + timedelta(days=2),
        duration_minutes=60,
        location=LONG_URL,
        now=now,
    )
    english = ClientContactFactory(
        project=project, name="Helen Baker", language="en", time_zone="Europe/London"
    )
    chinese = ClientContactFactory(
        project=project, name="陈静", language="zh-hans", time_zone="Asia/Shanghai"
    )
    project_change_delivery_date(
        project=project,
        actor=pm,
        delivery_date=(now - timedelta(days=2)).date(),
        reason="Contract.",
        now=now - timedelta(days=3),
    )
    _plan_and_decision(incident, pm, teammate, english, now)
    return {
        "en": page_url(make_link(incident, contact=english)[1]),
        "zh-hans": page_url(make_link(incident, contact=chinese)[1]),
        "names": [project.name, project.client.name, english.name, chinese.name, LONG_URL],
    }


def _plan_and_decision(incident, pm, teammate, contact, now):
    """Two actions with progress, three options compared, one chosen with the client."""
    partition = plan.action_item_create(
        incident=incident,
        actor=pm,
        kind="remediation",
        title_en="Partition the dispatch engine",
        title_zh_hans="拆分调度引擎",
        owner=teammate,
        due_at=now + timedelta(days=5),
        now=now,
    )
    plan.action_item_update(
        item=partition,
        expected_version=partition.version,
        actor=teammate,
        progress=60,
        now=now,
    )
    plan.action_item_create(
        incident=incident,
        actor=pm,
        kind="prevention",
        title_en="Load-test at full scale early",
        title_zh_hans="尽早进行全量压力测试",
        owner=teammate,
        due_at=now + timedelta(days=20),
        now=now,
    )
    chosen = alternatives.alternative_propose(
        incident=incident,
        actor=pm,
        title_en="Extend by 30 days",
        title_zh_hans="延期 30 天",
        description_en="Redesign the engine; keep the whole scope.",
        description_zh_hans="重新设计引擎,保留全部范围。",
        schedule_impact_days=30,
        cost_impact=Decimal("180000"),
        risks_en="New design.",
        risks_zh_hans="新设计。",
        pros_en="Meets the target.",
        pros_zh_hans="达到目标。",
        cons_en="One month later.",
        cons_zh_hans="晚一个月。",
        now=now,
    )
    for title, title_zh in (
        ("Launch without real-time dispatch", "不含实时调度按期上线"),
        ("Add four engineers", "增加四名工程师"),
    ):
        alternatives.alternative_propose(
            incident=incident,
            actor=pm,
            title_en=title,
            title_zh_hans=title_zh,
            description_en=f"{title}.",
            description_zh_hans=f"{title_zh}。",
            now=now,
        )
    # Written in English only: both readers get it, the Chinese one told so.
    plan.remedy_offer(
        incident=incident,
        actor=pm,
        kind="extended_warranty",
        description_en="Six more months of warranty.",
        now=now,
    )
    alternatives.decision_record(
        incident=incident,
        alternative=chosen,
        actor=pm,
        rationale_en="The client prefers a month's delay to a reduced launch.",
        rationale_zh_hans="客户宁可延期一个月,也不愿缩减范围上线。",
        delivery_date=(now + timedelta(days=28)).date(),
        client_agreed=[contact],
        team_agreed=[teammate],
        expected_current_decision_id=None,
        others_reason_en="Not acceptable to operations.",
        others_reason_zh_hans="运营方无法接受。",
        now=now,
    )


EXPECTED = {
    "en": [
        "Our action plan",
        "Partition the dispatch engine",
        "The options we discussed with you",
        "Launch without real-time dispatch",
        "What we decided together",
        "The client prefers a month's delay to a reduced launch.",
        "Dispatch launch delayed",
        "Next update by",
        "The routing algorithm does not scale.",
        "The migration of the dispatch data has started.",
        "We walked through both options with your team.",
        "Decision on the recovery option",
        "Delivery: was",
        "agreed with you on",
    ],
    "zh-hans": [
        "我们的行动计划",
        "我们与您讨论过的方案",
        "我们共同做出的决定",
        "延期 30 天",
        "调度上线延期",
        "调度数据的迁移已经开始。",
        "我们已找到原因,正在评估两个方案。",
        "恢复方案决策会",
        "仅有英文版本",
        "Six more months of warranty.",
    ],
}
HTML_LANG = {"en": "en", "zh-hans": "zh-Hans"}
#: The promise of the next update, in each reader's language.
NEXT_UPDATE = {"en": "Next update by", "zh-hans": "下次进展更新"}


def _assert_readable(page, language: str, names=()):
    body = page.inner_text("body")
    for text in EXPECTED[language]:
        assert text in body, f"{text!r} missing from the {language} page"
    assert page.get_attribute("html", "lang") == HTML_LANG[language]
    _assert_in_one_language(page.evaluate(OWN_LANGUAGE_TEXT), language, names)


def _assert_in_one_language(text: str, language: str, names) -> None:
    """No word of the other language outside what is marked as such, names aside."""
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    if language == "en":
        found = sorted(set(HAN.findall(text)))
        assert not found, f"Chinese on the English page: {found}"
    else:
        found = sorted(set(LATIN_WORD.findall(text)) - LATIN_ANYWHERE)
        assert not found, f"Latin words on the Chinese page: {found}"


def _axe_serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_a_client_reads_the_status_page(live_server, transactional_db, monkeypatch):
    _require_chromium()
    capture_enqueued(monkeypatch)  # publishing e-mails the contacts: no broker needed
    cache.clear()
    pagecache.clear_local()
    scenario = _scenario(timezone.now())
    names = scenario.pop("names")
    urls = {lang: live_server.url + path for lang, path in scenario.items()}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            for language, url in urls.items():
                for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
                    context = browser.new_context(viewport=viewport, locale=language)
                    page = context.new_page()
                    page.on(
                        "console",
                        lambda message: (
                            problems.append(f"{message.text} {message.location}")
                            if message.type == "error"
                            else None
                        ),
                    )
                    response = page.goto(url)
                    assert response.status == 200
                    assert "noindex" in response.headers["x-robots-tag"]
                    _assert_readable(page, language, names)
                    # status.css loaded under the page's CSP.
                    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
                    assert background == "rgb(247, 248, 250)"
                    page.screenshot(path=ARTIFACTS / f"{language}-{name}.png", full_page=True)
                    if name == "phone":
                        widths = page.evaluate(
                            "[document.documentElement.scrollWidth, window.innerWidth]"
                        )
                        assert widths[0] <= widths[1], f"horizontal scroll at 375 px: {widths}"
                    context.close()

                # Without JavaScript the page shows everything all the same.
                context = browser.new_context(viewport=PHONE, java_script_enabled=False)
                page = context.new_page()
                assert page.goto(url).status == 200
                _assert_readable(page, language, names)
                assert page.get_by_text(NEXT_UPDATE[language]).first.is_visible()
                page.screenshot(path=ARTIFACTS / f"{language}-phone-nojs.png", full_page=True)
                context.close()

                # axe-core, injected past the page's CSP for this run only.
                for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
                    context = browser.new_context(viewport=viewport, bypass_csp=True)
                    page = context.new_page()
                    page.goto(url)
                    violations = _axe_serious_violations(page)
                    assert not violations, f"axe, {language} {name}:\n" + "\n".join(violations)
                    context.close()
            # The page a wrong link leads to is as accessible.
            context = browser.new_context(viewport=PHONE, bypass_csp=True)
            page = context.new_page()
            assert page.goto(live_server.url + page_url("no-such-link")).status == 404
            violations = _axe_serious_violations(page)
            assert not violations, "axe, not found page:\n" + "\n".join(violations)
            context.close()
        finally:
            browser.close()

    assert not problems, f"errors in the browser console: {problems}"
