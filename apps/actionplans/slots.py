"""What the action plan puts on the incident page and the dashboard."""

from apps.incidents.pages import INCIDENT_PAGE
from apps.incidents.selectors import DASHBOARD, OPEN_WORK

from .selectors import (
    incident_plan,
    incident_remedies,
    open_remediation,
    with_overdue_action_count,
)


def incident_page(*, incident, now, **kwargs) -> dict:
    return {"plan": incident_plan(incident, now), "remedies": list(incident_remedies(incident))}


def dashboard(incidents, *, now=None):
    return with_overdue_action_count(incidents, now)


def open_work(*, incident) -> dict:
    """Resolving while the fix is unfinished needs a reason: the open remediation actions.

    Prevention actions are not asked about: they usually go on after the
    problem itself is solved.
    """
    return {"open_remediation": open_remediation(incident)}


def connect() -> None:
    INCIDENT_PAGE.fill(incident_page)
    DASHBOARD.fill(dashboard)
    OPEN_WORK.fill(open_work)
