"""Alternatives proposed to the client, and the decision taken together.

Each service takes the acting user (``actor``) and records its event in the
same transaction (see ``docs/events.md``).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.communications.models import Meeting, MeetingStatus
from apps.communications.services import log_note, notify_contacts
from apps.core.bilingual import LANGUAGES, column, columns, take_texts
from apps.core.concurrency import save_if_unchanged
from apps.events.services import Actor, event_record, record_changes, snapshot
from apps.incidents.models import Incident, IncidentStatus
from apps.incidents.services import (
    ensure_not_closed,
    incident_change_status,
    incident_public_changed,
)
from apps.projects.models import ClientContact, DeliveryDateChange
from apps.projects.selectors import project_team_ids
from apps.projects.services import project_change_delivery_date

from .models import (
    ALTERNATIVE_TEXTS,
    DECISION_TEXTS,
    REJECTION_TEXTS,
    Alternative,
    AlternativeStatus,
    Decision,
    Rejection,
)

#: The columns of the texts the client compares, in both languages.
TEXT_COLUMNS = columns(*ALTERNATIVE_TEXTS)
ALTERNATIVE_FIELDS = (
    *columns("title", "description"),
    "kind",
    "schedule_impact_days",
    "cost_impact",
    *columns("scope_impact", "risks", "pros", "cons"),
)


def _clean_texts(alternative: Alternative) -> None:
    for name in TEXT_COLUMNS:
        setattr(alternative, name, (getattr(alternative, name) or "").strip())
    if not alternative.title:
        raise ValidationError(
            {"title_en": _("Give the alternative a short title, in English or in Chinese.")}
        )
    if not alternative.description:
        raise ValidationError(
            {"description_en": _("Describe the alternative, in English or in Chinese.")}
        )


@transaction.atomic
def alternative_propose(
    *,
    incident: Incident,
    actor: AbstractBaseUser,
    schedule_impact_days: int | None = None,
    cost_impact: Decimal | None = None,
    kind: str = "",
    now: datetime | None = None,
    **texts: str,
) -> Alternative:
    """Propose a way forward; ``texts`` are what the client compares, by column.

    The columns are ``title_en`` / ``title_zh_hans`` and the same for the
    description, scope impact, risks, pros and cons; a title and a
    description are needed in one language at least.
    """
    texts = take_texts(texts, *ALTERNATIVE_TEXTS)
    now = now or timezone.now()
    ensure_not_closed(incident)
    alternative = Alternative(
        incident=incident,
        kind=kind or "",
        schedule_impact_days=schedule_impact_days,
        cost_impact=cost_impact,
        created_by=actor,
        created_at=now,
        updated_at=now,
        **texts,
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


#: The columns of the reason an alternative was set aside.
REJECTION_COLUMNS = columns(*REJECTION_TEXTS)


def _set_aside(
    alternative: Alternative,
    *,
    incident: Incident,
    actor: Actor,
    reason: dict[str, str],
    now: datetime,
    decision: Decision | None = None,
) -> None:
    """Mark an alternative rejected with its reason (by column), and record it."""
    alternative.status = AlternativeStatus.REJECTED
    for name in REJECTION_COLUMNS:
        setattr(alternative, name, reason.get(name, ""))
    alternative.version += 1
    alternative.updated_at = now
    alternative.save(update_fields=["status", *REJECTION_COLUMNS, "version", "updated_at"])
    event_record(
        actor=actor,
        verb="alternative.rejected",
        obj=alternative,
        incident=incident,
        data={
            **{name: getattr(alternative, name) for name in REJECTION_COLUMNS},
            "decision": decision.pk if decision else None,
        },
        now=now,
    )


def _as_rejection(texts: dict[str, str], name: str) -> dict[str, str]:
    """The text ``name`` (``reason``, ``others_reason``) as the rejection reason's columns."""
    return {
        column("rejection_reason", language): texts.get(column(name, language), "")
        for language in LANGUAGES
    }


@transaction.atomic
def alternative_reject(
    *, alternative: Alternative, actor: Actor, now: datetime | None = None, **texts: str
) -> Alternative:
    """Set a proposed alternative aside, with the reason (the chosen one needs a new decision).

    ``texts`` are the reason by language, ``reason_en`` and ``reason_zh_hans``;
    one of them is needed.
    """
    texts = take_texts(texts, "reason")
    now = now or timezone.now()
    ensure_not_closed(alternative.incident)
    if not any(texts.values()):
        raise ValidationError(
            {"reason_en": _("Say why this alternative is not taken, in English or in Chinese.")}
        )
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
    _set_aside(
        alternative,
        incident=alternative.incident,
        actor=actor,
        reason=_as_rejection(texts, "reason"),
        now=now,
    )
    incident_public_changed(incident_id=alternative.incident_id)
    return alternative


def current_decision(incident: Incident) -> Decision | None:
    return Decision.objects.filter(incident=incident, superseded_at__isnull=True).first()


# --- recording a decision, step by step ------------------------------------------------

#: The texts a decision takes: why this one (kept on the decision), and why not
#: the others, when they are not given a reason each (kept on each alternative
#: it sets aside, and on the decision's rejections).
DECISION_INPUTS = (*DECISION_TEXTS, "others_reason")


@dataclass(frozen=True)
class _Agreement:
    """What the user wrote down, checked: who agreed, when, where and why (by column)."""

    rationale: dict[str, str]
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
    rationale: dict[str, str],
    decided_at: datetime,
    client_agreed: Iterable[ClientContact],
    team_agreed: Iterable[AbstractBaseUser],
    meeting: Meeting | None,
    now: datetime,
) -> _Agreement:
    if not any(rationale.values()):
        raise ValidationError(
            {"rationale_en": _("Say why this alternative was chosen, in English or in Chinese.")}
        )
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


def reason_field(alternative_id: int, language: str = "en") -> str:
    """The name the reason an alternative is set aside with goes by, in a form and its errors."""
    return column(f"reason_{alternative_id}", language)


def _others_to_set_aside(
    incident: Incident,
    chosen: Alternative,
    reasons: Mapping[int, Mapping[str, str]],
    others_reason: dict[str, str],
) -> list[tuple[Alternative, dict[str, str]]]:
    """The other proposed alternatives, each with the reason the decision sets it aside with.

    Each has its own (``reasons``, by alternative, as ``reason_en`` /
    ``reason_zh_hans``), else the one given for all (``others_reason``);
    one that has neither is refused, next to its own reason.
    """
    others = list(
        Alternative.objects.select_for_update()
        .filter(incident=incident, status=AlternativeStatus.PROPOSED)
        .exclude(pk=chosen.pk)
        .order_by("created_at", "pk")
    )
    found, missing = [], {}
    for other in others:
        given = reasons.get(other.pk) or {}
        own = {
            column("rejection_reason", language): (
                given.get(column("reason", language)) or ""
            ).strip()
            for language in LANGUAGES
        }
        reason = own if any(own.values()) else _as_rejection(others_reason, "others_reason")
        if not any(reason.values()):
            missing[reason_field(other.pk)] = _(
                "Say why “%(title)s” was not chosen, in English or in Chinese."
            ) % {"title": other.title}
        found.append((other, reason))
    if missing:
        raise ValidationError(missing)
    return found


def _replaced_reason(agreement: _Agreement) -> dict[str, str]:
    """Why the alternative of a superseded decision is set aside, in each language.

    Each language gets the sentence in that language around the new
    decision's rationale in it; a language the rationale is not written in
    stays empty, so that its reader is shown the other one, marked as such.
    """
    date = timezone.localtime(agreement.decided_at).strftime("%Y-%m-%d")
    reason = {}
    for language in LANGUAGES:
        why = agreement.rationale.get(column("rationale", language), "")
        with translation.override(language):
            reason[column("rejection_reason", language)] = (
                _("Replaced by the decision of %(date)s: %(why)s") % {"date": date, "why": why}
                if why
                else ""
            )
    return reason


def _write_decision(
    *,
    incident: Incident,
    chosen: Alternative,
    current: Decision | None,
    others: list[tuple[Alternative, dict[str, str]]],
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
                recorded_by=actor,
                recorded_at=now,
                supersedes=current,
                **agreement.rationale,
            )
            set_aside = [(current.alternative, _replaced_reason(agreement))] if current else []
            for other, reason in [*set_aside, *others]:
                _set_aside(
                    other, incident=incident, actor=actor, reason=reason, now=now, decision=decision
                )
            Rejection.objects.bulk_create(
                Rejection(
                    decision=decision,
                    alternative=other,
                    **{
                        column("reason", language): reason[column("rejection_reason", language)]
                        for language in LANGUAGES
                    },
                )
                for other, reason in [*set_aside, *others]
                if any(reason.values())
            )
            chosen.status = AlternativeStatus.CHOSEN
            for name in REJECTION_COLUMNS:
                setattr(chosen, name, "")
            chosen.version += 1
            chosen.updated_at = now
            chosen.save(update_fields=["status", *REJECTION_COLUMNS, "version", "updated_at"])
    except IntegrityError as exc:
        raise ValidationError(
            _("Another decision was recorded at the same moment. Reload the page and try again."),
            code="decision_conflict",
        ) from exc
    decision.client_agreed.set(agreement.client_agreed)
    decision.team_agreed.set(agreement.team_agreed)
    return decision


def _move_delivery(
    decision: Decision, *, delivery_date: date | None, actor: Actor, now: datetime
) -> DeliveryDateChange | None:
    """Move the project's committed delivery date as agreed, and link the change to the decision.

    Nothing happens without a date, or with the date the project already has.
    """
    project = decision.incident.project
    if delivery_date is None or delivery_date == project.delivery_date:
        return None
    change = project_change_delivery_date(
        project=project,
        actor=actor,
        delivery_date=delivery_date,
        reason=_("Agreed with the client in the decision to choose “%(title)s”.")
        % {"title": decision.alternative.title},
        now=now,
    )
    decision.delivery_change = change
    decision.save(update_fields=["delivery_change"])
    return change


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
            **{name: getattr(decision, name) for name in columns(*DECISION_TEXTS)},
            "client_agreed": list(decision.client_agreed.all()),
            "team_agreed": list(decision.team_agreed.all()),
            "supersedes": decision.supersedes_id,
            "delivery_change": decision.delivery_change,
        },
        now=now,
    )


def _decision_note(decision: Decision) -> str:
    """The timeline's note of the decision, in the language of whoever records it."""
    return _("Decision: “%(title)s” chosen with the client. %(why)s") % {
        "title": decision.alternative.title,
        "why": decision.rationale,
    }


@transaction.atomic
def decision_record(
    *,
    incident: Incident,
    alternative: Alternative,
    actor: AbstractBaseUser,
    client_agreed: Iterable[ClientContact],
    team_agreed: Iterable[AbstractBaseUser],
    expected_current_decision_id: int | None,
    decided_at: datetime | None = None,
    meeting: Meeting | None = None,
    delivery_date: date | None = None,
    rejection_reasons: Mapping[int, Mapping[str, str]] | None = None,
    now: datetime | None = None,
    **texts: str,
) -> Decision:
    """Record the alternative chosen together with the client.

    ``texts`` are by column: why this alternative (``rationale_en``,
    ``rationale_zh_hans``; one at least). Each other proposed alternative is
    set aside with its own reason: ``rejection_reasons`` maps its id to
    ``{"reason_en": …, "reason_zh_hans": …}``; ``others_reason_en`` /
    ``others_reason_zh_hans`` is the reason of those not given one.
    ``delivery_date``, when given and not the project's date already, is the
    new committed delivery date agreed with it.

    Steps: lock the incident (decisions on one incident are taken one at a
    time); refuse if the current decision is not the one the user saw;
    check the choice and who agreed, when and where; supersede the current
    decision and set the other proposed alternatives aside; write the
    decision; move the project's delivery date if agreed, linked to the
    decision; record the events; note it on the timeline; move the incident to
    "plan agreed" when that is a valid step; e-mail the client's contacts.
    """
    texts = take_texts(texts, *DECISION_INPUTS)
    rationale = {name: texts.get(name, "") for name in columns(*DECISION_TEXTS)}
    others_reason = {name: texts.get(name, "") for name in columns("others_reason")}
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
    others = _others_to_set_aside(incident, chosen, rejection_reasons or {}, others_reason)
    decision = _write_decision(
        incident=incident,
        chosen=chosen,
        current=current,
        others=others,
        agreement=agreement,
        actor=actor,
        now=now,
    )
    _move_delivery(decision, delivery_date=delivery_date, actor=actor, now=now)
    _record_decision_events(decision, actor=actor, now=now)
    log_note(incident=incident, actor=actor, summary=_decision_note(decision), now=now)
    if IncidentStatus.PLAN_AGREED in incident.allowed_transitions:
        incident = incident_change_status(
            incident=incident, actor=actor, status=IncidentStatus.PLAN_AGREED, now=now
        )
    # Each contact's e-mail lists the alternatives set aside: read them once for all.
    prefetch_related_objects(
        [decision], Prefetch("rejections", queryset=Rejection.objects.select_related("alternative"))
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
