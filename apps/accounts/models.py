from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.timezones import is_valid_time_zone


def validate_time_zone(value: str) -> None:
    if not is_valid_time_zone(value):
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


class Language(models.TextChoices):
    EN = "en", _("English")
    ZH_HANS = "zh-hans", _("Simplified Chinese")


class Profile(models.Model):
    """What Candor needs to know about a user beyond Django's ``User``."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="profile",
        verbose_name=_("user"),
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, default=Language.EN
    )
    is_pmo = models.BooleanField(
        _("PMO staff"),
        default=False,
        help_text=_("PMO staff see every project and receive escalations."),
    )
    is_pmo_lead = models.BooleanField(
        _("PMO lead"),
        default=False,
        help_text=_("PMO leads grant and withdraw PMO rights. Superusers are leads too."),
    )
    #: When the latest invitation was sent; its link expires INVITATION_TIMEOUT_DAYS later.
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.user)
