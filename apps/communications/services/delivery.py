"""E-mails to the client that failed for good: the team hears of it, and may try again.

The outbox knows only addresses and keys; the keys name what each e-mail was
(``update:<id>:contact:<id>``, ``meeting:<id>:seq:<n>:<address>``), so the
people who sent it are told, in their inbox, who did not receive what and why.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.selectors import language_of
from apps.events.services import Actor, event_record
from apps.notifications.services import notify
from apps.outbox.models import EmailStatus, OutgoingEmail
from apps.outbox.services import email_retry
from apps.projects.models import ClientContact, ProjectRole

from ..models import Meeting, StatusUpdate
from ..selectors import MEETING_KEY, UPDATE_KEY, failed_update_deliveries, meeting_deliveries


def _team_to_tell(incident, sender):
    """Who sent it and the project's PMs, each once."""
    people = {sender.pk: sender} if sender is not None else {}
    for membership in incident.project.memberships.filter(role=ProjectRole.PM).select_related(
        "user__profile"
    ):
        people.setdefault(membership.user_id, membership.user)
    return list(people.values())


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
        url = f"{meeting.get_absolute_url()}#deliveries"
        contact = ClientContact.objects.filter(
            project_id=incident.project_id, email__iexact=email.to
        ).first()
        name = contact.name if contact else email.to
        title = gettext_lazy("A meeting invitation was not delivered to %(name)s")
    for user in _team_to_tell(incident, sender):
        with translation.override(language_of(user)):
            notify(
                user=user,
                # Once per give-up: an e-mail sent again that fails again is news again.
                key=f"email-failed:{email.pk}:{now.isoformat()}:user:{user.pk}",
                title=str(title) % {"name": name},
                body=_("The e-mail server said: %(reason)s") % {"reason": email.last_error},
                url=url,
                about=incident.title,
                now=now,
            )


def _send_again(
    *, email: OutgoingEmail, actor: Actor, now: datetime, verb: str, obj, incident, data: dict
) -> bool:
    """Queue a failed e-mail again and record who asked, once however often it is asked.

    Locked and checked still failed in the transaction, so two clicks send it once.
    """
    with transaction.atomic():
        still_failed = (
            OutgoingEmail.objects.select_for_update()
            .filter(pk=email.pk, status=EmailStatus.FAILED)
            .exists()
        )
        if not still_failed:
            return False
        email_retry(email=email, actor=actor, now=now)
        event_record(actor=actor, verb=verb, obj=obj, incident=incident, data=data, now=now)
    return True


def meeting_delivery_retry(
    *, meeting: Meeting, email_id: int, actor: Actor, now: datetime | None = None
) -> dict | None:
    """Send again one of the meeting's e-mails that failed for good, through the outbox.

    Steps: find it among the meeting's undelivered e-mails (an e-mail of
    another meeting, or one sent or superseded since, is not there), refuse
    once the meeting is over, lock it and check it still failed (two clicks
    send it once), queue it again, record who asked. Returns what was sent
    again, or ``None`` when that e-mail no longer waits to be sent again.
    """
    now = now or timezone.now()
    failure = next(
        (
            item
            for item in meeting_deliveries(meeting)
            if item["failed"] and item["email"].pk == email_id
        ),
        None,
    )
    if failure is None:
        return None
    if meeting.ends_at <= now:
        raise ValidationError(
            _("The meeting is over: there is no point in sending its invitation again."),
            code="over",
        )
    sent = _send_again(
        email=failure["email"],
        actor=actor,
        now=now,
        verb="meeting.invitation_resent",
        obj=meeting,
        incident=meeting.incident,
        data={
            "to": failure["address"],
            "sequence": failure["sequence"],
            "last_error": failure["email"].last_error,
        },
    )
    return failure if sent else None


def update_delivery_retry(
    *, update: StatusUpdate, email_id: int, actor: Actor, now: datetime | None = None
) -> dict | None:
    """Send again one e-mail of a published update that failed for good, through the outbox.

    As for a meeting: it must be one of this update's failed e-mails, still
    failed once locked (two clicks send it once); it is queued again and who
    asked is on the record. Returns what was sent again, or ``None`` when that
    e-mail no longer waits to be sent again.
    """
    now = now or timezone.now()
    failure = next(
        (
            item
            for item in failed_update_deliveries(update.incident)
            if item["update_id"] == update.pk and item["email"].pk == email_id
        ),
        None,
    )
    if failure is None:
        return None
    sent = _send_again(
        email=failure["email"],
        actor=actor,
        now=now,
        verb="update.delivery_resent",
        obj=update,
        incident=update.incident,
        data={
            "contact": failure["contact_id"],
            "to": failure["email"].to,
            "last_error": failure["email"].last_error,
        },
    )
    return failure if sent else None
