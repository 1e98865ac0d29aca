"""Alternatives proposed to the client, and the decision taken together.

Each service takes the acting user (``actor``) and records its event in the
same transaction (see ``docs/events.md``).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.communications.models import Meeting, MeetingStatus
from apps.communications.services import log_note, notify_contacts
from apps.core.concurrency import save_if_unchanged
from apps.events.services import Actor, event_record, record_changes, snapshot
from apps.incidents.models import Incident, IncidentStatus
from apps.incidents.services import (
    ensure_not_closed,
    incident_change_status,
    incident_public_changed,
)
from apps.projects.models import ClientContact
from apps.projects.selectors import project_team_ids

from .models import Alternative, AlternativeStatus, Decision

ALTERNATIVE_FIELDS = (
    "title",
    "description",
    "schedule_impact_days",
    "cost_impact",
    "scope_impact",
    "risks",
    "pros",
    "cons",
)
TEXT_FIELDS = ("title", "description", "scope_impact", "risks", "pros", "cons")


def _clean_texts(alternative: Alternative) -> None:
    for name in TEXT_FIELDS:
        setattr(alternative, name, (getattr(alternative, name) or "").strip())
    if not alternative.title:
        raise ValidationError({"title": _("Give the alternative a short title.")})
    if not alternative.description:
        raise ValidationError({"description": _("Describe the alternative.")})


@transaction.atomic
def alternative_propose(
    *,
    incident: Incident,
    actor: AbstractBaseUser,
    title: str,
    description: str,
    schedule_impact_days: int | None = None,
    cost_impact: Decimal | None = None,
    scope_impact: str = "",
    risks: str = "",
    pros: str = "",
    cons: str = "",
    now: datetime | None = None,
) -> Alternative:
    now = now or timezone.now()
    ensure_not_closed(incident)
    alternative = Alternative(
        incident=incident,
        title=title,
        description=description,
        schedule_impact_days=schedule_impact_days,
        cost_impact=cost_impact,
        scope_impact=scope_impact,
        risks=risks,
        pros=pros,
        cons=cons,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    _clean_texts(alternative)
    alternative.full_clean()
    alternative.save()
    event_record(
        actor=actor,
        verb="alternative.proposed",
        obj=alternative,
        incident=incident,
        data=snapshot(alternative, ALTERNATIVE_FIELDS),
        now=now,
    )
    incident_public_changed(incident_id=incident.pk)
    return alternative


@transaction.atomic
def alternative_update(
    *,
    alternative: Alternative,
    actor: Actor,
    expected_version: int,
    now: datetime | None = None,
    **fields,
) -> Alternative:
    """Edit an alternative if nobody changed it since ``expected_version``."""
    now = now or timezone.now()
    unknown = set(fields) - set(ALTERNATIVE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown alternative fields: {sorted(unknown)}")
    ensure_not_closed(alternative.incident)
    before = snapshot(alternative, ALTERNATIVE_FIELDS)
    for name, value in fields.items():
        setattr(alternative, name, value)
    _clean_texts(alternative)
    alternative.updated_at = now
    alternative.full_clean(exclude=["incident", "created_by"])
    save_if_unchanged(
        alternative,
        expected_version=expected_version,
        fields=[*ALTERNATIVE_FIELDS, "updated_at"],
    )
    record_changes(
        actor=actor,
        verb="alternative.updated",
        obj=alternative,
        before=before,
        fields=ALTERNATIVE_FIELDS,
        incident=alternative.incident,
        data={"version": alternative.version},
        now=now,
    )
    incident_public_changed(incident_id=alternative.incident_id)
    return alternative


def _set_aside(
    alternative: Alternative,
    *,
    incident: Incident,
    actor: Actor,
    reason: str,
    now: datetime,
    decision: Decision | None = None,
) -> None:
    """Mark an alternative rejected with its reason, and record it."""
    alternative.status = AlternativeStatus.REJECTED
    alternative.rejection_reason = reason
    alternative.version += 1
    alternative.updated_at = now
    alternative.save(update_fields=["status", "rejection_reason", "version", "updated_at"])
    event_record(
        actor=actor,
        verb="alternative.rejected",
        obj=alternative,
        incident=incident,
        data={"reason": reason, "decision": decision.pk if decision else None},
        now=now,
    )


@transaction.atomic
def alternative_reject(
    *, alternative: Alternative, actor: Actor, reason: str, now: datetime | None = None
) -> Alternative:
    """Set a proposed alternative aside, with the reason (the chosen one needs a new decision)."""
    now = now or timezone.now()
    ensure_not_closed(alternative.incident)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why this alternative is not taken.")})
    alternative = (
        Alternative.objects.select_for_update().select_related("incident").get(pk=alternative.pk)
    )
    if alternative.status != AlternativeStatus.PROPOSED:
        raise ValidationError(
            _(
                "Only a proposed alternative can be rejected; "
                "to change a decision, record a new one."
            ),
            code="not_proposed",
        )
    _set_aside(alternative, incident=alternative.incident, actor=actor, reason=reason, now=now)
    incident_public_changed(incident_id=alternative.incident_id)
    return alternative


def current_decision(incident: Incident) -> Decision | None:
    return Decision.objects.filter(incident=incident, superseded_at__isnull=True).first()


# --- recording a decision, step by step ------------------------------------------------


@dataclass(frozen=True)
class _Agreement:
    """What the user wrote down, checked: who agreed, when, where and why."""

    rationale: str
    decided_at: datetime
    client_agreed: list[ClientContact]
    team_agreed: list[AbstractBaseUser]
    meeting: Meeting | None


def _check_current(incident: Incident, expected_current_decision_id: int | None):
    """The decision in force must be the one the user saw, or someone decided meanwhile."""
    current = current_decision(incident)
    if (current.pk if current else None) != expected_current_decision_id:
        raise ValidationError(
            _(
                "Someone recorded a decision on this incident while you were writing yours "
                "(“%(title)s”). Reload the page to see it before deciding again."
            )
            % {"title": current.alternative.title if current else "—"},
            code="decision_conflict",
        )
    return current


def _check_choice(incident: Incident, alternative: Alternative) -> Alternative:
    alternative = Alternative.objects.select_for_update().get(pk=alternative.pk)
    if alternative.incident_id != incident.pk:
        raise ValidationError({"alternative": _("Choose an alternative of this incident.")})
    if alternative.status == AlternativeStatus.CHOSEN:
        raise ValidationError({"alternative": _("This alternative is already the chosen one.")})
    return alternative


def _check_agreement(
    incident: Incident,
    *,
    rationale: str,
    decided_at: datetime,
    client_agreed: Iterable[ClientContact],
    team_agreed: Iterable[AbstractBaseUser],
    meeting: Meeting | None,
    now: datetime,
) -> _Agreement:
    rationale = rationale.strip()
    if not rationale:
        raise ValidationError({"rationale": _("Say why this alternative was chosen.")})
    if decided_at > now:
        raise ValidationError({"decided_at": _("A decision cannot be dated in the future.")})
    client_agreed, team_agreed = list(client_agreed), list(team_agreed)
    if not client_agreed:
        raise ValidationError(
            {"client_agreed": _("A decision is taken with the client: name who agreed for them.")}
        )
    if any(contact.project_id != incident.project_id for contact in client_agreed):
        raise ValidationError({"client_agreed": _("Only contacts of this project can agree.")})
    if not team_agreed:
        raise ValidationError({"team_agreed": _("Name who agreed for the team.")})
    members = project_team_ids(incident.project)
    if any(user.pk not in members for user in team_agreed):
        raise ValidationError({"team_agreed": _("Only members of this project can agree.")})
    if meeting is not None:
        if meeting.incident_id != incident.pk:
            raise ValidationError({"meeting": _("Choose a meeting of this incident.")})
        if meeting.status == MeetingStatus.CANCELLED:
            raise ValidationError({"meeting": _("A cancelled meeting took no decision.")})
    return _Agreement(rationale, decided_at, client_agreed, team_agreed, meeting)


def _others_to_set_aside(
    incident: Incident, chosen: Alternative, others_reason: str
) -> tuple[list[Alternative], str]:
    """The other proposed alternatives, which the decision sets aside with a reason."""
    others = list(
        Alternative.objects.select_for_update()
        .filter(incident=incident, status=AlternativeStatus.PROPOSED)
        .exclude(pk=chosen.pk)
    )
    others_reason = others_reason.strip()
    if others and not others_reason:
        raise ValidationError(
            {"others_reason": _("Say why the other alternatives were not chosen.")}
        )
    return others, others_reason


def _write_decision(
    *,
    incident: Incident,
    chosen: Alternative,
    current: Decision | None,
    others: list[Alternative],
    others_reason: str,
    agreement: _Agreement,
    actor: Actor,
    now: datetime,
) -> Decision:
    """Supersede the decision in force, write the new one, set the others aside, choose.

    In a savepoint: if another decision won the race, the database's "one
    chosen alternative per incident" turns it into a clear refusal.
    """
    try:
        with transaction.atomic():
            if current is not None:
                current.superseded_at = now
                current.save(update_fields=["superseded_at"])
            decision = Decision.objects.create(
                incident=incident,
                alternative=chosen,
                decided_at=agreement.decided_at,
                meeting=agreement.meeting,
                rationale=agreement.rationale,
                recorded_by=actor,
                recorded_at=now,
                supersedes=current,
            )
            if current is not None:
                replaced = _("Replaced by the decision of %(date)s: %(why)s") % {
                    "date": timezone.localtime(agreement.decided_at).strftime("%Y-%m-%d"),
                    "why": agreement.rationale,
                }
                _set_aside(
                    current.alternative,
                    incident=incident,
                    actor=actor,
                    reason=replaced,
                    now=now,
                    decision=decision,
                )
            for other in others:
                _set_aside(
                    other,
                    incident=incident,
                    actor=actor,
                    reason=others_reason,
                    now=now,
                    decision=decision,
                )
            chosen.status = AlternativeStatus.CHOSEN
            chosen.rejection_reason = ""
            chosen.version += 1
            chosen.updated_at = now
            chosen.save(update_fields=["status", "rejection_reason", "version", "updated_at"])
    except IntegrityError as exc:
        raise ValidationError(
            _("Another decision was recorded at the same moment. Reload the page and try again."),
            code="decision_conflict",
        ) from exc
    decision.client_agreed.set(agreement.client_agreed)
    decision.team_agreed.set(agreement.team_agreed)
    return decision


def _record_decision_events(decision: Decision, *, actor: Actor, now: datetime) -> None:
    event_record(
        actor=actor,
        verb="alternative.chosen",
        obj=decision.alternative,
        incident=decision.incident,
        data={"decision": decision.pk},
        now=now,
    )
    event_record(
        actor=actor,
        verb="decision.recorded",
        obj=decision,
        incident=decision.incident,
        data={
            "alternative": decision.alternative,
            "decided_at": decision.decided_at,
            "meeting": decision.meeting,
            "rationale": decision.rationale,
            "client_agreed": list(decision.client_agreed.all()),
            "team_agreed": list(decision.team_agreed.all()),
            "supersedes": decision.supersedes_id,
        },
        now=now,
    )


@transaction.atomic
def decision_record(
    *,
    incident: Incident,
    alternative: Alternative,
    actor: AbstractBaseUser,
    rationale: str,
    client_agreed: Iterable[ClientContact],
    team_agreed: Iterable[AbstractBaseUser],
    expected_current_decision_id: int | None,
    decided_at: datetime | None = None,
    meeting: Meeting | None = None,
    others_reason: str = "",
    now: datetime | None = None,
) -> Decision:
    """Record the alternative chosen together with the client.

    Steps: lock the incident (decisions on one incident are taken one at a
    time); refuse if the current decision is not the one the user saw;
    check the choice and who agreed, when and where; supersede the current
    decision and set the other proposed alternatives aside; write the
    decision and its events; note it on the timeline; move the incident to
    "plan agreed" when that is a valid step; e-mail the client's contacts.
    """
    now = now or timezone.now()
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    ensure_not_closed(incident)
    current = _check_current(incident, expected_current_decision_id)
    chosen = _check_choice(incident, alternative)
    agreement = _check_agreement(
        incident,
        rationale=rationale,
        decided_at=decided_at or now,
        client_agreed=client_agreed,
        team_agreed=team_agreed,
        meeting=meeting,
        now=now,
    )
    others, others_reason = _others_to_set_aside(incident, chosen, others_reason)
    decision = _write_decision(
        incident=incident,
        chosen=chosen,
        current=current,
        others=others,
        others_reason=others_reason,
        agreement=agreement,
        actor=actor,
        now=now,
    )
    _record_decision_events(decision, actor=actor, now=now)
    log_note(
        incident=incident,
        actor=actor,
        summary=_("Decision: “%(title)s” chosen with the client. %(why)s")
        % {"title": chosen.title, "why": agreement.rationale},
        now=now,
    )
    if IncidentStatus.PLAN_AGREED in incident.allowed_transitions:
        incident = incident_change_status(
            incident=incident, actor=actor, status=IncidentStatus.PLAN_AGREED, now=now
        )
    notify_contacts(
        incident=incident,
        kind="decision",
        key=f"decision:{decision.pk}",
        actor=actor,
        now=now,
        decision=decision,
    )
    incident_public_changed(incident_id=incident.pk)
    return decision
