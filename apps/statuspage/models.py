import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.incidents.models import Incident
from apps.projects.models import ClientContact, Project


def hash_token(token: str) -> str:
    """Tokens carry 192 random bits, so a plain SHA-256 is enough to store them safely."""
    return hashlib.sha256(token.encode()).hexdigest()


class ShareLink(models.Model):
    """A secret link to a read-only status page, for one incident or one project.

    Only the hash of the token is stored; the PM sees the token once.
    """

    incident = models.ForeignKey(
        Incident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="share_links",
        verbose_name=_("incident"),
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="share_links",
        verbose_name=_("project"),
    )
    contact = models.ForeignKey(
        ClientContact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="share_links",
        verbose_name=_("client contact"),
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    token_hint = models.CharField(
        _("token starts with"),
        max_length=8,
        editable=False,
        help_text=_("The first characters, to tell links apart."),
    )
    label = models.CharField(_("label"), max_length=200, blank=True)
    #: Set for the link a contact's e-mails carry: its token is derived from this
    #: and the SECRET_KEY (``services.derived_token``), so e-mails can name it
    #: again without the token ever being stored.
    derivation_salt = models.CharField(
        _("derivation salt"), max_length=32, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_viewed_at = models.DateTimeField(_("last viewed at"), null=True, blank=True)
    view_count = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("share link")
        verbose_name_plural = _("share links")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(incident__isnull=False, project__isnull=True)
                    | models.Q(incident__isnull=True, project__isnull=False)
                ),
                name="sharelink_one_target",
            ),
        ]

    def __str__(self) -> str:
        return self.label or f"{self.token_hint}…"

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > now

    @property
    def target_project_id(self) -> int:
        return self.project_id or self.incident.project_id
