"""Publishing the client report: once, in every language the contacts read.

Publishing puts the report on the status page (a section of its own, and an
entry of the Atom feed, both read from ``published_at``) and e-mails it to
every contact who receives updates, in their language and time zone, with
their own status-page link, in the same transaction as the publication.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from apps.communications.services.notices import email_contacts
from apps.core.bilingual import LANGUAGE_NAMES, language_gaps
from apps.events.services import Actor, event_record
from apps.incidents.models import IncidentStatus
from apps.incidents.services import incident_public_changed

from ..models import REPORT_TEXT_LABELS, REPORT_TEXTS, Retrospective
from ..report import client_report

#: The e-mail's templates: ``<prefix>_subject.txt``, ``_body.txt``, ``_body.html``.
EMAIL_TEMPLATES = "retrospectives/email/report"


def email_key(retrospective: Retrospective) -> str:
    """The outbox key of the report's e-mails (``retrospective:<id>:contact:<contact id>``)."""
    return f"retrospective:{retrospective.pk}"


def report_gaps(retrospective: Retrospective, languages=None) -> list[str]:
    """What stops the report from being published, each said as the PM reads it."""
    if languages is None:
        languages = retrospective.incident.contact_languages
    problems = []
    unwritten = [
        str(label)
        for name, label in REPORT_TEXT_LABELS.items()
        if not getattr(retrospective, name).strip()
    ]
    separator = pgettext("list separator", ", ")
    if unwritten:
        problems.append(
            _("Write every part of the client report: %(parts)s.")
            % {"parts": separator.join(unwritten)}
        )
    for language, names in language_gaps(retrospective, REPORT_TEXTS, languages).items():
        problems.append(
            _("Missing in %(language)s: %(fields)s.")
            % {
                "language": LANGUAGE_NAMES[language],
                "fields": separator.join(str(REPORT_TEXT_LABELS[name]) for name in names),
            }
        )
    return problems


@transaction.atomic
def retrospective_publish(
    *, retrospective: Retrospective, actor: Actor, now: datetime | None = None
) -> Retrospective:
    """Publish the client report: the status page shows it, the feed carries it,
    and each contact who receives updates is e-mailed it in their language.

    Publishing twice publishes once: the second call finds the report out
    and changes nothing, sends nothing (and the outbox keys of the e-mails,
    one per retrospective and contact, would refuse a second e-mail anyway).

    Steps: lock the row; stop if it is out; refuse while the incident is not
    resolved or the report has gaps; stamp it; record the event; e-mail the
    contacts; move the status page on.
    """
    now = now or timezone.now()
    retrospective = (
        Retrospective.objects.select_for_update()
        .select_related("incident__project")
        .get(pk=retrospective.pk)
    )
    if retrospective.is_published:
        return retrospective
    incident = retrospective.incident
    if incident.status != IncidentStatus.RESOLVED:
        raise ValidationError(
            _("The client report is published once the incident is resolved, before it is closed."),
            code="not_resolved",
        )
    problems = report_gaps(retrospective)
    if problems:
        raise ValidationError(problems, code="report_incomplete")
    retrospective.published_at = now
    retrospective.published_by = actor
    retrospective.updated_at = now
    retrospective.save(update_fields=["published_at", "published_by", "updated_at"])
    emailed = email_contacts(
        incident=incident,
        templates=EMAIL_TEMPLATES,
        key=email_key(retrospective),
        actor=actor,
        now=now,
        report=client_report(retrospective),
    )
    event_record(
        actor=actor,
        verb="retrospective.published",
        obj=retrospective,
        incident=incident,
        project=incident.project,
        data={"languages": sorted(incident.contact_languages), "emailed": emailed},
        now=now,
    )
    incident_public_changed(incident_id=incident.pk)
    return retrospective
