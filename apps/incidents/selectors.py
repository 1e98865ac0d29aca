"""Reads of incidents shared by pages, and who may see or change them."""

from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Case, Count, F, Q, QuerySet, When
from django.db.models.functions import Coalesce
from django.http import Http404

from apps.accounts.selectors import user_is_pmo
from apps.core.slots import Slot
from apps.events.models import Event
from apps.projects.models import Project, ProjectRole
from apps.projects.selectors import (
    Access,
    access_for,
    check_access,
    projects_for_user,
    with_role_of,
)

from .models import OPEN_STATUSES, Incident, IncidentStatus

#: The dashboard's query; the apps above refine it: ``filler(incidents, now=...)``.
DASHBOARD = Slot("dashboard")

#: What the apps above still have open on an incident, asked before it is
#: resolved (the plan's remediation actions). Fillers get ``incident`` and
#: return ``{name: [open things]}``; each thing is named by its ``str()``, and
#: may have an ``owner`` and a ``due_at`` that the confirmation shows.
OPEN_WORK = Slot("work still open on an incident")


def incident_open_work(incident: Incident) -> list:
    """Everything the apps above still have open on the incident, in their order."""
    return [item for items in OPEN_WORK.context(incident=incident).values() for item in items]


def incidents_for_user(user: AbstractBaseUser) -> QuerySet[Incident]:
    if not user.is_authenticated:
        return Incident.objects.none()
    incidents = Incident.objects.select_related("project", "project__client", "declared_by")
    if user_is_pmo(user):
        return incidents
    return incidents.filter(project__in=projects_for_user(user).values("pk"))


def get_incident_for_user(
    user: AbstractBaseUser, pk: int, *, need: Access = Access.READ
) -> tuple[Incident, Access]:
    """The incident and the user's access to it, in one query.

    One helper answers every "may this user…?" on an incident: an incident
    the user cannot see is a 404 (a stranger learns nothing); one they see
    but may not do ``need`` on is a 403. Viewers read, team members
    contribute to the record, project managers and PMO staff change it.
    """
    try:
        incident = with_role_of(incidents_for_user(user), user, "project_id").get(pk=pk)
    except Incident.DoesNotExist as exc:
        raise Http404 from exc
    return incident, check_access(access_for(user, incident.user_role), need)


def with_urgency(incidents: QuerySet[Incident]) -> QuerySet[Incident]:
    """Order by the next deadline: the first contact while it is owed, then the next update."""
    return incidents.annotate(
        urgent_at=Case(
            When(first_contact_at__isnull=True, then=F("first_contact_due_at")),
            default=F("next_update_due_at"),
        )
    ).order_by(F("urgent_at").asc(nulls_last=True), "declared_at")


def dashboard_incidents(user: AbstractBaseUser, now: datetime | None = None) -> QuerySet[Incident]:
    """The user's open incidents, most urgent first (every open incident for PMO staff).

    The apps above annotate the same query through the dashboard's slot
    (e.g. ``overdue_action_count``), so it stays one query; the contacts,
    whose languages the next step depends on, come in one more.
    """
    incidents = with_urgency(
        incidents_for_user(user).filter(status__in=OPEN_STATUSES)
    ).prefetch_related("project__contacts")
    return DASHBOARD.apply(incidents, now=now)


#: How far back, and how many, the dashboard's "Recently resolved" list goes.
RECENTLY_RESOLVED_DAYS = 30
RECENTLY_RESOLVED_LIMIT = 10


def recently_resolved_incidents(user: AbstractBaseUser, now: datetime) -> QuerySet[Incident]:
    """The user's incidents resolved or closed in the last 30 days, the latest first, in one query.

    ``ended_at`` is when the incident was closed, or resolved if it is not closed yet.
    """
    return (
        incidents_for_user(user)
        .filter(status__in=(IncidentStatus.RESOLVED, IncidentStatus.CLOSED))
        .annotate(ended_at=Coalesce("closed_at", "resolved_at"))
        .filter(ended_at__gte=now - timedelta(days=RECENTLY_RESOLVED_DAYS))
        .order_by("-ended_at", "-pk")[:RECENTLY_RESOLVED_LIMIT]
    )


def projects_to_declare_in(user: AbstractBaseUser) -> QuerySet[Project]:
    """The projects where the user may declare an incident: as their PM, or as PMO staff.

    The same rule as the declare page (write access), without the archived projects,
    whose page does not offer it either.
    """
    if not user.is_authenticated:
        return Project.objects.none()
    projects = Project.objects.filter(archived_at__isnull=True).select_related("client")
    if not user_is_pmo(user):
        projects = projects.filter(memberships__user=user, memberships__role=ProjectRole.PM)
    return projects.order_by("client__name", "name")


def project_incidents(project_id: int) -> QuerySet[Incident]:
    return with_urgency(
        Incident.objects.filter(project_id=project_id).select_related("project", "declared_by")
    )


def with_incident_counts(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Annotate each project's ``open_incident_count`` and ``incident_count``."""
    return projects.annotate(
        open_incident_count=Count("incidents", filter=Q(incidents__status__in=OPEN_STATUSES)),
        incident_count=Count("incidents"),
    )


def incident_has_history(incident: Incident) -> bool:
    """Anything on the record: an incident declared through the app always has."""
    return Event.objects.filter(incident=incident).exists() or incident.log_entries.exists()
