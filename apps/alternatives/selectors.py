"""Reads of alternatives and decisions shared by pages."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from apps.communications.models import Meeting, MeetingStatus
from apps.incidents.models import Incident
from apps.projects.models import ClientContact
from apps.projects.selectors import project_team

from .models import Alternative, AlternativeStatus, Decision, Rejection


def alternatives_for(incident_ids: list[int]) -> dict[int, list[Alternative]]:
    """The alternatives of these incidents in the order they were proposed, in one query."""
    grouped: dict[int, list[Alternative]] = {pk: [] for pk in incident_ids}
    for alternative in Alternative.objects.filter(incident_id__in=incident_ids).order_by(
        "created_at", "pk"
    ):
        grouped[alternative.incident_id].append(alternative)
    return grouped


def incident_alternatives(incident: Incident) -> list[Alternative]:
    return alternatives_for([incident.pk])[incident.pk]


def get_alternative(incident: Incident, pk: int) -> Alternative:
    """An alternative of this incident; one of another incident is a 404."""
    return get_object_or_404(
        Alternative.objects.select_related("incident", "incident__project"),
        incident=incident,
        pk=pk,
    )


@dataclass(frozen=True)
class Decisions:
    """An incident's decisions: the one in force and the ones it superseded."""

    current: Decision | None
    #: Superseded decisions, the most recently recorded first.
    history: list[Decision]

    @classmethod
    def of(cls, decisions: list[Decision]) -> "Decisions":
        """From the incident's decisions, the most recently recorded first."""
        current = next((d for d in decisions if d.superseded_at is None), None)
        return cls(current=current, history=[d for d in decisions if d is not current])


def _decisions(filters: Q) -> list[Decision]:
    return list(
        Decision.objects.filter(filters)
        .select_related("alternative", "meeting", "recorded_by", "delivery_change")
        .prefetch_related(
            Prefetch("client_agreed", queryset=ClientContact.objects.order_by("name")),
            Prefetch(
                "team_agreed",
                queryset=get_user_model().objects.order_by("first_name", "last_name", "username"),
            ),
            Prefetch(
                "rejections",
                queryset=Rejection.objects.select_related("alternative").order_by(
                    "alternative__created_at", "alternative__pk"
                ),
            ),
        )
        .order_by("-recorded_at", "-pk")
    )


def decisions_for(incident_ids: list[int]) -> dict[int, Decisions]:
    """The decisions of these incidents, in a fixed number of queries.

    The incident page, the comparison and the client's status page all read
    them here, in the same order: the most recently recorded first.
    """
    grouped: dict[int, list[Decision]] = {pk: [] for pk in incident_ids}
    for decision in _decisions(Q(incident_id__in=incident_ids)):
        grouped[decision.incident_id].append(decision)
    return {pk: Decisions.of(found) for pk, found in grouped.items()}


def incident_decisions(incident: Incident) -> Decisions:
    """The decision in force and the ones it superseded."""
    return decisions_for([incident.pk])[incident.pk]


def meeting_decisions(meeting: Meeting) -> list[Decision]:
    """Decisions recorded as taken in this meeting (the current one and superseded ones)."""
    return _decisions(Q(meeting=meeting))


def decidable_alternatives(incident: Incident) -> QuerySet[Alternative]:
    """Alternatives a decision can choose: proposed ones, and ones set aside before."""
    return Alternative.objects.filter(
        incident=incident,
        status__in=(AlternativeStatus.PROPOSED, AlternativeStatus.REJECTED),
    ).order_by("status", "created_at", "pk")


def decision_meetings(incident: Incident) -> QuerySet[Meeting]:
    """Meetings a decision can have been taken in: the incident's, not cancelled."""
    return (
        Meeting.objects.filter(incident=incident)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("-starts_at", "-pk")
    )


def agreeing_team(incident: Incident):
    """Who can agree for the team: the project's members and its PMO lead."""
    return project_team(incident.project)
