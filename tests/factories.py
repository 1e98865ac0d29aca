"""Factories for the foundation's models.

Incidents are declared through ``apps.incidents.services.incident_declare`` so
their deadlines and cadence are exactly what the application would set.
"""

from datetime import datetime, timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.accounts.models import Profile
from apps.incidents import services as incident_services
from apps.incidents.models import INCIDENT_TEXTS, Incident, IncidentSeverity
from apps.projects.models import Client, ClientContact, Membership, Project, ProjectRole

PASSWORD = "correct horse battery staple"  # noqa: S105 - test data


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile
        django_get_or_create = ("user",)

    user = factory.SubFactory("tests.factories.UserFactory", profile=None)
    time_zone = "UTC"
    language = "en"
    is_pmo = False


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a profile; ``UserFactory(profile__is_pmo=True)`` makes PMO staff."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    first_name = "Ada"
    last_name = factory.Sequence(lambda n: f"Tester{n}")
    password = factory.django.Password(PASSWORD)
    profile = factory.RelatedFactory(ProfileFactory, factory_related_name="user")


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Client {n}")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    client = factory.SubFactory(ClientFactory)
    name = factory.Sequence(lambda n: f"Project {n}")
    description = "A project that went wrong."
    pmo_lead = factory.SubFactory(UserFactory, profile__is_pmo=True)
    first_contact_window_hours = 24


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory)
    role = ProjectRole.MEMBER


class ClientContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientContact

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.Sequence(lambda n: f"contact{n}@client.example.com")
    role = "CIO"
    language = "zh-hans"
    time_zone = "Asia/Shanghai"


class IncidentFactory(factory.django.DjangoModelFactory):
    """An incident declared through the service (deadlines set as in the app).

    Pass ``now=`` to declare it at a given moment; ``ready=True`` fills in the
    whole disclosure so the readiness checklist is complete. Texts given by
    their plain name (``title="…"``) are the English ones; pass ``title_zh_hans``
    and the like for Chinese.
    """

    class Meta:
        model = Incident

    class Params:
        ready = factory.Trait(
            cause="The routing algorithm does not scale.",
            cause_origin="Load tests ran on a tenth of the fleet.",
            current_state="85% of the features are done.",
            impact_schedule_days=30,
            impact_scope="Real-time dispatch.",
            first_step="Two architects assess partitioned dispatch.",
            apology="We are sorry we found the risk so late.",
        )

    project = factory.SubFactory(ProjectFactory)
    declared_by = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Incident {n}")
    summary = "The launch cannot happen on the planned date."
    severity = IncidentSeverity.HIGH

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # A text given by its plain name (title="…") is the English one.
        for name in INCIDENT_TEXTS:
            if name in kwargs:
                kwargs[f"{name}_en"] = kwargs.pop(name)
        return incident_services.incident_declare(actor=kwargs.pop("declared_by"), **kwargs)


def informed_incident(
    *, now: datetime | None = None, contact_after: timedelta = timedelta(hours=1), **kwargs
) -> Incident:
    """An incident declared at ``now`` whose client heard from us ``contact_after`` later.

    The update cadence runs from the first contact.
    """
    now = now or timezone.now()
    incident = IncidentFactory(now=now, **kwargs)
    at = now + contact_after
    return incident_services.incident_record_first_contact(
        incident=incident, at=at, now=at, actor=incident.declared_by
    )


def member(project: Project, role: str = ProjectRole.MEMBER, **user_kwargs):
    """A new user with the given role on the project."""
    user = UserFactory(**user_kwargs)
    MembershipFactory(project=project, user=user, role=role)
    return user


# --- communications and notifications ------------------------------------------------
# Appended for the communication and notification pages. The rows are written
# directly (not through the services) so that a test can build any history,
# e.g. thirty log entries, without e-mails or first-contact side effects.


class LogEntryFactory(factory.django.DjangoModelFactory):
    """A log entry; ``team_participants=[...]`` / ``client_participants=[...]`` set the M2M."""

    class Meta:
        model = "communications.LogEntry"
        skip_postgeneration_save = True

    incident = factory.SubFactory(IncidentFactory)
    channel = "call"
    occurred_at = factory.LazyFunction(timezone.now)
    summary_en = factory.Sequence(lambda n: f"Call number {n} with the client.")
    recorded_by = factory.LazyAttribute(lambda o: o.incident.declared_by)
    recorded_at = factory.LazyAttribute(lambda o: o.occurred_at)

    @factory.post_generation
    def team_participants(self, create, extracted, **kwargs):
        if create and extracted:
            self.team_participants.set(extracted)

    @factory.post_generation
    def client_participants(self, create, extracted, **kwargs):
        if create and extracted:
            self.client_participants.set(extracted)


class StatusUpdateFactory(factory.django.DjangoModelFactory):
    """A draft update; publish it with ``communications.services.update_publish``."""

    class Meta:
        model = "communications.StatusUpdate"

    incident = factory.SubFactory(IncidentFactory)
    body_en = "Where things stand: the **new design** is under review."
    body_zh_hans = "目前进展:新方案正在评审。"
    author = factory.LazyAttribute(lambda o: o.incident.declared_by)
    created_at = factory.LazyFunction(timezone.now)


class MeetingFactory(factory.django.DjangoModelFactory):
    """A scheduled meeting a day from now; attendees as for ``LogEntryFactory``."""

    class Meta:
        model = "communications.Meeting"
        skip_postgeneration_save = True

    incident = factory.SubFactory(IncidentFactory)
    title_en = factory.Sequence(lambda n: f"Review meeting {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    duration_minutes = 60
    location = "https://meet.example.com/candor"
    agenda_en = "1. What happened\n2. The options"
    organizer = factory.LazyAttribute(lambda o: o.incident.declared_by)
    uid = factory.Sequence(lambda n: f"meeting-{n}@candor")

    @factory.post_generation
    def team_attendees(self, create, extracted, **kwargs):
        if create and extracted:
            self.team_attendees.set(extracted)

    @factory.post_generation
    def client_attendees(self, create, extracted, **kwargs):
        if create and extracted:
            self.client_attendees.set(extracted)


class NotificationFactory(factory.django.DjangoModelFactory):
    """An inbox entry; ``incident=`` makes it about that incident (its link and title)."""

    class Meta:
        model = "notifications.Notification"
        exclude = ("incident",)

    user = factory.SubFactory(UserFactory)
    incident = None
    key = factory.Sequence(lambda n: f"test:{n}")
    title = factory.Sequence(lambda n: f"Update overdue: incident {n}")
    body = "The update promised to the client is overdue."
    url = factory.LazyAttribute(lambda o: o.incident.get_absolute_url() if o.incident else "")
    about = factory.LazyAttribute(lambda o: o.incident.title if o.incident else "")
    is_escalation = False
    created_at = factory.LazyFunction(timezone.now)


def close_incident(
    incident: Incident,
    *,
    actor=None,
    now: datetime | None = None,
    reason: str = "",
    why_no_report: str = "The client asked for no written report.",
) -> Incident:
    """Resolve the incident if it is not, then close it as a PM does without a client report.

    Closing needs the client report published or a reason there is none
    (``apps.retrospectives``); tests about a closed incident give the reason.
    """
    from apps.incidents.models import IncidentStatus
    from apps.retrospectives.services import retrospective_close_without_report

    actor = actor or incident.declared_by
    if incident.resolved_at is None:
        incident = incident_services.incident_change_status(
            incident=incident, actor=actor, status=IncidentStatus.RESOLVED, reason=reason, now=now
        )
    return retrospective_close_without_report(
        incident=incident, actor=actor, reason=why_no_report, now=now
    )
