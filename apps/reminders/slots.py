"""What the reminders put on the incident page: the snoozes, the form to snooze, and
the reminders that could not be delivered."""

from apps.incidents.pages import INCIDENT_PAGE

from .forms import SnoozeForm
from .selectors import active_snoozes, failed_reminders


def incident_page(*, incident, now, forms, **kwargs) -> dict:
    return {
        "snooze_form": forms.get("snooze_form") or SnoozeForm(incident=incident, now=now),
        "snoozes": active_snoozes(incident, now),
        "failed_reminders": failed_reminders(incident),
    }


def connect() -> None:
    INCIDENT_PAGE.fill(incident_page)
