"""A resolved incident whose retrospective has a full client report and marked internal texts.

Every internal text carries a marker of its own; no marker may reach anything
the client reads (the preview's client part, the status page, the feed, the
e-mails, the PDF).
"""

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.actionplans.models import ActionItemKind
from apps.actionplans.services import action_item_create, action_item_update
from apps.incidents.models import Incident
from apps.incidents.services import incident_resolve
from apps.retrospectives.models import Retrospective, RootCause, TimelineLine
from tests.celery_capture import capture_enqueued
from tests.factories import ClientContactFactory, informed_incident

#: Each internal-only text of the fixture, and the marker it carries.
INTERNAL_MARKERS = {
    "summary": "INTERNAL-SUMMARY-a41c",
    "contributing_factors": "INTERNAL-FACTORS-b52d",
    "went_well": "INTERNAL-WELL-c63e",
    "went_badly": "INTERNAL-BADLY-d74f",
    "lucky": "INTERNAL-LUCKY-e85a",
    "no_report_reason": "INTERNAL-NOREPORT-f96b",
    "root_cause": "INTERNAL-ROOTCAUSE-0a7c",
    "why": "INTERNAL-WHY-1b8d",
    "timeline": "INTERNAL-TIMELINE-2c9e",
    "internal_notes": "INTERNAL-NOTES-3daf",
    "hidden_item": "INTERNAL-ITEM-4eb0",
}
#: The report's texts, in both languages.
REPORT = {
    "report_what_happened_en": "The dispatch engine was overloaded at peak times.",
    "report_what_happened_zh_hans": "调度引擎在高峰期超载。",
    "report_why_en": "Our load tests covered a tenth of the fleet.",
    "report_why_zh_hans": "我们的负载测试只覆盖了十分之一的车队。",
    "report_what_we_did_en": "We moved dispatch to a partitioned design.",
    "report_what_we_did_zh_hans": "我们将调度迁移到了分区方案。",
    "report_what_changes_en": "Every release is load-tested at full scale first.",
    "report_what_changes_zh_hans": "今后每次发布前都先做全量负载测试。",
}
VISIBLE_ITEM = {"title_en": "Full-scale load tests", "title_zh_hans": "全量负载测试"}


def markers_in(text: str) -> list[str]:
    return [marker for marker in INTERNAL_MARKERS.values() if marker in text]


def han(text: str) -> list[str]:
    return re.findall(r"[\u4e00-\u9fff]+", text)


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def pdf_fonts(content: bytes) -> set[str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return fonts


# Fixtures, named for the tests that import them (importing the functions
# registers them under these names, which never clash with the imported ones).


@pytest.fixture(name="report_enqueued", autouse=False)
def _report_enqueued(monkeypatch):
    """Publishing e-mails the contacts; the tests need no broker for that."""
    return capture_enqueued(monkeypatch)


@pytest.fixture(name="report_contacts")
def _report_contacts(project):
    return {
        "zh": ClientContactFactory(
            project=project, name="Li Wei", language="zh-hans", time_zone="Asia/Shanghai"
        ),
        "en": ClientContactFactory(
            project=project, name="Anna Berg", language="en", time_zone="Europe/Berlin"
        ),
        "quiet": ClientContactFactory(
            project=project, name="Zed Quiet", language="en", receives_updates=False
        ),
    }


def resolved_incident(project, pm, now) -> Incident:
    incident = informed_incident(
        project=project,
        declared_by=pm,
        now=now,
        title="Dispatch delay",
        title_zh_hans="调度延误",
        internal_notes=f"Staff matter {INTERNAL_MARKERS['internal_notes']}",
    )
    return incident_resolve(incident=incident, actor=pm, now=now + timedelta(days=3))


def write_retrospective(incident: Incident, pm, now, **report) -> Retrospective:
    """The retrospective with every internal text marked, the report, and two improvements."""
    values = {name: f"Internal {marker}" for name, marker in INTERNAL_MARKERS.items()}
    retrospective = Retrospective.objects.get(incident=incident)
    for name in ("summary", "contributing_factors", "went_well", "went_badly", "lucky"):
        setattr(retrospective, f"{name}", values[name])
    retrospective.no_report_reason = values["no_report_reason"]
    for name, value in (REPORT | report).items():
        setattr(retrospective, name, value)
    retrospective.save()
    at = timezone.now()
    RootCause.objects.create(
        retrospective=retrospective,
        statement=values["root_cause"],
        whys=[values["why"]],
        created_by=pm,
        created_at=at,
    )
    TimelineLine.objects.create(
        retrospective=retrospective,
        occurred_at=at - timedelta(hours=1),
        text=values["timeline"],
        written_by=pm,
        written_at=at,
    )
    due = now + timedelta(days=30)
    visible = action_item_create(
        incident=incident,
        actor=pm,
        kind=ActionItemKind.PREVENTION,
        owner=pm,
        due_at=due,
        **VISIBLE_ITEM,
    )
    action_item_update(item=visible, expected_version=visible.version, actor=pm, progress=40)
    action_item_create(
        incident=incident,
        actor=pm,
        kind=ActionItemKind.PREVENTION,
        owner=pm,
        due_at=due,
        client_visible=False,
        title_en=values["hidden_item"],
        title_zh_hans=values["hidden_item"],
    )
    return retrospective


@pytest.fixture(name="report_retrospective")
def _report_retrospective(project, pm, now, report_contacts, report_enqueued):
    incident = resolved_incident(project, pm, now)
    return write_retrospective(incident, pm, now)
