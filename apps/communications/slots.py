"""What the communication log, the updates and the meetings put on the incident page."""

from apps.incidents.pages import INCIDENT_PAGE

from .selectors import incident_drafts, incident_timeline, past_meetings, scheduled_meetings


def incident_page(*, incident, **kwargs) -> dict:
    return {
        "timeline": incident_timeline(incident),
        "drafts": incident_drafts(incident),
        "scheduled_meetings": scheduled_meetings(incident),
        "past_meetings": past_meetings(incident),
    }


def connect() -> None:
    INCIDENT_PAGE.fill(incident_page)
