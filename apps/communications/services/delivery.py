"""E-mails to the client that failed for good: the team hears of it, and may try again.

The outbox knows only addresses and keys; the keys name what each e-mail was
(``update:<id>:contact:<id>``, ``meeting:<id>:seq:<n>:<address>``), so the
people who sent it are told, in their inbox, who did not receive what and why.
"""

from datetime import datetime

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.notifications.services import notify
from apps.outbox.models import OutgoingEmail
from apps.projects.models import ClientContact, ProjectRole

from ..models import Meeting, StatusUpdate
from ..selectors import MEETING_KEY, UPDATE_KEY


def _team_to_tell(incident, sender):
    """Who sent it and the project's PMs, each once."""
    people = {sender.pk: sender} if sender is not None else {}
    for membership in incident.project.memberships.filter(role=ProjectRole.PM).select_related(
        "user"
    ):
        people.setdefault(membership.user_id, membership.user)
    return list(people.values())


def _language_of(user) -> str:
    profile = getattr(user, "profile", None)
    return getattr(profile, "language", None) or "en"


def tell_the_team(*, email: OutgoingEmail, now: datetime) -> None:
    """Filler of the outbox's ``EMAIL_FAILED``: the sender and the PMs are notified."""
    found = UPDATE_KEY.match(email.dedupe_key)
    if found:
        update = (
            StatusUpdate.objects.select_related("incident__project", "published_by")
            .filter(pk=found["update"])
            .first()
        )
        contact = ClientContact.objects.filter(pk=found["contact"]).first()
        if update is None:
            return
        incident, sender = update.incident, update.published_by
        url = f"{incident.get_absolute_url()}#update-{update.pk}"
        name = contact.name if contact else email.to
        title = gettext_lazy("An update was not delivered to %(name)s")
    else:
        found = MEETING_KEY.match(email.dedupe_key)
        meeting = (
            Meeting.objects.select_related("incident__project", "organizer")
            .filter(pk=found["meeting"])
            .first()
            if found
            else None
        )
        if meeting is None:
            return
        incident, sender = meeting.incident, meeting.organizer
        url = meeting.get_absolute_url()
        name = email.to
        title = gettext_lazy("A meeting invitation was not delivered to %(name)s")
    for user in _team_to_tell(incident, sender):
        with translation.override(_language_of(user)):
            notify(
                user=user,
                key=f"email-failed:{email.pk}:{email.attempts}:user:{user.pk}",
                title=str(title) % {"name": name},
                body=_("The e-mail server said: %(reason)s") % {"reason": email.last_error},
                url=url,
                about=incident.title,
                now=now,
            )
