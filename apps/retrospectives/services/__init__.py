"""Every change to a retrospective goes through these functions.

Each takes the acting user and records its event (``docs/events.md``):
``review`` writes the team's review and the client report's drafts,
``publish`` publishes the client report, ``closing`` closes the incident
once the report is out (or the PM said why there is none).
"""

from .closing import retrospective_close, retrospective_close_without_report, review_due_by
from .publish import retrospective_publish
from .review import (
    improvement_add,
    retrospective_start,
    retrospective_update,
    root_cause_add,
    root_cause_remove,
    root_cause_update,
    timeline_line_add,
    timeline_line_edit,
    timeline_note,
)

__all__ = [
    "improvement_add",
    "retrospective_close",
    "retrospective_close_without_report",
    "retrospective_publish",
    "retrospective_start",
    "retrospective_update",
    "review_due_by",
    "root_cause_add",
    "root_cause_remove",
    "root_cause_update",
    "timeline_line_add",
    "timeline_line_edit",
    "timeline_note",
]
