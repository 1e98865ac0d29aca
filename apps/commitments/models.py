from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.bilingual import Bilingual, pair
from apps.incidents.models import Incident


class CommitmentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    KEPT = "kept", _("Kept")
    MISSED = "missed", _("Missed")


#: The texts of a commitment the client reads, in both languages.
COMMITMENT_TEXTS = ("what", "told_client")


class Commitment(models.Model):
    """A dated promise to the client: what, by when, who sees to it, and where it was made.

    It is reminded before it falls due and escalated when it is missed (the
    reminder scan reads ``due_at`` of the open ones); it ends kept, with when,
    or missed, with what the client was told.
    """

    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("incident")
    )
    what_en, what_zh_hans = pair(
        models.CharField, _("what was promised"), max_length=300, blank=True
    )
    what = Bilingual()
    due_at = models.DateTimeField(_("due"), db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="commitments",
        verbose_name=_("owner"),
    )
    update = models.ForeignKey(
        "communications.StatusUpdate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name=_("made in the update"),
    )
    meeting = models.ForeignKey(
        "communications.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name=_("made in the meeting"),
    )
    decision = models.ForeignKey(
        "alternatives.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name=_("made with the decision"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CommitmentStatus.choices, default=CommitmentStatus.OPEN
    )
    kept_at = models.DateTimeField(_("kept at"), null=True, blank=True)
    missed_at = models.DateTimeField(_("missed at"), null=True, blank=True)
    told_client_en, told_client_zh_hans = pair(
        models.TextField, _("what the client was told"), blank=True
    )
    told_client = Bilingual()
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        indexes = [
            # The reminder scan: open commitments by due moment.
            models.Index(
                fields=["due_at"], condition=models.Q(status="open"), name="commitment_open_due"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(what_en="") | ~models.Q(what_zh_hans=""),
                name="commitment_says_what",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="kept") | models.Q(kept_at__isnull=False),
                name="commitment_kept_has_when",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="missed")
                | ~models.Q(told_client_en="")
                | ~models.Q(told_client_zh_hans=""),
                name="commitment_missed_says_what_client_was_told",
            ),
        ]

    def __str__(self) -> str:
        return self.what

    def get_absolute_url(self) -> str:
        return self.incident.get_absolute_url() + f"#commitment-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == CommitmentStatus.OPEN

    def is_overdue(self, now=None) -> bool:
        return self.is_open and self.due_at <= (now or timezone.now())

    @property
    def source(self):
        """Where it was made: the update, meeting or decision, if recorded."""
        return self.update or self.meeting or self.decision
