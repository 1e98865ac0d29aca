"""Every verb the record knows, what it says in the History, and its group.

This catalogue and ``docs/events.md`` are the contract that the History,
webhooks, chat notifications and reports read: a verb is never renamed and
its data only ever gains keys. ``event_record`` refuses a verb missing here.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

#: The History's filter: groups of verbs, in the order the filter lists them.
GROUPS = {
    "incident": _("Incident and disclosure"),
    "deadlines": _("Deadlines and reminders"),
    "communication": _("Contacts, updates and meetings"),
    "plan": _("Action plan and remedies"),
    "options": _("Alternatives and decisions"),
    "sharing": _("Status page links"),
    "tone": _("Tone check and message templates"),
    "retrospective": _("Retrospective and client report"),
    "project": _("Project, team and contacts"),
    "account": _("Accounts"),
}


@dataclass(frozen=True)
class Verb:
    name: str
    group: str
    #: What happened, as the History says it.
    says: Promise


def _verbs(group: str, **says: Promise) -> dict[str, Verb]:
    return {
        name.replace("__", "."): Verb(name.replace("__", "."), group, text)
        for name, text in says.items()
    }


VERBS: dict[str, Verb] = {
    **_verbs(
        "incident",
        incident__declared=_("Declared the incident"),
        incident__disclosure_changed=_("Changed the disclosure"),
        incident__cadence_changed=_("Changed the update cadence"),
        incident__status_changed=_("Changed the status"),
        first_contact__recorded=_("First contact with the client"),
    ),
    **_verbs(
        "deadlines",
        first_contact__breached=_("The first-contact deadline passed without contact"),
        update__overdue=_("The promised update is overdue"),
        update__escalated=_("The overdue update was escalated to the PMO lead"),
        action_item__overdue=_("An action is overdue"),
        reminder__snoozed=_("Snoozed the update reminders"),
        reminder__retried=_("Sent again a reminder that could not be delivered"),
    ),
    **_verbs(
        "communication",
        log_entry__added=_("Logged a contact or a note"),
        log_entry__corrected=_("Corrected a log entry"),
        update__drafted=_("Drafted an update"),
        update__draft_edited=_("Edited a draft update"),
        update__draft_discarded=_("Discarded a draft update"),
        update__published=_("Published an update"),
        update__delivery_resent=_("Sent again an update's e-mail that was not delivered"),
        meeting__scheduled=_("Scheduled a meeting"),
        meeting__rescheduled=_("Changed a meeting"),
        meeting__cancelled=_("Cancelled a meeting"),
        meeting__outcome_recorded=_("Recorded a meeting's outcome"),
        meeting__outcome_edited=_("Edited a meeting's outcome"),
        meeting__invitation_resent=_("Sent again a meeting's e-mail that was not delivered"),
    ),
    **_verbs(
        "plan",
        action_item__added=_("Added an action to the plan"),
        action_item__updated=_("Changed an action"),
        remedy__offered=_("Offered a remedy"),
        remedy__answered=_("Recorded the client's answer to a remedy"),
        commitment__made=_("Made a dated commitment to the client"),
        commitment__changed=_("Changed a commitment to the client"),
        commitment__kept=_("Kept a commitment to the client"),
        commitment__missed=_("Missed a commitment to the client"),
    ),
    **_verbs(
        "options",
        alternative__proposed=_("Proposed an alternative"),
        alternative__updated=_("Changed an alternative"),
        alternative__rejected=_("Set an alternative aside"),
        alternative__chosen=_("An alternative was chosen"),
        decision__recorded=_("Recorded a decision taken with the client"),
    ),
    **_verbs(
        "sharing",
        link__created=_("Created a status-page link"),
        link__revoked=_("Revoked a status-page link"),
    ),
    **_verbs(
        "tone",
        tone__finding_dismissed=_("Dismissed a tone-check finding"),
        tone__dismissal_withdrawn=_("Withdrew the dismissal of a tone-check finding"),
        tone__rule_switched_off=_("Switched a tone-check rule off for the project"),
        tone__rule_switched_on=_("Switched a tone-check rule back on for the project"),
        message_template__saved=_("Changed a message template for the project"),
        message_template__reset=_("Reset a message template to the default"),
    ),
    **_verbs(
        "retrospective",
        retrospective__started=_("Started the retrospective"),
        retrospective__updated=_("Changed the retrospective"),
        retrospective__root_cause_added=_("Added a root cause"),
        retrospective__root_cause_changed=_("Changed a root cause"),
        retrospective__root_cause_removed=_("Removed a root cause"),
        retrospective__timeline_changed=_("Annotated the retrospective's timeline"),
        retrospective__published=_("Published the client report"),
        retrospective__report_waived=_("Closed the incident without a client report"),
    ),
    **_verbs(
        "project",
        client__created=_("Added a client"),
        client__updated=_("Changed a client"),
        client__archived=_("Archived a client"),
        client__restored=_("Restored an archived client"),
        project__created=_("Created the project"),
        project__updated=_("Changed the project"),
        project__archived=_("Archived the project"),
        project__restored=_("Restored the archived project"),
        project__delivery_date_changed=_("Changed the committed delivery date"),
        project__milestone_added=_("Added a milestone"),
        project__milestone_changed=_("Changed a milestone"),
        project__milestone_removed=_("Removed a milestone"),
        membership__added=_("Added a member to the team"),
        membership__role_changed=_("Changed a member's role"),
        membership__removed=_("Removed a member from the team"),
        contact__added=_("Added a client contact"),
        contact__updated=_("Changed a client contact"),
    ),
    **_verbs(
        "account",
        profile__updated=_("Changed a user's preferences or PMO status"),
        user__invited=_("Invited a user"),
        user__invited_again=_("Sent a user a new invitation"),
        user__joined=_("Accepted the invitation and set a password"),
        user__password_reset=_("Set a new password with a reset link"),
    ),
}


def verbs_in(group: str) -> list[str]:
    return [name for name, verb in VERBS.items() if verb.group == group]
