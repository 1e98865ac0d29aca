"""The retrospective's part in the incident's lifecycle.

Resolving an incident starts its retrospective and sets the review
meeting's deadline (five business days on); reopening it lifts that
deadline; closing it needs the client report published, or the PM's reason
why there is none (``STATUS_CHANGED``, filled in ``apps.retrospectives.slots``).
"""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.events.services import Actor, event_record
from apps.incidents.models import Incident, IncidentStatus
from apps.incidents.services import incident_close

from ..models import REVIEW_MEETING_BUSINESS_DAYS, Retrospective

#: When a working day ends, for a deadline counted from a weekend.
END_OF_WORKING_DAY = 18


def review_due_by(resolved_at: datetime, days: int = REVIEW_MEETING_BUSINESS_DAYS) -> datetime:
    """``days`` business days (Monday to Friday) after ``resolved_at``, in the team's time zone.

    Resolved on a Friday afternoon, the meeting is due the next Friday at the
    same time of day; resolved at a weekend, Monday is the first of the days
    and the meeting is due by the end (18:00) of the fifth, that Friday.
    """
    local = timezone.localtime(resolved_at, timezone.get_default_timezone())
    moment = local
    left = days
    if moment.weekday() >= 5:
        while moment.weekday() >= 5:
            moment += timedelta(days=1)
        moment = moment.replace(hour=END_OF_WORKING_DAY, minute=0, second=0, microsecond=0)
        left -= 1
    while left:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            left -= 1
    # Normalise across a daylight-saving change: same wall-clock time.
    return timezone.make_aware(moment.replace(tzinfo=None), local.tzinfo)


def follow_status(*, incident: Incident, previous: str, actor: Actor, now: datetime) -> None:
    """Filler of ``STATUS_CHANGED``: start, pause or require the retrospective."""
    if incident.status == IncidentStatus.RESOLVED:
        retrospective, _created = Retrospective.objects.get_or_create(
            incident=incident, defaults={"created_at": now, "updated_at": now}
        )
        retrospective.review_meeting_due_at = review_due_by(incident.resolved_at)
        retrospective.save(update_fields=["review_meeting_due_at"])
    elif previous == IncidentStatus.RESOLVED and incident.status != IncidentStatus.CLOSED:
        # Reopened: no review is due while the work goes on.
        Retrospective.objects.filter(incident=incident).update(review_meeting_due_at=None)
    if incident.status == IncidentStatus.CLOSED:
        retrospective = Retrospective.objects.filter(incident=incident).first()
        if retrospective is None or (
            not retrospective.is_published and not retrospective.no_report_reason.strip()
        ):
            raise ValidationError(
                _(
                    "Publish the client report before closing the incident, "
                    "or say why there is none."
                ),
                code="no_client_report",
            )
        if retrospective.review_meeting_due_at is not None:
            retrospective.review_meeting_due_at = None
            retrospective.save(update_fields=["review_meeting_due_at"])


@transaction.atomic
def retrospective_close(
    *, incident: Incident, actor: Actor, now: datetime | None = None
) -> Incident:
    """Close the incident; refused until the report is published or excused."""
    return incident_close(incident=incident, actor=actor, now=now)


@transaction.atomic
def retrospective_close_without_report(
    *, incident: Incident, actor: Actor, reason: str, now: datetime | None = None
) -> Incident:
    """Close the incident with no client report, for the reason the PM gives."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Say why the client gets no report.")}, code="reason_required"
        )
    retrospective = Retrospective.objects.select_for_update().filter(incident=incident).first()
    if retrospective is None:
        raise ValidationError(_("Resolve the incident before closing it."), code="not_resolved")
    if retrospective.is_published:
        raise ValidationError(
            _("The client report is already published: close the incident normally."),
            code="already_published",
        )
    retrospective.no_report_reason = reason
    retrospective.updated_at = now
    retrospective.save(update_fields=["no_report_reason", "updated_at"])
    event_record(
        actor=actor,
        verb="retrospective.report_waived",
        obj=retrospective,
        incident=incident,
        project=incident.project,
        data={"reason": reason},
        now=now,
    )
    return incident_close(incident=incident, actor=actor, now=now)
