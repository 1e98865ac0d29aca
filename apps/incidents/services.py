"""Every change to an incident goes through these functions.

They enforce the rules of the method (the 24-hour window, the status
lifecycle, the cadence) whoever calls them: views, tasks, the admin, the API.
Each takes the acting user (``actor``) and records its event in the same
transaction (see ``docs/events.md``).
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.bilingual import columns
from apps.core.concurrency import EditConflict, save_if_unchanged
from apps.core.slots import Slot
from apps.events.services import Actor, event_record, record_changes, snapshot
from apps.projects.models import MAX_FIRST_CONTACT_WINDOW_HOURS, Project

from .models import (
    DEFAULT_CADENCE,
    INCIDENT_TEXTS,
    MAX_CADENCE,
    MIN_CADENCE,
    TRANSITIONS,
    Incident,
    IncidentSeverity,
    IncidentStatus,
)
from .selectors import incident_open_work

ONE_TICK = timedelta(microseconds=1)

#: After an incident's status changed, in the same transaction: the apps above
#: act on it (the client is e-mailed when it is resolved). Fillers get
#: ``incident``, ``previous`` (the status before), ``actor`` and ``now``.
STATUS_CHANGED = Slot("after an incident's status changed")

#: The columns of the texts the client is told, in both languages.
TEXT_COLUMNS = columns(*INCIDENT_TEXTS)
#: Fields that describe the incident to the client (and the internal notes).
DISCLOSURE_FIELDS = (
    *TEXT_COLUMNS,
    "cause_category",
    "impact_schedule_days",
    "impact_cost",
    "internal_notes",
)


def _check_texts(texts: dict) -> dict:
    """The texts trimmed; a title and what happened in one language at least."""
    unknown = set(texts) - set(TEXT_COLUMNS)
    if unknown:
        raise TypeError(f"Unknown incident texts: {sorted(unknown)}")
    return {name: (value or "").strip() for name, value in texts.items()}


def _require_title_and_summary(incident: Incident) -> None:
    errors = {}
    if not incident.title:
        errors["title_en"] = _("Give the incident a short title, in English or in Chinese.")
    if not incident.summary:
        errors["summary_en"] = _("Say briefly what happened, in English or in Chinese.")
    if errors:
        raise ValidationError(errors)


def ensure_not_closed(incident: Incident) -> None:
    """The one guard: nothing changes the record of a closed incident.

    It asks the database, not the copy it is given: a page opened before the
    incident was closed cannot add to its record afterwards.
    """
    closed = incident.is_closed or (
        incident.pk is not None
        and Incident.objects.filter(pk=incident.pk, status=IncidentStatus.CLOSED).exists()
    )
    if closed:
        raise ValidationError(_("The incident is closed: its record is final."), code="closed")


def incident_public_changed(*, incident_id: int) -> None:
    """Something the client's status page shows has changed.

    The status page builds its cache key and ETag from ``Incident.updated_at``;
    moving it on is all the invalidation it needs. Saving an incident moves it
    by itself; changes to related rows (updates, meetings, plans) call this.
    """
    _move_on(Incident.objects.filter(pk=incident_id))


def project_public_changed(*, project) -> None:
    """What the status pages show of the project (its delivery date) changed: all of them."""
    _move_on(Incident.objects.filter(project=project))


def _move_on(incidents) -> None:
    """``updated_at`` strictly later than before, even when two changes share a clock tick."""
    incidents.update(updated_at=Greatest(Value(timezone.now()), F("updated_at") + ONE_TICK))


def default_cadence(severity: str) -> timedelta:
    # An unknown severity is reported by full_clean() as a field error; until
    # then any valid cadence will do, so that it is not a crash.
    return DEFAULT_CADENCE.get(severity, DEFAULT_CADENCE[IncidentSeverity.HIGH])


def _validate_cadence(cadence: timedelta) -> None:
    if not MIN_CADENCE <= cadence <= MAX_CADENCE:
        raise ValidationError(
            _("The update cadence must be between 1 hour and 14 days."), code="cadence_range"
        )


@transaction.atomic
def incident_declare(
    *,
    project: Project,
    actor: AbstractBaseUser,
    severity: str = IncidentSeverity.HIGH,
    cause_category: str = "",
    impact_schedule_days: int | None = None,
    impact_cost: Decimal | None = None,
    internal_notes: str = "",
    now: datetime | None = None,
    **texts: str,
) -> Incident:
    """Declare an incident: the first-contact clock starts now.

    ``texts`` are what the client will read, by column (``title_en``,
    ``cause_zh_hans``, …); a title and what happened are needed in one
    language at least. The deadline is ``declared_at + the project's window``
    (never more than 24 h, whatever the project row says); the update
    cadence follows the severity.
    """
    texts = _check_texts(texts)
    now = now or timezone.now()
    if Project.objects.filter(pk=project.pk, archived_at__isnull=False).exists():
        raise ValidationError(
            _("The project is archived: restore it to the lists before declaring an incident."),
            code="archived",
        )
    window_hours = min(project.first_contact_window_hours, MAX_FIRST_CONTACT_WINDOW_HOURS)
    incident = Incident(
        project=project,
        declared_by=actor,
        severity=severity,
        cause_category=cause_category or "",
        impact_schedule_days=impact_schedule_days,
        impact_cost=impact_cost,
        internal_notes=internal_notes,
        **texts,
        status=IncidentStatus.DECLARED,
        declared_at=now,
        first_contact_due_at=now + timedelta(hours=window_hours),
        update_cadence=default_cadence(severity),
    )
    _require_title_and_summary(incident)
    incident.full_clean()
    incident.save()
    event_record(
        actor=actor,
        verb="incident.declared",
        obj=incident,
        incident=incident,
        data=snapshot(
            incident,
            (*DISCLOSURE_FIELDS, "severity", "first_contact_due_at", "update_cadence"),
        ),
        now=now,
    )
    return incident


@transaction.atomic
def incident_update_disclosure(
    *,
    incident: Incident,
    actor: Actor,
    expected_version: int | None = None,
    severity: str | None = None,
    now: datetime | None = None,
    **fields,
) -> Incident:
    """Edit what we tell the client (and the internal notes).

    Saves only if nobody else saved the disclosure since ``expected_version``
    (by default the version of ``incident`` as the caller loaded it); otherwise
    raises ``EditConflict`` with the incident as it is now. Steps: lock the
    row, so the cadence below is computed from the deadlines as they are now;
    apply the fields; move the cadence if the severity changed; write the
    disclosure (and the cadence, if it moved) with one conditional UPDATE.

    A change of severity moves the cadence to the new severity's default when
    the cadence was still the old default, and never lets the next promised
    update slip later than the new cadence allows. Returns the saved incident.
    """
    now = now or timezone.now()
    ensure_not_closed(incident)
    unknown = set(fields) - set(DISCLOSURE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown incident fields: {sorted(unknown)}")
    if expected_version is None:
        expected_version = incident.version
    saved = Incident.objects.select_for_update().get(pk=incident.pk)
    ensure_not_closed(saved)
    if saved.version != expected_version:
        raise EditConflict(saved)
    recorded = (*DISCLOSURE_FIELDS, "severity", "update_cadence", "next_update_due_at")
    before = snapshot(saved, recorded)
    for name, value in fields.items():
        setattr(saved, name, value.strip() if isinstance(value, str) else value)
    _require_title_and_summary(saved)
    written = [*fields, "severity", "updated_at"]
    if severity is not None and severity != saved.severity:
        old_default = default_cadence(saved.severity)
        saved.severity = severity
        if saved.update_cadence == old_default:
            _apply_cadence(saved, default_cadence(severity), now=now)
            written += ["update_cadence", "next_update_due_at"]
    saved.full_clean()
    # A queryset update skips auto_now: move the status page's change stamp by hand.
    saved.updated_at = timezone.now()
    save_if_unchanged(saved, expected_version=expected_version, fields=written)
    for name in (*written, "version"):  # the caller's copy tells the truth too
        setattr(incident, name, getattr(saved, name))
    record_changes(
        actor=actor,
        verb="incident.disclosure_changed",
        obj=saved,
        before=before,
        fields=recorded,
        incident=saved,
        data={"version": saved.version},
        now=now,
    )
    return saved


def _apply_cadence(incident: Incident, cadence: timedelta, *, now: datetime) -> None:
    incident.update_cadence = cadence
    if incident.next_update_due_at is not None:
        since = incident.last_update_at or incident.first_contact_at or now
        incident.next_update_due_at = min(incident.next_update_due_at, since + cadence)


@transaction.atomic
def incident_set_cadence(
    *, incident: Incident, actor: Actor, cadence: timedelta, now: datetime | None = None
) -> Incident:
    """Change how often the client hears from us.

    A shorter cadence can bring the next update forward; a longer one never
    pushes back an update already promised.
    """
    now = now or timezone.now()
    _validate_cadence(cadence)
    if not incident.is_open:
        raise ValidationError(_("Only an open incident has an update cadence."), code="not_open")
    recorded = ("update_cadence", "next_update_due_at")
    before = snapshot(incident, recorded)
    _apply_cadence(incident, cadence, now=now)
    incident.save(update_fields=["update_cadence", "next_update_due_at", "updated_at"])
    record_changes(
        actor=actor,
        verb="incident.cadence_changed",
        obj=incident,
        before=before,
        fields=recorded,
        incident=incident,
        now=now,
    )
    return incident


@transaction.atomic
def incident_change_status(
    *,
    incident: Incident,
    actor: Actor,
    status: str,
    reason: str = "",
    now: datetime | None = None,
) -> Incident:
    """Move an incident along its lifecycle; only the moves in ``TRANSITIONS``.

    Resolving while the apps above still have work open on it (``OPEN_WORK``:
    the plan's remediation actions) needs a ``reason``; it is kept on the
    incident and in the event, with what was still open.
    """
    now = now or timezone.now()
    reason = (reason or "").strip()
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if status not in TRANSITIONS[incident.status]:
        raise ValidationError(
            _("An incident that is “%(current)s” cannot become “%(target)s”.")
            % {
                "current": incident.get_status_display(),
                "target": IncidentStatus(status).label
                if status in IncidentStatus.values
                else status,
            },
            code="invalid_transition",
        )
    if status == IncidentStatus.CLIENT_INFORMED and incident.first_contact_at is None:
        raise ValidationError(
            _("Record the first contact with the client before marking them informed."),
            code="no_first_contact",
        )
    if status == IncidentStatus.CLOSED and incident.resolved_at is None:
        raise ValidationError(_("Resolve the incident before closing it."), code="not_resolved")
    open_work = incident_open_work(incident) if status == IncidentStatus.RESOLVED else []
    if open_work and not reason:
        raise ValidationError(
            {
                "reason": ValidationError(
                    _(
                        "Actions of the plan are still open: "
                        "say why the incident is resolved anyway."
                    ),
                    code="reason_required",
                )
            }
        )

    previous = incident.status
    before = snapshot(incident, STATUS_FIELDS)
    incident.status = status
    data = {}
    if status == IncidentStatus.RESOLVED:
        # The cadence stops: a resolved incident owes the client no more updates.
        incident.resolved_at = now
        incident.next_update_due_at = None
        incident.resolution_reason = reason
        if reason:
            data = {"reason": reason, "open_work": [str(item) for item in open_work]}
    elif status == IncidentStatus.CLOSED:
        incident.closed_at = now
        incident.next_update_due_at = None
    elif previous == IncidentStatus.RESOLVED:
        # Reopened: the client is owed an update again, one cadence from now.
        incident.resolved_at = None
        incident.resolution_reason = ""
        incident.next_update_due_at = now + incident.update_cadence
    incident.save()
    record_changes(
        actor=actor,
        verb="incident.status_changed",
        obj=incident,
        before=before,
        fields=STATUS_FIELDS,
        incident=incident,
        data=data,
        now=now,
    )
    STATUS_CHANGED.check(incident=incident, previous=previous, actor=actor, now=now)
    return incident


#: What a change of status may move, as its event records it.
STATUS_FIELDS = ("status", "resolved_at", "closed_at", "next_update_due_at", "resolution_reason")


def incident_resolve(
    *, incident: Incident, actor: Actor, reason: str = "", now: datetime | None = None
) -> Incident:
    return incident_change_status(
        incident=incident, actor=actor, status=IncidentStatus.RESOLVED, reason=reason, now=now
    )


def incident_close(*, incident: Incident, actor: Actor, now: datetime | None = None) -> Incident:
    return incident_change_status(
        incident=incident, actor=actor, status=IncidentStatus.CLOSED, now=now
    )


@transaction.atomic
def incident_record_first_contact(
    *, incident: Incident, actor: Actor, at: datetime, now: datetime | None = None
) -> Incident:
    """Record that the client has heard from us, once.

    Sets ``first_contact_at`` (later contacts do not move it), marks the client
    informed, and starts the update cadence from that moment. Whether the
    window was met is derived: ``first_contact_at <= first_contact_due_at``.
    """
    now = now or timezone.now()
    if at > now:
        raise ValidationError(_("A contact cannot be recorded in the future."), code="future")
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.first_contact_at is not None:
        return incident
    if at < incident.declared_at:
        raise ValidationError(
            _("The first contact cannot be earlier than the declaration."), code="too_early"
        )
    incident.first_contact_at = at
    if incident.status == IncidentStatus.DECLARED:
        incident.status = IncidentStatus.CLIENT_INFORMED
    if incident.is_open and incident.next_update_due_at is None:
        incident.next_update_due_at = at + incident.update_cadence
    incident.save()
    event_record(
        actor=actor,
        verb="first_contact.recorded",
        obj=incident,
        incident=incident,
        data={
            "first_contact_at": at,
            "first_contact_due_at": incident.first_contact_due_at,
            "within_window": incident.first_contact_met,
            "status": incident.status,
            "next_update_due_at": incident.next_update_due_at,
        },
        now=now,
    )
    return incident
