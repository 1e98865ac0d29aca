import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.bilingual import Bilingual, pair, text_in
from apps.incidents.models import Incident
from apps.projects.models import ClientContact


class LogChannel(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    CALL = "call", _("Call")
    EMAIL = "email", _("E-mail")
    MESSAGE = "message", _("Message")
    UPDATE = "update", _("Published update")
    NOTE = "note", _("Internal note")


#: Channels that are a real conversation with the client: logging one
#: satisfies the first-contact deadline.
CONTACT_CHANNELS = (LogChannel.MEETING, LogChannel.CALL, LogChannel.EMAIL, LogChannel.MESSAGE)


class ClientReaction(models.IntegerChoices):
    VERY_NEGATIVE = -2, _("Very negative")
    NEGATIVE = -1, _("Negative")
    NEUTRAL = 0, _("Neutral")
    POSITIVE = 1, _("Positive")
    VERY_POSITIVE = 2, _("Very positive")


#: The texts of a log entry and of a meeting, in both languages.
LOG_TEXTS = ("summary",)
MEETING_TEXTS = ("title", "agenda")


class LogEntry(models.Model):
    """One contact with the client, or one fact worth keeping on the record.

    Append-only: nothing edits or deletes an entry. A correction is a new
    entry whose ``corrects`` points at the one it corrects; both stay visible.
    """

    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="log_entries", verbose_name=_("incident")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=LogChannel.choices)
    occurred_at = models.DateTimeField(_("when"))
    summary_en, summary_zh_hans = pair(models.TextField, _("summary"), blank=True)
    summary = Bilingual()
    team_participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("team participants"),
    )
    client_participants = models.ManyToManyField(
        ClientContact, blank=True, related_name="log_entries", verbose_name=_("client participants")
    )
    reaction = models.SmallIntegerField(
        _("client's reaction"), choices=ClientReaction.choices, null=True, blank=True
    )
    client_visible = models.BooleanField(_("visible to the client"), default=False)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects"),
    )
    meeting = models.ForeignKey(
        "Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="log_entries",
        verbose_name=_("meeting"),
    )
    status_update = models.OneToOneField(
        "StatusUpdate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="log_entry",
        verbose_name=_("status update"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")
        indexes = [models.Index(fields=["incident", "occurred_at"], name="log_incident_when")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(summary_en="") | ~models.Q(summary_zh_hans=""),
                name="logentry_has_a_summary",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.occurred_at:%Y-%m-%d %H:%M}"

    @property
    def is_contact(self) -> bool:
        return self.channel in CONTACT_CHANNELS or self.channel == LogChannel.UPDATE


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Meeting(models.Model):
    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("incident")
    )
    title_en, title_zh_hans = pair(models.CharField, _("title"), max_length=200, blank=True)
    title = Bilingual()
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    location = models.CharField(
        _("place or link"), max_length=500, help_text=_("A room, an address or a video link.")
    )
    agenda_en, agenda_zh_hans = pair(models.TextField, _("agenda"), blank=True)
    agenda = Bilingual()
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="organized_meetings",
        verbose_name=_("organizer"),
    )
    team_attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("team attendees")
    )
    client_attendees = models.ManyToManyField(
        ClientContact, blank=True, related_name="meetings", verbose_name=_("client attendees")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    notes = models.TextField(_("notes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    uid = models.CharField(_("calendar UID"), max_length=200, unique=True, editable=False)
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(title_en="") | ~models.Q(title_zh_hans=""),
                name="meeting_has_a_title",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meeting_detail", args=[self.incident_id, self.pk])

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @staticmethod
    def new_uid() -> str:
        return f"{uuid.uuid4()}@candor"


class UpdateStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class StatusUpdate(models.Model):
    """An update for the client, in English, in Chinese or in both."""

    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="updates", verbose_name=_("incident")
    )
    body_en = models.TextField(_("text in English"), blank=True)
    body_zh_hans = models.TextField(_("text in Chinese"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=UpdateStatus.choices, default=UpdateStatus.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    #: The deadline this update met (or missed): the one promised before it.
    was_due_at = models.DateTimeField(_("was due at"), null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("status update")
        verbose_name_plural = _("status updates")
        indexes = [
            models.Index(
                fields=["incident", "published_at"],
                condition=models.Q(status="published"),
                name="update_incident_published",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(body_en="") | ~models.Q(body_zh_hans=""),
                name="update_has_text",
            ),
        ]

    def __str__(self) -> str:
        text = self.body_en or self.body_zh_hans
        return text[:60]

    def body_for(self, language: str | None = None) -> str:
        """The text in the reader's language, falling back to the other one."""
        return text_in(self, "body", language).value

    @property
    def was_on_time(self) -> bool | None:
        if self.published_at is None or self.was_due_at is None:
            return None
        return self.published_at <= self.was_due_at
