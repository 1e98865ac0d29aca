"""What the exports read: the incidents and the contacts the user may see, as plain rows."""

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from apps.commitments.models import Commitment, CommitmentStatus
from apps.communications.models import ClientReaction, LogChannel, LogEntry
from apps.incidents.models import CauseCategory, Incident, IncidentSeverity, IncidentStatus
from apps.incidents.selectors import incidents_for_user

from .exports import CHUNK, amount, in_language, moment, yes_no


def visible_incidents(user, *, project=None, since=None, until=None) -> QuerySet[Incident]:
    """The incidents ``user`` may see, declared between two moments, in one project or all."""
    incidents = incidents_for_user(user)
    if project is not None:
        incidents = incidents.filter(project=project)
    if since is not None:
        incidents = incidents.filter(declared_at__gte=since)
    if until is not None:
        incidents = incidents.filter(declared_at__lt=until)
    return incidents


INCIDENT_FIELDS = (
    "pk",
    "project__name",
    "project__client__name",
    "project__currency",
    "title_en",
    "title_zh_hans",
    "severity",
    "cause_category",
    "status",
    "declared_at",
    "first_contact_due_at",
    "first_contact_at",
    "resolved_at",
    "closed_at",
    "impact_schedule_days",
    "impact_cost",
)


def incident_rows(incidents: QuerySet[Incident], language: str) -> Iterator[list]:
    """One row per incident, oldest first, read in chunks."""
    severities, causes = dict(IncidentSeverity.choices), dict(CauseCategory.choices)
    statuses = dict(IncidentStatus.choices)
    rows = incidents.order_by("declared_at", "pk").values(*INCIDENT_FIELDS)
    for row in rows.iterator(chunk_size=CHUNK):
        first = row["first_contact_at"]
        yield [
            row["pk"],
            row["project__client__name"],
            row["project__name"],
            in_language(row, "title", language),
            str(severities.get(row["severity"], row["severity"])),
            str(causes.get(row["cause_category"], "")) if row["cause_category"] else "",
            str(statuses.get(row["status"], row["status"])),
            moment(row["declared_at"]),
            moment(row["first_contact_due_at"]),
            moment(first),
            yes_no(None if first is None else first <= row["first_contact_due_at"]),
            moment(row["resolved_at"]),
            moment(row["closed_at"]),
            "" if row["impact_schedule_days"] is None else row["impact_schedule_days"],
            amount(row["impact_cost"], row["project__currency"]),
        ]


LOG_FIELDS = (
    "pk",
    "incident_id",
    "incident__title_en",
    "incident__title_zh_hans",
    "incident__project__name",
    "occurred_at",
    "channel",
    "summary_en",
    "summary_zh_hans",
    "reaction",
    "client_visible",
    "corrects_id",
    "recorded_by__username",
    "recorded_by__first_name",
    "recorded_by__last_name",
    "recorded_at",
)


def log_rows(incidents: QuerySet[Incident], language: str) -> Iterator[list]:
    """One row per log entry of those incidents, in the order they happened, read in chunks."""
    channels, reactions = dict(LogChannel.choices), dict(ClientReaction.choices)
    entries = (
        LogEntry.objects.filter(incident__in=incidents.values("pk"))
        .order_by("incident_id", "occurred_at", "pk")
        .values(*LOG_FIELDS)
    )
    for row in entries.iterator(chunk_size=CHUNK):
        name = " ".join(
            part for part in (row["recorded_by__first_name"], row["recorded_by__last_name"]) if part
        )
        yield [
            row["incident_id"],
            row["incident__project__name"],
            in_language(
                {
                    "title_en": row["incident__title_en"],
                    "title_zh_hans": row["incident__title_zh_hans"],
                },
                "title",
                language,
            ),
            row["pk"],
            moment(row["occurred_at"]),
            str(channels.get(row["channel"], row["channel"])),
            in_language(row, "summary", language),
            "" if row["reaction"] is None else str(reactions.get(row["reaction"], row["reaction"])),
            yes_no(row["client_visible"]),
            row["corrects_id"] or "",
            name or row["recorded_by__username"] or "",
            moment(row["recorded_at"]),
        ]


COMMITMENT_FIELDS = (
    "pk",
    "incident_id",
    "incident__title_en",
    "incident__title_zh_hans",
    "incident__project__name",
    "what_en",
    "what_zh_hans",
    "due_at",
    "status",
    "kept_at",
    "missed_at",
    "told_client_en",
    "told_client_zh_hans",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
    "update_id",
    "meeting_id",
    "decision_id",
    "created_at",
)


def commitment_rows(incidents: QuerySet[Incident], language: str) -> Iterator[list]:
    """One row per commitment to the client of those incidents, by due moment, in chunks."""
    statuses = dict(CommitmentStatus.choices)
    commitments = (
        Commitment.objects.filter(incident__in=incidents.values("pk"))
        .order_by("due_at", "pk")
        .values(*COMMITMENT_FIELDS)
    )
    for row in commitments.iterator(chunk_size=CHUNK):
        owner = " ".join(
            part for part in (row["owner__first_name"], row["owner__last_name"]) if part
        )
        source = (
            _("update")
            if row["update_id"]
            else _("meeting")
            if row["meeting_id"]
            else _("decision")
            if row["decision_id"]
            else ""
        )
        yield [
            row["incident_id"],
            row["incident__project__name"],
            in_language(
                {
                    "title_en": row["incident__title_en"],
                    "title_zh_hans": row["incident__title_zh_hans"],
                },
                "title",
                language,
            ),
            row["pk"],
            in_language(row, "what", language),
            moment(row["due_at"]),
            str(statuses.get(row["status"], row["status"])),
            moment(row["kept_at"]),
            moment(row["missed_at"]),
            in_language(row, "told_client", language),
            owner or row["owner__username"] or "",
            source,
            moment(row["created_at"]),
        ]
