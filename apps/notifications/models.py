from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """An entry in a user's in-app inbox.

    Self-contained: it carries its text, its link and what it is about (an
    incident's title, say) as they were when it was written, so the inbox
    knows nothing of the apps that notify.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    #: What caused it, e.g. ``reminder:42``: a second ``notify`` with the same key is a no-op.
    key = models.CharField(_("key"), max_length=200, unique=True)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    about = models.CharField(
        _("about"), max_length=300, blank=True, help_text=_("What it is about, e.g. an incident.")
    )
    is_escalation = models.BooleanField(_("escalation"), default=False)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(
                fields=["user", "created_at"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_by_user",
            ),
        ]

    def __str__(self) -> str:
        return self.title
