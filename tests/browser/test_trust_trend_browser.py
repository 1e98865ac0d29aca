"""The trust trend on the incident page, read in a browser.

In both languages, with JavaScript on and off, on a desktop and on a 375 px
phone: the chart and its table are there and visible, the chart fits the
screen, and axe-core finds nothing serious.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.projects.models import ProjectRole
from tests.factories import IncidentFactory, member
from tests.trust.support import make_history

from .support import LANGUAGES, axe_serious_violations, open_visit
from .test_status_page_browser import DESKTOP, PHONE

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("viewport", VIEWPORTS, ids=VIEWPORTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_trust_trend_shows_its_chart_and_table(
    live_server, transactional_db, browser, language, viewport, javascript
):
    now = timezone.now()
    incident = IncidentFactory(now=now - timedelta(days=4))
    pm = member(
        incident.project,
        ProjectRole.PM,
        username=f"trend.{language}",
        profile__language=language,
        profile__time_zone="Asia/Shanghai",
    )
    make_history(incident, pm, now)
    size = VIEWPORTS[viewport]
    visit = open_visit(
        browser, live_server, user=pm, language=language, viewport=size, javascript=javascript
    )
    page = visit.page
    try:
        visit.goto(reverse("incident_detail", args=[incident.pk]))
        trend = page.locator("#trust-trend")
        trend.scroll_into_view_if_needed()
        chart = trend.locator("svg[role=img]")
        assert chart.is_visible()
        assert chart.locator("circle.trend-point").count() == 3
        assert chart.get_attribute("aria-labelledby") == "trust-chart-title trust-chart-desc"
        table = trend.locator("table")
        assert table.is_visible()
        assert table.locator("tbody tr").count() == 7

        box = chart.bounding_box()
        assert box["width"] > 250 and box["x"] >= 0 and box["x"] + box["width"] <= size["width"]
        label = chart.locator("text.trend-axis-label").first.bounding_box()
        assert label["height"] >= 9, f"axis labels too small to read: {label}"
        for swatch in trend.locator(".trend-legend svg").all():
            assert swatch.bounding_box()["height"] <= 24, "a legend swatch grew with the chart"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= size["width"], f"the page scrolls sideways: {width} px"

        if javascript:
            violations = axe_serious_violations(page)
            assert not violations, "axe:\n" + "\n".join(violations)
        assert not visit.errors, "\n".join(visit.errors)
    finally:
        visit.close()
    if not javascript:
        _assert_accessible_without_scripts(browser, live_server, pm, language, size, incident)


def _assert_accessible_without_scripts(browser, live_server, pm, language, size, incident):
    """axe-core needs a script of its own: it runs on the page with the page's scripts
    answered empty, so the document it checks is the one a browser without JavaScript shows."""
    visit = open_visit(browser, live_server, user=pm, language=language, viewport=size)
    try:
        visit.page.route(
            "**/*.js",
            lambda route: route.fulfill(status=200, content_type="text/javascript", body=""),
        )
        visit.goto(reverse("incident_detail", args=[incident.pk]))
        assert visit.page.locator("#trust-trend svg[role=img]").is_visible()
        violations = axe_serious_violations(visit.page)
        assert not violations, "axe, without scripts:\n" + "\n".join(violations)
    finally:
        visit.close()
