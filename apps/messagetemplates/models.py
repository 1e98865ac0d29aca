from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.bilingual import LANGUAGE_NAMES
from apps.projects.models import Project

from .kinds import KINDS


class ProjectTemplate(models.Model):
    """A project's own text for one kind of message in one language, instead of the shipped one.

    Reset to the default deletes the row (the record keeps what it said).
    """

    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="message_templates",
        verbose_name=_("project"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=list(KINDS.items()))
    language = models.CharField(
        _("language"), max_length=10, choices=[(k, v) for k, v in LANGUAGE_NAMES.items()]
    )
    body = models.TextField(_("text"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("changed by"),
    )
    updated_at = models.DateTimeField(_("changed at"))

    class Meta:
        ordering = ["project", "kind", "language"]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind", "language"], name="message_template_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} — {self.get_kind_display()} ({self.get_language_display()})"
