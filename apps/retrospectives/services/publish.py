"""Publishing the client report: once, in every language the contacts read."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from apps.core.bilingual import LANGUAGE_NAMES, language_gaps
from apps.events.services import Actor, event_record
from apps.incidents.models import IncidentStatus
from apps.incidents.services import incident_public_changed

from ..models import REPORT_TEXT_LABELS, REPORT_TEXTS, Retrospective


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
    and changes nothing, sends nothing.
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
    event_record(
        actor=actor,
        verb="retrospective.published",
        obj=retrospective,
        incident=incident,
        project=incident.project,
        data={"languages": sorted(incident.contact_languages)},
        now=now,
    )
    incident_public_changed(incident_id=incident.pk)
    return retrospective
