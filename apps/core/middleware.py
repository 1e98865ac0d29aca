"""Refuse requests that cannot be read, before any view sees them.

A form body in a charset that Django cannot parse, or a NUL character in the
address, used to reach the views and fail there: garbled fields, Django's bare
English "Bad Request" page, or a 500 when PostgreSQL refused the NUL. Each is
the client's mistake, so the answer is a 400 page in the user's language
(``apps.core.views.bad_request``).
"""

import codecs

from django.core.exceptions import BadRequest
from django.utils.translation import gettext_lazy as _

FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

#: Every character that shapes a form body: names, values, escapes, boundaries.
ASCII_PROBE = "azAZ09=&+%-_.~!*'()/:;,?@ \"\r\n"

UNREADABLE_MESSAGE = _("This request could not be read: send the form again from the page.")
NUL_MESSAGE = _(
    "This address contains a character that cannot be used (a null character). "
    "Go back to the page and search or filter again."
)


class UnreadableRequest(BadRequest):
    """A refused request: ``str()`` is logged, ``user_message`` is shown."""

    def __init__(self, reason: str, user_message=UNREADABLE_MESSAGE):
        super().__init__(reason)
        self.user_message = user_message


def form_codec(charset: str) -> codecs.CodecInfo | None:
    """The codec for ``charset`` if Django can parse a form sent in it, else None.

    Django splits a form body on ASCII bytes (``&``, ``=``, the multipart
    boundary) before decoding, so the charset must write ASCII as ASCII:
    UTF-16, UTF-32 and UTF-7 do not, and neither do EBCDIC code pages.
    Django decodes with ``errors="replace"``, which some codecs (idna) refuse.
    """
    try:
        codec = codecs.lookup(charset)
        if ASCII_PROBE.encode(codec.name) != ASCII_PROBE.encode("ascii"):
            return None
        if ASCII_PROBE.encode("ascii").decode(codec.name) != ASCII_PROBE:
            return None
        bytes(range(256)).decode(codec.name, "replace")
    except (LookupError, TypeError, UnicodeError, ValueError):
        # LookupError: unknown name, or a bytes-to-bytes codec such as base64.
        return None
    return codec


def check_form_body(request) -> None:
    """Refuse a POSTed form whose charset or body Django cannot decode.

    Steps:
    1. A charset that is unknown or not ASCII-compatible is refused for both
       form types.
    2. multipart bodies can be large files: only the charset name is checked,
       so the body is still streamed to the upload handlers, read once.
    3. urlencoded bodies are UTF-8 by definition (Django refuses any other
       charset); the body is read (within DATA_UPLOAD_MAX_MEMORY_SIZE, and
       kept for request.POST) and must decode as UTF-8.
    """
    if request.method != "POST" or request.content_type not in FORM_CONTENT_TYPES:
        return
    charset = request.content_params.get("charset")
    codec = form_codec(charset) if charset is not None else codecs.lookup("utf-8")
    if codec is None:
        raise UnreadableRequest(f"Form sent in a charset that cannot be read: {charset[:40]!r}")
    if request.content_type != "application/x-www-form-urlencoded":
        return
    if codec.name != "utf-8":
        raise UnreadableRequest(f"Form-urlencoded body in a charset other than UTF-8: {charset!r}")
    # Django compares the name literally: "UTF8" names UTF-8 too.
    request.encoding = "utf-8"
    try:
        request.body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableRequest("Form-urlencoded body is not valid UTF-8") from exc


def check_no_nul_in_address(request) -> None:
    """Refuse a NUL in the path or the query string of any request.

    PostgreSQL cannot store or compare a string holding NUL, so a NUL in an
    admin search or list filter, or in a status-page token, used to end in a
    500. Form fields are left alone: Django's CharField already refuses NUL
    with a field error, which keeps what the user typed, and better than a
    400 page would.
    """
    if "\x00" in request.path:
        raise UnreadableRequest("NUL character in the path", NUL_MESSAGE)
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            raise UnreadableRequest("NUL character in the query string", NUL_MESSAGE)


class RefuseUnreadableRequestsMiddleware:
    """Answer 400 to a request no view could read (see the module docstring).

    Runs after the locale, session and authentication middleware so that the
    400 page speaks the user's language and shows their navigation; raising
    BadRequest lets Django render it through ``handler400``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        check_form_body(request)
        check_no_nul_in_address(request)
        return self.get_response(request)
