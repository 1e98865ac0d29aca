"""The retrospective of an incident: the internal review and the client report.

One source, two documents. The team's review (timeline, root causes,
contributing factors, what went well and badly, where we were lucky) stays
inside; the client report (what went wrong, why, what was done, what will
change and by when) is written in every language the contacts read and is
what the status page, the feed and the e-mail carry once published.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.bilingual import Bilingual, pair
from apps.incidents.models import Incident


class Outcome(models.TextChoices):
    """How the project ended, as the case library files it."""

    DELIVERED_ON_TIME = "delivered_on_time", _("Delivered on the original date")
    DELIVERED_LATE = "delivered_late", _("Delivered late")
    SCOPE_CUT = "scope_cut", _("Delivered with reduced scope")
    PHASED = "phased", _("Delivered in phases")
    CANCELLED = "cancelled", _("Cancelled")
    ONGOING = "ongoing", _("Still being delivered")


#: The client report's texts, in both languages, in the order the report reads.
REPORT_TEXT_LABELS = {
    "report_what_happened": _("what went wrong"),
    "report_why": _("why it happened"),
    "report_what_we_did": _("what we did"),
    "report_what_changes": _("what will change"),
}
REPORT_TEXTS = tuple(REPORT_TEXT_LABELS)
#: The internal review's texts (the team writes in its own language).
REVIEW_TEXTS = ("summary", "contributing_factors", "went_well", "went_badly", "lucky")
#: Business days after resolution within which the review meeting is held.
REVIEW_MEETING_BUSINESS_DAYS = 5


class Retrospective(models.Model):
    incident = models.OneToOneField(
        Incident,
        on_delete=models.PROTECT,
        related_name="retrospective",
        verbose_name=_("incident"),
    )
    # --- the internal review -------------------------------------------------
    summary = models.TextField(_("summary"), blank=True)
    contributing_factors = models.TextField(
        _("contributing factors"),
        blank=True,
        help_text=_("What made it worse or more likely, without being the cause."),
    )
    went_well = models.TextField(_("what went well"), blank=True)
    went_badly = models.TextField(_("what went badly"), blank=True)
    lucky = models.TextField(_("where we were lucky"), blank=True)
    outcome = models.CharField(
        _("how it ended"), max_length=20, choices=Outcome.choices, blank=True
    )
    # --- the client report ---------------------------------------------------
    report_what_happened_en, report_what_happened_zh_hans = pair(
        models.TextField, REPORT_TEXT_LABELS["report_what_happened"], blank=True
    )
    report_why_en, report_why_zh_hans = pair(
        models.TextField, REPORT_TEXT_LABELS["report_why"], blank=True
    )
    report_what_we_did_en, report_what_we_did_zh_hans = pair(
        models.TextField, REPORT_TEXT_LABELS["report_what_we_did"], blank=True
    )
    report_what_changes_en, report_what_changes_zh_hans = pair(
        models.TextField,
        REPORT_TEXT_LABELS["report_what_changes"],
        blank=True,
        help_text=_("The improvements with their dates are listed after this text."),
    )
    report_what_happened = Bilingual()
    report_why = Bilingual()
    report_what_we_did = Bilingual()
    report_what_changes = Bilingual()
    #: The review meeting is due by then (five business days after resolution):
    #: the reminder scan reads it with a range condition.
    review_meeting_due_at = models.DateTimeField(_("review meeting due by"), null=True, blank=True)
    published_at = models.DateTimeField(_("report published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("report published by"),
    )
    #: Why the incident was closed with no client report (for the team).
    no_report_reason = models.TextField(_("why there is no client report"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("retrospective")
        verbose_name_plural = _("retrospectives")
        indexes = [
            models.Index(
                fields=["review_meeting_due_at"],
                condition=models.Q(review_meeting_due_at__isnull=False),
                name="retro_review_meeting_due",
            ),
            models.Index(
                fields=["published_at"],
                condition=models.Q(published_at__isnull=False),
                name="retro_published",
            ),
        ]

    def __str__(self) -> str:
        return str(self.incident)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class RootCause(models.Model):
    """One root cause, reached by asking "why?" up to five times."""

    retrospective = models.ForeignKey(
        Retrospective,
        on_delete=models.CASCADE,
        related_name="root_causes",
        verbose_name=_("retrospective"),
    )
    statement = models.TextField(_("root cause"))
    #: The "5 whys": each answer, in order, from the symptom down to the cause.
    whys = models.JSONField(_("the whys"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("root cause")
        verbose_name_plural = _("root causes")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(statement=""), name="rootcause_has_a_statement"
            ),
        ]

    def __str__(self) -> str:
        return self.statement[:80]


class TimelineLine(models.Model):
    """The team's word on one line of the timeline, or a line the team added.

    The timeline itself is drafted from the event record, so nothing that
    happened can be left out; a line about an event carries ``event`` and may
    annotate it or hide it from the review (with a reason — it stays on the
    internal record, marked hidden). A line without an event is one the team
    added, at the moment it says.
    """

    retrospective = models.ForeignKey(
        Retrospective,
        on_delete=models.CASCADE,
        related_name="timeline_lines",
        verbose_name=_("retrospective"),
    )
    event = models.ForeignKey(
        "events.Event",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("event"),
    )
    occurred_at = models.DateTimeField(_("when"), null=True, blank=True)
    text = models.TextField(_("note"), blank=True)
    hidden = models.BooleanField(_("hidden from the review"), default=False)
    hidden_reason = models.TextField(_("why it is hidden"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(_("written at"))

    class Meta:
        ordering = ["occurred_at", "pk"]
        verbose_name = _("timeline line")
        verbose_name_plural = _("timeline lines")
        constraints = [
            models.UniqueConstraint(
                fields=["retrospective", "event"],
                condition=models.Q(event__isnull=False),
                name="timeline_one_line_per_event",
            ),
            models.CheckConstraint(
                condition=models.Q(event__isnull=False) | models.Q(occurred_at__isnull=False),
                name="timeline_added_line_has_a_moment",
            ),
            models.CheckConstraint(
                condition=models.Q(event__isnull=False) | ~models.Q(text=""),
                name="timeline_added_line_has_text",
            ),
            models.CheckConstraint(
                condition=models.Q(hidden=False) | ~models.Q(hidden_reason=""),
                name="timeline_hidden_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]
