"""A PM writes the retrospective, publishes the client report, and the client reads it.

In each language: the review and a root cause are written in the browser,
the client report in both languages, the preview read and the report
published; the client's status page then shows it in its own section, in
the reader's language, and its PDF carries the Chinese text.
"""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from apps.incidents import services as incident_services
from apps.projects.models import ProjectRole
from apps.retrospectives.models import Retrospective
from tests.factories import ClientContactFactory, informed_incident, member
from tests.statuspage.support import make_link

from .support import LANGUAGES, axe_serious_violations, open_visit

pytestmark = pytest.mark.browser

INTERNAL = "Nobody ran the full load test: INTERNAL-7f3a"
REPORT = {
    "report_what_happened_en": "Dispatch took 40 seconds with the full fleet.",
    "report_what_happened_zh_hans": "全量车队下调度耗时 40 秒。",
    "report_why_en": "We committed the date before testing at full scale.",
    "report_why_zh_hans": "我们在全量压测之前就承诺了日期。",
    "report_what_we_did_en": "We partitioned the engine and went live 30 days later.",
    "report_what_we_did_zh_hans": "我们将引擎分区改造，并在 30 天后上线。",
    "report_what_changes_en": "No date is committed before a full-scale load test.",
    "report_what_changes_zh_hans": "今后在全量压测之前不承诺日期。",
}


def _resolved(language):
    incident = informed_incident(ready=True, now=timezone.now() - timedelta(days=3))
    pm = member(
        incident.project,
        ProjectRole.PM,
        username=f"retro.{language}",
        profile__language=language,
        profile__time_zone="Asia/Shanghai",
    )
    for reader in ("zh-hans", "en"):
        ClientContactFactory(project=incident.project, language=reader)
    incident = incident_services.incident_resolve(incident=incident, actor=pm)
    return incident, pm


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_retrospective_is_written_published_and_read_by_the_client(
    live_server, transactional_db, browser, language
):
    incident, pm = _resolved(language)
    visit = open_visit(browser, live_server, user=pm, language=language)
    page = visit.page
    try:
        with translation.override(language):
            visit.goto(reverse("retrospective", args=[incident.pk]))
            assert page.locator("#timeline .timeline-line").count() >= 3

            page.get_by_role("link", name=gettext("Write the review")).click()
            page.fill("[name=summary]", "Dispatch did not scale.")
            page.fill("[name=went_badly]", INTERNAL)
            page.select_option("[name=outcome]", "delivered_late")
            with page.expect_navigation():
                page.get_by_role("button", name=gettext("Save the review")).click()

            page.get_by_role("link", name=gettext("Add a root cause")).click()
            page.fill("[name=why_1]", "Dispatch timed out at 3,000 trucks")
            page.fill("[name=statement]", "No full-scale load test before the date was promised.")
            with page.expect_navigation():
                page.get_by_role("button", name=gettext("Add the root cause")).click()
            assert page.locator("#causes li").first.is_visible()

            page.locator("#report").get_by_role(
                "link", name=gettext("Write the client report")
            ).click()
            for name, text in REPORT.items():
                page.fill(f"[name={name}]", text)
            with page.expect_navigation():
                page.get_by_role("button", name=gettext("Save the client report")).click()

            visit.goto(reverse("retrospective_report", args=[incident.pk]))
            assert page.locator("#report-en").get_by_text(REPORT["report_why_en"]).is_visible()
            assert (
                page.locator("#report-zh-hans")
                .get_by_text(REPORT["report_why_zh_hans"])
                .is_visible()
            )
            assert INTERNAL not in page.content()
            violations = axe_serious_violations(page)
            assert not violations, "\n".join(violations)
            page.get_by_role("link", name=gettext("Publish…")).click()
            with page.expect_navigation():
                page.get_by_role("button", name=gettext("Publish now")).click()
    finally:
        visit.close()
    assert not visit.errors, "\n".join(visit.errors)
    assert Retrospective.objects.get(incident=incident).is_published

    _link, token = make_link(incident)
    status = reverse("status_page", args=[token])
    for reader in LANGUAGES:
        client = open_visit(browser, live_server, language=reader)
        try:
            with translation.override(reader):
                client.goto(f"{status}?lang={reader}")
                section = client.page.locator(".retrospective-report")
                assert section.get_by_text(gettext("Retrospective report")).first.is_visible()
                suffix = "zh_hans" if reader == "zh-hans" else "en"
                assert section.get_by_text(REPORT[f"report_why_{suffix}"]).is_visible()
                assert INTERNAL not in client.page.content()
                pdf = client.page.request.get(
                    f"{live_server.url}{status}report/{incident.pk}.pdf?lang={reader}"
                )
                assert pdf.status == 200
                assert pdf.headers["content-type"] == "application/pdf"
                text = _pdf_text(pdf.body())
                assert REPORT[f"report_why_{suffix}"][:12] in text.replace("\n", "")
                assert INTERNAL not in text
        finally:
            client.close()
        assert not client.errors, "\n".join(client.errors)
