"""The People page and the pages of the e-mailed links, checked by axe-core in Chromium.

Run with ``pytest -m browser``.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from apps.accounts import services
from apps.demo.data import load_demo
from tests.browser.conftest import browser  # noqa: F401 - the module's Chromium
from tests.browser.support import LANGUAGES, axe_serious_violations, open_visit

from .mail import link_in, queued_to

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_account_pages_have_no_serious_accessibility_problem(
    live_server,
    transactional_db,
    browser,  # noqa: F811 - the fixture imported above
    language,
):
    load_demo()
    zhou = get_user_model().objects.get(username="zhou.pmo")
    invited = services.user_invite(
        actor=zhou,
        first_name="Mei",
        last_name="Chen",
        email="mei.chen@example.com",
        username="mei.chen",
        language=language,
        time_zone="Asia/Shanghai",
    )
    join_link = link_in(queued_to(invited.email)[0].body_text)
    problems: dict[str, list[str]] = {}

    visit = open_visit(browser, live_server, user=zhou, language=language)
    try:
        visit.goto(reverse("people"))
        assert visit.page.locator("#people tbody tr").count() >= 5
        problems["people"] = axe_serious_violations(visit.page)
        visit.page.fill("#id_email", "not an address")
        visit.page.locator("#invite-form").evaluate("(form) => { form.noValidate = true; }")
        with visit.page.expect_navigation():
            visit.page.locator("#invite-form [type=submit]").click()
        assert visit.page.locator(".invalid-feedback").count()
        problems["people (a mistake)"] = axe_serious_violations(visit.page)
    finally:
        visit.close()

    visit = open_visit(browser, live_server, language=language)
    try:
        visit.goto(join_link)
        assert visit.page.locator("#id_new_password1").count()
        problems["join"] = axe_serious_violations(visit.page)
        for path in (reverse("password_reset"), reverse("password_reset_done")):
            visit.goto(path)
            problems[path] = axe_serious_violations(visit.page)
        visit.goto("/accounts/join/xx/yy/")
        problems["a link that no longer works"] = axe_serious_violations(visit.page)
    finally:
        visit.close()

    found = {page: lines for page, lines in problems.items() if lines}
    assert not found, f"axe, {language}: {found}"
    assert not visit.errors, visit.errors
