"""Each client contact reads one language: their page, feeds and e-mails, and nothing else.

A project with an English and a Chinese contact and an incident written in both
languages throughout: the English contact sees none of the Chinese texts, the
Chinese contact none of the English ones. A text written in one language only
is shown to both, marked ("Only in English" / "仅有英文版本") with its ``lang``.
"""

import email as email_lib
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import TestCase
from icalendar import Calendar

from apps.actionplans import services as actionplans
from apps.alternatives import services as alternatives
from apps.communications import services as communications
from apps.projects.services import project_change_delivery_date
from tests.factories import ClientContactFactory, IncidentFactory

from .support import make_link, page_url

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
LINK = re.compile(re.escape(settings.SITE_URL) + r"/s/([A-Za-z0-9_\-]+)/")

#: Every client-visible text of the case, (English, Chinese).
TEXTS = {
    "title": ("Dispatch engine too slow", "调度引擎性能瓶颈"),
    "summary": ("The engine misses its response time.", "调度引擎达不到约定的响应时间。"),
    "cause": ("The routing does not scale.", "路径算法无法扩展。"),
    "cause_origin": ("Load tests used a tenth of the fleet.", "压力测试只用了十分之一的车队。"),
    "current_state": ("Most features are done.", "大部分功能已完成。"),
    "impact_scope": ("Real-time dispatch is late.", "实时调度将延后。"),
    "first_step": ("Two architects assess a new design.", "两名架构师评估新方案。"),
    "apology": ("We are sorry we found this so late.", "很抱歉我们这么晚才发现。"),
}
ACTION = {
    "title": ("Partition the engine", "拆分调度引擎"),
    "description": ("By region.", "按区域。"),
}
REMEDY = ("Six more months of warranty.", "延长六个月质保。")
ALTERNATIVE = {
    "title": ("Extend by three weeks", "延期三周"),
    "description": ("Keep the whole scope.", "保持完整范围。"),
    "risks": ("The design is new.", "新设计尚未验证。"),
}
RATIONALE = ("Scope matters more than the date.", "范围比日期更重要。")
LOGGED = ("Walked the sponsor through the plan.", "向项目发起人讲解了计划。")
MEETING = {
    "title": ("Options review", "方案评审会"),
    "agenda": ("The three options.", "三个方案。"),
}
UPDATE = ("The new design passed its first test.", "新方案通过了第一次测试。")

ENGLISH = [
    en
    for en, _zh in [
        *TEXTS.values(),
        *ACTION.values(),
        REMEDY,
        *ALTERNATIVE.values(),
        RATIONALE,
        LOGGED,
        *MEETING.values(),
        UPDATE,
    ]
]
CHINESE = [
    zh
    for _en, zh in [
        *TEXTS.values(),
        *ACTION.values(),
        REMEDY,
        *ALTERNATIVE.values(),
        RATIONALE,
        LOGGED,
        *MEETING.values(),
        UPDATE,
    ]
]


def _both(name, pair):
    return {f"{name}_en": pair[0], f"{name}_zh_hans": pair[1]}


def _all(texts):
    merged = {}
    for name, pair in texts.items():
        merged |= _both(name, pair)
    return merged


@pytest.fixture
def contacts(project):
    return {
        "en": ClientContactFactory(
            project=project, name="Helen Baker", email="helen@client.example.com", language="en"
        ),
        "zh": ClientContactFactory(
            project=project,
            name="陈静",
            email="chen@client.example.com",
            language="zh-hans",
            time_zone="Asia/Shanghai",
        ),
    }


@pytest.fixture
def case(project, pm, contacts, now, enqueued):
    """The whole case, written in both languages, the way the PM enters it."""
    texts = _all(TEXTS)
    # The factory's names for the English title and summary.
    texts["title"], texts["summary"] = texts.pop("title_en"), texts.pop("summary_en")
    incident = IncidentFactory(project=project, declared_by=pm, now=now - 3 * HOUR, **texts)
    incident.impact_schedule_days = 21
    incident.save()
    project_change_delivery_date(
        project=project, actor=pm, delivery_date=date(2025, 4, 1), reason="Contract.", now=now
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        communications.log_contact(
            incident=incident,
            actor=pm,
            channel="call",
            occurred_at=now - 2 * HOUR,
            client_participants=[contacts["zh"]],
            client_visible=True,
            now=now - 2 * HOUR,
            **_both("summary", LOGGED),
        )
        actionplans.action_item_create(
            incident=incident,
            actor=pm,
            kind="remediation",
            owner=pm,
            due_at=now + 48 * HOUR,
            now=now,
            **_all(ACTION),
        )
        actionplans.remedy_offer(
            incident=incident,
            actor=pm,
            kind="extended_warranty",
            now=now,
            **_both("description", REMEDY),
        )
        chosen = alternatives.alternative_propose(
            incident=incident, actor=pm, schedule_impact_days=21, now=now, **_all(ALTERNATIVE)
        )
        alternatives.decision_record(
            incident=incident,
            alternative=chosen,
            actor=pm,
            client_agreed=[contacts["zh"]],
            team_agreed=[pm],
            expected_current_decision_id=None,
            delivery_date=date(2025, 4, 22),
            now=now,
            **_both("rationale", RATIONALE),
        )
        communications.meeting_schedule(
            incident=incident,
            actor=pm,
            starts_at=now + 24 * HOUR,
            duration_minutes=60,
            location="https://meet.example.com/review",
            client_attendees=list(contacts.values()),
            now=now,
            **_all(MEETING),
        )
        update = communications.update_draft_save(
            incident=incident, actor=pm, now=now, **_both("body", UPDATE)
        )
        communications.update_publish(update=update, actor=pm, now=now)
    enqueued.run()
    incident.refresh_from_db()
    return incident


def _parts(message) -> dict[str, str]:
    parsed = email_lib.message_from_bytes(message.message().as_bytes())
    parts = {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in parsed.walk()
        if not part.is_multipart()
    }
    parts["subject"] = str(
        email_lib.header.make_header(email_lib.header.decode_header(parsed["Subject"]))
    )
    return parts


def _contact_page(client, contact, incident) -> str:
    _link, token = make_link(incident, contact=contact)
    return client.get(page_url(token)).content.decode(), token


@pytest.mark.parametrize(
    ("reader", "theirs", "others"), [("en", ENGLISH, CHINESE), ("zh", CHINESE, ENGLISH)]
)
def test_each_contacts_page_shows_every_text_in_their_language_and_none_in_the_other(
    client, case, contacts, reader, theirs, others
):
    html, _token = _contact_page(client, contacts[reader], case)

    # Everything is on the page but the meeting's agenda (in the invitation only).
    agenda = MEETING["agenda"]
    assert [text for text in theirs if text not in html and text not in agenda] == []
    assert [text for text in others if text in html] == []
    assert "fallback-mark" not in html


def test_the_delivery_date_says_it_moved_and_that_the_client_agreed(client, case, contacts):
    english, _ = _contact_page(client, contacts["en"], case)
    chinese, _ = _contact_page(client, contacts["zh"], case)

    assert "Delivery: was 1 Apr 2025, now 22 Apr 2025 — agreed with you on 10 Mar 2025" in english
    assert "交付日期：原为 2025年4月1日，现为 2025年4月22日——已于 2025年3月10日与您商定" in chinese


@pytest.mark.parametrize(
    ("reader", "theirs", "others"), [("en", ENGLISH, CHINESE), ("zh", CHINESE, ENGLISH)]
)
def test_each_contacts_feeds_follow_the_links_language(
    client, case, contacts, reader, theirs, others
):
    _html, token = _contact_page(client, contacts[reader], case)

    atom = client.get(page_url(token, "status_feed")).content.decode()
    ics = client.get(page_url(token, "status_meetings")).content.decode()

    title, body = TEXTS["title"], UPDATE
    index = 0 if reader == "en" else 1
    assert title[index] in atom and title[1 - index] not in atom
    assert body[index] in atom and body[1 - index] not in atom
    [event] = Calendar.from_ical(ics).walk("VEVENT")
    assert str(event["summary"]) == MEETING["title"][index]
    assert event["summary"].params["LANGUAGE"] == ("en" if reader == "en" else "zh-Hans")
    assert [text for text in others if text in atom + ics] == []


@pytest.mark.parametrize(("reader", "others"), [("en", CHINESE), ("zh", ENGLISH)])
def test_each_contacts_emails_are_in_their_language_in_both_parts(
    case, contacts, mailoutbox, reader, others
):
    to_them = [m for m in mailoutbox if m.to == [contacts[reader].email]]
    kinds = {m.subject.split("]")[-1].split(":")[0].split("：")[0].strip() for m in to_them}

    assert len(to_them) == 3, kinds  # the decision, the invitation, the update
    for message in to_them:
        parts = _parts(message)
        for name, text in parts.items():
            found = [other for other in others if other in text]
            assert found == [], (message.subject, name, found)
    update = next(m for m in to_them if UPDATE[0 if reader == "en" else 1] in m.body)
    title = TEXTS["title"][0 if reader == "en" else 1]
    assert title in _parts(update)["subject"]


# --- a text in one language only ------------------------------------------------------------


def test_a_text_in_one_language_is_shown_marked_with_its_lang(client, case, contacts, pm, now):
    with TestCase.captureOnCommitCallbacks(execute=True):
        actionplans.remedy_offer(
            incident=case,
            actor=pm,
            kind="discount",
            value=Decimal("4000"),
            now=now,
            description_en="A discount on the next phase.",
        )
        actionplans.action_item_create(
            incident=case,
            actor=pm,
            kind="prevention",
            owner=pm,
            due_at=now + 72 * HOUR,
            now=now,
            title_zh_hans="每周压力测试",
        )

    chinese, _ = _contact_page(client, contacts["zh"], case)
    english, _ = _contact_page(client, contacts["en"], case)

    assert '<span class="badge fallback-mark">仅有英文版本</span>' in chinese
    assert re.search(
        r'<span class="prewrap" lang="en">A discount on the next phase.</span>', chinese
    )
    assert '<span class="badge fallback-mark">Only in Chinese</span>' in english
    assert re.search(r'<span class="fw-semibold" lang="zh-Hans">每周压力测试</span>', english)
    # Where both languages exist, nothing is marked.
    assert chinese.count("fallback-mark") == 1 and english.count("fallback-mark") == 1


def test_an_update_in_english_only_reaches_the_chinese_contact_marked(
    case, contacts, pm, now, enqueued, mailoutbox
):
    mailoutbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        update = communications.update_draft_save(
            incident=case,
            actor=pm,
            now=now + HOUR,
            body_en="Only English this time.",
            body_zh_hans="",
        )
        communications.update_publish(update=update, actor=pm, now=now + HOUR)
    enqueued.run()

    [to_chen] = [m for m in mailoutbox if m.to == ["chen@client.example.com"]]
    parts = _parts(to_chen)
    assert parts["text/plain"].index("仅有英文版本：") < parts["text/plain"].index(
        "Only English this time."
    )
    assert '<div lang="en"><p>Only English this time.</p>' in parts["text/html"]
    assert TEXTS["title"][1] in parts["subject"]


def test_a_subject_in_the_other_language_says_so(contacts, project, pm, now, enqueued, mailoutbox):
    incident = IncidentFactory(project=project, declared_by=pm, now=now - HOUR, title="Slow")
    with TestCase.captureOnCommitCallbacks(execute=True):
        update = communications.update_draft_save(
            incident=incident, actor=pm, now=now, body_en="Where we are.", body_zh_hans="进展。"
        )
        communications.update_publish(update=update, actor=pm, now=now)
    enqueued.run()

    subjects = {m.to[0]: _parts(m)["subject"] for m in mailoutbox}
    assert subjects["chen@client.example.com"].endswith("Slow（仅有英文版本）")
    assert subjects["helen@client.example.com"].endswith("Update: Slow")
