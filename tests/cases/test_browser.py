"""The case library and the declare page's similar cases in Chromium, at 375 px and on a desk."""

import pytest
from django.urls import reverse

from tests.browser.support import axe_serious_violations, open_visit
from tests.browser.test_status_page_browser import DESKTOP, PHONE

from .conftest import build_library

pytestmark = [pytest.mark.browser]


@pytest.fixture
def built(transactional_db):
    return build_library()


def test_the_library_reads_at_375_px_in_both_languages(browser, live_server, built):
    for language in ("en", "zh-hans"):
        visit = open_visit(browser, live_server, user=built.pmo, language=language, viewport=PHONE)
        try:
            visit.goto(reverse("case_library") + "?q=订单+接口&severity=high")
            page = visit.page
            assert page.locator(".case-hit").count() == 1
            assert page.locator(".case-snippet mark").count() >= 1
            widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert widths[0] <= widths[1], f"horizontal scroll at 375 px: {widths}"
            assert axe_serious_violations(page) == []
            assert visit.errors == []
        finally:
            visit.close()


def test_the_similar_cases_follow_the_typing_while_declaring(browser, live_server, built):
    visit = open_visit(browser, live_server, user=built.pm, viewport=DESKTOP)
    try:
        visit.goto(reverse("incident_declare", args=[built.projects["p1"].pk]))
        page = visit.page
        panel = page.locator("[data-similar-live]")
        assert panel.locator(".similar-case").count() == 0
        page.fill("#id_title_zh_hans", "订单支付接口超时")
        page.wait_for_selector("[data-similar-live] .similar-case")
        assert "Switch to asynchronous callbacks" in panel.inner_text()
        assert visit.errors == []
    finally:
        visit.close()
