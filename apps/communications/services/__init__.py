"""Writes of the communication log, status updates and meetings.

Every contact with the client is logged here; logging a real contact or
publishing the first update satisfies the first-contact deadline, and each
published update resets the update clock. Each service takes the acting user
(``actor``) and records its event in the same transaction.

One module per thing: ``log`` (the append-only log), ``updates`` (drafts and
publishing), ``meetings`` (invitations, changes, outcomes) and ``notices`` (decisions and
the resolution, e-mailed to the client), ``delivery`` (e-mails that failed for good).
"""

from .delivery import meeting_delivery_retry, update_delivery_retry
from .log import log_contact, log_correct, log_note
from .meetings import meeting_cancel, meeting_record_outcome, meeting_reschedule, meeting_schedule
from .notices import notify_contacts, notify_resolution
from .updates import update_draft_discard, update_draft_save, update_publish

__all__ = [
    "log_contact",
    "log_correct",
    "log_note",
    "meeting_cancel",
    "meeting_delivery_retry",
    "meeting_record_outcome",
    "meeting_reschedule",
    "meeting_schedule",
    "notify_contacts",
    "notify_resolution",
    "update_delivery_retry",
    "update_draft_discard",
    "update_draft_save",
    "update_publish",
]
