"""What a PM does in the browser, in English and in Chinese: declare an incident from the
dashboard, record what a meeting decided once it has started, watch the update's preview
as they write, see the tone check mark a blaming sentence and publish anyway, and compare
the options on a phone.

Run with ``pytest -m browser``. Each page is also checked by axe-core, and nothing may be
blocked by the Content-Security-Policy.
"""

import re
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from apps.alternatives import services as alternatives
from apps.alternatives.models import Decision
from apps.communications.models import MeetingStatus, StatusUpdate
from apps.core.fields import DATETIME_LOCAL_FORMAT
from apps.incidents.models import Incident
from apps.projects.models import ProjectRole
from apps.tone.models import Dismissal
from tests.celery_capture import capture_enqueued
from tests.factories import (
    ClientContactFactory,
    MeetingFactory,
    MembershipFactory,
    ProjectFactory,
    informed_incident,
    member,
)

from .support import LANGUAGES, axe_serious_violations, open_visit
from .test_status_page_browser import PHONE

pytestmark = pytest.mark.browser

#: Where each reader lives: the times the forms show are in it.
TIME_ZONE = {"en": "Europe/London", "zh-hans": "Asia/Shanghai"}
#: The text fields a PM writing in that language fills.
SUFFIX = {"en": "en", "zh-hans": "zh_hans"}


def _pm(project, language: str, username: str):
    return member(
        project,
        ProjectRole.PM,
        username=username,
        profile__language=language,
        profile__time_zone=TIME_ZONE[language],
    )


def _assert_accessible(page, where: str) -> None:
    violations = axe_serious_violations(page)
    assert not violations, f"axe, {where}:\n" + "\n".join(violations)


def _assert_nothing_failed(visit) -> None:
    assert not visit.errors, "blocked or failing in the browser:\n" + "\n".join(visit.errors)


# --- Declaring from the dashboard --------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("projects", [1, 2], ids=["one project", "two projects"])
def test_the_dashboard_button_declares_an_incident_and_lands_on_it(
    live_server, transactional_db, browser, language, projects
):
    first = ProjectFactory(name="Dispatch platform")
    pm = _pm(first, language, "declaring.pm")
    target = first
    if projects == 2:
        target = ProjectFactory(name="Mobile app", client=first.client)
        MembershipFactory(project=target, user=pm, role=ProjectRole.PM)
    title = {"en": "Payments go live late", "zh-hans": "支付功能延期上线"}[language]
    summary = {"en": "The bank's test system is down.", "zh-hans": "银行测试环境不可用。"}[language]

    visit = open_visit(browser, live_server, user=pm, language=language)
    page = visit.page
    try:
        with translation.override(language):
            visit.goto(reverse("dashboard"))
            _assert_accessible(page, f"dashboard, {language}, {projects} project(s)")
            declare = gettext("Declare an incident")
            if projects == 1:
                page.get_by_role("link", name=declare).click()
            else:
                # A choice of project, which opens without JavaScript.
                page.locator("summary", has_text=declare).click()
                _assert_accessible(page, f"dashboard, its choice of project open, {language}")
                page.get_by_role("link", name=f"{target.client.name} · {target.name}").click()
            page.wait_for_url(f"**{reverse('incident_declare', args=[target.pk])}")
            page.fill(f"[name=title_{SUFFIX[language]}]", title)
            page.fill(f"[name=summary_{SUFFIX[language]}]", summary)
            page.get_by_role("button", name=gettext("Declare the incident")).click()
            page.wait_for_url(re.compile(r"/incidents/\d+/$"))

            incident = Incident.objects.get(project=target)
            assert page.url == live_server.url + incident.get_absolute_url()
            assert page.locator("h1").inner_text().strip().startswith(title)
            declared = gettext(
                "Incident declared. The client must hear from you within %(hours)s hours."
            ) % {"hours": target.first_contact_window_hours}
            assert page.get_by_role("alert").filter(has_text=declared).is_visible()
            assert incident.declared_by == pm
            assert getattr(incident, f"summary_{SUFFIX[language]}") == summary
    finally:
        visit.close()
    _assert_nothing_failed(visit)


# --- A meeting's outcome and decision ----------------------------------------------------


def _meetings(language: str, now):
    """An incident with two options, a meeting half an hour in and one the day after next."""
    incident = informed_incident(now=now - timedelta(days=2), ready=True)
    project = incident.project
    pm = _pm(project, language, "meeting.pm")
    contact = ClientContactFactory(project=project, name="Helen Baker", language="en")
    options = [
        alternatives.alternative_propose(
            incident=incident,
            actor=pm,
            title_en=title_en,
            title_zh_hans=title_zh,
            description_en=f"{title_en}.",
            description_zh_hans=f"{title_zh}。",
            schedule_impact_days=days,
            cost_impact=Decimal("1000"),
            now=now - timedelta(days=1),
        )
        for title_en, title_zh, days in (
            ("Extend by 30 days", "延期 30 天", 30),
            ("Cut the scope", "缩减范围", 0),
        )
    ]
    # Not at a round minute: the form's minutes must still be a valid time.
    started = MeetingFactory(
        incident=incident,
        organizer=pm,
        starts_at=now - timedelta(minutes=30, seconds=17),
        title_zh_hans="决策会",
        team_attendees=[pm],
        client_attendees=[contact],
    )
    coming = MeetingFactory(
        incident=incident,
        organizer=pm,
        starts_at=now + timedelta(days=2),
        title_zh_hans="后续会议",
        team_attendees=[pm],
        client_attendees=[contact],
    )
    return incident, pm, contact, options, started, coming


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_started_meeting_offers_its_decision_and_outcome_and_a_future_one_does_not(
    live_server, transactional_db, browser, monkeypatch, language
):
    capture_enqueued(monkeypatch)  # the decision is e-mailed to the client: no broker needed
    now = timezone.now()
    incident, pm, contact, (extend, cut), started, coming = _meetings(language, now)

    visit = open_visit(browser, live_server, user=pm, language=language)
    page = visit.page
    try:
        with translation.override(language):
            record_decision = gettext("Record the decision taken in this meeting")
            record_outcome = gettext("Record the outcome")

            # The meeting still to come offers neither, and says when it will.
            visit.goto(coming.get_absolute_url())
            assert page.get_by_role("link", name=record_decision).count() == 0
            assert page.get_by_role("link", name=record_outcome).count() == 0
            assert page.locator(".meeting-not-started").is_visible()

            # The meeting under way offers both.
            visit.goto(started.get_absolute_url())
            assert page.get_by_role("link", name=record_outcome).is_visible()
            page.get_by_role("link", name=record_decision).click()
            page.wait_for_url(
                f"**{reverse('meeting_decision_record', args=[incident.pk, started.pk])}"
            )
            _assert_accessible(page, f"meeting decision form, {language}")

            # Prefilled: the meeting's start, in the PM's time zone, and its people.
            local_start = timezone.localtime(started.starts_at, ZoneInfo(TIME_ZONE[language]))
            decided = page.input_value("[name=decided_at]")
            assert decided == local_start.strftime(DATETIME_LOCAL_FORMAT)
            assert page.locator(f"[name=client_agreed][value='{contact.pk}']").is_checked()
            assert page.locator(f"[name=team_agreed][value='{pm.pk}']").is_checked()

            page.locator(f"[name=alternative][value='{extend.pk}']").check()
            page.fill("[name=rationale_en]", "The client keeps the whole scope.")
            page.fill("[name=rationale_zh_hans]", "客户希望保留全部范围。")
            # Why the other option is set aside (one reason for all, or one for each).
            for column, reason in (
                ("en", "Cutting the scope is not acceptable."),
                ("zh_hans", "缩减范围不可接受。"),
            ):
                page.fill(f"[name=reason_{cut.pk}_{column}], [name=others_reason_{column}]", reason)
            page.get_by_role("button", name=gettext("Record the decision")).click()
            page.wait_for_url(re.compile(rf"/incidents/{incident.pk}/(#decision)?$"))

            decision = Decision.objects.get(incident=incident)
            assert decision.alternative == extend
            assert decision.meeting == started
            assert decision.decided_at == started.starts_at.replace(second=0, microsecond=0)
            assert list(decision.client_agreed.all()) == [contact]

            # The outcome, from the same meeting's page.
            visit.goto(started.get_absolute_url())
            page.get_by_role("link", name=record_outcome).click()
            page.wait_for_url(f"**{reverse('meeting_outcome', args=[incident.pk, started.pk])}")
            page.fill("[name=notes]", "Walked through both options; the client chose to extend.")
            page.get_by_role("button", name=gettext("Save the outcome")).click()
            page.wait_for_url(f"**{started.get_absolute_url()}")
            started.refresh_from_db()
            assert started.status == MeetingStatus.HELD
            assert page.get_by_role("link", name=gettext("Edit the outcome")).is_visible()
            _assert_accessible(page, f"held meeting, {language}")
    finally:
        visit.close()
    _assert_nothing_failed(visit)


# --- The update's preview ----------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_update_form_previews_both_languages_as_the_pm_types(
    live_server, transactional_db, browser, language
):
    incident = informed_incident(ready=True)
    pm = _pm(incident.project, language, "writing.pm")
    url = reverse("update_create", args=[incident.pk])
    preview_url = reverse("update_preview", args=[incident.pk])

    visit = open_visit(browser, live_server, user=pm, language=language)
    page = visit.page
    preview = page.locator("#update-preview")
    try:
        with translation.override(language):
            visit.goto(url)
            # English only, first: the Chinese column says what a Chinese reader will get.
            with page.expect_response(
                lambda r: r.url.endswith(preview_url) and r.request.method == "POST"
            ) as answered:
                page.fill("[name=body_en]", "We **found** the cause.\n\n- one\n- two")
            assert answered.value.status == 200
            preview.locator("[lang=en] strong", has_text="found").wait_for()
            assert preview.locator("[lang=en] li").count() == 2
            assert preview.get_by_text(
                gettext("Not written: a Chinese reader gets the English text, marked as such.")
            ).is_visible()

            page.fill("[name=body_zh_hans]", "我们**找到**了原因。\n\n1. 第一\n2. 第二")
            preview.locator("[lang=zh-Hans] strong", has_text="找到").wait_for()
            assert preview.locator("[lang=zh-Hans] ol li").count() == 2
            assert preview.locator("[lang=en] strong").inner_text() == "found"
            _assert_accessible(page, f"update form with its preview, {language}")
    finally:
        visit.close()
    _assert_nothing_failed(visit)

    # Without JavaScript, the Preview button asks the server for the same.
    nojs = open_visit(browser, live_server, user=pm, language=language, javascript=False)
    try:
        with translation.override(language):
            nojs.goto(url)
            nojs.page.fill("[name=body_zh_hans]", "我们**找到**了原因。")
            with nojs.page.expect_navigation():
                nojs.page.get_by_role("button", name=gettext("Preview")).click()
            assert nojs.page.locator("#update-preview [lang=zh-Hans] strong").inner_text() == "找到"
            assert nojs.page.input_value("[name=body_zh_hans]") == "我们**找到**了原因。"
    finally:
        nojs.close()
    assert not StatusUpdate.objects.filter(incident=incident).exists(), "a preview saves nothing"


# --- The tone check while writing -------------------------------------------------------

#: A sentence that shifts the blame, in each language, and the words the check marks.
BLAME = {
    "en": ("The delay is not our fault: the data came late.", "not our fault"),
    "zh-hans": ("这次延误不是我们的责任，数据交付晚了。", "不是我们的责任"),
}


DISMISS_REASON = "The client asked for these exact words in the minutes."


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_blaming_sentence_is_marked_with_a_calmer_wording_and_can_still_be_published(
    live_server, transactional_db, browser, language
):
    incident = informed_incident(ready=True)
    pm = _pm(incident.project, language, "tone.pm")
    visit = open_visit(browser, live_server, user=pm, language=language)
    page = visit.page
    preview = page.locator("#update-preview")
    try:
        with translation.override(language):
            visit.goto(reverse("update_create", args=[incident.pk]))
            english, english_marked = BLAME["en"]
            chinese, chinese_marked = BLAME["zh-hans"]
            page.fill("[name=body_en]", english)
            page.fill("[name=body_zh_hans]", chinese)
            preview.locator("mark.tone-mark", has_text=chinese_marked).wait_for()
            assert preview.locator("mark.tone-mark", has_text=english_marked).is_visible()
            notes = preview.locator(".tone-notes li")
            assert notes.count() >= 2
            assert all(gettext("Try:") in text for text in notes.all_inner_texts())
            _assert_accessible(page, f"update form with tone findings, {language}")

            # The PM judges the Chinese finding fine here and says why: the page stays,
            # the typed text too, and the finding moves to the dismissed ones.
            chinese_note = preview.locator(".tone-notes li").filter(has_text=chinese_marked)
            chinese_note.locator("summary").click()
            chinese_note.locator("textarea").fill(DISMISS_REASON)
            chinese_note.get_by_role("button", name=gettext("Dismiss the finding")).click()
            preview.locator("details.tone-dismissed").wait_for()
            assert not preview.locator("mark.tone-mark", has_text=chinese_marked).count()
            assert page.input_value("[name=body_zh_hans]") == chinese

            # It warns and never blocks: the draft is saved, then published as it is.
            with page.expect_navigation():
                page.get_by_role("button", name=gettext("Save the draft")).click()
            draft = StatusUpdate.objects.get(incident=incident)
            visit.goto(reverse("update_publish", args=[incident.pk, draft.pk]))
            tone = page.locator("#tone")
            assert tone.locator("mark.tone-mark", has_text=english_marked).is_visible()
            assert not tone.locator("mark.tone-mark", has_text=chinese_marked).count()
            # On the confirmation too, without any script: a form of its own.
            english_note = tone.locator(".tone-notes li").filter(has_text=english_marked)
            english_note.locator("summary").click()
            english_note.locator("textarea").fill(DISMISS_REASON)
            with page.expect_navigation():
                english_note.get_by_role("button", name=gettext("Dismiss the finding")).click()
            assert not tone.locator("mark.tone-mark", has_text=english_marked).count()
            _assert_accessible(page, f"publishing an update with tone findings, {language}")
            with page.expect_navigation():
                page.get_by_role("button", name=gettext("Publish now")).click()
    finally:
        visit.close()
    _assert_nothing_failed(visit)
    draft.refresh_from_db()
    assert draft.published_at is not None
    assert draft.body_en == english
    dismissed = Dismissal.objects.filter(incident=incident).order_by("dismissed_at", "pk")
    assert [(d.language, d.reason) for d in dismissed] == [
        ("zh-hans", DISMISS_REASON),
        ("en", DISMISS_REASON),
    ]


# --- The comparison on a phone -----------------------------------------------------------

OPTIONS = [
    ("Extend by 30 days and partition the dispatch engine", "延期 30 天，将调度引擎改为分区架构"),
    ("Launch on time without real-time dispatch", "按期上线，暂不提供实时调度"),
    ("Add four engineers from the platform team", "从平台团队增派四名工程师"),
]


@pytest.mark.parametrize("language", LANGUAGES)
def test_on_a_375_px_phone_every_option_shows_on_its_own_card(
    live_server, transactional_db, browser, language
):
    incident = informed_incident(ready=True)
    pm = _pm(incident.project, language, "phone.pm")
    for title_en, title_zh in OPTIONS:
        alternatives.alternative_propose(
            incident=incident,
            actor=pm,
            title_en=title_en,
            title_zh_hans=title_zh,
            description_en=f"{title_en}: see https://docs.example.com/{'long-path-' * 6}end",
            description_zh_hans=f"{title_zh}。",
            risks_en="Some.",
            risks_zh_hans="有一些。",
            schedule_impact_days=30,
            cost_impact=Decimal("180000"),
        )
    third = OPTIONS[2][0 if language == "en" else 1]

    visit = open_visit(browser, live_server, user=pm, language=language, viewport=PHONE)
    page = visit.page
    try:
        visit.goto(reverse("alternative_compare", args=[incident.pk]))
        cards = page.locator(".comparison-cards article")
        assert cards.count() == 3
        assert page.locator(".comparison-wrap").is_hidden(), "the wide table is not for a phone"
        card = cards.nth(2)
        card.scroll_into_view_if_needed()
        assert card.is_visible()
        assert third in card.locator("h3").inner_text()
        box = card.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
        assert 0 <= box["y"] < PHONE["height"], box
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the page scrolls sideways: {width} px"
        _assert_accessible(page, f"comparison at 375 px, {language}")

        # On a desktop, the same options side by side in the table instead.
        page.set_viewport_size({"width": 1280, "height": 900})
        assert page.locator(".comparison-cards").is_hidden()
        assert page.locator(".comparison thead th[scope=col]").count() == 3
    finally:
        visit.close()
    _assert_nothing_failed(visit)
