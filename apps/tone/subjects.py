"""Which texts of which message the tone check reads, by the kind of message.

A page says what it is writing (``subject``); the same list serves the live
check while typing and the form shown again without JavaScript.
"""

import re
from collections.abc import Mapping

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from apps.incidents.models import INCIDENT_TEXT_LABELS, INCIDENT_TEXTS

from .languages import EN, ZH
from .reading import Text, language_label

#: The subjects a page can ask about, and what each checks.
SUBJECTS = ("update", "log_entry", "log_correction", "decision", "disclosure", "retrospective")
#: The client report of a retrospective: its texts by column stem, as the report names them.
REPORT_PARTS = {
    "report_what_happened": _("what went wrong"),
    "report_why": _("why it happened"),
    "report_what_we_did": _("what we did"),
    "report_what_changes": _("what will change"),
}
#: The longest text checked live; longer ones are left to the form's own limit.
MAX_CHECKED_CHARS = 20_000
#: A decision form's reason an alternative is set aside with (``reason_12_en``).
_REASON = re.compile(r"(reason_\d{1,12})_(?:en|zh_hans)")


def message_kind(incident) -> str:
    """An update is the client's first notice until the first contact is recorded."""
    return "first_notice" if incident.first_contact_at is None else "update"


def _pair(data: Mapping, name: str, *, kind: str | None, label=None) -> list[Text]:
    out = []
    for language, suffix in ((EN, "en"), (ZH, "zh_hans")):
        column = f"{name}_{suffix}"
        heading = (
            format_lazy("{} — {}", label, language_label(language))
            if label
            else language_label(language)
        )
        out.append(
            Text(
                column=column,
                language=language,
                text=str(data.get(column) or ""),
                kind=kind,
                label=str(heading),
            )
        )
    return out


def _ticked(value) -> bool:
    return str(value or "").lower() in ("on", "true", "1", "yes")


def subject_texts(subject: str, data: Mapping, *, incident) -> list[Text]:
    """The texts of ``subject`` in the submitted ``data``; [] for what the client never reads."""
    if subject == "update":
        return _pair(data, "body", kind=message_kind(incident))
    if subject == "log_entry":
        # An internal note is the team's own: the client reads only visible entries.
        return (
            _pair(data, "summary", kind="log_entry") if _ticked(data.get("client_visible")) else []
        )
    if subject == "log_correction":
        return _pair(data, "summary", kind="log_entry")
    if subject == "decision":
        texts = _pair(data, "rationale", kind="decision", label=_("Reasons"))
        # The reasons each other alternative was set aside with: the client may read them.
        for name in sorted({m.group(1) for key in data if (m := _REASON.fullmatch(key))}):
            texts += _pair(
                data, name, kind="decision", label=_("Why another alternative was not chosen")
            )
        return texts
    if subject == "retrospective":
        texts = []
        for name, label in REPORT_PARTS.items():
            texts += _pair(data, name, kind="retrospective", label=str(label).capitalize())
        return texts
    if subject == "disclosure":
        texts = []
        for name in INCIDENT_TEXTS:
            label = str(INCIDENT_TEXT_LABELS[name]).capitalize()
            texts += _pair(data, name, kind="apology" if name == "apology" else None, label=label)
        return texts
    return []
