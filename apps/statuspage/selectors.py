"""Reads for the client's status page. Only client-facing data leaves here.

Nothing in this module touches internal notes, and every query is fixed in
number whatever the number of updates, entries or meetings. A warm page costs
two small queries (``link_stamp``); the rest runs only when the page is rendered.
"""

import functools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from apps.actionplans.selectors import Plan, plans_for, remedies_for
from apps.alternatives.selectors import Decisions, alternatives_for, decisions_for
from apps.commitments.selectors import Commitments, commitments_for
from apps.communications.models import (
    LogChannel,
    LogEntry,
    Meeting,
    MeetingStatus,
    StatusUpdate,
    UpdateStatus,
)
from apps.core.bilingual import columns
from apps.incidents.models import INCIDENT_TEXTS, Incident
from apps.projects.models import ClientContact
from apps.retrospectives.report import ClientReport, published_reports

from .models import ShareLink, hash_token

#: The fields of an incident the client may see. ``internal_notes`` is not one.
PUBLIC_INCIDENT_FIELDS = (
    "id",
    "project_id",
    *columns(*INCIDENT_TEXTS),
    "impact_schedule_days",
    "impact_cost",
    "severity",
    "status",
    "declared_at",
    "first_contact_due_at",
    "first_contact_at",
    "update_cadence",
    "last_update_at",
    "next_update_due_at",
    "resolved_at",
    "closed_at",
    "updated_at",
)


def public_incidents() -> QuerySet[Incident]:
    return Incident.objects.only(*PUBLIC_INCIDENT_FIELDS)


def active_link(token: str, now: datetime | None = None) -> ShareLink | None:
    """The link for a token, or ``None`` if it is unknown, revoked or expired.

    One indexed lookup by hash whatever the outcome, so a wrong, a revoked
    and an expired token cost the same.
    """
    now = now or timezone.now()
    if not token or len(token) > 100:
        return None
    link = (
        ShareLink.objects.select_related("contact", "project", "project__client")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if link is None or not link.is_active(now):
        return None
    return link


@dataclass(frozen=True)
class LinkStamp:
    """What an active link's page depends on, without loading the page's data.

    The link, its reader's language and time zone, and each shown incident's
    change stamp (``updated_at``, which moves whenever anything the page shows
    changes) with its next promised update.
    """

    link_id: int
    last_viewed_at: datetime | None
    contact_language: str | None
    contact_time_zone: str | None
    #: (incident id, updated_at, next_update_due_at), most recently declared first.
    incidents: tuple[tuple[int, datetime, datetime | None], ...]


@functools.cache
def _stamp_sql() -> dict[str, str]:
    """Plain statements on one table each, each one index lookup.

    Planning a join costs PostgreSQL more than running it; under load a join
    of two of these tables took four times as long as a lookup in one.
    """
    link, contact, incident = ShareLink._meta, ClientContact._meta, Incident._meta

    def col(meta, name):
        return connection.ops.quote_name(meta.get_field(name).column)

    def table(meta):
        return connection.ops.quote_name(meta.db_table)

    stamps = (
        f"SELECT {col(incident, 'id')}, {col(incident, 'updated_at')}, "
        f"{col(incident, 'next_update_due_at')} FROM {table(incident)} WHERE "
    )
    return {
        "link": (
            f"SELECT {col(link, 'id')}, {col(link, 'incident')}, {col(link, 'project')}, "
            f"{col(link, 'contact')}, {col(link, 'expires_at')}, {col(link, 'revoked_at')}, "
            f"{col(link, 'last_viewed_at')} FROM {table(link)} WHERE {col(link, 'token_hash')} = %s"
        ),
        "contact": (
            f"SELECT {col(contact, 'language')}, {col(contact, 'time_zone')} "
            f"FROM {table(contact)} WHERE {col(contact, 'id')} = %s"
        ),
        "incident": f"{stamps}{col(incident, 'id')} = %s",
        "project": (
            f"{stamps}{col(incident, 'project')} = %s "
            f"ORDER BY {col(incident, 'declared_at')} DESC, {col(incident, 'id')}"
        ),
    }


def _aware(value) -> datetime | None:
    """A raw cursor's datetime as the ORM would give it (SQLite returns text or naive UTC)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = parse_datetime(value)
    return value.replace(tzinfo=UTC) if timezone.is_naive(value) else value


def link_stamp(token: str, now: datetime | None = None) -> LinkStamp | None:
    """The stamp of an active link, or ``None`` if the token is unknown, revoked or expired.

    This is the warm path of every status-page request: plain statements (the
    link, its reader, the incidents' stamps), no model instances, no query
    compilation. A wrong, revoked or expired token costs the first one only.
    """
    now = now or timezone.now()
    if not token or len(token) > 100:
        return None
    sql = _stamp_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql["link"], [hash_token(token)])
        row = cursor.fetchone()
        if row is None:
            return None
        link_id, incident_id, project_id, contact_id, expires_at, revoked_at, last_viewed_at = row
        if revoked_at is not None or (expires_at is not None and _aware(expires_at) <= now):
            return None
        language = time_zone = None
        if contact_id is not None:
            cursor.execute(sql["contact"], [contact_id])
            language, time_zone = cursor.fetchone() or (None, None)
        if incident_id is not None:
            cursor.execute(sql["incident"], [incident_id])
        else:
            cursor.execute(sql["project"], [project_id])
        incidents = tuple((pk, _aware(stamp), _aware(due)) for pk, stamp, due in cursor.fetchall())
    return LinkStamp(
        link_id=link_id,
        last_viewed_at=_aware(last_viewed_at),
        contact_language=language,
        contact_time_zone=time_zone,
        incidents=incidents,
    )


def link_incidents(link: ShareLink) -> list[Incident]:
    """The incidents a link shows: its own, or its project's (most recent first)."""
    incidents = public_incidents().select_related("project", "project__client")
    if link.incident_id is not None:
        return list(incidents.filter(pk=link.incident_id))
    return list(incidents.filter(project_id=link.project_id).order_by("-declared_at"))


@dataclass
class Promises:
    kept: int = 0
    total: int = 0


@dataclass
class IncidentPage:
    """What the status page shows of one incident.

    The plan and the decisions are the same domain objects the incident page
    shows (``actionplans.selectors.Plan``, ``alternatives.selectors.Decisions``),
    read for the client: only client-visible actions, no owners.
    """

    incident: Incident
    updates: list[StatusUpdate] = field(default_factory=list)
    entries: list[LogEntry] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    promises: Promises = field(default_factory=Promises)
    plan: Plan | None = None
    alternatives: list = field(default_factory=list)
    decisions: Decisions = field(default_factory=lambda: Decisions(current=None, history=[]))
    remedies: list = field(default_factory=list)
    #: The commitments to the client: the open ones, and what became of the others.
    commitments: Commitments = field(default_factory=Commitments)
    #: The retrospective's client report, once it is published (``None`` before).
    report: ClientReport | None = None

    @property
    def disclosed(self) -> bool:
        """After first contact the cause, state and impact are always shown."""
        return self.incident.first_contact_at is not None

    @property
    def timeline(self) -> list:
        items = [(u.published_at, "update", u) for u in self.updates]
        items += [(e.occurred_at, "entry", e) for e in self.entries]
        return sorted(items, key=lambda item: item[0], reverse=True)


def incident_pages(incidents: list[Incident], now: datetime | None = None) -> list[IncidentPage]:
    """Everything the page shows for these incidents, in a fixed number of queries."""
    now = now or timezone.now()
    ids = [incident.pk for incident in incidents]
    pages = {incident.pk: IncidentPage(incident) for incident in incidents}
    if not ids:
        return []
    updates = StatusUpdate.objects.filter(
        incident_id__in=ids, status=UpdateStatus.PUBLISHED
    ).order_by("-published_at")
    for update in updates:
        page = pages[update.incident_id]
        page.updates.append(update)
        if update.was_due_at is not None:
            page.promises.total += 1
            page.promises.kept += update.was_on_time
    entries = (
        LogEntry.objects.filter(incident_id__in=ids, client_visible=True)
        .exclude(channel__in=(LogChannel.UPDATE, LogChannel.NOTE))
        .prefetch_related(
            Prefetch(
                "corrections",
                queryset=LogEntry.objects.filter(client_visible=True).only(
                    "id", "corrects_id", "occurred_at"
                ),
            )
        )
        .only("id", "incident_id", "channel", "occurred_at", *columns("summary"), "corrects_id")
        .order_by("-occurred_at")
    )
    for entry in entries:
        pages[entry.incident_id].entries.append(entry)
    meetings = Meeting.objects.filter(
        incident_id__in=ids,
        status=MeetingStatus.SCHEDULED,
        starts_at__gte=now - timedelta(hours=8),
    ).order_by("starts_at")
    for meeting in meetings:
        if meeting.ends_at >= now:
            pages[meeting.incident_id].meetings.append(meeting)
    plans = plans_for(ids, now, for_client=True)
    alternatives = alternatives_for(ids)
    decisions = decisions_for(ids)
    remedies = remedies_for(ids)
    commitments = commitments_for(ids, now, for_client=True)
    reports = published_reports(ids)
    for pk, page in pages.items():
        page.plan = plans[pk]
        page.alternatives = alternatives[pk]
        page.decisions = decisions[pk]
        page.remedies = remedies[pk]
        page.commitments = commitments[pk]
        page.report = reports.get(pk)
    return [pages[pk] for pk in ids]


def feed_updates(link: ShareLink, limit: int = 50) -> list[StatusUpdate]:
    incidents = (
        Q(incident_id=link.incident_id)
        if link.incident_id
        else Q(incident__project_id=link.project_id)
    )
    return list(
        StatusUpdate.objects.filter(incidents, status=UpdateStatus.PUBLISHED)
        .select_related("incident")
        .only(
            "id",
            "body_en",
            "body_zh_hans",
            "published_at",
            "incident__id",
            *(f"incident__{c}" for c in columns("title")),
        )
        .order_by("-published_at")[:limit]
    )


def link_incident(link: ShareLink, incident_id: int) -> Incident | None:
    """One of the incidents the link shows (its client-facing fields), or ``None``."""
    incidents = public_incidents().select_related("project", "project__client")
    if link.incident_id is not None:
        incidents = incidents.filter(pk=link.incident_id)
    else:
        incidents = incidents.filter(project_id=link.project_id)
    return incidents.filter(pk=incident_id).first()


def feed_reports(link: ShareLink) -> list[tuple[Incident, ClientReport]]:
    """The published client reports of the link's incidents, each with its incident."""
    incidents = link_incidents(link)
    reports = published_reports([incident.pk for incident in incidents])
    return [(incident, reports[incident.pk]) for incident in incidents if incident.pk in reports]


def feed_meetings(link: ShareLink) -> list[Meeting]:
    incidents = (
        Q(incident_id=link.incident_id)
        if link.incident_id
        else Q(incident__project_id=link.project_id)
    )
    return list(Meeting.objects.filter(incidents).select_related("organizer").order_by("starts_at"))


def incident_share_links(incident: Incident) -> QuerySet[ShareLink]:
    """Links that show this incident: its own and its project's."""
    return (
        ShareLink.objects.filter(Q(incident=incident) | Q(project_id=incident.project_id))
        .select_related("contact", "created_by")
        .order_by("-created_at")
    )
