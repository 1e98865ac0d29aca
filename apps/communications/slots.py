"""What the communications put on the incident page, and the e-mail a resolution sends."""

from apps.incidents.pages import INCIDENT_PAGE
from apps.incidents.services import STATUS_CHANGED
from apps.outbox.services import EMAIL_FAILED

from .selectors import (
    failed_update_deliveries,
    incident_drafts,
    incident_timeline,
    past_meetings,
    scheduled_meetings,
)
from .services import notify_resolution
from .services.delivery import tell_the_team


def incident_page(*, incident, **kwargs) -> dict:
    return {
        "timeline": incident_timeline(incident),
        "drafts": incident_drafts(incident),
        "scheduled_meetings": scheduled_meetings(incident),
        "past_meetings": past_meetings(incident),
        "failed_deliveries": failed_update_deliveries(incident),
    }


def connect() -> None:
    INCIDENT_PAGE.fill(incident_page)
    STATUS_CHANGED.fill(notify_resolution)
    EMAIL_FAILED.fill(tell_the_team)
