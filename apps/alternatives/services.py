"""Alternatives proposed to the client, and the decision taken together."""

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.communications.models import Meeting, MeetingStatus
from apps.communications.services import log_note
from apps.core.concurrency import save_if_unchanged
from apps.incidents.models import Incident, Status
from apps.incidents.services import incident_change_status, incident_public_changed
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


def _check_open(incident: Incident) -> None:
    if incident.status == Status.CLOSED:
        raise ValidationError(_("The incident is closed: its decisions are final."), code="closed")


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
    created_by: AbstractBaseUser,
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
    _check_open(incident)
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
        created_by=created_by,
        created_at=now,
        updated_at=now,
    )
    _clean_texts(alternative)
    alternative.full_clean()
    alternative.save()
    incident_public_changed(incident_id=incident.pk)
    return alternative


@transaction.atomic
def alternative_update(
    *, alternative: Alternative, expected_version: int, now: datetime | None = None, **fields
) -> Alternative:
    """Edit an alternative if nobody changed it since ``expected_version``."""
    now = now or timezone.now()
    unknown = set(fields) - set(ALTERNATIVE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown alternative fields: {sorted(unknown)}")
    _check_open(alternative.incident)
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
    incident_public_changed(incident_id=alternative.incident_id)
    return alternative


@transaction.atomic
def alternative_reject(
    *, alternative: Alternative, reason: str, now: datetime | None = None
) -> Alternative:
    """Set a proposed alternative aside, with the reason (the chosen one needs a new decision)."""
    now = now or timezone.now()
    _check_open(alternative.incident)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why this alternative is not taken.")})
    alternative = Alternative.objects.select_for_update().get(pk=alternative.pk)
    if alternative.status != AlternativeStatus.PROPOSED:
        raise ValidationError(
            _(
                "Only a proposed alternative can be rejected; "
                "to change a decision, record a new one."
            ),
            code="not_proposed",
        )
    alternative.status = AlternativeStatus.REJECTED
    alternative.rejection_reason = reason
    alternative.updated_at = now
    alternative.version += 1
    alternative.save(update_fields=["status", "rejection_reason", "updated_at", "version"])
    incident_public_changed(incident_id=alternative.incident_id)
    return alternative


def current_decision(incident: Incident) -> Decision | None:
    return Decision.objects.filter(incident=incident, superseded_at__isnull=True).first()


@transaction.atomic
def decision_record(
    *,
    incident: Incident,
    alternative: Alternative,
    recorded_by: AbstractBaseUser,
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
    time); refuse if the current decision is not the one the user saw (someone
    decided meanwhile); check who agreed and where; supersede the current
    decision, whose alternative is set aside with the reason; reject the
    other proposed alternatives; mark the chosen one; write the decision; move
    the incident to "plan agreed" when that is a valid step. The database
    allows one chosen alternative per incident whatever happens here.
    """
    now = now or timezone.now()
    decided_at = decided_at or now
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    _check_open(incident)
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
    alternative = Alternative.objects.select_for_update().get(pk=alternative.pk)
    if alternative.incident_id != incident.pk:
        raise ValidationError({"alternative": _("Choose an alternative of this incident.")})
    if alternative.status == AlternativeStatus.CHOSEN:
        raise ValidationError({"alternative": _("This alternative is already the chosen one.")})
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
    members = project_team_ids(incident.project)
    if not team_agreed:
        raise ValidationError({"team_agreed": _("Name who agreed for the team.")})
    if any(user.pk not in members for user in team_agreed):
        raise ValidationError({"team_agreed": _("Only members of this project can agree.")})
    if meeting is not None:
        if meeting.incident_id != incident.pk:
            raise ValidationError({"meeting": _("Choose a meeting of this incident.")})
        if meeting.status == MeetingStatus.CANCELLED:
            raise ValidationError({"meeting": _("A cancelled meeting took no decision.")})

    others = list(
        Alternative.objects.select_for_update()
        .filter(incident=incident, status=AlternativeStatus.PROPOSED)
        .exclude(pk=alternative.pk)
    )
    others_reason = others_reason.strip()
    if others and not others_reason:
        raise ValidationError(
            {"others_reason": _("Say why the other alternatives were not chosen.")}
        )
    try:
        with transaction.atomic():
            if current is not None:
                current.superseded_at = now
                current.save(update_fields=["superseded_at"])
                previous = current.alternative
                previous.status = AlternativeStatus.REJECTED
                previous.rejection_reason = _("Replaced by the decision of %(date)s: %(why)s") % {
                    "date": timezone.localtime(decided_at).strftime("%Y-%m-%d"),
                    "why": rationale,
                }
                previous.version += 1
                previous.updated_at = now
                previous.save(update_fields=["status", "rejection_reason", "version", "updated_at"])
            for other in others:
                other.status = AlternativeStatus.REJECTED
                other.rejection_reason = others_reason
                other.version += 1
                other.updated_at = now
                other.save(update_fields=["status", "rejection_reason", "version", "updated_at"])
            alternative.status = AlternativeStatus.CHOSEN
            alternative.rejection_reason = ""
            alternative.version += 1
            alternative.updated_at = now
            alternative.save(update_fields=["status", "rejection_reason", "version", "updated_at"])
            decision = Decision.objects.create(
                incident=incident,
                alternative=alternative,
                decided_at=decided_at,
                meeting=meeting,
                rationale=rationale,
                recorded_by=recorded_by,
                recorded_at=now,
                supersedes=current,
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("Another decision was recorded at the same moment. Reload the page and try again."),
            code="decision_conflict",
        ) from exc
    decision.client_agreed.set(client_agreed)
    decision.team_agreed.set(team_agreed)
    log_note(
        incident=incident,
        recorded_by=recorded_by,
        summary=_("Decision: “%(title)s” chosen with the client. %(why)s")
        % {"title": alternative.title, "why": rationale},
        now=now,
    )
    if Status.PLAN_AGREED in incident.allowed_transitions:
        incident_change_status(incident=incident, status=Status.PLAN_AGREED, now=now)
    incident_public_changed(incident_id=incident.pk)
    return decision
