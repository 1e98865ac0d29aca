"""The marks on the client's trust trend that the apps above the log put there.

The trend draws the client's reactions from the log; what the team did in
the meantime (an update published, a decision recorded, a remedy offered, a
commitment missed) belongs to apps above the communications, and some of them
cannot import one another. So each fills ``TREND_MARKERS`` from its
``AppConfig.ready()`` (see ``apps.core.slots``); the trend asks the slot.
"""

from dataclasses import dataclass
from datetime import datetime

from apps.core.slots import Slot


@dataclass(frozen=True)
class TrendMarker:
    """One moment marked on the trend's time axis, in the reader's language."""

    at: datetime
    #: A short stable key ("update", "decision", "remedy", …): it picks the style.
    kind: str
    #: What this kind is called, for the legend ("Decision recorded").
    kind_name: str
    #: What happened ("Decision: Go live with a smaller scope").
    label: str


#: Fillers are called as ``filler(markers, incident=incident)`` and return
#: ``markers`` with their own appended; each should cost one query at most.
TREND_MARKERS = Slot("markers on the trust trend")
