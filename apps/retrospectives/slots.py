"""What the retrospectives put on the pages and rules below them (``apps.core.slots``)."""

from apps.incidents.models import Incident

from .models import Retrospective
from .selectors import review_meetings


def incident_page(*, incident: Incident, **kwargs) -> dict:
    """The retrospective's card, once the incident is resolved (two small queries then)."""
    if incident.resolved_at is None and not incident.is_closed:
        return {"retro_card": None}
    retrospective = Retrospective.objects.filter(incident=incident).first()
    meeting = review_meetings(incident).first()
    return {"retro_card": {"retrospective": retrospective, "review_meeting": meeting}}


def connect() -> None:
    from apps.incidents.pages import INCIDENT_PAGE
    from apps.incidents.services import STATUS_CHANGED

    from .services.closing import follow_status

    STATUS_CHANGED.fill(follow_status)
    INCIDENT_PAGE.fill(incident_page)
