"""The meeting page's slot, filled by the apps above (see ``apps.core.slots``)."""

from apps.core.slots import Slot

#: Fillers get ``request``, ``meeting`` and ``access``; e.g. the decisions taken in it.
MEETING_PAGE = Slot("meeting page")
