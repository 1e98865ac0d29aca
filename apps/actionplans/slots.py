"""What the action plan puts on the incident page and the dashboard."""

from apps.incidents.pages import INCIDENT_PAGE
from apps.incidents.selectors import DASHBOARD

from .selectors import incident_plan, incident_remedies, with_overdue_action_count


def incident_page(*, incident, now, **kwargs) -> dict:
    return {"plan": incident_plan(incident, now), "remedies": list(incident_remedies(incident))}


def dashboard(incidents, *, now=None):
    return with_overdue_action_count(incidents, now)


def connect() -> None:
    INCIDENT_PAGE.fill(incident_page)
    DASHBOARD.fill(dashboard)
