"""What the trust trend puts on the pages below it, and its own marks (``apps.core.slots``)."""

from apps.communications.trend import TREND_MARKERS
from apps.incidents.models import Incident

from .chart import trend_chart
from .markers import decision_markers, remedy_markers, update_markers
from .selectors import trust_trend


def incident_page(*, incident: Incident, now, **kwargs) -> dict:
    """The trend and its chart: a constant number of queries whatever the history."""
    trend = trust_trend(incident, now=now)
    return {"trust_trend": trend, "trust_chart": trend_chart(trend)}


def connect() -> None:
    from apps.incidents.pages import INCIDENT_PAGE

    TREND_MARKERS.fill(update_markers)
    TREND_MARKERS.fill(decision_markers)
    TREND_MARKERS.fill(remedy_markers)
    INCIDENT_PAGE.fill(incident_page)
