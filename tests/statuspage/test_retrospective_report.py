"""The client report on the status page, in the feed, on paper and as a PDF, once published."""

import feedparser
import pytest
from django.urls import reverse

from apps.actionplans.models import ActionItem
from apps.actionplans.services import action_item_update
from apps.retrospectives.services import retrospective_publish
from tests.factories import ClientContactFactory
from tests.retrospectives.report_support import (  # noqa: F401 (the fixtures)
    _report_contacts,
    _report_retrospective,
    han,
    markers_in,
    pdf_fonts,
    pdf_text,
    resolved_incident,
    write_retrospective,
)

from .support import make_link, page_url


@pytest.fixture(name="report_enqueued")
def _enqueued_here(enqueued):
    # The status-page tests capture what is enqueued already (conftest).
    return enqueued


@pytest.fixture
def incident(report_retrospective):
    return report_retrospective.incident


def _publish(retrospective):
    return retrospective_publish(
        retrospective=retrospective, actor=retrospective.incident.declared_by
    )


def _page(client, token, **params) -> str:
    response = client.get(page_url(token), params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_report_shows_only_once_published(client, report_retrospective, incident):
    _link, token = make_link(incident)

    before = _page(client, token, lang="en")
    _publish(report_retrospective)
    after = _page(client, token, lang="en")

    assert f'id="report-{incident.pk}"' not in before
    assert "The dispatch engine was overloaded" not in before
    assert f'id="report-{incident.pk}"' in after
    assert "Retrospective report" in after
    assert "The dispatch engine was overloaded" in after
    assert "What will change and by when" in after
    assert markers_in(after) == []


def test_the_section_reads_in_the_contact_language(client, report_retrospective, incident, project):
    contact = ClientContactFactory(project=project, language="zh-hans", time_zone="Asia/Shanghai")
    _link, token = make_link(incident, contact=contact)
    _publish(report_retrospective)

    page = _page(client, token)

    assert "复盘报告" in page
    assert "今后每次发布前都先做全量负载测试" in page
    assert "2025年4月9日" in page
    assert f"report/{incident.pk}.pdf?lang=zh-hans" in page


def test_a_project_link_shows_each_incident_report(client, report_retrospective, incident, project):
    _link, token = make_link(project=project)
    _publish(report_retrospective)

    page = _page(client, token, lang="en")

    assert f'id="report-{incident.pk}"' in page
    assert markers_in(page) == []


def test_the_etag_moves_on_when_published_and_when_an_improvement_changes(
    client, report_retrospective, incident
):
    _link, token = make_link(incident)
    first = client.get(page_url(token), {"lang": "en"})["ETag"]

    _publish(report_retrospective)
    published = client.get(page_url(token), {"lang": "en"})
    item = ActionItem.objects.get(incident=incident, client_visible=True)
    action_item_update(
        item=item, expected_version=item.version, actor=incident.declared_by, progress=90
    )
    progressed = client.get(page_url(token), {"lang": "en"})

    assert published["ETag"] != first
    assert progressed["ETag"] != published["ETag"]
    assert "90 %" in progressed.content.decode()


def _feed(client, token, **params):
    response = client.get(page_url(token, "status_feed"), params)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return response, feed


def test_the_feed_carries_the_report_once_published(client, report_retrospective, incident):
    _link, token = make_link(incident)
    _response, before = _feed(client, token, lang="en")
    assert not [e for e in before.entries if "retrospective" in e.id]

    published = _publish(report_retrospective)
    response, feed = _feed(client, token, lang="en")
    _response, again = _feed(client, token, lang="zh-hans")

    [entry] = [e for e in feed.entries if "retrospective" in e.id]
    assert entry.id == f"urn:candor:retrospective:{report_retrospective.pk}"
    assert "Dispatch delay" in entry.title
    assert entry.link.endswith(page_url(token) + f"#report-{incident.pk}")
    assert entry.updated_parsed[:6] == published.published_at.utctimetuple()[:6]
    assert "The dispatch engine was overloaded" in entry.summary
    assert not han(entry.summary)
    assert markers_in(response.content.decode()) == []
    [chinese] = [e for e in again.entries if "retrospective" in e.id]
    assert chinese.id == entry.id
    assert "调度引擎在高峰期超载" in chinese.summary


def test_the_client_prints_and_downloads_the_published_report(
    client, report_retrospective, incident
):
    _link, token = make_link(incident)
    _publish(report_retrospective)

    printed = client.get(reverse("status_report", args=[token, incident.pk]), {"lang": "zh-hans"})
    pdf = client.get(reverse("status_report_pdf", args=[token, incident.pk]), {"lang": "zh-hans"})

    assert printed.status_code == 200
    assert "调度引擎在高峰期超载" in printed.content.decode()
    assert markers_in(printed.content.decode()) == []
    assert printed["Cache-Control"] == "private, no-cache"
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'attachment; filename="report-{incident.pk}-zh-hans.pdf"'
    text = pdf_text(pdf.content)
    assert "全量负载测试" in text
    assert "复盘报告" in text
    assert markers_in(text) == []
    assert any("CJK" in font for font in pdf_fonts(pdf.content))


def test_no_print_or_pdf_before_publishing(client, incident):
    _link, token = make_link(incident)

    for name in ("status_report", "status_report_pdf"):
        assert client.get(reverse(name, args=[token, incident.pk])).status_code == 404


def test_another_incident_link_cannot_fetch_the_report(
    client, report_retrospective, incident, project, pm, now
):
    other = resolved_incident(project, pm, now)
    write_retrospective(other, pm, now)
    _link, other_token = make_link(other)
    _publish(report_retrospective)

    for name in ("status_report", "status_report_pdf"):
        assert client.get(reverse(name, args=[other_token, incident.pk])).status_code == 404
        assert client.get(reverse(name, args=["not-a-token", incident.pk])).status_code == 404
