"""The e-mails about a user's account: written in their language, queued in the outbox."""

from datetime import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from apps.outbox.services import email_enqueue

from .models import Language
from .selectors import profile_for


def user_link(url_name: str, user, token: str) -> str:
    """The absolute link of a token page (``join``, ``password_reset_confirm``) for ``user``."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    return settings.SITE_URL + reverse(url_name, kwargs={"uidb64": uidb64, "token": token})


def queue_account_email(
    *, key: str, user, template: str, context: dict, now: datetime | None = None
) -> None:
    """Queue ``accounts/email/<template>_{subject.txt,body.txt,body.html}`` to ``user``.

    Rendered in the user's language and time zone; queued in the caller's
    transaction, so the e-mail is sent if and only if the change is saved.
    """
    profile = profile_for(user)
    language = profile.language if profile else Language.EN
    time_zone = profile.time_zone if profile else "UTC"
    with translation.override(language), timezone.override(time_zone):
        values = context | {"user": user, "name": user.get_full_name() or user.get_username()}
        subject = render_to_string(f"accounts/email/{template}_subject.txt", values)
        body_text = render_to_string(f"accounts/email/{template}_body.txt", values)
        body_html = render_to_string(f"accounts/email/{template}_body.html", values)
    email_enqueue(
        key=key,
        to=user.email,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        now=now,
    )
