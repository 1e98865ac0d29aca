"""The kinds of message a template is for, and the templates Candor ships for each.

The shipped texts are Markdown files, one per language and kind, in
``defaults/<language>/<kind>.md``: a PM lead reads and improves them without Python.
"""

from functools import cache
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from apps.core.bilingual import LANGUAGES, normalise

#: The kinds, in the order an incident needs them.
KINDS = {
    "first_notice": _("First notification with apology"),
    "update": _("Status update"),
    "alternatives": _("Alternatives proposal"),
    "decision": _("Decision confirmation"),
    "resolution": _("Resolution"),
    "retrospective": _("Retrospective report"),
}
#: The kind of message the tone check reads each as (what it expects to find in it).
TONE_KINDS = {
    "first_notice": "first_notice",
    "update": "update",
    "alternatives": "update",
    "decision": "decision",
    "resolution": "update",
    "retrospective": "retrospective",
}
#: A template longer than this is refused: a status update holds at most 20,000 characters,
#: and the filled values need room too.
MAX_BODY_CHARS = 10_000

DEFAULTS_DIR = Path(__file__).resolve().parent / "defaults"


def is_kind(kind: str) -> bool:
    return kind in KINDS


@cache
def default_body(kind: str, language: str) -> str:
    """The shipped template of ``kind`` in ``language``."""
    if kind not in KINDS:
        raise KeyError(kind)
    language = normalise(language)
    return (DEFAULTS_DIR / language / f"{kind}.md").read_text(encoding="utf-8").strip() + "\n"


def all_defaults() -> list[tuple[str, str, str]]:
    """``(kind, language, body)`` of every shipped template."""
    return [(kind, lang, default_body(kind, lang)) for kind in KINDS for lang in LANGUAGES]
