"""What the communications put on the incident page, and the e-mail a resolution sends."""

from apps.incidents.pages import INCIDENT_PAGE
from apps.incidents.services import STATUS_CHANGED

from .selectors import incident_drafts, incident_timeline, past_meetings, scheduled_meetings
from .services import notify_resolution


def incident_page(*, incident, **kwargs) -> dict:
    return {
        "timeline": incident_timeline(incident),
        "drafts": incident_drafts(incident),
        "scheduled_meetings": scheduled_meetings(incident),
        "past_meetings": past_meetings(incident),
    }


def connect() -> None:
    INCIDENT_PAGE.fill(incident_page)
    STATUS_CHANGED.fill(notify_resolution)
