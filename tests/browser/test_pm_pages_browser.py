"""The PM's pages and the admin in a real Chromium, under the site's Content-Security-Policy.

Run with ``pytest -m browser``. Any script or style the policy blocks shows as
an error in the browser's console: there must be none.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from tests.factories import ClientContactFactory, MeetingFactory, informed_incident, member

from .test_status_page_browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP, _require_chromium

pytestmark = pytest.mark.browser


def test_the_pms_pages_run_under_the_policy_with_nothing_blocked(live_server, transactional_db):
    _require_chromium()
    incident = informed_incident(now=timezone.now(), ready=True)
    project = incident.project
    pm = member(project, username="browser.pm")
    pm.set_password("a-long-browser-password")
    pm.is_staff = pm.is_superuser = True
    pm.save()
    ClientContactFactory(project=project)
    meeting = MeetingFactory(incident=incident)
    pages = [
        reverse("dashboard"),
        reverse("project_detail", args=[project.pk]),
        reverse("incident_detail", args=[incident.pk]),
        reverse("meeting_detail", args=[incident.pk, meeting.pk]),
        reverse("meeting_create", args=[incident.pk]),
        reverse("log_entry_create", args=[incident.pk]),
        "/notifications/",
        "/admin/",
        "/admin/incidents/incident/",
        f"/admin/incidents/incident/{incident.pk}/change/",
        f"/admin/auth/user/{get_user_model().objects.get(username='browser.pm').pk}/change/",
    ]

    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_context(viewport=DESKTOP).new_page()
            page.on(
                "console",
                lambda message: (
                    problems.append(f"{page.url}: {message.text}")
                    if message.type == "error" and "favicon" not in message.text
                    else None
                ),
            )
            page.goto(live_server.url + "/accounts/login/")
            page.fill("input[name=username]", "browser.pm")
            page.fill("input[name=password]", "a-long-browser-password")
            page.press("input[name=password]", "Enter")
            page.wait_for_url(f"{live_server.url}/dashboard/")
            for path in pages:
                response = page.goto(live_server.url + path)
                assert response.status == 200, path
                assert "'unsafe-inline'" not in response.headers["content-security-policy"]
                page.wait_for_load_state("networkidle")

            # The update form previews what the client will read, as the PM writes.
            page.goto(live_server.url + reverse("update_create", args=[incident.pk]))
            page.fill("textarea[name=body_en]", "We **found** the cause.")
            page.fill("textarea[name=body_zh_hans]", "我们**找到**了原因。")
            preview = page.locator("#update-preview")
            preview.locator("strong", has_text="找到").wait_for(timeout=10_000)
            assert preview.locator("[lang=en] strong").inner_text() == "found"
        finally:
            browser.close()

    assert not problems, "blocked or failing in the browser:\n" + "\n".join(problems)
