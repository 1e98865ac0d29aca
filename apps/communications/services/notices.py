"""Notices to the client: what changes what they must know, e-mailed unasked.

A decision taken together and the resolution of the incident change what the
client must know, like an update does; each contact who receives updates is
e-mailed, in their language and time zone, with their own status-page link.
"""

from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone, translation

from apps.events.services import Actor
from apps.incidents.models import Incident, IncidentStatus
from apps.outbox.services import email_enqueue
from apps.projects.selectors import delivery_summary

from ..pages import contact_status_url

#: The notices there are, each with its e-mail templates ``notice_<kind>_*``.
NOTICE_KINDS = ("decision", "resolved")


def email_contacts(
    *,
    incident: Incident,
    templates: str,
    key: str,
    actor: Actor,
    now: datetime,
    **context,
) -> int:
    """E-mail every contact who receives updates, each in their language; returns how many.

    ``templates`` is the e-mail templates' prefix (``<prefix>_subject.txt``,
    ``_body.txt``, ``_body.html``); ``key`` names what the e-mail is about,
    and each contact's e-mail is keyed ``<key>:contact:<id>`` in the outbox:
    the same e-mail is never sent twice to the same contact.
    """
    contacts = list(incident.project.contacts.filter(receives_updates=True).order_by("name"))
    # Read once; each contact's e-mail dates it in their own time zone.
    delivery = delivery_summary(incident.project)
    for contact in contacts:
        url = contact_status_url(contact=contact, incident=incident, actor=actor, now=now)
        with translation.override(contact.language), timezone.override(contact.time_zone):
            values = context | {
                "incident": incident,
                "project": incident.project,
                "contact": contact,
                "status_url": url,
                "delivery": delivery and delivery.in_current_time_zone(),
            }
            email_enqueue(
                key=f"{key}:contact:{contact.pk}",
                to=contact.email,
                subject=render_to_string(f"{templates}_subject.txt", values),
                body_text=render_to_string(f"{templates}_body.txt", values),
                body_html=render_to_string(f"{templates}_body.html", values),
                now=now,
            )
    return len(contacts)


def notify_contacts(
    *,
    incident: Incident,
    kind: str,
    key: str,
    actor: Actor,
    now: datetime,
    **context,
) -> int:
    """E-mail a notice to every contact who receives updates; returns how many.

    ``key`` names what the notice is about (a decision, a resolution at a
    moment): the same notice is never e-mailed twice to the same contact.
    """
    if kind not in NOTICE_KINDS:
        raise ValueError(f"Unknown notice {kind!r}")
    return email_contacts(
        incident=incident,
        templates=f"communications/email/notice_{kind}",
        key=f"notice:{key}",
        actor=actor,
        now=now,
        **context,
    )


def notify_resolution(*, incident: Incident, previous: str, actor: Actor, now: datetime) -> None:
    """The client hears that the incident is resolved (filler of ``STATUS_CHANGED``)."""
    if incident.status == IncidentStatus.RESOLVED and previous != IncidentStatus.RESOLVED:
        notify_contacts(
            incident=incident,
            kind="resolved",
            key=f"resolved:{incident.pk}:{incident.resolved_at.isoformat()}",
            actor=actor,
            now=now,
        )
