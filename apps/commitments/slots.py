"""What the commitments put on the incident page."""

from apps.incidents.pages import INCIDENT_PAGE

from .selectors import incident_commitments


def incident_page(*, incident, now, **kwargs) -> dict:
    return {"commitments": incident_commitments(incident, now)}


def connect() -> None:
    INCIDENT_PAGE.fill(incident_page)
