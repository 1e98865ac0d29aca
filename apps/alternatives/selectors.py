"""Reads of alternatives and decisions shared by pages."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from apps.communications.models import Meeting, MeetingStatus
from apps.incidents.models import Incident
from apps.projects.models import ClientContact
from apps.projects.selectors import project_team

from .models import Alternative, AlternativeStatus, Decision


def incident_alternatives(incident: Incident) -> list[Alternative]:
    """The alternatives in the order they were proposed, in one query."""
    return list(Alternative.objects.filter(incident=incident).order_by("created_at", "pk"))


def get_alternative(incident: Incident, pk: int) -> Alternative:
    """An alternative of this incident; one of another incident is a 404."""
    return get_object_or_404(
        Alternative.objects.select_related("incident", "incident__project"),
        incident=incident,
        pk=pk,
    )


@dataclass(frozen=True)
class Decisions:
    current: Decision | None
    #: Superseded decisions, the most recently recorded first.
    history: list[Decision]


def _decisions(filters: Q) -> list[Decision]:
    return list(
        Decision.objects.filter(filters)
        .select_related("alternative", "meeting", "recorded_by")
        .prefetch_related(
            Prefetch("client_agreed", queryset=ClientContact.objects.order_by("name")),
            Prefetch(
                "team_agreed",
                queryset=get_user_model().objects.order_by("first_name", "last_name", "username"),
            ),
        )
        .order_by("-recorded_at", "-pk")
    )


def incident_decisions(incident: Incident) -> Decisions:
    """The decision in force and the ones it superseded, in a fixed number of queries."""
    decisions = _decisions(Q(incident=incident))
    current = next((d for d in decisions if d.superseded_at is None), None)
    return Decisions(current=current, history=[d for d in decisions if d is not current])


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
