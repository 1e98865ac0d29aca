"""Share links: create (the token is shown once), revoke, and count views.

Creating and revoking a link take the acting user (``actor``) and record
their event; counting views is bookkeeping, not a change to the record.
"""

import base64
import contextlib
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.events.services import Actor, event_record
from apps.incidents.models import Incident
from apps.projects.models import ClientContact, Project

from . import counters, lease
from .models import ShareLink, hash_token

#: 24 bytes = 192 random bits, well above the 128 the product asks for.
TOKEN_BYTES = 24
#: Views are counted in the cache and written at most this often per link.
VIEW_FLUSH_INTERVAL = timedelta(minutes=5)
MAX_LIFETIME = timedelta(days=365)


@transaction.atomic
def link_create(
    *,
    actor: AbstractBaseUser,
    incident: Incident | None = None,
    project: Project | None = None,
    contact: ClientContact | None = None,
    label: str = "",
    expires_at: datetime | None = None,
    now: datetime | None = None,
    token: str | None = None,
) -> tuple[ShareLink, str]:
    """Create a link; returns it with its token, which is never stored in clear.

    The token is random (192 bits); ``token`` is for the demo's stable link only.
    """
    now = now or timezone.now()
    if (incident is None) == (project is None):
        raise ValueError("A share link is for exactly one incident or one project.")
    target_project_id = project.pk if project is not None else incident.project_id
    if contact is not None and contact.project_id != target_project_id:
        raise ValidationError({"contact": _("Choose a contact of this project.")})
    if expires_at is not None:
        if expires_at <= now:
            raise ValidationError({"expires_at": _("Choose an expiry date in the future.")})
        if expires_at - now > MAX_LIFETIME:
            raise ValidationError({"expires_at": _("A link can live at most one year.")})
    token = token or secrets.token_urlsafe(TOKEN_BYTES)
    link = ShareLink.objects.create(
        incident=incident,
        project=project,
        contact=contact,
        token_hash=hash_token(token),
        token_hint=token[:6],
        label=label.strip(),
        created_by=actor,
        created_at=now,
        expires_at=expires_at,
    )
    event_record(
        actor=actor,
        verb="link.created",
        obj=link,
        incident=incident,
        project=target_project_id,
        data=_link_data(link),
        now=now,
    )
    return link, token


def _link_data(link: ShareLink) -> dict:
    return {
        "scope": "incident" if link.incident_id else "project",
        "contact": link.contact,
        "label": link.label,
        "token_hint": link.token_hint,
        "expires_at": link.expires_at,
    }


@transaction.atomic
def link_revoke(*, link: ShareLink, actor: Actor, now: datetime | None = None) -> ShareLink:
    """The link leads nowhere from now on (revoking twice changes nothing more)."""
    now = now or timezone.now()
    link = (
        ShareLink.objects.select_for_update(of=("self",)).select_related("contact").get(pk=link.pk)
    )
    if link.revoked_at is None:
        link.revoked_at = now
        link.save(update_fields=["revoked_at"])
        event_record(
            actor=actor,
            verb="link.revoked",
            obj=link,
            incident=link.incident_id,
            project=link.target_project_id,
            data=_link_data(link),
            now=now,
        )
    lease.forget(link.token_hash)
    return link


def derived_token(salt: str) -> str:
    """The token of an e-mailed link: 192 bits from the SECRET_KEY and the link's salt.

    Only the salt is stored; without the SECRET_KEY it reveals nothing. A new
    SECRET_KEY makes old e-mailed links lead nowhere, and the next e-mail to
    the contact carries a new one.
    """
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"candor-contact-link:{salt}".encode(), hashlib.sha256
    ).digest()[:TOKEN_BYTES]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


@transaction.atomic
def link_for_contact(
    *, contact: ClientContact, incident: Incident, actor: Actor, now: datetime | None = None
) -> str:
    """The address of the contact's own status page for this incident, for their e-mails.

    Each contact has one e-mailed link per incident, created at the first
    e-mail (by whoever sends it) and reused after; a revoked or expired one,
    or one whose token the SECRET_KEY no longer derives, gives way to a new one.
    """
    now = now or timezone.now()
    candidates = ShareLink.objects.filter(
        incident=incident, contact=contact, revoked_at__isnull=True
    ).exclude(derivation_salt="")
    for link in candidates.order_by("-created_at"):
        if not link.is_active(now):
            continue
        token = derived_token(link.derivation_salt)
        if hash_token(token) == link.token_hash:
            return _absolute(token)
    salt = secrets.token_hex(16)
    token = derived_token(salt)
    link, _token = link_create(
        actor=actor,
        incident=incident,
        contact=contact,
        label=_("E-mails to %(name)s") % {"name": contact.name},
        token=token,
        now=now,
    )
    ShareLink.objects.filter(pk=link.pk).update(derivation_salt=salt)
    return _absolute(token)


def _absolute(token: str) -> str:
    return settings.SITE_URL + reverse("status_page", args=[token])


#: When this worker last tried to write each link's views (see link_flush_views).
_written_here: dict[int, datetime] = {}


def views_key(link_id: int) -> str:
    """The cache counter of a link's views not yet written to its row."""
    return f"statuspage:views:{link_id}"


def link_record_view(
    *, link_id: int, last_viewed_at: datetime | None, now: datetime | None = None
) -> None:
    """Count a view without a database write on every request."""
    counters.bump(views_key(link_id))
    link_flush_views(link_id=link_id, last_viewed_at=last_viewed_at, now=now)


def link_flush_views(
    *, link_id: int, last_viewed_at: datetime | None, now: datetime | None = None
) -> None:
    """Write the views counted in the cache to the row, at most once per few minutes.

    ``last_viewed_at`` is the row's value as the request read it. The write
    is a conditional update on it, so of concurrent requests one writes.
    """
    now = now or timezone.now()
    if last_viewed_at is not None and now - last_viewed_at < VIEW_FLUSH_INTERVAL:
        return
    # A leased stamp still shows the old time: this worker knows it wrote since.
    written = _written_here.get(link_id)
    if written is not None and now - written < VIEW_FLUSH_INTERVAL:
        return
    _written_here[link_id] = now
    claimed = ShareLink.objects.filter(pk=link_id, last_viewed_at=last_viewed_at).update(
        last_viewed_at=now
    )
    if not claimed:
        return
    key = views_key(link_id)
    taken = cache.get(key) or 1
    with contextlib.suppress(ValueError):  # evicted meanwhile: nothing to take back
        cache.decr(key, taken)
    ShareLink.objects.filter(pk=link_id).update(view_count=F("view_count") + taken)
