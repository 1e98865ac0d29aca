from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.bilingual import Bilingual, pair
from apps.incidents.models import Incident


class ActionItemKind(models.TextChoices):
    REMEDIATION = "remediation", _("Remediation (fix the current problem)")
    PREVENTION = "prevention", _("Prevention (stop it happening again)")


class ActionItemStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


OPEN_ITEM_STATUSES = (ActionItemStatus.PLANNED, ActionItemStatus.IN_PROGRESS)


#: The texts of an action and of a remedy the client reads, in both languages.
ITEM_TEXTS = ("title", "description", "dropped_reason")
REMEDY_TEXTS = ("description",)


class ActionItem(models.Model):
    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="action_items", verbose_name=_("incident")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ActionItemKind.choices)
    title_en, title_zh_hans = pair(models.CharField, _("title"), max_length=200, blank=True)
    description_en, description_zh_hans = pair(models.TextField, _("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="action_items",
        verbose_name=_("owner"),
    )
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ActionItemStatus.choices,
        default=ActionItemStatus.PLANNED,
    )
    dropped_reason_en, dropped_reason_zh_hans = pair(
        models.TextField, _("why it was dropped"), blank=True
    )
    title = Bilingual()
    description = Bilingual()
    dropped_reason = Bilingual()
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    client_visible = models.BooleanField(_("visible to the client"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        indexes = [
            # The reminder scan: open items by due moment.
            models.Index(
                fields=["due_at"],
                condition=models.Q(status__in=["planned", "in_progress"]),
                name="actionitem_open_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="actionitem_progress_0_100"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="dropped")
                | ~models.Q(dropped_reason_en="")
                | ~models.Q(dropped_reason_zh_hans=""),
                name="actionitem_dropped_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(title_en="") | ~models.Q(title_zh_hans=""),
                name="actionitem_has_a_title",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ITEM_STATUSES

    def is_overdue(self, now=None) -> bool:
        return self.is_open and self.due_at <= (now or timezone.now())


class RemedyKind(models.TextChoices):
    DISCOUNT = "discount", _("Discount")
    EXTRA_SUPPORT = "extra_support", _("Extra support")
    EXTENDED_WARRANTY = "extended_warranty", _("Extended warranty")
    FREE_WORK = "free_work", _("Free work")
    OTHER = "other", _("Other")


class RemedyAnswer(models.TextChoices):
    PENDING = "pending", _("Waiting for the client's answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Remedy(models.Model):
    """Something offered to the client to make up for the failure."""

    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="remedies", verbose_name=_("incident")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RemedyKind.choices)
    description_en, description_zh_hans = pair(models.TextField, _("description"), blank=True)
    description = Bilingual()
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)
    offered_at = models.DateTimeField(_("offered at"))
    answer = models.CharField(
        _("client's answer"),
        max_length=10,
        choices=RemedyAnswer.choices,
        default=RemedyAnswer.PENDING,
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("offered by"),
    )

    class Meta:
        ordering = ["offered_at", "pk"]
        verbose_name = _("remedy")
        verbose_name_plural = _("remedies")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description[:40]}"
