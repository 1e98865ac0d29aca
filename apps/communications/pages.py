"""The communications' slots, filled by the apps above (see ``apps.core.slots``)."""

from apps.core.slots import Slot

#: Fillers get ``request``, ``meeting`` and ``access``; e.g. the decisions taken in it.
MEETING_PAGE = Slot("meeting page")
#: The address of a client contact's own status page, which every e-mail to them
#: carries. Fillers get ``contact``, ``incident``, ``actor`` and ``now`` and
#: return ``{"status_url": …}`` (the status page fills it).
CLIENT_LINK = Slot("a client contact's status-page link")
#: A new status update's form. Fillers get ``request`` and ``incident`` and return
#: what the page offers to start from: ``template_menu`` (links, the suggested one
#: first) and, once one is chosen, ``template_initial`` (the form's two texts).
UPDATE_DRAFT = Slot("drafting a new status update")


def contact_status_url(*, contact, incident, actor, now) -> str:
    """The contact's link for this incident, or "" when no app gives one."""
    return CLIENT_LINK.context(contact=contact, incident=incident, actor=actor, now=now).get(
        "status_url", ""
    )
