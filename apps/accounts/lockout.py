"""How a login that is locked out is answered, and which address it is counted for.

django-axes counts failed logins per username and client address
(``AXES_*`` in config/settings.py); these two functions are its hooks.
"""

from ipaddress import ip_address

from axes.helpers import get_client_username, get_cool_off
from django.shortcuts import render

from apps.core.http import client_address

LOCKOUT_TEMPLATE = "registration/locked_out.html"


def lockout_client_address(request) -> str | None:
    """The address failures are counted for: the same one the status page throttles.

    It is stored in an IP-address column, so a value that is not an address
    (a header the client wrote itself) falls back to the connecting address.
    """
    for candidate in (client_address(request), request.META.get("REMOTE_ADDR")):
        try:
            return str(ip_address(candidate or ""))
        except ValueError:
            continue
    return None


def lockout_response(request, original_response=None, credentials=None):
    """A page in the user's language: locked for this address, for how long, who can unlock."""
    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
    context = {
        "username": get_client_username(request, credentials) or "",
        "cool_off_minutes": minutes,
    }
    return render(request, LOCKOUT_TEMPLATE, context, status=429)
