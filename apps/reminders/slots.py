"""What the reminders put on the incident page: the snoozes, and the form to snooze."""

from apps.incidents.pages import INCIDENT_PAGE

from .forms import SnoozeForm
from .selectors import active_snoozes


def incident_page(*, incident, now, forms, **kwargs) -> dict:
    return {
        "snooze_form": forms.get("snooze_form") or SnoozeForm(incident=incident, now=now),
        "snoozes": active_snoozes(incident, now),
    }


def connect() -> None:
    INCIDENT_PAGE.fill(incident_page)
