from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """One change to the record: who did what, to which object, when, with what data.

    Written by the service that made the change, in the same transaction, and
    never changed afterwards. ``docs/events.md`` is the contract: every verb
    and the data it carries. The incident and project are foreign keys named
    by label, so that this low app imports none of the apps above it.
    """

    verb = models.CharField(_("what"), max_length=64)
    #: Nobody (``NULL``) means the system: a scan or a task.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    #: When it happened (a service's ``now``); ``recorded_at`` is when it was written.
    occurred_at = models.DateTimeField(_("when"))
    recorded_at = models.DateTimeField(_("recorded at"))
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("project"),
    )
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("incident"),
    )
    object_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kind of object"),
    )
    object_id = models.PositiveBigIntegerField(_("object id"), null=True, blank=True)
    #: The object as it was called then (it may be renamed, or a draft deleted, later).
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    #: For facts the system notices repeatedly (a deadline passed): written once per key.
    key = models.CharField(_("key"), max_length=200, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["incident", "occurred_at"], name="event_incident_when"),
            models.Index(fields=["project", "occurred_at"], name="event_project_when"),
            models.Index(fields=["verb", "occurred_at"], name="event_verb_when"),
            models.Index(fields=["object_type", "object_id"], name="event_object"),
        ]

    def __str__(self) -> str:
        return f"{self.verb} {self.object_repr}".strip()

    @property
    def by_system(self) -> bool:
        return self.actor_id is None
