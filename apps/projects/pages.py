"""The projects' slots, filled by the apps above (see ``apps.core.slots``)."""

from apps.core.slots import Slot

#: The projects list's query: fillers annotate it, e.g. with incident counts.
PROJECT_LIST = Slot("projects list")
#: The project page's context: fillers get ``request``, ``project`` and ``access``.
PROJECT_PAGE = Slot("project page")
#: Rules before a project is archived: fillers get ``project`` and raise to refuse.
#: Fillers are called with ``project`` after something the client's pages show of the
#: project changed (its delivery date, its milestones), in the same transaction.
PUBLIC_CHANGED = Slot("after what the client sees of a project changed")
BEFORE_ARCHIVE = Slot("before a project is archived")
