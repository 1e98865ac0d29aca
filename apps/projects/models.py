from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Language, validate_time_zone
from apps.core.bilingual import Bilingual, pair, text_in
from apps.core.money import CURRENCIES


def default_currency() -> str:
    """New projects keep their figures in ``settings.DEFAULT_CURRENCY``."""
    return settings.DEFAULT_CURRENCY


#: The method's promise: the client hears from us within a day, never later.
MAX_FIRST_CONTACT_WINDOW_HOURS = 24


class Client(models.Model):
    """The client organisation a project is delivered to."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    notes = models.TextField(_("internal notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    #: Off the lists, history kept: clients and projects are archived, never deleted.
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="projects", verbose_name=_("client")
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    pmo_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="led_projects",
        verbose_name=_("PMO lead"),
        help_text=_("Receives escalations, such as a missed first-contact deadline."),
    )
    first_contact_window_hours = models.PositiveSmallIntegerField(
        _("first-contact window (hours)"),
        default=MAX_FIRST_CONTACT_WINDOW_HOURS,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_FIRST_CONTACT_WINDOW_HOURS)],
        help_text=_("How soon the client must hear from us after an incident is declared."),
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        choices=[(code, code) for code in CURRENCIES],
        default=default_currency,
        help_text=_("The costs and remedies of this project's incidents are in this currency."),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="projects",
        verbose_name=_("members"),
    )
    #: Changed only by ``project_change_delivery_date``, which keeps every change and its reason.
    delivery_date = models.DateField(
        _("committed delivery date"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Changed on the project page, with a reason; every change is kept."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.UniqueConstraint(fields=["client", "name"], name="project_unique_name"),
            models.CheckConstraint(
                condition=models.Q(first_contact_window_hours__gte=1)
                & models.Q(first_contact_window_hours__lte=MAX_FIRST_CONTACT_WINDOW_HOURS),
                name="project_first_contact_window_1_to_24h",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("project_detail", args=[self.pk])

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def first_contact_window(self) -> timedelta:
        return timedelta(hours=self.first_contact_window_hours)


class ProjectRole(models.TextChoices):
    PM = "pm", _("Project manager")
    MEMBER = "member", _("Team member")
    VIEWER = "viewer", _("Viewer")


class Membership(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("project")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(
        _("role"), max_length=10, choices=ProjectRole.choices, default=ProjectRole.MEMBER
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["project", "role", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="membership_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.project} ({self.get_role_display()})"


class ClientContact(models.Model):
    """A person on the client's side who hears from us about a project."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("project")
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role at the client"), max_length=200, blank=True)
    is_decision_maker = models.BooleanField(_("decision maker"), default=False)
    language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, default=Language.ZH_HANS
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Shanghai", validators=[validate_time_zone]
    )
    receives_updates = models.BooleanField(
        _("receives updates"),
        default=True,
        help_text=_("Published status updates are e-mailed to this contact."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("client contact")
        verbose_name_plural = _("client contacts")
        constraints = [
            models.UniqueConstraint(fields=["project", "email"], name="contact_unique_email"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class DeliveryDateChange(models.Model):
    """One change of a project's committed delivery date: from what, to what, why, by whom.

    Setting the first date is a change too (with no previous date). Rows are
    only ever added, by ``project_change_delivery_date``.
    """

    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        related_name="delivery_changes",
        verbose_name=_("project"),
    )
    previous = models.DateField(_("previous delivery date"), null=True, blank=True)
    new = models.DateField(_("new delivery date"))
    #: For the team: the client reads the dates, and the decision when there is one.
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
        help_text=_("Empty when the system changed it."),
    )
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("delivery date change")
        verbose_name_plural = _("delivery date changes")
        indexes = [
            # A project's history, and its latest change, newest first.
            models.Index(fields=["project", "changed_at"], name="deliverychange_project_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="deliverychange_has_a_reason"
            ),
            models.CheckConstraint(
                condition=models.Q(previous__isnull=True) | ~models.Q(previous=models.F("new")),
                name="deliverychange_changes_the_date",
            ),
        ]

    def __str__(self) -> str:
        was = self.previous.isoformat() if self.previous else "—"
        return f"{was} → {self.new.isoformat()}"


#: The texts of a milestone the client reads, in both languages.
MILESTONE_TEXTS = ("title",)


class Milestone(models.Model):
    """A step on the way to delivery that the client is told about."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="milestones", verbose_name=_("project")
    )
    title_en, title_zh_hans = pair(models.CharField, _("title"), max_length=200, blank=True)
    title = Bilingual()
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        indexes = [models.Index(fields=["project", "due_on"], name="milestone_project_due")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(title_en="") | ~models.Q(title_zh_hans=""),
                name="milestone_has_a_title",
                violation_error_message=_("Give the milestone a short title."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    @property
    def title_text(self):
        """The title in the reader's language, saying whether it fell back to the other one."""
        return text_in(self, "title")
