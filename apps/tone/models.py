"""What a project and its PMs decided about the tone check's advice.

The check itself reads no database (``engine``); these rows only change what
it shows: a rule a project switched off, a finding a PM dismissed with a
reason. Both are on the record (``docs/events.md``) with who did it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

#: A rule id is ``<lang>.<category>.<name>``.
RULE_ID_LENGTH = 120
#: The words a dismissal is about, as the check marked them.
DISMISSED_TEXT_LENGTH = 500
REASON_LENGTH = 1000


class RuleException(models.Model):
    """A rule this project switched off: its findings are not shown in its incidents."""

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="tone_exceptions",
        verbose_name=_("project"),
    )
    rule = models.CharField(_("rule"), max_length=RULE_ID_LENGTH)
    reason = models.TextField(_("reason"), max_length=REASON_LENGTH)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("switched off by"),
    )
    created_at = models.DateTimeField(_("switched off at"))

    class Meta:
        ordering = ["rule"]
        verbose_name = _("tone rule exception")
        verbose_name_plural = _("tone rule exceptions")
        constraints = [
            models.UniqueConstraint(fields=["project", "rule"], name="tone_exception_once"),
        ]

    def __str__(self) -> str:
        return self.rule


class Dismissal(models.Model):
    """A finding a PM judged fine in this incident, and why.

    It is about the words, not one message: the same words flagged by the
    same rule in this incident's later drafts show as dismissed too.
    """

    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.CASCADE,
        related_name="tone_dismissals",
        verbose_name=_("incident"),
    )
    language = models.CharField(_("language"), max_length=10)
    rule = models.CharField(_("rule"), max_length=RULE_ID_LENGTH)
    #: The marked words as the check found them (empty for a missing piece).
    text = models.CharField(_("words"), max_length=DISMISSED_TEXT_LENGTH, blank=True)
    reason = models.TextField(_("reason"), max_length=REASON_LENGTH)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("dismissed by"),
    )
    dismissed_at = models.DateTimeField(_("dismissed at"))

    class Meta:
        ordering = ["dismissed_at", "pk"]
        verbose_name = _("dismissed tone finding")
        verbose_name_plural = _("dismissed tone findings")
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "language", "rule", "text"], name="tone_dismissal_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule}: “{self.text}”" if self.text else self.rule
