"""Every page a PM works with, checked by axe-core in Chromium, in English and in Chinese.

The pages show the demo's data (the seed case: updates, a held meeting, three
alternatives, a decision, an action plan), plus a meeting still to come, unread
notifications, a draft update, and forms as they come back with a mistake.
axe-core must find no serious or critical violation, and nothing may be blocked
by the Content-Security-Policy (it would show as an error in the console).

Run with ``pytest -m browser``.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from apps.demo.data import load_demo
from apps.incidents.models import Incident
from tests.factories import PASSWORD, MeetingFactory, NotificationFactory, StatusUpdateFactory

from .support import LANGUAGES, axe_serious_violations, open_visit

pytestmark = pytest.mark.browser


def _demo_pages():
    """The demo's PM (Li Wei) and the pages of the seed case, with what each must show."""
    load_demo()
    li = get_user_model().objects.get(username="li.pm")
    seed = Incident.objects.get(title_zh_hans__startswith="调度引擎性能瓶颈")
    NotificationFactory(user=li, incident=seed)
    NotificationFactory(user=li, incident=seed, is_escalation=True)
    # The urgent meeting, the first held (the review meeting was held after resolution).
    held = seed.meetings.filter(status="held").order_by("starts_at").first()
    coming = MeetingFactory(incident=seed, organizer=li, title_zh_hans="下次评审会")
    draft = StatusUpdateFactory(incident=seed, author=li)
    pk, project = seed.pk, seed.project_id
    pages = [
        reverse("dashboard"),
        reverse("project_list"),
        reverse("project_detail", args=[project]),
        reverse("incident_detail", args=[pk]),
        reverse("incident_history", args=[pk]),
        reverse("meeting_detail", args=[pk, held.pk]),
        reverse("meeting_detail", args=[pk, coming.pk]),
        reverse("alternative_compare", args=[pk]),
        reverse("incident_declare", args=[project]),
        reverse("incident_edit", args=[pk]),
        reverse("update_create", args=[pk]),
        reverse("update_edit", args=[pk, draft.pk]),
        reverse("update_publish", args=[pk, draft.pk]),
        reverse("log_entry_create", args=[pk]),
        reverse("meeting_create", args=[pk]),
        reverse("meeting_outcome", args=[pk, held.pk]),
        reverse("action_item_create", args=[pk]),
        reverse("alternative_create", args=[pk]),
        reverse("decision_record", args=[pk]),
        reverse("meeting_decision_record", args=[pk, held.pk]),
        reverse("retrospective", args=[pk]),
        reverse("retrospective_review", args=[pk]),
        reverse("retrospective_cause_new", args=[pk]),
        reverse("retrospective_improvement", args=[pk]),
        reverse("retrospective_line_new", args=[pk]),
        reverse("retrospective_report", args=[pk]),
        reverse("retrospective_close", args=[pk]),
        reverse("case_library") + "?q=接口",
        reverse("report_exports"),
        reverse("preferences"),
        reverse("notification_list"),
    ]
    #: Forms sent empty: they come back with their messages, and must be as accessible.
    sent_empty = {
        reverse("incident_declare", args=[project]): "Declare the incident",
        reverse("update_create", args=[pk]): "Save the draft",
        reverse("log_entry_create", args=[pk]): "Log the contact",
        reverse("alternative_create", args=[pk]): None,
        reverse("decision_record", args=[pk]): "Record the decision",
        reverse("retrospective_cause_new", args=[pk]): "Add the root cause",
        reverse("retrospective_improvement", args=[pk]): "Add the improvement",
    }
    return li, pages, sent_empty


def _send_empty(page, label: str | None):
    """Empty every text field the browser would send and press the form's main button."""
    form = page.locator("main form:has(button[type=submit], input[type=submit])").last
    form.evaluate(
        """(form) => {
          form.noValidate = true;
          form.querySelectorAll('textarea, input[type=text], input[type=number]')
            .forEach((field) => { field.value = ''; });
        }"""
    )
    button = (
        form.get_by_role("button", name=gettext(label))
        if label
        else form.locator("[type=submit]").first
    )
    with page.expect_navigation():
        button.click()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_pm_page_has_no_serious_accessibility_problem(
    live_server, transactional_db, browser, language
):
    li, pages, sent_empty = _demo_pages()
    visit = open_visit(browser, live_server, user=li, language=language)
    problems: dict[str, list[str]] = {}
    try:
        for path in pages:
            visit.goto(path)
            assert visit.page.get_attribute("html", "lang").lower() == language, path
            problems[path] = axe_serious_violations(visit.page)
        with translation.override(language):
            for path, label in sent_empty.items():
                visit.goto(path)
                _send_empty(visit.page, label)
                assert visit.page.locator(".invalid-feedback, .alert-danger").count(), path
                problems[f"{path} (sent empty)"] = axe_serious_violations(visit.page)
    finally:
        visit.close()

    found = {path: found for path, found in problems.items() if found}
    assert not found, f"axe, {language}:\n" + "\n".join(
        f"{path}\n  " + "\n  ".join(lines) for path, lines in found.items()
    )
    assert not visit.errors, "blocked or failing in the browser:\n" + "\n".join(visit.errors)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_login_page_has_no_serious_accessibility_problem(
    live_server, transactional_db, browser, language
):
    load_demo()
    visit = open_visit(browser, live_server, language=language)
    try:
        visit.goto(reverse("login"))
        assert visit.page.get_attribute("html", "lang").lower() == language
        violations = axe_serious_violations(visit.page)
        assert not violations, f"axe, login, {language}:\n" + "\n".join(violations)

        # A wrong password: the page says so, and is as accessible.
        visit.page.fill("input[name=username]", "li.pm")
        visit.page.fill("input[name=password]", "not " + PASSWORD)
        with visit.page.expect_navigation():
            visit.page.press("input[name=password]", "Enter")
        assert visit.page.locator(".alert-danger, .invalid-feedback").count()
        violations = axe_serious_violations(visit.page)
        assert not violations, f"axe, wrong login, {language}:\n" + "\n".join(violations)
    finally:
        visit.close()
    assert not visit.errors, "blocked or failing in the browser:\n" + "\n".join(visit.errors)
