"""Reads of projects, and who may see or change them.

A user sees the projects they are a member of; PMO staff see every project.
Anything else is a 404, so a stranger cannot even learn that a project exists.
"""

import enum
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, PermissionDenied
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from apps.accounts.selectors import user_is_pmo
from apps.events.models import Event

from .models import (
    Client,
    ClientContact,
    DeliveryDateChange,
    Membership,
    Milestone,
    Project,
    ProjectRole,
)
from .pages import PROJECT_LIST


class Access(enum.IntEnum):
    """What a user may do on a project and its incidents, from the least to the most."""

    #: Viewers read everything of the project and change nothing.
    READ = 1
    #: Team members add to the record: contacts, meeting notes, actions, decisions.
    CONTRIBUTE = 2
    #: Project managers and PMO staff also change what the client is told or promised.
    WRITE = 3

    @property
    def can_contribute(self) -> bool:
        return self >= Access.CONTRIBUTE

    @property
    def can_edit(self) -> bool:
        return self >= Access.WRITE


ROLE_ACCESS = {
    ProjectRole.PM: Access.WRITE,
    ProjectRole.MEMBER: Access.CONTRIBUTE,
    ProjectRole.VIEWER: Access.READ,
}


def projects_for_user(user: AbstractBaseUser) -> QuerySet[Project]:
    if not user.is_authenticated:
        return Project.objects.none()
    projects = Project.objects.select_related("client", "pmo_lead")
    if user_is_pmo(user):
        return projects
    return projects.filter(memberships__user=user)


def project_list_for_user(user: AbstractBaseUser) -> QuerySet[Project]:
    """The projects page: the user's projects, with what the apps above count on them."""
    return PROJECT_LIST.apply(projects_for_user(user)).order_by("client__name", "name")


def with_role_of(queryset: QuerySet, user: AbstractBaseUser, project_field: str) -> QuerySet:
    """Annotate ``user_role``: the user's role in each row's project, in the same query."""
    return queryset.annotate(
        user_role=Subquery(
            Membership.objects.filter(project=OuterRef(project_field), user=user).values("role")[:1]
        )
    )


def access_for(user: AbstractBaseUser, role: str | None) -> Access | None:
    """The access a role gives (PMO staff have full access everywhere); ``None``: no access."""
    if user_is_pmo(user):
        return Access.WRITE
    return ROLE_ACCESS.get(role)


def check_access(access: Access | None, need: Access) -> Access:
    """Refuse a user who sees the thing but may not do this to it (403)."""
    if access is None:
        raise Http404
    if access < need:
        raise PermissionDenied
    return access


def get_project_for_user(
    user: AbstractBaseUser, pk: int, *, need: Access = Access.READ
) -> tuple[Project, Access]:
    """The project and the user's access to it, in one query.

    A project the user cannot see is a 404; one they see but may not do
    ``need`` on is a 403.
    """
    try:
        project = with_role_of(projects_for_user(user), user, "pk").get(pk=pk)
    except Project.DoesNotExist as exc:
        raise Http404 from exc
    return project, check_access(access_for(user, project.user_role), need)


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


def project_has_history(project: Project) -> bool:
    """A project with incidents or anything on the record is never deleted (it is archived)."""
    return project.incidents.exists() or Event.objects.filter(project=project).exists()


def client_has_history(client: Client) -> bool:
    """A client with projects or anything on the record is never deleted (it is archived)."""
    return (
        client.projects.exists()
        or Event.objects.filter(
            object_type__app_label=Client._meta.app_label,
            object_type__model=Client._meta.model_name,
            object_id=client.pk,
        ).exists()
    )


def is_last_pm(membership: Membership) -> bool:
    """Whether this membership is its project's only project manager."""
    return (
        membership.role == ProjectRole.PM
        and not Membership.objects.filter(project_id=membership.project_id, role=ProjectRole.PM)
        .exclude(pk=membership.pk)
        .exists()
    )


# --- the committed delivery date and the milestones -----------------------------------------

#: The decision a change was agreed in, on the change: the reverse side of the decision's
#: one-to-one link, declared by the app that records decisions (an app above this one).
DECISION = "decision"


def _decision_link() -> str | None:
    """``DECISION`` if the link exists (so that it can be joined), else ``None``."""
    try:
        relation = DeliveryDateChange._meta.get_field(DECISION)
    except FieldDoesNotExist:
        return None
    return DECISION if relation.one_to_one else None


def decision_of(change: DeliveryDateChange):
    """The decision the change was agreed in with the client, or ``None``."""
    try:
        return getattr(change, DECISION, None)
    except ObjectDoesNotExist:
        return None


def delivery_history(project: Project) -> QuerySet[DeliveryDateChange]:
    """Every change of the project's delivery date, the latest first, with who made it.

    Each change's decision, once changes can have one, comes in the same query.
    """
    changes = DeliveryDateChange.objects.filter(project=project).select_related("changed_by")
    link = _decision_link()
    if link:
        changes = changes.select_related(link)
    return changes.order_by("-changed_at", "-pk")


def project_milestones(project: Project) -> QuerySet[Milestone]:
    """All the project's milestones, open and done, by due date."""
    return Milestone.objects.filter(project=project).order_by("due_on", "pk")


def get_milestone(project: Project, pk: int) -> Milestone:
    return get_object_or_404(Milestone.objects.filter(project=project), pk=pk)


@dataclass(frozen=True)
class DeliverySummary:
    """What the client is told about delivery: the date, what it was, and since when.

    ``agreed_on`` is the day (in the time zone active when the summary was
    read) of the decision the latest change was agreed in with the client;
    ``None`` when it was not agreed in a recorded decision.
    """

    current: date | None
    previous: date | None
    changed_at: datetime | None
    agreed_on: date | None
    milestones: list[Milestone] = field(default_factory=list)
    #: The moment of that decision, for a page that shows the time too.
    agreed_at: datetime | None = None

    @property
    def was_moved(self) -> bool:
        return self.previous is not None

    def in_current_time_zone(self) -> "DeliverySummary":
        """The same summary, its ``agreed_on`` the day of the agreement where the reader is."""
        if self.agreed_at is None:
            return self
        return replace(self, agreed_on=timezone.localdate(self.agreed_at))


def delivery_summary(project: Project) -> DeliverySummary | None:
    """The project's delivery for the client, in two queries; ``None`` if there is nothing to say.

    The latest change gives the current date (whatever the ``project`` given
    was loaded with), the date before it and, when it was agreed with the
    client in a decision, when; then the open milestones.
    """
    link = _decision_link()
    latest = DeliveryDateChange.objects.filter(project=project)
    if link:
        latest = latest.select_related(link)
    latest = latest.order_by("-changed_at", "-pk").first()
    milestones = list(project_milestones(project).filter(done_on__isnull=True))
    if latest is None and not milestones:
        return None
    decision = decision_of(latest) if latest is not None else None
    agreed_at = getattr(decision, "decided_at", None)
    return DeliverySummary(
        current=latest.new if latest is not None else None,
        previous=latest.previous if latest is not None else None,
        changed_at=latest.changed_at if latest is not None else None,
        agreed_on=timezone.localdate(agreed_at) if agreed_at else None,
        milestones=milestones,
        agreed_at=agreed_at,
    )
