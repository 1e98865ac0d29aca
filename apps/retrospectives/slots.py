"""What the retrospectives put on the pages and rules below them (``apps.core.slots``)."""

from apps.communications.models import MeetingStatus
from apps.incidents.models import Incident

from .models import Retrospective


def incident_page(*, incident: Incident, **kwargs) -> dict:
    """The retrospective's card, once the incident is resolved (two small queries then)."""
    if incident.resolved_at is None and not incident.is_closed:
        return {"retro_card": None}
    retrospective = Retrospective.objects.filter(incident=incident).first()
    meeting = None
    if incident.resolved_at is not None:
        meeting = (
            incident.meetings.exclude(status=MeetingStatus.CANCELLED)
            .filter(starts_at__gte=incident.resolved_at)
            .order_by("starts_at")
            .first()
        )
    return {"retro_card": {"retrospective": retrospective, "review_meeting": meeting}}


def connect() -> None:
    from apps.incidents.pages import INCIDENT_PAGE
    from apps.incidents.services import STATUS_CHANGED

    from .services.closing import follow_status

    STATUS_CHANGED.fill(follow_status)
    INCIDENT_PAGE.fill(incident_page)
