"""Writes about the tone check: a project switching a rule off or on, a PM dismissing a finding.

Each takes the acting user and records its event in the same transaction.
The check itself only advises; none of these ever blocks a message.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.events.services import Actor, event_record

from .languages import normalise_language
from .models import DISMISSED_TEXT_LENGTH, REASON_LENGTH, Dismissal, RuleException
from .ruleset import rule_by_id


def _reason(reason: str, *, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: _("Say why, so that the team knows later.")})
    if len(reason) > REASON_LENGTH:
        raise ValidationError(
            {field: _("Keep the reason under %(limit)d characters.") % {"limit": REASON_LENGTH}}
        )
    return reason


def _rule(rule_id: str, *, field: str = "rule"):
    try:
        rule = rule_by_id((rule_id or "").strip())
    except KeyError:
        rule = None
    if rule is None:
        raise ValidationError({field: _("There is no tone rule with that name.")})
    return rule


@transaction.atomic
def rule_switch_off(*, project, rule: str, reason: str, actor: Actor) -> RuleException:
    """Stop showing ``rule``'s findings in the project's incidents, and say why."""
    found = _rule(rule)
    reason = _reason(reason)
    if RuleException.objects.filter(project=project, rule=found.id).exists():
        raise ValidationError({"rule": _("This rule is already switched off for the project.")})
    try:
        with transaction.atomic():
            exception = RuleException.objects.create(
                project=project,
                rule=found.id,
                reason=reason,
                created_by=actor,
                created_at=timezone.now(),
            )
    except IntegrityError:
        raise ValidationError(
            {"rule": _("This rule is already switched off for the project.")}
        ) from None
    event_record(
        actor=actor,
        verb="tone.rule_switched_off",
        obj=exception,
        project=project,
        data={
            "rule": found.id,
            "language": found.language,
            "category": found.category,
            "reason": reason,
        },
    )
    return exception


@transaction.atomic
def rule_switch_on(*, exception: RuleException, actor: Actor) -> None:
    """Show the rule's findings again; the record keeps that it was off, and why."""
    exception = RuleException.objects.select_for_update().filter(pk=exception.pk).first()
    if exception is None:
        return
    event_record(
        actor=actor,
        verb="tone.rule_switched_on",
        obj=exception,
        project=exception.project_id,
        data={
            "rule": exception.rule,
            "reason_it_was_off": exception.reason,
            "switched_off_by": exception.created_by,
        },
    )
    exception.delete()


@transaction.atomic
def finding_dismiss(
    *,
    incident,
    language: str,
    rule: str,
    text: str,
    reason: str,
    actor: Actor,
    where: str = "",
) -> Dismissal:
    """Judge a finding fine in this incident, with a reason on the record.

    ``text`` is the words the check marked (empty for a missing piece);
    ``where`` says in which message it was found ("update", "log_entry"…).
    """
    try:
        language = normalise_language(language)
    except ValueError:
        raise ValidationError({"language": _("Choose English or Chinese.")}) from None
    found = _rule(rule)
    if found.language != language:
        raise ValidationError({"rule": _("There is no tone rule with that name.")})
    text = (text or "")[:DISMISSED_TEXT_LENGTH]
    reason = _reason(reason)
    existing = Dismissal.objects.filter(
        incident=incident, language=language, rule=found.id, text=text
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            dismissal = Dismissal.objects.create(
                incident=incident,
                language=language,
                rule=found.id,
                text=text,
                reason=reason,
                dismissed_by=actor,
                dismissed_at=timezone.now(),
            )
    except IntegrityError:
        # Dismissed at the same moment by someone else: theirs stands.
        return Dismissal.objects.get(incident=incident, language=language, rule=found.id, text=text)
    event_record(
        actor=actor,
        verb="tone.finding_dismissed",
        obj=dismissal,
        incident=incident,
        data={
            "rule": found.id,
            "category": found.category,
            "language": language,
            "text": text,
            "reason": reason,
            "where": where,
        },
    )
    return dismissal


@transaction.atomic
def dismissal_withdraw(*, dismissal: Dismissal, actor: Actor) -> None:
    """Show the finding again: the dismissal was a mistake, or no longer holds."""
    dismissal = (
        Dismissal.objects.select_for_update()
        .select_related("incident", "dismissed_by")
        .filter(pk=dismissal.pk)
        .first()
    )
    if dismissal is None:
        return
    event_record(
        actor=actor,
        verb="tone.dismissal_withdrawn",
        obj=dismissal,
        incident=dismissal.incident,
        data={
            "rule": dismissal.rule,
            "language": dismissal.language,
            "text": dismissal.text,
            "reason_it_was_dismissed": dismissal.reason,
            "dismissed_by": dismissal.dismissed_by,
        },
    )
    dismissal.delete()
