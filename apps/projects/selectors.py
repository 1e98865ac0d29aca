"""Reads of projects, and who may see or change them.

A user sees the projects they are a member of; PMO staff see every project.
Anything else is a 404, so a stranger cannot even learn that a project exists.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from apps.accounts.selectors import user_is_pmo
from apps.incidents.models import OPEN_STATUSES

from .models import ClientContact, Membership, Project, Role

#: Roles that may change a project's incidents and contacts.
WRITE_ROLES = (Role.PM,)


def projects_for_user(user: AbstractBaseUser) -> QuerySet[Project]:
    if not user.is_authenticated:
        return Project.objects.none()
    projects = Project.objects.select_related("client", "pmo_lead")
    if user_is_pmo(user):
        return projects
    return projects.filter(memberships__user=user)


def project_list_for_user(user: AbstractBaseUser) -> QuerySet[Project]:
    return (
        projects_for_user(user)
        .annotate(
            open_incident_count=Count("incidents", filter=Q(incidents__status__in=OPEN_STATUSES)),
            incident_count=Count("incidents"),
        )
        .order_by("client__name", "name")
    )


def role_in_project(user: AbstractBaseUser, project: Project) -> str | None:
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(project=project, user=user).values_list("role", flat=True).first()
    )


def can_write_project(user: AbstractBaseUser, project: Project) -> bool:
    return user_is_pmo(user) or role_in_project(user, project) in WRITE_ROLES


def get_project_for_user(user: AbstractBaseUser, pk: int) -> Project:
    try:
        return projects_for_user(user).get(pk=pk)
    except Project.DoesNotExist as exc:
        raise Http404 from exc


def get_rw_project_for_user(user: AbstractBaseUser, pk: int) -> Project:
    project = get_project_for_user(user, pk)
    if not can_write_project(user, project):
        raise PermissionDenied
    return project


def project_team(project: Project) -> QuerySet:
    """Who speaks for the team on a project: its members and its PMO lead."""
    return (
        get_user_model()
        .objects.filter(Q(memberships__project=project) | Q(pk=project.pmo_lead_id))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def project_team_ids(project: Project) -> set[int]:
    return set(Membership.objects.filter(project=project).values_list("user_id", flat=True)) | {
        project.pmo_lead_id
    }


def project_detail(project: Project) -> Project:
    """The project with its members and contacts loaded for the project page."""
    return (
        Project.objects.select_related("client", "pmo_lead")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("user").order_by(
                    "role", "user__username"
                ),
            ),
            Prefetch("contacts", queryset=ClientContact.objects.order_by("name")),
        )
        .get(pk=project.pk)
    )
