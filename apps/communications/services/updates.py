"""Status updates: drafts in English and Chinese, then publishing them to the client."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.core.bilingual import fallback_mark, lang_tag, text_in
from apps.core.markdown import render_markdown, render_text
from apps.events.services import Actor, event_record, record_changes, snapshot
from apps.incidents.models import Incident
from apps.incidents.services import (
    ensure_not_closed,
    incident_public_changed,
    incident_record_first_contact,
)
from apps.outbox.services import email_enqueue
from apps.projects.models import ClientContact
from apps.projects.selectors import delivery_summary

from ..models import LogChannel, LogEntry, StatusUpdate, UpdateStatus
from ..pages import contact_status_url

BODY_FIELDS = ("body_en", "body_zh_hans")


def _clean_bodies(body_en: str, body_zh_hans: str) -> tuple[str, str]:
    body_en, body_zh_hans = body_en.strip(), body_zh_hans.strip()
    if not body_en and not body_zh_hans:
        raise ValidationError(_("Write the update in English, in Chinese, or in both."))
    return body_en, body_zh_hans


@transaction.atomic
def update_draft_save(
    *,
    incident: Incident,
    actor: AbstractBaseUser,
    body_en: str,
    body_zh_hans: str,
    update: StatusUpdate | None = None,
    now: datetime | None = None,
) -> StatusUpdate:
    """Create a draft (its author is the actor) or edit one. Published updates are never edited."""
    now = now or timezone.now()
    ensure_not_closed(incident)
    body_en, body_zh_hans = _clean_bodies(body_en, body_zh_hans)
    if update is None:
        update = StatusUpdate(incident=incident, author=actor, created_at=now)
        before = None
    elif update.status != UpdateStatus.DRAFT:
        raise ValidationError(_("A published update cannot be changed."), code="published")
    else:
        before = snapshot(update, BODY_FIELDS)
    update.body_en = body_en
    update.body_zh_hans = body_zh_hans
    update.save()
    if before is None:
        event_record(
            actor=actor,
            verb="update.drafted",
            obj=update,
            incident=incident,
            data=snapshot(update, BODY_FIELDS),
            now=now,
        )
    else:
        record_changes(
            actor=actor,
            verb="update.draft_edited",
            obj=update,
            before=before,
            fields=BODY_FIELDS,
            incident=incident,
            now=now,
        )
    return update


@transaction.atomic
def update_draft_discard(
    *, update: StatusUpdate, actor: Actor, now: datetime | None = None
) -> None:
    """Throw a draft away; the record keeps what it said."""
    if update.status != UpdateStatus.DRAFT:
        raise ValidationError(_("A published update cannot be deleted."), code="published")
    event_record(
        actor=actor,
        verb="update.draft_discarded",
        obj=update,
        incident=update.incident_id,
        project=update.incident.project_id,
        data=snapshot(update, BODY_FIELDS),
        now=now,
    )
    update.delete()


def _languages(update: StatusUpdate) -> list[str]:
    """The languages the update is written in."""
    texts = (("en", update.body_en), ("zh-hans", update.body_zh_hans))
    return [code for code, text in texts if text]


def _update_email(update: StatusUpdate, contact: ClientContact, *, delivery, actor, now) -> dict:
    incident = update.incident
    status_url = contact_status_url(contact=contact, incident=incident, actor=actor, now=now)
    with translation.override(contact.language), timezone.override(contact.time_zone):
        body = text_in(update, "body", contact.language)
        context = {
            "status_url": status_url,
            "update": update,
            "incident": incident,
            "project": incident.project,
            "contact": contact,
            "delivery": delivery and delivery.in_current_time_zone(),
            "body": render_text(body.value),
            "body_html": render_markdown(body.value),
            # Written only in the other language: the contact is told so, above the text.
            "body_fallback": fallback_mark(body.language) if body.is_fallback else "",
            "body_lang": lang_tag(body.language),
        }
        return {
            "subject": render_to_string("communications/email/update_subject.txt", context),
            "body_text": render_to_string("communications/email/update_body.txt", context),
            "body_html": render_to_string("communications/email/update_body.html", context),
        }


@transaction.atomic
def update_publish(
    *, update: StatusUpdate, actor: AbstractBaseUser, now: datetime | None = None
) -> StatusUpdate:
    """Publish an update: log it, reset the update clock, e-mail the contacts.

    Steps: lock the incident; record which deadline this update answers; mark
    the update published; write the log entry; count it as the first contact
    if it is one; set ``next_update_due_at = now + cadence`` while the incident
    is open; write one outbox e-mail per contact who receives updates, in the
    contact's language (sent after commit); record the event.
    """
    now = now or timezone.now()
    incident = Incident.objects.select_for_update().get(pk=update.incident_id)
    update = StatusUpdate.objects.select_for_update().get(pk=update.pk)
    ensure_not_closed(incident)
    if update.status != UpdateStatus.DRAFT:
        raise ValidationError(_("This update was already published."), code="published")
    update.was_due_at = (
        incident.first_contact_due_at
        if incident.first_contact_at is None
        else incident.next_update_due_at
    )
    update.status = UpdateStatus.PUBLISHED
    update.published_at = now
    update.published_by = actor
    update.save()
    LogEntry.objects.create(
        incident=incident,
        channel=LogChannel.UPDATE,
        occurred_at=now,
        summary_en=update.body_en,
        summary_zh_hans=update.body_zh_hans,
        client_visible=True,
        status_update=update,
        recorded_by=actor,
        recorded_at=now,
    )
    if incident.first_contact_at is None:
        incident = incident_record_first_contact(incident=incident, actor=actor, at=now, now=now)
    incident.last_update_at = now
    if incident.is_open:
        incident.next_update_due_at = now + incident.update_cadence
    incident.save(update_fields=["last_update_at", "next_update_due_at", "updated_at"])
    update.incident = incident
    recipients = list(incident.project.contacts.filter(receives_updates=True).order_by("name"))
    # Read once; each contact's e-mail dates it in their own time zone.
    delivery = delivery_summary(incident.project)
    for contact in recipients:
        email_enqueue(
            key=f"update:{update.pk}:contact:{contact.pk}",
            to=contact.email,
            now=now,
            **_update_email(update, contact, delivery=delivery, actor=actor, now=now),
        )
    event_record(
        actor=actor,
        verb="update.published",
        obj=update,
        incident=incident,
        data={
            "was_due_at": update.was_due_at,
            "on_time": update.was_on_time,
            "next_update_due_at": incident.next_update_due_at,
            "languages": _languages(update),
            "recipients": [
                {"id": contact.pk, "name": contact.name, "language": contact.language}
                for contact in recipients
            ],
        },
        now=now,
    )
    incident_public_changed(incident_id=incident.pk)
    return update
