"""The placeholders of a message template: ``{name}``, a fixed set, filled in one pass.

Not Django's template language: a PM edits a project's templates, and a text
a PM typed must never run as code. A placeholder is a name in braces made of
lowercase letters and underscores; any other braces stay as they were typed.
Filling is one pass, so a value that itself contains ``{name}`` is left alone.
"""

import re
from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

#: Every placeholder a template may use, and what it stands for (shown beside the editor).
PLACEHOLDERS = {
    "client": _("The client's name."),
    "project": _("The project's name."),
    "incident_title": _("The incident's title."),
    "summary": _("What happened."),
    "cause": _("What caused the failure."),
    "cause_origin": _("How the problem arose."),
    "impact": _(
        "The impact as a list: the schedule slip in days, the cost in the project's currency, "
        "the deliverables and scope affected."
    ),
    "current_state": _("Where the project stands now."),
    "first_step": _("The first concrete step the team is taking."),
    "apology": _("The apology prepared on the incident."),
    "actions": _("The action plan's fixes the client sees, as a list with their due dates."),
    "prevention": _("The action plan's prevention items the client sees, as a list."),
    "options": _("The alternatives still open, as a list with their schedule and cost impact."),
    "decision": _("The alternative chosen with the client, when, and why."),
    "delivery_date": _("The committed delivery date."),
    "next_update": _(
        "When the client hears from us next: the moment this message is published plus the "
        "update cadence, rounded down to the full hour, with the time zone of the client "
        "contacts who read this language."
    ),
    "pm_name": _("The name of whoever drafts the message."),
}

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def used(body: str) -> list[str]:
    """The placeholder names in ``body``, each once, in the order they first appear."""
    return list(dict.fromkeys(PLACEHOLDER.findall(body or "")))


def unknown(body: str) -> list[str]:
    """The names in braces in ``body`` that are no placeholder."""
    return [name for name in used(body) if name not in PLACEHOLDERS]


def fill(body: str, values: Mapping[str, str]) -> str:
    """``body`` with each known placeholder replaced by its value; unknown ones stay as typed."""

    def replace(match: re.Match) -> str:
        name = match.group(1)
        return str(values[name]) if name in values else match.group(0)

    return PLACEHOLDER.sub(replace, body or "")
