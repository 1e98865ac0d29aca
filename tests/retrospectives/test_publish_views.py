"""The PM's client report: the preview as each language reads it, publishing, print and PDF."""

import re

import pytest
from django.urls import reverse

from apps.outbox.models import OutgoingEmail
from apps.retrospectives.models import Retrospective
from apps.retrospectives.services import retrospective_publish

from .report_support import (  # noqa: F401 (the fixtures)
    _report_contacts,
    _report_enqueued,
    _report_retrospective,
    han,
    markers_in,
    pdf_fonts,
    pdf_text,
)


def _url(name: str, retrospective: Retrospective) -> str:
    return reverse(name, args=[retrospective.incident_id])


def _client_parts(html: str) -> list[str]:
    return re.findall(r"<!-- client-report:start -->(.*?)<!-- client-report:end -->", html, re.S)


def test_the_preview_shows_the_report_as_each_language_reads_it(login, pm, report_retrospective):
    response = login(pm).get(_url("retrospective_report", report_retrospective))

    assert response.status_code == 200
    english, chinese = _client_parts(response.content.decode())
    assert "The dispatch engine was overloaded" in english
    assert "What will change and by when" in english
    assert "Full-scale load tests" in english and "40 %" in english
    assert "调度引擎在高峰期超载" in chinese and "全量负载测试" in chinese
    assert "2025年4月9日" in chinese
    assert not han(english)
    for part in (english, chinese):
        assert markers_in(part) == []
    # Who is e-mailed, in which language; the quiet contact is not.
    page = response.content.decode()
    assert "Li Wei" in page and "Anna Berg" in page and "Zed Quiet" not in page
    assert reverse("retrospective_report_publish", args=[report_retrospective.incident_id]) in page


def test_a_text_missing_in_one_language_is_shown_marked_and_listed_as_a_gap(
    login, pm, report_retrospective
):
    report_retrospective.report_why_zh_hans = ""
    report_retrospective.save()

    response = login(pm).get(_url("retrospective_report", report_retrospective))

    page = response.content.decode()
    _english, chinese = _client_parts(page)
    assert "仅有英文版本" in chinese
    assert 'lang="en"' in chinese
    assert "Missing in Chinese" in page
    assert reverse("retrospective_report_edit", args=[report_retrospective.incident_id]) in page
    # A report with gaps offers no publishing.
    assert reverse("retrospective_report_publish", args=[report_retrospective.incident_id]) not in (
        page
    )


def test_the_tone_check_reads_the_report(login, pm, report_retrospective):
    report_retrospective.report_why_en = "Obviously the client changed the requirements."
    report_retrospective.save()

    response = login(pm).get(_url("retrospective_report", report_retrospective))

    assert response.context["tone"]
    assert 'id="tone-heading"' in response.content.decode()


def test_publishing_from_the_page_asks_then_publishes_once(
    login, pm, report_retrospective, report_contacts
):
    client = login(pm)
    url = _url("retrospective_report_publish", report_retrospective)

    asked = client.get(url)
    assert asked.status_code == 200
    assert "Publish now" in asked.content.decode()

    done = client.post(url)
    again = client.post(url)

    assert done.status_code == 302 and again.status_code == 302
    assert OutgoingEmail.objects.filter(dedupe_key__startswith="retrospective:").count() == 2
    page = client.get(_url("retrospective_report", report_retrospective)).content.decode()
    assert f"by {pm.get_full_name() or pm.get_username()}." in page
    assert "Published on" in page
    assert reverse("share_links", args=[report_retrospective.incident_id]) in page
    assert _url("retrospective_report_pdf", report_retrospective) in page
    assert _url("retrospective_report_print", report_retrospective) in page


def test_a_report_with_gaps_is_refused_with_the_reason(login, pm, report_retrospective):
    report_retrospective.report_what_we_did_en = ""
    report_retrospective.report_what_we_did_zh_hans = ""
    report_retrospective.save()

    response = login(pm).post(_url("retrospective_report_publish", report_retrospective))

    assert response.status_code == 400
    assert "Write every part of the client report" in response.content.decode()
    report_retrospective.refresh_from_db()
    assert not report_retrospective.is_published


def test_a_viewer_reads_the_preview_but_cannot_publish(login, viewer, report_retrospective):
    client = login(viewer)

    assert client.get(_url("retrospective_report", report_retrospective)).status_code == 200
    assert client.get(_url("retrospective_report_publish", report_retrospective)).status_code == 403
    assert (
        client.post(_url("retrospective_report_publish", report_retrospective)).status_code == 403
    )
    report_retrospective.refresh_from_db()
    assert not report_retrospective.is_published


def test_a_stranger_finds_nothing(login, stranger, report_retrospective):
    client = login(stranger)

    for name in (
        "retrospective_report",
        "retrospective_report_publish",
        "retrospective_report_print",
        "retrospective_report_pdf",
    ):
        assert client.get(_url(name, report_retrospective)).status_code == 404


def test_the_print_page_has_the_report_and_no_navigation(login, team_member, report_retrospective):
    response = login(team_member).get(
        _url("retrospective_report_print", report_retrospective), {"lang": "zh-hans"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-Hans">' in page
    assert "调度引擎在高峰期超载" in page
    assert "navbar" not in page
    assert "css/report.css" in page
    assert markers_in(page) == []


def test_the_pdf_is_in_chinese_with_a_cjk_font(login, pm, report_retrospective):
    response = login(pm).get(
        _url("retrospective_report_pdf", report_retrospective), {"lang": "zh-hans"}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="report-{report_retrospective.incident_id}-zh-hans.pdf"'
    )
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "调度引擎在高峰期超载" in text.replace("\n", "")
    assert "全量负载测试" in text
    assert markers_in(text) == []
    assert any("CJK" in font for font in pdf_fonts(response.content))


def test_without_a_pdf_renderer_the_page_says_so(login, pm, report_retrospective, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_weasyprint(name, *args, **kwargs):
        if name.startswith("weasyprint"):
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_weasyprint)

    response = login(pm, language="zh-hans").get(
        _url("retrospective_report_pdf", report_retrospective)
    )

    assert response.status_code == 503
    assert _url("retrospective_report_print", report_retrospective) in response.content.decode()


@pytest.mark.parametrize("published", [False, True])
def test_the_preview_never_shows_the_internal_review(login, pm, report_retrospective, published):
    if published:
        retrospective_publish(retrospective=report_retrospective, actor=pm)

    page = login(pm).get(_url("retrospective_report", report_retrospective)).content.decode()

    assert markers_in(page) == []
