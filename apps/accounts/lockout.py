"""How a login that is locked out is answered, and which address it is counted for.

django-axes counts failed logins per username and client address
(``AXES_*`` in config/settings.py); these functions are its hooks.
"""

from ipaddress import ip_address

from axes.helpers import get_cool_off
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


#: Longer than any username can be (``User.username`` is 150), and what the record's column holds.
MAX_USERNAME = 150


def lockout_username(request, credentials=None) -> str:
    """The username failures are counted for, cut to what a username can be.

    A username longer than any real one (10,000 characters) would not fit the
    record's column and turn a wrong login into a server error; cut, it still
    counts against the same attempts, and it can never be a real account.
    """
    if credentials and credentials.get("username") is not None:
        username = credentials.get("username")
    else:
        username = request.POST.get("username", "") if request is not None else ""
    return str(username or "")[:MAX_USERNAME]


def lockout_response(request, original_response=None, credentials=None):
    """A page in the user's language: locked for this address, for how long, who can unlock."""
    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
    context = {
        "username": lockout_username(request, credentials),
        "cool_off_minutes": minutes,
    }
    return render(request, LOCKOUT_TEMPLATE, context, status=429)
