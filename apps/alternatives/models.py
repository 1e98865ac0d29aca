from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.communications.models import Meeting
from apps.core.bilingual import Bilingual, pair
from apps.incidents.models import Incident
from apps.projects.models import ClientContact


class AlternativeStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CHOSEN = "chosen", _("Chosen")
    REJECTED = "rejected", _("Rejected")


class AlternativeKind(models.TextChoices):
    """What kind of way forward it is, as the case library files it."""

    EXTEND_DEADLINE = "extend_deadline", _("Extend the deadline")
    REDUCE_SCOPE = "reduce_scope", _("Reduce the scope")
    PHASED_DELIVERY = "phased_delivery", _("Deliver in phases")
    ADD_RESOURCES = "add_resources", _("Add people or resources")
    CHANGE_APPROACH = "change_approach", _("Change the technical approach")
    CANCEL = "cancel", _("Stop the project")
    OTHER = "other", _("Other")


#: The texts of an alternative the client compares, in both languages (edited together).
ALTERNATIVE_TEXTS = ("title", "description", "scope_impact", "risks", "pros", "cons")
#: Why it was set aside, written when it is (the client reads it in the comparison).
REJECTION_TEXTS = ("rejection_reason",)
#: The texts of a decision the client reads, in both languages.
DECISION_TEXTS = ("rationale",)


class Alternative(models.Model):
    """One way forward when the project cannot continue as planned."""

    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="alternatives", verbose_name=_("incident")
    )
    title_en, title_zh_hans = pair(models.CharField, _("title"), max_length=200, blank=True)
    description_en, description_zh_hans = pair(models.TextField, _("description"), blank=True)
    kind = models.CharField(
        _("kind of option"), max_length=20, choices=AlternativeKind.choices, blank=True
    )
    schedule_impact_days = models.IntegerField(
        _("schedule impact (days)"),
        null=True,
        blank=True,
        help_text=_("Days later (positive) or earlier (negative) than the current plan."),
    )
    cost_impact = models.DecimalField(
        _("cost impact"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    scope_impact_en, scope_impact_zh_hans = pair(models.TextField, _("scope impact"), blank=True)
    risks_en, risks_zh_hans = pair(models.TextField, _("risks"), blank=True)
    pros_en, pros_zh_hans = pair(models.TextField, _("pros"), blank=True)
    cons_en, cons_zh_hans = pair(models.TextField, _("cons"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AlternativeStatus.choices,
        default=AlternativeStatus.PROPOSED,
    )
    rejection_reason_en, rejection_reason_zh_hans = pair(
        models.TextField, _("why it was not chosen"), blank=True
    )
    title = Bilingual()
    description = Bilingual()
    scope_impact = Bilingual()
    risks = Bilingual()
    pros = Bilingual()
    cons = Bilingual()
    rejection_reason = Bilingual()
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("alternative")
        verbose_name_plural = _("alternatives")
        constraints = [
            # The decision is taken together, once: one chosen option per incident.
            models.UniqueConstraint(
                fields=["incident"],
                condition=models.Q(status="chosen"),
                name="one_chosen_alternative_per_incident",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected")
                | ~models.Q(rejection_reason_en="")
                | ~models.Q(rejection_reason_zh_hans=""),
                name="alternative_rejected_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(title_en="") | ~models.Q(title_zh_hans=""),
                name="alternative_has_a_title",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def delivery_date_from(self, current: date | None) -> date | None:
        """The delivery date this alternative leads to from ``current``, if both are known."""
        if current is None or self.schedule_impact_days is None:
            return None
        return current + timedelta(days=self.schedule_impact_days)


class Decision(models.Model):
    """The choice of an alternative, made with the client; later ones supersede it."""

    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("incident")
    )
    alternative = models.ForeignKey(
        Alternative,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("alternative"),
    )
    decided_at = models.DateTimeField(_("decided at"))
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recorded_decisions",
        verbose_name=_("meeting"),
    )
    client_agreed = models.ManyToManyField(
        ClientContact, related_name="decisions", verbose_name=_("agreed for the client")
    )
    team_agreed = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("agreed for the team")
    )
    rationale_en, rationale_zh_hans = pair(models.TextField, _("why"), blank=True)
    rationale = Bilingual()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
    )
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    #: The move of the project's committed delivery date agreed in this decision, if any.
    delivery_change = models.OneToOneField(
        "projects.DeliveryDateChange",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decision",
        verbose_name=_("delivery date change"),
    )

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["incident"],
                condition=models.Q(superseded_at__isnull=True),
                name="one_current_decision_per_incident",
            ),
            models.CheckConstraint(
                condition=~models.Q(rationale_en="") | ~models.Q(rationale_zh_hans=""),
                name="decision_has_a_rationale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.alternative} ({self.decided_at:%Y-%m-%d})"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None


class Rejection(models.Model):
    """An alternative a decision set aside, with its own reason (the client may read it).

    The alternative keeps the reason it was last set aside with; the decision
    keeps, for each alternative it set aside, the reason given then.
    """

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="rejections", verbose_name=_("decision")
    )
    alternative = models.ForeignKey(
        Alternative,
        on_delete=models.PROTECT,
        related_name="rejections",
        verbose_name=_("alternative"),
    )
    reason_en, reason_zh_hans = pair(models.TextField, _("why it was not chosen"), blank=True)
    reason = Bilingual()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("alternative set aside")
        verbose_name_plural = _("alternatives set aside")
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "alternative"], name="one_rejection_per_decision_alternative"
            ),
            models.CheckConstraint(
                condition=~models.Q(reason_en="") | ~models.Q(reason_zh_hans=""),
                name="rejection_has_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.alternative.title
