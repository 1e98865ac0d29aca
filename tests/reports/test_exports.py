"""CSV exports: what a spreadsheet reads back, in the reader's language, only what they may see."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse

from apps.communications import services as comms
from apps.projects.models import ProjectRole
from tests.factories import ClientContactFactory, ProjectFactory, informed_incident, member

pytestmark = pytest.mark.django_db


def _read(response) -> list[list[str]]:
    """The download as a spreadsheet would read it: UTF-8 with a BOM, then CSV."""
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.fixture
def chinese_incident(project, pm, now):
    incident = informed_incident(
        project=project,
        declared_by=pm,
        now=now - timedelta(hours=5),
        title_zh_hans="调度接口延期，无法按期交付",
        impact_cost=1200,
    )
    contact = ClientContactFactory(project=project)
    comms.log_contact(
        incident=incident,
        actor=pm,
        channel="call",
        occurred_at=now - timedelta(hours=2),
        summary_zh_hans="致电陈静，说明延期原因，她表示理解。",
        client_participants=[contact],
        reaction=-1,
        now=now - timedelta(hours=2),
    )
    return incident


def test_the_incidents_export_opens_with_its_chinese_intact(chinese_incident, pm, login, now):
    rows = _read(login(pm, language="zh-hans").get(reverse("export_incidents")))
    header, *data = rows
    assert header[0] == "事件" and "严重程度" in header
    assert len(data) == 1
    row = dict(zip(header, data[0], strict=True))
    assert row["标题"] == "调度接口延期，无法按期交付"
    # ISO 8601 with the offset, in the reader's time zone (UTC for this PM).
    assert row["登记时间"] == (now - timedelta(hours=5)).isoformat(timespec="seconds")
    assert row["是否在时限内首次联系"] == "是"


def test_the_log_export_lists_each_entry_with_the_reaction(chinese_incident, pm, login):
    header, *data = _read(login(pm, language="en").get(reverse("export_log")))
    assert header[:3] == ["Incident", "Project", "Incident title"]
    reactions = [dict(zip(header, row, strict=True))["Client's reaction"] for row in data]
    assert "Negative" in reactions
    summaries = [dict(zip(header, row, strict=True))["Summary"] for row in data]
    assert "致电陈静，说明延期原因，她表示理解。" in summaries


def test_a_member_exports_only_their_projects(chinese_incident, now, login):
    elsewhere = ProjectFactory(name="Elsewhere")
    outsider = member(elsewhere, ProjectRole.PM, username="outsider")
    informed_incident(project=elsewhere, declared_by=outsider, now=now - timedelta(hours=1))
    _header, *data = _read(login(outsider).get(reverse("export_incidents")))
    assert len(data) == 1
    assert "调度接口" not in data[0][3]


def test_a_project_one_cannot_see_is_refused_in_words(chinese_incident, stranger, login):
    response = login(stranger).get(
        reverse("export_incidents"), {"project": chinese_incident.project_id}
    )
    assert response.status_code == 400
    assert "Choose one of your projects" in response.content.decode()


def test_a_bad_date_range_is_refused_and_keeps_what_was_typed(pm, login):
    response = login(pm).get(reverse("export_log"), {"since": "2025-03-10", "until": "2025-03-01"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The end of the date range is before its start." in html
    assert 'value="2025-03-10"' in html


def test_the_date_range_filters_by_declaration_day(chinese_incident, pm, login, now):
    day = (now - timedelta(hours=5)).date()
    _h, *inside = _read(login(pm).get(reverse("export_incidents"), {"since": day, "until": day}))
    _h, *after = _read(
        login(pm).get(reverse("export_incidents"), {"since": day + timedelta(days=1)})
    )
    assert len(inside) == 1 and after == []


def test_the_export_reads_in_chunks_with_a_constant_number_of_queries(
    pm, project, login, now, django_assert_max_num_queries
):
    for n in range(30):
        informed_incident(project=project, declared_by=pm, now=now - timedelta(hours=n + 1))
    client = login(pm)
    with django_assert_max_num_queries(8):
        rows = _read(client.get(reverse("export_incidents")))
    assert len(rows) == 31


def test_the_exports_page_offers_both_downloads(pm, login):
    page = login(pm).get(reverse("report_exports")).content.decode()
    assert reverse("export_incidents") in page and reverse("export_log") in page


def test_the_commitments_export_says_what_was_promised_and_how_it_ended(
    chinese_incident, pm, login, now
):
    from apps.commitments import services as commitments

    kept = commitments.commitment_make(
        incident=chinese_incident,
        actor=pm,
        owner=pm,
        due_at=now + timedelta(days=2),
        what_zh_hans="周五前提交压测报告",
        now=now - timedelta(hours=1),
    )
    commitments.commitment_keep(commitment=kept, actor=pm, kept_at=now, now=now)
    header, *data = _read(login(pm, language="en").get(reverse("export_commitments")))
    row = dict(zip(header, data[0], strict=True))
    assert row["What was promised"] == "周五前提交压测报告"
    assert row["Kept at"] == now.isoformat(timespec="seconds")
