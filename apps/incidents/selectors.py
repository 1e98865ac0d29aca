"""Reads of incidents shared by pages, and who may see or change them."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, QuerySet, When
from django.http import Http404

from apps.accounts.selectors import user_is_pmo
from apps.projects.models import Role
from apps.projects.selectors import can_write_project, projects_for_user, role_in_project

from .models import OPEN_STATUSES, Incident


def incidents_for_user(user: AbstractBaseUser) -> QuerySet[Incident]:
    if not user.is_authenticated:
        return Incident.objects.none()
    incidents = Incident.objects.select_related("project", "project__client", "declared_by")
    if user_is_pmo(user):
        return incidents
    return incidents.filter(project__in=projects_for_user(user).values("pk"))


def get_incident_for_user(user: AbstractBaseUser, pk: int) -> Incident:
    try:
        return incidents_for_user(user).get(pk=pk)
    except Incident.DoesNotExist as exc:
        raise Http404 from exc


def get_rw_incident_for_user(user: AbstractBaseUser, pk: int) -> Incident:
    incident = get_incident_for_user(user, pk)
    if not can_write_project(user, incident.project):
        raise PermissionDenied
    return incident


#: Roles that may add to an incident's record (log contacts, meeting notes)
#: without changing what the client is told or promised.
CONTRIBUTOR_ROLES = (Role.PM, Role.MEMBER)


def can_contribute_to_incident(user: AbstractBaseUser, incident: Incident) -> bool:
    return user_is_pmo(user) or role_in_project(user, incident.project) in CONTRIBUTOR_ROLES


def get_contributor_incident_for_user(user: AbstractBaseUser, pk: int) -> Incident:
    """An incident the user may add contacts and meeting notes to.

    Team members record meetings and decisions too; viewers only read (403),
    strangers learn nothing (404).
    """
    incident = get_incident_for_user(user, pk)
    if not can_contribute_to_incident(user, incident):
        raise PermissionDenied
    return incident


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

    Each carries ``overdue_action_count``, counted in the same query.
    """
    from apps.actionplans.selectors import with_overdue_action_count

    return with_overdue_action_count(
        with_urgency(incidents_for_user(user).filter(status__in=OPEN_STATUSES)), now
    )


def project_incidents(project_id: int) -> QuerySet[Incident]:
    return with_urgency(
        Incident.objects.filter(project_id=project_id).select_related("project", "declared_by")
    )
