from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderKind(models.TextChoices):
    FIRST_CONTACT_DUE_12H = "first_contact_due_12h", _("First contact due in 12 hours")
    FIRST_CONTACT_DUE_2H = "first_contact_due_2h", _("First contact due in 2 hours")
    FIRST_CONTACT_BREACHED = "first_contact_breached", _("First-contact deadline missed")
    UPDATE_DUE_4H = "update_due_4h", _("Update due in 4 hours")
    UPDATE_OVERDUE = "update_overdue", _("Update overdue")
    UPDATE_ESCALATED = "update_escalated", _("Update overdue by more than half a cadence")
    ACTION_OVERDUE = "action_overdue", _("Action item overdue")
    REVIEW_MEETING_DUE = "review_meeting_due", _("Review meeting due in one business day")
    REVIEW_MEETING_OVERDUE = "review_meeting_overdue", _("Review meeting overdue")
    COMMITMENT_DUE = "commitment_due", _("Commitment to the client due in 24 hours")
    COMMITMENT_MISSED = "commitment_missed", _("Commitment to the client missed")


#: Kinds that tell the PMO lead, not only the project managers.
ESCALATION_KINDS = (
    ReminderKind.FIRST_CONTACT_BREACHED,
    ReminderKind.UPDATE_ESCALATED,
    ReminderKind.COMMITMENT_MISSED,
)


class ReminderStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    OBSOLETE = "obsolete", _("No longer needed")
    FAILED = "failed", _("Failed")


class Reminder(models.Model):
    """A reminder or escalation the scan found due, for one recipient.

    It is about an incident's deadline, or about one of its action items or
    commitments to the client.
    What it is about, its kind, its deadline and its recipient are unique in
    the database, so a scan that runs twice, or two scans at once, insert it
    once. ``fire_at`` is the moment it became due — for a breach, the moment
    the deadline passed, whenever the scan noticed it.
    """

    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.PROTECT,
        related_name="reminders",
        verbose_name=_("incident"),
    )
    action_item = models.ForeignKey(
        "actionplans.ActionItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("action item"),
    )
    commitment = models.ForeignKey(
        "commitments.Commitment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("commitment"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ReminderKind.choices)
    due_at = models.DateTimeField(_("deadline"))
    fire_at = models.DateTimeField(_("due since"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("recipient"),
    )
    is_escalation = models.BooleanField(_("escalation"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        ordering = ["-fire_at"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            # Two partial constraints, because a NULL is distinct from every other
            # NULL in a unique constraint: one for incident deadlines, one for items,
            # one for commitments.
            models.UniqueConstraint(
                fields=["incident", "kind", "due_at", "recipient"],
                condition=models.Q(action_item__isnull=True, commitment__isnull=True),
                name="reminder_once_per_incident_deadline",
            ),
            models.UniqueConstraint(
                fields=["action_item", "kind", "due_at", "recipient"],
                condition=models.Q(action_item__isnull=False),
                name="reminder_once_per_action_deadline",
            ),
            models.UniqueConstraint(
                fields=["commitment", "kind", "due_at", "recipient"],
                condition=models.Q(commitment__isnull=False),
                name="reminder_once_per_commitment_deadline",
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(status="pending"),
                name="reminder_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.incident_id}"

    @property
    def what(self) -> str:
        """What it reminds of, in the active language: its kind, and the action's title."""
        kind = str(self.get_kind_display())
        if self.commitment_id is not None:
            return f"{kind}: {self.commitment.what}"
        if self.action_item_id is None:
            return kind
        return f"{kind}: {self.action_item.title}"


class Snooze(models.Model):
    """A PM asked for quiet on one update deadline, once, for a stated reason.

    Only the reminders move; the deadline the client was promised does not.
    """

    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.PROTECT,
        related_name="snoozes",
        verbose_name=_("incident"),
    )
    due_at = models.DateTimeField(_("deadline"))
    until = models.DateTimeField(_("quiet until"))
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("snoozed by"),
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("snooze")
        verbose_name_plural = _("snoozes")
        constraints = [
            models.UniqueConstraint(fields=["incident", "due_at"], name="snooze_once_per_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.incident} until {self.until:%Y-%m-%d %H:%M}"
