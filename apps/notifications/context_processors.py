from .selectors import unread_notification_count


def notifications(request) -> dict:
    """The unread count for the navbar badge: one query, signed-in users only."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notification_count": unread_notification_count(user)}
