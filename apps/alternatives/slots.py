"""What the alternatives and decisions put on the incident and meeting pages."""

from apps.communications.pages import MEETING_PAGE
from apps.incidents.pages import INCIDENT_PAGE

from .selectors import incident_alternatives, incident_decisions, meeting_decisions


def incident_page(*, incident, **kwargs) -> dict:
    return {
        "alternatives": incident_alternatives(incident),
        "decisions": incident_decisions(incident),
    }


def meeting_page(*, meeting, **kwargs) -> dict:
    return {"decisions": meeting_decisions(meeting)}


def connect() -> None:
    INCIDENT_PAGE.fill(incident_page)
    MEETING_PAGE.fill(meeting_page)
