"""What the retrospectives put on the pages and rules below them (``apps.core.slots``)."""


def connect() -> None:
    from apps.incidents.services import STATUS_CHANGED

    from .services.closing import follow_status

    STATUS_CHANGED.fill(follow_status)
