"""The team writes the review: its texts, root causes, timeline and improvements."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.actionplans.models import ActionItem, ActionItemKind
from apps.actionplans.services import action_item_create
from apps.core.bilingual import columns
from apps.core.concurrency import save_if_unchanged
from apps.events.models import Event
from apps.events.services import Actor, event_record, record_changes, snapshot
from apps.incidents.models import Incident
from apps.incidents.services import ensure_not_closed

from ..models import REPORT_TEXTS, REVIEW_TEXTS, Outcome, Retrospective, RootCause, TimelineLine

#: The columns of the client report, in both languages.
REPORT_COLUMNS = columns(*REPORT_TEXTS)
#: Everything ``retrospective_update`` may change.
EDITABLE_FIELDS = (*REVIEW_TEXTS, "outcome", *REPORT_COLUMNS)
#: At most this many "whys" per root cause: the method asks five times.
MAX_WHYS = 5


def _ensure_resolved(incident: Incident) -> None:
    if incident.resolved_at is None and not incident.is_closed:
        raise ValidationError(
            _("The retrospective is written once the incident is resolved."),
            code="not_resolved",
        )


@transaction.atomic
def retrospective_start(
    *, incident: Incident, actor: Actor, now: datetime | None = None
) -> Retrospective:
    """The incident's retrospective, created when first asked for (once it is resolved)."""
    now = now or timezone.now()
    _ensure_resolved(incident)
    retrospective, created = Retrospective.objects.get_or_create(
        incident=incident, defaults={"created_at": now, "updated_at": now}
    )
    if created:
        event_record(
            actor=actor,
            verb="retrospective.started",
            obj=retrospective,
            incident=incident,
            project=incident.project,
            now=now,
        )
    return retrospective


@transaction.atomic
def retrospective_update(
    *,
    retrospective: Retrospective,
    actor: Actor,
    expected_version: int,
    now: datetime | None = None,
    **values: str,
) -> Retrospective:
    """Change the review's texts, the outcome and the report's drafts.

    Saves nothing when another save came in since ``expected_version``
    (``EditConflict``). Once the report is published its texts are what the
    client read: they no longer change.
    """
    now = now or timezone.now()
    incident = retrospective.incident
    ensure_not_closed(incident)
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not a retrospective field: {sorted(unknown)}")
    values = {name: (value or "").strip() for name, value in values.items()}
    if values.get("outcome") and values["outcome"] not in Outcome.values:
        raise ValidationError({"outcome": _("Choose how it ended from the list.")})
    current = Retrospective.objects.get(pk=retrospective.pk)
    if current.is_published and any(
        values[name] != getattr(current, name) for name in REPORT_COLUMNS if name in values
    ):
        raise ValidationError(
            _("The client report is published: what the client read no longer changes."),
            code="published",
        )
    before = snapshot(current, EDITABLE_FIELDS)
    for name, value in values.items():
        setattr(retrospective, name, value)
    retrospective.updated_at = now
    save_if_unchanged(
        retrospective,
        expected_version=expected_version,
        fields=[*values, "updated_at"],
    )
    record_changes(
        actor=actor,
        verb="retrospective.updated",
        obj=retrospective,
        before=before,
        fields=EDITABLE_FIELDS,
        incident=incident,
        now=now,
    )
    return retrospective


def _clean_cause(statement: str, whys) -> tuple[str, list[str]]:
    statement = (statement or "").strip()
    whys = [why.strip() for why in (whys or []) if why and why.strip()]
    errors = {}
    if not statement:
        errors["statement"] = _("Name the root cause.")
    if len(whys) > MAX_WHYS:
        errors["whys"] = _("Ask “why?” at most five times.")
    if errors:
        raise ValidationError(errors)
    return statement, whys


@transaction.atomic
def root_cause_add(
    *,
    retrospective: Retrospective,
    actor: AbstractBaseUser,
    statement: str,
    whys=(),
    now: datetime | None = None,
) -> RootCause:
    now = now or timezone.now()
    ensure_not_closed(retrospective.incident)
    statement, whys = _clean_cause(statement, whys)
    position = retrospective.root_causes.count()
    cause = RootCause.objects.create(
        retrospective=retrospective,
        statement=statement,
        whys=whys,
        position=position,
        created_by=actor,
        created_at=now,
    )
    event_record(
        actor=actor,
        verb="retrospective.root_cause_added",
        obj=cause,
        incident=retrospective.incident,
        data={"statement": statement, "whys": whys},
        now=now,
    )
    return cause


@transaction.atomic
def root_cause_update(
    *,
    cause: RootCause,
    actor: Actor,
    statement: str,
    whys=(),
    now: datetime | None = None,
) -> RootCause:
    now = now or timezone.now()
    ensure_not_closed(cause.retrospective.incident)
    statement, whys = _clean_cause(statement, whys)
    before = {"statement": cause.statement, "whys": cause.whys}
    cause.statement, cause.whys = statement, whys
    cause.save(update_fields=["statement", "whys"])
    event_record(
        actor=actor,
        verb="retrospective.root_cause_changed",
        obj=cause,
        incident=cause.retrospective.incident,
        data={"before": before, "after": {"statement": statement, "whys": whys}},
        now=now,
    )
    return cause


@transaction.atomic
def root_cause_remove(*, cause: RootCause, actor: Actor, now: datetime | None = None) -> None:
    """Remove a root cause the team no longer holds; the event keeps what it said."""
    now = now or timezone.now()
    incident = cause.retrospective.incident
    ensure_not_closed(incident)
    event_record(
        actor=actor,
        verb="retrospective.root_cause_removed",
        obj=cause,
        incident=incident,
        data={"statement": cause.statement, "whys": cause.whys},
        now=now,
    )
    cause.delete()


def _check_hidden(hidden: bool, reason: str) -> None:
    if hidden and not reason:
        raise ValidationError(
            {"hidden_reason": _("Say why this line is hidden from the review.")},
            code="reason_required",
        )


@transaction.atomic
def timeline_note(
    *,
    retrospective: Retrospective,
    actor: AbstractBaseUser,
    event: Event,
    text: str = "",
    hidden: bool = False,
    hidden_reason: str = "",
    now: datetime | None = None,
) -> TimelineLine:
    """Annotate one line drafted from the record, or hide it (with a reason).

    A hidden line stays on the internal record, marked hidden: what happened
    is never silently dropped.
    """
    now = now or timezone.now()
    incident = retrospective.incident
    ensure_not_closed(incident)
    if event.incident_id != incident.pk and event.project_id != incident.project_id:
        raise ValidationError(_("That event is not on this incident's record."), code="foreign")
    text, hidden_reason = (text or "").strip(), (hidden_reason or "").strip()
    _check_hidden(hidden, hidden_reason)
    line, _created = TimelineLine.objects.select_for_update().get_or_create(
        retrospective=retrospective,
        event=event,
        defaults={"written_by": actor, "written_at": now},
    )
    before = {"text": line.text, "hidden": line.hidden, "hidden_reason": line.hidden_reason}
    line.text, line.hidden = text, hidden
    line.hidden_reason = hidden_reason if hidden else ""
    line.written_by, line.written_at = actor, now
    line.save()
    event_record(
        actor=actor,
        verb="retrospective.timeline_changed",
        obj=line,
        incident=incident,
        data={
            "event": event.pk,
            "before": before,
            "after": {"text": line.text, "hidden": line.hidden, "hidden_reason": hidden_reason},
        },
        now=now,
    )
    return line


@transaction.atomic
def timeline_line_add(
    *,
    retrospective: Retrospective,
    actor: AbstractBaseUser,
    occurred_at: datetime,
    text: str,
    now: datetime | None = None,
) -> TimelineLine:
    """Add a line the record does not have (a phone call nobody logged, a build that broke)."""
    now = now or timezone.now()
    incident = retrospective.incident
    ensure_not_closed(incident)
    text = (text or "").strip()
    errors = {}
    if not text:
        errors["text"] = _("Say what happened.")
    if occurred_at is None:
        errors["occurred_at"] = _("Say when it happened.")
    elif occurred_at > now:
        errors["occurred_at"] = _("The timeline records what happened: choose a past moment.")
    if errors:
        raise ValidationError(errors)
    line = TimelineLine.objects.create(
        retrospective=retrospective,
        occurred_at=occurred_at,
        text=text,
        written_by=actor,
        written_at=now,
    )
    event_record(
        actor=actor,
        verb="retrospective.timeline_changed",
        obj=line,
        incident=incident,
        data={"added": {"occurred_at": occurred_at, "text": text}},
        now=now,
    )
    return line


@transaction.atomic
def timeline_line_edit(
    *,
    line: TimelineLine,
    actor: AbstractBaseUser,
    text: str,
    occurred_at: datetime | None = None,
    hidden: bool = False,
    hidden_reason: str = "",
    now: datetime | None = None,
) -> TimelineLine:
    """Change a line the team added; it can be hidden (with a reason), never deleted."""
    if line.event_id is not None:
        return timeline_note(
            retrospective=line.retrospective,
            actor=actor,
            event=line.event,
            text=text,
            hidden=hidden,
            hidden_reason=hidden_reason,
            now=now,
        )
    now = now or timezone.now()
    ensure_not_closed(line.retrospective.incident)
    text, hidden_reason = (text or "").strip(), (hidden_reason or "").strip()
    if not text:
        raise ValidationError({"text": _("Say what happened.")})
    _check_hidden(hidden, hidden_reason)
    before = {"text": line.text, "occurred_at": line.occurred_at, "hidden": line.hidden}
    line.text = text
    if occurred_at is not None:
        if occurred_at > now:
            raise ValidationError(
                {"occurred_at": _("The timeline records what happened: choose a past moment.")}
            )
        line.occurred_at = occurred_at
    line.hidden, line.hidden_reason = hidden, hidden_reason if hidden else ""
    line.written_by, line.written_at = actor, now
    line.save()
    event_record(
        actor=actor,
        verb="retrospective.timeline_changed",
        obj=line,
        incident=line.retrospective.incident,
        data={
            "before": before,
            "after": {"text": text, "occurred_at": line.occurred_at, "hidden": hidden},
        },
        now=now,
    )
    return line


def improvement_add(
    *,
    retrospective: Retrospective,
    actor: AbstractBaseUser,
    owner: AbstractBaseUser | None,
    due_at: datetime | None,
    client_visible: bool = True,
    now: datetime | None = None,
    **texts: str,
) -> ActionItem:
    """An improvement the review found, as a prevention action of the incident's plan.

    It needs an owner and a due date: the reminder engine reminds its owner
    like any other action, and the client follows it in the report.
    """
    errors = {}
    if owner is None:
        errors["owner"] = _("Every improvement needs an owner.")
    if due_at is None:
        errors["due_at"] = _("Every improvement needs a due date.")
    if errors:
        raise ValidationError(errors)
    return action_item_create(
        incident=retrospective.incident,
        actor=actor,
        kind=ActionItemKind.PREVENTION,
        owner=owner,
        due_at=due_at,
        client_visible=client_visible,
        now=now,
        **texts,
    )
