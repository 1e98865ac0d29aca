from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise, cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from apps.core.bilingual import LANGUAGE_NAMES, Bilingual, language_gaps, normalise, pair
from apps.projects.models import Project


class IncidentSeverity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


#: Default update cadence: the worse it is, the more often the client hears from us.
DEFAULT_CADENCE = {
    IncidentSeverity.CRITICAL: timedelta(hours=24),
    IncidentSeverity.HIGH: timedelta(hours=48),
    IncidentSeverity.MEDIUM: timedelta(hours=72),
    IncidentSeverity.LOW: timedelta(days=7),
}
MIN_CADENCE = timedelta(hours=1)
MAX_CADENCE = timedelta(days=14)


class CauseCategory(models.TextChoices):
    """What kind of cause it was, as the case library files it."""

    TECHNICAL = "technical", _("Technical bottleneck or defect")
    REQUIREMENTS = "requirements", _("Requirements unclear or changed")
    ESTIMATION = "estimation", _("Estimate or plan too optimistic")
    RESOURCES = "resources", _("People or resources missing")
    SUPPLIER = "supplier", _("Supplier or third party")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure or environment")
    COMMUNICATION = "communication", _("Communication or coordination")
    OTHER = "other", _("Other")


class IncidentStatus(models.TextChoices):
    DECLARED = "declared", _("Declared")
    CLIENT_INFORMED = "client_informed", _("Client informed")
    PLAN_AGREED = "plan_agreed", _("Plan agreed")
    RECOVERING = "recovering", _("Recovering")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


#: The only moves an incident can make. Resolving early is allowed once the
#: client knows (a problem may vanish before a plan is needed); a resolved
#: incident can be reopened; a closed one is history.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    IncidentStatus.DECLARED: (IncidentStatus.CLIENT_INFORMED,),
    IncidentStatus.CLIENT_INFORMED: (IncidentStatus.PLAN_AGREED, IncidentStatus.RESOLVED),
    IncidentStatus.PLAN_AGREED: (IncidentStatus.RECOVERING, IncidentStatus.RESOLVED),
    IncidentStatus.RECOVERING: (IncidentStatus.PLAN_AGREED, IncidentStatus.RESOLVED),
    IncidentStatus.RESOLVED: (IncidentStatus.RECOVERING, IncidentStatus.CLOSED),
    IncidentStatus.CLOSED: (),
}
OPEN_STATUSES = (
    IncidentStatus.DECLARED,
    IncidentStatus.CLIENT_INFORMED,
    IncidentStatus.PLAN_AGREED,
    IncidentStatus.RECOVERING,
)


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: Promise
    done: bool
    hint: Promise | str


#: The incident's texts the client reads, each in English and in Chinese, and
#: what each is called (in the form, and in the readiness checklist's hints).
INCIDENT_TEXT_LABELS = {
    "title": _("title"),
    "summary": _("what happened"),
    "cause": _("cause"),
    "cause_origin": _("how it arose"),
    "current_state": _("current state"),
    "impact_scope": _("deliverables and scope affected"),
    "first_step": _("first action step"),
    "apology": _("apology"),
}
INCIDENT_TEXTS = tuple(INCIDENT_TEXT_LABELS)


class Incident(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("project")
    )
    # What the client is told, in English and in Chinese (apps.core.bilingual).
    title_en, title_zh_hans = pair(
        models.CharField, INCIDENT_TEXT_LABELS["title"], max_length=200, blank=True
    )
    summary_en, summary_zh_hans = pair(
        models.TextField, INCIDENT_TEXT_LABELS["summary"], blank=True
    )
    cause_en, cause_zh_hans = pair(
        models.TextField,
        INCIDENT_TEXT_LABELS["cause"],
        blank=True,
        help_text=_("What caused the failure."),
    )
    cause_origin_en, cause_origin_zh_hans = pair(
        models.TextField,
        INCIDENT_TEXT_LABELS["cause_origin"],
        blank=True,
        help_text=_("How the problem came about, step by step."),
    )
    current_state_en, current_state_zh_hans = pair(
        models.TextField,
        INCIDENT_TEXT_LABELS["current_state"],
        blank=True,
        help_text=_("Where the project stands now."),
    )
    impact_schedule_days = models.PositiveIntegerField(
        _("schedule slip (days)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(3650)],
        help_text=_("At most ten years."),
    )
    impact_cost = models.DecimalField(
        _("cost impact"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    impact_scope_en, impact_scope_zh_hans = pair(
        models.TextField, INCIDENT_TEXT_LABELS["impact_scope"], blank=True
    )
    first_step_en, first_step_zh_hans = pair(
        models.TextField,
        INCIDENT_TEXT_LABELS["first_step"],
        blank=True,
        help_text=_("The first concrete thing the team is doing about it."),
    )
    apology_en, apology_zh_hans = pair(
        models.TextField,
        INCIDENT_TEXT_LABELS["apology"],
        blank=True,
        help_text=_("The apology the client will hear from us."),
    )
    title = Bilingual()
    summary = Bilingual()
    cause = Bilingual()
    cause_origin = Bilingual()
    current_state = Bilingual()
    impact_scope = Bilingual()
    first_step = Bilingual()
    apology = Bilingual()
    cause_category = models.CharField(
        _("kind of cause"),
        max_length=20,
        choices=CauseCategory.choices,
        blank=True,
        help_text=_("Files the incident in the case library and finds similar past cases."),
    )
    #: Only for the team, in whatever language the team writes.
    internal_notes = models.TextField(
        _("internal notes"),
        blank=True,
        help_text=_("For the team only. Never shown to the client."),
    )
    severity = models.CharField(
        _("severity"),
        max_length=10,
        choices=IncidentSeverity.choices,
        default=IncidentSeverity.HIGH,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=IncidentStatus.choices, default=IncidentStatus.DECLARED
    )

    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="declared_incidents",
        verbose_name=_("declared by"),
    )
    declared_at = models.DateTimeField(_("declared at"))
    first_contact_due_at = models.DateTimeField(_("first contact due at"))
    first_contact_at = models.DateTimeField(_("first contact at"), null=True, blank=True)
    update_cadence = models.DurationField(_("update cadence"))
    last_update_at = models.DateTimeField(_("last update at"), null=True, blank=True)
    next_update_due_at = models.DateTimeField(_("next update due at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    #: Why it was resolved although actions of its plan were still open (for the team).
    resolution_reason = models.TextField(_("why it was resolved with work still open"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    #: The disclosure's edit version: a form remembers it, and a save from a
    #: form opened before someone else's save is refused (``EditConflict``).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    #: Moves on with every save and whenever something the client's status
    #: page shows changes (``incident_public_changed``): the page's cache key.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-declared_at"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        indexes = [
            # The reminder scan selects by deadline ranges on these two columns.
            models.Index(fields=["first_contact_due_at"], name="incident_first_contact_due"),
            models.Index(
                fields=["next_update_due_at"],
                condition=models.Q(next_update_due_at__isnull=False),
                name="incident_next_update_due",
            ),
            models.Index(fields=["project", "status"], name="incident_project_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_contact_due_at__gt=models.F("declared_at")),
                name="incident_first_contact_after_declared",
            ),
            models.CheckConstraint(
                condition=~models.Q(title_en="") | ~models.Q(title_zh_hans=""),
                name="incident_has_a_title",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("incident_detail", args=[self.pk])

    # --- pure calculations on one incident ---------------------------------

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_closed(self) -> bool:
        """A closed incident is history: nothing on its record changes any more."""
        return self.status == IncidentStatus.CLOSED

    @property
    def allowed_transitions(self) -> tuple[str, ...]:
        """The lifecycle's moves from the current status (see ``TRANSITIONS``)."""
        return TRANSITIONS[self.status]

    @property
    def next_statuses(self) -> tuple[str, ...]:
        """The moves the incident can make now: the lifecycle's, less those it is not ready for.

        The client is "informed" only once the first contact is recorded; an
        incident is closed only once it was resolved. The status control offers these.
        """
        not_ready = set()
        if self.first_contact_at is None:
            not_ready.add(IncidentStatus.CLIENT_INFORMED)
        if self.resolved_at is None:
            not_ready.add(IncidentStatus.CLOSED)
        return tuple(status for status in self.allowed_transitions if status not in not_ready)

    @property
    def has_impact(self) -> bool:
        return (
            self.impact_schedule_days is not None
            or self.impact_cost is not None
            or bool(self.impact_scope.strip())
        )

    @cached_property
    def contact_languages(self) -> frozenset[str]:
        """The languages the project's client contacts read.

        Read once per incident: the page asks for the checklist more than
        once. A list that prefetched ``project__contacts`` costs no query.
        """
        return frozenset(normalise(contact.language) for contact in self.project.contacts.all())

    def language_item(self, languages) -> ChecklistItem:
        """Every text written in one language is written in every language the contacts read."""
        gaps = language_gaps(self, INCIDENT_TEXTS, languages)
        separator = pgettext("list separator", ", ")
        hint = " ".join(
            _("Missing in %(language)s: %(fields)s.")
            % {
                "language": LANGUAGE_NAMES[language],
                "fields": separator.join(str(INCIDENT_TEXT_LABELS[name]) for name in names),
            }
            for language, names in gaps.items()
        )
        return ChecklistItem(
            "languages",
            _("Written in every language your contacts read"),
            not gaps,
            hint or _("Write each text in every language your client contacts read."),
        )

    def readiness_checklist(self, languages=None) -> list[ChecklistItem]:
        """What the client needs to hear, derived from the incident itself.

        ``languages`` are those the client contacts read (by default, read
        from the project's contacts once per incident).
        """
        if languages is None:
            languages = self.contact_languages
        return [
            ChecklistItem(
                "cause",
                _("Cause explained"),
                bool(self.cause.strip()) and bool(self.cause_origin.strip()),
                _("Say what caused the failure and how the problem arose."),
            ),
            ChecklistItem(
                "state",
                _("Current state described"),
                bool(self.current_state.strip()),
                _("Say where the project stands now."),
            ),
            ChecklistItem(
                "impact",
                _("Impact assessed"),
                self.has_impact,
                _("Give the schedule slip, the cost impact or the deliverables affected."),
            ),
            ChecklistItem(
                "first_step",
                _("First action step"),
                bool(self.first_step.strip()),
                _("Name the first concrete step the team is taking."),
            ),
            ChecklistItem(
                "apology",
                _("Apology prepared"),
                bool(self.apology.strip()),
                _("Prepare a sincere apology without excuses."),
            ),
            self.language_item(languages),
        ]

    @property
    def is_ready_to_disclose(self) -> bool:
        return all(item.done for item in self.readiness_checklist())

    @property
    def first_contact_met(self) -> bool | None:
        """Whether the client heard from us in time; ``None`` while still waiting."""
        if self.first_contact_at is None:
            return None
        return self.first_contact_at <= self.first_contact_due_at

    def first_contact_overdue(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.first_contact_at is None and self.first_contact_due_at <= now

    def update_overdue(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.next_update_due_at is not None and self.next_update_due_at <= now

    @property
    def urgent_deadline(self) -> datetime | None:
        """The next deadline this incident must meet."""
        if not self.is_open:
            return None
        if self.first_contact_at is None:
            return self.first_contact_due_at
        return self.next_update_due_at

    def next_step(self, now: datetime | None = None) -> str:
        """A one-line answer to "what should I do now?" for the dashboard."""
        now = now or timezone.now()
        if self.is_closed:
            return _("Nothing left to do: the incident is closed.")
        if self.status == IncidentStatus.RESOLVED:
            return _("Write the retrospective, share the client report, then close the incident.")
        if self.first_contact_at is None:
            missing = [item.label for item in self.readiness_checklist() if not item.done]
            if self.first_contact_overdue(now):
                return _("The first-contact deadline has passed: contact the client now.")
            if missing:
                separator = pgettext("list separator", ", ")
                return _("Prepare the disclosure (%(missing)s), then contact the client.") % {
                    "missing": separator.join(str(label) for label in missing)
                }
            return _("The disclosure is ready: contact the client before the deadline.")
        if self.update_overdue(now):
            return _("An update is overdue: tell the client where things stand now.")
        if self.status == IncidentStatus.CLIENT_INFORMED:
            return _("Propose a plan and agree it with the client.")
        if self.status == IncidentStatus.PLAN_AGREED:
            return _("Start the recovery and keep the client updated.")
        return _("Keep the recovery on track and post the next update before it is due.")
