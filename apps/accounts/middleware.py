import zoneinfo

from django.utils import timezone

from .selectors import profile_for


class UserPreferencesMiddleware:
    """Show times in the signed-in user's time zone.

    The language comes from the language switch (cookie) or the browser; the
    profile's language is applied at login (see ``apps.accounts.signals``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        profile = profile_for(request.user)
        if profile is not None:
            try:
                timezone.activate(zoneinfo.ZoneInfo(profile.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)
