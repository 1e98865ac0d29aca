"""The client report as data: what every rendering of it (page, feed, e-mail, PDF) reads.

The report is built from the report's own columns and the client-visible
prevention actions, read field by field: nothing of the internal review
(summary, factors, what went well or badly, luck, root causes, timeline
notes, the reason for no report) is loaded, so no template can show it.
"""

from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from apps.actionplans.models import ActionItem, ActionItemKind, ActionItemStatus
from apps.actionplans.selectors import CLIENT_ITEM_FIELDS
from apps.core.bilingual import columns, normalise

from .models import REPORT_TEXTS, Retrospective

#: The report's columns, in both languages: all the client report reads of a retrospective.
REPORT_COLUMNS = columns(*REPORT_TEXTS)
#: The headings of the report's parts, as the client reads them.
REPORT_HEADINGS = {
    "report_what_happened": _("What went wrong"),
    "report_why": _("Why it happened"),
    "report_what_we_did": _("What we did"),
    "report_what_changes": _("What will change"),
}


@dataclass(frozen=True)
class Part:
    """One part of the report: its text's name (for ``{% text %}``), heading and anchor."""

    name: str
    heading: str
    anchor: str


@dataclass
class ClientReport:
    """The client report of one incident, with only what the client may read."""

    incident_id: int
    retrospective_id: int
    #: The report's texts by column (``report_why_en``…), for ``text_in`` and ``{% text %}``.
    texts: SimpleNamespace
    published_at: datetime | None
    #: The client-visible prevention actions, by due date ("what will change and by when").
    items: list[ActionItem] = field(default_factory=list)

    @property
    def parts(self) -> list[Part]:
        return [
            Part(name, REPORT_HEADINGS[name], name.removeprefix("report_").replace("_", "-"))
            for name in REPORT_TEXTS
        ]

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def progress(self) -> int | None:
        """The average progress of the improvements still planned (dropped ones are not)."""
        counted = [item.progress for item in self.items if item.status != ActionItemStatus.DROPPED]
        if not counted:
            return None
        return round(sum(counted) / len(counted))


def _client_items(incident_ids) -> QuerySet[ActionItem]:
    return (
        ActionItem.objects.filter(
            incident_id__in=incident_ids,
            kind=ActionItemKind.PREVENTION,
            client_visible=True,
        )
        .only(*CLIENT_ITEM_FIELDS)
        .order_by("due_at", "pk")
    )


def _report_rows(**filters) -> QuerySet[Retrospective]:
    return Retrospective.objects.filter(**filters).only(
        "id", "incident_id", "published_at", *REPORT_COLUMNS
    )


def _report(row: Retrospective, items: list[ActionItem]) -> ClientReport:
    return ClientReport(
        incident_id=row.incident_id,
        retrospective_id=row.pk,
        texts=SimpleNamespace(**{name: getattr(row, name) for name in REPORT_COLUMNS}),
        published_at=row.published_at,
        items=items,
    )


def client_report(retrospective: Retrospective) -> ClientReport:
    """The report as it stands (published or not), for the PM's preview and print."""
    row = _report_rows(pk=retrospective.pk).get()
    return _report(row, list(_client_items([row.incident_id])))


def published_reports(incident_ids) -> dict[int, ClientReport]:
    """The published reports of these incidents, by incident, in two queries."""
    rows = list(_report_rows(incident_id__in=incident_ids, published_at__isnull=False))
    if not rows:
        return {}
    items: dict[int, list[ActionItem]] = {row.incident_id: [] for row in rows}
    for item in _client_items(list(items)):
        items[item.incident_id].append(item)
    return {row.incident_id: _report(row, items[row.incident_id]) for row in rows}


def published_report(incident_id: int) -> ClientReport | None:
    return published_reports([incident_id]).get(incident_id)


def pdf_filename(incident_id: int, language: str) -> str:
    """``report-12-zh-hans.pdf``: which incident, which language."""
    return f"report-{incident_id}-{normalise(language)}.pdf"
