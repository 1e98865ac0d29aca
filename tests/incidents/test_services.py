from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from apps.incidents import services
from apps.incidents.models import Incident, IncidentSeverity, IncidentStatus
from tests.factories import IncidentFactory, ProjectFactory, close_incident, informed_incident

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


def _walk(incident, *statuses, now):
    for status in statuses:
        if status == IncidentStatus.CLOSED:
            # Closing asks why there is no client report (the retrospectives' rule).
            incident = close_incident(incident, now=now)
            continue
        incident = services.incident_change_status(
            incident=incident, status=status, now=now, actor=incident.declared_by
        )
    return incident


# --- declaring -----------------------------------------------------------------


def test_declaring_sets_first_contact_due_one_window_after_declaration(now):
    project = ProjectFactory(first_contact_window_hours=6)

    incident = IncidentFactory(project=project, now=now)

    assert incident.status == IncidentStatus.DECLARED
    assert incident.declared_at == now
    assert incident.first_contact_due_at == now + 6 * HOUR
    assert incident.first_contact_at is None
    assert incident.next_update_due_at is None


def test_declaring_uses_the_default_24_hour_window(now):
    incident = IncidentFactory(now=now)

    assert incident.first_contact_due_at == now + 24 * HOUR


def test_declaring_never_allows_more_than_24_hours_even_if_the_row_says_so(now, project):
    # A row written around the service and the form (e.g. raw SQL on an old
    # database) must still not give the team more than a day.
    project.first_contact_window_hours = 48

    incident = IncidentFactory(project=project, now=now)

    assert incident.first_contact_due_at == now + 24 * HOUR


@pytest.mark.parametrize(
    ("severity", "cadence"),
    [
        (IncidentSeverity.CRITICAL, timedelta(hours=24)),
        (IncidentSeverity.HIGH, timedelta(hours=48)),
        (IncidentSeverity.MEDIUM, timedelta(hours=72)),
        (IncidentSeverity.LOW, timedelta(days=7)),
    ],
)
def test_declaring_sets_the_default_cadence_for_the_severity(now, severity, cadence):
    incident = IncidentFactory(severity=severity, now=now)

    assert incident.update_cadence == cadence


def test_database_refuses_a_first_contact_deadline_not_after_the_declaration(now):
    incident = IncidentFactory(now=now)

    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(first_contact_due_at=F("declared_at"))


def test_declaring_without_a_title_is_refused(now):
    with pytest.raises(ValidationError) as exc:
        IncidentFactory(title="   ", now=now)

    assert "title_en" in exc.value.message_dict


def test_declaring_an_unknown_severity_is_refused(now):
    with pytest.raises(ValidationError):
        IncidentFactory(severity="apocalyptic", now=now)


# --- status lifecycle ------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ([], IncidentStatus.CLOSED),
        ([], IncidentStatus.RECOVERING),
        ([], IncidentStatus.DECLARED),
        ([IncidentStatus.PLAN_AGREED], IncidentStatus.CLIENT_INFORMED),
        ([IncidentStatus.RESOLVED], IncidentStatus.PLAN_AGREED),
        ([IncidentStatus.RESOLVED], IncidentStatus.CLIENT_INFORMED),
        ([IncidentStatus.RESOLVED, IncidentStatus.CLOSED], IncidentStatus.RECOVERING),
        ([IncidentStatus.RESOLVED, IncidentStatus.CLOSED], IncidentStatus.RESOLVED),
    ],
)
def test_invalid_status_transition_is_refused(now, path, target):
    incident = _walk(informed_incident(now=now - 2 * HOUR), *path, now=now)
    before = incident.status

    with pytest.raises(ValidationError) as exc:
        services.incident_change_status(
            incident=incident, status=target, now=now, actor=incident.declared_by
        )

    assert exc.value.code == "invalid_transition"
    incident.refresh_from_db()
    assert incident.status == before


@pytest.mark.parametrize(
    "target", [IncidentStatus.PLAN_AGREED, IncidentStatus.RESOLVED, IncidentStatus.CLOSED]
)
def test_declared_incident_cannot_skip_informing_the_client(now, target):
    incident = IncidentFactory(now=now)

    with pytest.raises(ValidationError, match="cannot become"):
        services.incident_change_status(
            incident=incident, status=target, now=now, actor=incident.declared_by
        )


def test_unknown_status_is_refused_with_a_validation_error(now):
    incident = IncidentFactory(now=now)

    with pytest.raises(ValidationError):
        services.incident_change_status(
            incident=incident, status="exploded", now=now, actor=incident.declared_by
        )


def test_client_informed_requires_a_first_contact(now):
    incident = IncidentFactory(now=now)

    with pytest.raises(ValidationError) as exc:
        services.incident_change_status(
            incident=incident,
            status=IncidentStatus.CLIENT_INFORMED,
            now=now,
            actor=incident.declared_by,
        )

    assert exc.value.code == "no_first_contact"
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.DECLARED


def test_close_requires_the_incident_to_be_resolved(now):
    incident = informed_incident(now=now - 2 * HOUR)
    # Whatever the lifecycle table says, a closed incident must have been resolved.
    incident.status = IncidentStatus.RESOLVED
    incident.save(update_fields=["status"])

    with pytest.raises(ValidationError) as exc:
        services.incident_close(incident=incident, now=now, actor=incident.declared_by)

    assert exc.value.code == "not_resolved"


def test_resolved_incident_can_be_closed(now):
    incident = _walk(informed_incident(now=now - 2 * HOUR), IncidentStatus.RESOLVED, now=now)

    incident = close_incident(incident, now=now + HOUR)

    assert incident.status == IncidentStatus.CLOSED
    assert incident.closed_at == now + HOUR
    assert incident.next_update_due_at is None


def test_resolving_stops_the_update_cadence(now):
    incident = informed_incident(now=now - 2 * HOUR)
    assert incident.next_update_due_at is not None

    incident = services.incident_resolve(incident=incident, now=now, actor=incident.declared_by)

    assert incident.status == IncidentStatus.RESOLVED
    assert incident.resolved_at == now
    incident.refresh_from_db()
    assert incident.next_update_due_at is None


def test_reopening_restarts_the_cadence_from_now(now):
    incident = _walk(informed_incident(now=now - 2 * HOUR), IncidentStatus.RESOLVED, now=now)
    later = now + 3 * 24 * HOUR

    incident = services.incident_change_status(
        incident=incident, status=IncidentStatus.RECOVERING, now=later, actor=incident.declared_by
    )

    assert incident.status == IncidentStatus.RECOVERING
    assert incident.resolved_at is None
    assert incident.next_update_due_at == later + incident.update_cadence


def test_the_whole_lifecycle_is_allowed(now):
    incident = informed_incident(now=now - 2 * HOUR)

    incident = _walk(
        incident,
        IncidentStatus.PLAN_AGREED,
        IncidentStatus.RECOVERING,
        IncidentStatus.PLAN_AGREED,
        IncidentStatus.RECOVERING,
        IncidentStatus.RESOLVED,
        IncidentStatus.CLOSED,
        now=now,
    )

    assert incident.status == IncidentStatus.CLOSED
    assert not incident.allowed_transitions


# --- first contact -----------------------------------------------------------------


def test_recording_first_contact_informs_the_client_and_starts_the_cadence(now):
    incident = IncidentFactory(severity=IncidentSeverity.CRITICAL, now=now)
    at = now + 3 * HOUR

    incident = services.incident_record_first_contact(
        incident=incident, at=at, now=at, actor=incident.declared_by
    )

    assert incident.first_contact_at == at
    assert incident.status == IncidentStatus.CLIENT_INFORMED
    assert incident.next_update_due_at == at + timedelta(hours=24)
    assert incident.first_contact_met is True


def test_first_contact_is_recorded_once_and_a_second_call_changes_nothing(now):
    incident = IncidentFactory(now=now)
    first = now + HOUR
    services.incident_record_first_contact(
        incident=incident, at=first, now=first, actor=incident.declared_by
    )

    again = services.incident_record_first_contact(
        incident=incident, at=now + 5 * HOUR, now=now + 5 * HOUR, actor=incident.declared_by
    )

    assert again.first_contact_at == first
    assert again.next_update_due_at == first + again.update_cadence
    incident.refresh_from_db()
    assert incident.first_contact_at == first


def test_first_contact_in_the_future_is_refused(now):
    incident = IncidentFactory(now=now)

    with pytest.raises(ValidationError) as exc:
        services.incident_record_first_contact(
            incident=incident, at=now + HOUR, now=now, actor=incident.declared_by
        )

    assert exc.value.code == "future"


def test_first_contact_before_the_declaration_is_refused(now):
    incident = IncidentFactory(now=now)

    with pytest.raises(ValidationError) as exc:
        services.incident_record_first_contact(
            incident=incident, at=now - HOUR, now=now, actor=incident.declared_by
        )

    assert exc.value.code == "too_early"
    incident.refresh_from_db()
    assert incident.first_contact_at is None


def test_late_first_contact_is_recorded_as_missed(now):
    incident = IncidentFactory(now=now)
    late = now + 30 * HOUR

    incident = services.incident_record_first_contact(
        incident=incident, at=late, now=late, actor=incident.declared_by
    )

    assert incident.first_contact_met is False


# --- cadence ----------------------------------------------------------------------


def test_severity_change_moves_a_default_cadence_to_the_new_default(now):
    incident = IncidentFactory(severity=IncidentSeverity.LOW, now=now)

    incident = services.incident_update_disclosure(
        incident=incident, severity=IncidentSeverity.CRITICAL, now=now, actor=incident.declared_by
    )

    assert incident.update_cadence == timedelta(hours=24)


def test_severity_change_keeps_a_cadence_the_pm_chose(now):
    incident = IncidentFactory(severity=IncidentSeverity.LOW, now=now)
    incident = services.incident_set_cadence(
        incident=incident, cadence=5 * HOUR, now=now, actor=incident.declared_by
    )

    incident = services.incident_update_disclosure(
        incident=incident, severity=IncidentSeverity.CRITICAL, now=now, actor=incident.declared_by
    )

    assert incident.update_cadence == 5 * HOUR


def test_severity_change_to_a_slower_default_never_delays_a_promised_update(now):
    incident = informed_incident(now=now, severity=IncidentSeverity.CRITICAL)
    promised = incident.next_update_due_at

    incident = services.incident_update_disclosure(
        incident=incident,
        severity=IncidentSeverity.LOW,
        now=now + 2 * HOUR,
        actor=incident.declared_by,
    )

    assert incident.update_cadence == timedelta(days=7)
    assert incident.next_update_due_at == promised


def test_severity_change_to_a_faster_default_brings_the_next_update_forward(now):
    incident = informed_incident(now=now, severity=IncidentSeverity.LOW)
    contacted = incident.first_contact_at

    incident = services.incident_update_disclosure(
        incident=incident,
        severity=IncidentSeverity.CRITICAL,
        now=now + 2 * HOUR,
        actor=incident.declared_by,
    )

    assert incident.next_update_due_at == contacted + timedelta(hours=24)


@pytest.mark.parametrize("cadence", [timedelta(minutes=59), timedelta(days=14, seconds=1)])
def test_cadence_outside_one_hour_to_fourteen_days_is_refused(now, cadence):
    incident = IncidentFactory(now=now)

    with pytest.raises(ValidationError) as exc:
        services.incident_set_cadence(
            incident=incident, cadence=cadence, now=now, actor=incident.declared_by
        )

    assert exc.value.code == "cadence_range"


@pytest.mark.parametrize("cadence", [timedelta(hours=1), timedelta(days=14)])
def test_cadence_at_the_bounds_is_accepted(now, cadence):
    incident = IncidentFactory(now=now)

    incident = services.incident_set_cadence(
        incident=incident, cadence=cadence, now=now, actor=incident.declared_by
    )

    incident.refresh_from_db()
    assert incident.update_cadence == cadence


def test_longer_cadence_never_pushes_a_promised_update_later(now):
    incident = informed_incident(now=now, severity=IncidentSeverity.CRITICAL)
    promised = incident.next_update_due_at

    incident = services.incident_set_cadence(
        incident=incident,
        cadence=timedelta(days=10),
        now=now + 2 * HOUR,
        actor=incident.declared_by,
    )

    incident.refresh_from_db()
    assert incident.update_cadence == timedelta(days=10)
    assert incident.next_update_due_at == promised


def test_shorter_cadence_brings_the_next_update_forward(now):
    incident = informed_incident(now=now, severity=IncidentSeverity.LOW)
    contacted = incident.first_contact_at

    incident = services.incident_set_cadence(
        incident=incident, cadence=6 * HOUR, now=now + 2 * HOUR, actor=incident.declared_by
    )

    assert incident.next_update_due_at == contacted + 6 * HOUR


def test_cadence_before_first_contact_starts_only_at_first_contact(now):
    incident = IncidentFactory(now=now)

    incident = services.incident_set_cadence(
        incident=incident, cadence=6 * HOUR, now=now, actor=incident.declared_by
    )

    assert incident.next_update_due_at is None
    at = now + HOUR
    incident = services.incident_record_first_contact(
        incident=incident, at=at, now=at, actor=incident.declared_by
    )
    assert incident.next_update_due_at == at + 6 * HOUR


def test_resolved_incident_has_no_cadence_to_change(now):
    incident = _walk(informed_incident(now=now - 2 * HOUR), IncidentStatus.RESOLVED, now=now)

    with pytest.raises(ValidationError) as exc:
        services.incident_set_cadence(
            incident=incident, cadence=6 * HOUR, now=now, actor=incident.declared_by
        )

    assert exc.value.code == "not_open"


# --- disclosure ---------------------------------------------------------------------


def test_editing_the_disclosure_saves_the_fields(now):
    incident = IncidentFactory(now=now)

    services.incident_update_disclosure(
        incident=incident,
        cause_en="  A bad index.  ",
        impact_cost=Decimal("1200.50"),
        now=now,
        actor=incident.declared_by,
    )

    incident.refresh_from_db()
    assert incident.cause == "A bad index."
    assert incident.impact_cost == Decimal("1200.50")


def test_editing_a_closed_incident_is_refused(now):
    incident = _walk(
        informed_incident(now=now - 2 * HOUR),
        IncidentStatus.RESOLVED,
        IncidentStatus.CLOSED,
        now=now,
    )

    with pytest.raises(ValidationError) as exc:
        services.incident_update_disclosure(
            incident=incident, cause_en="Too late", now=now, actor=incident.declared_by
        )

    assert exc.value.code == "closed"


def test_editing_an_unknown_field_is_a_programming_error(now):
    incident = IncidentFactory(now=now)

    with pytest.raises(TypeError):
        services.incident_update_disclosure(
            incident=incident, status=IncidentStatus.CLOSED, now=now, actor=incident.declared_by
        )


def test_negative_schedule_slip_is_refused(now):
    incident = IncidentFactory(now=now)

    with pytest.raises(ValidationError) as exc:
        services.incident_update_disclosure(
            incident=incident, impact_schedule_days=-3, now=now, actor=incident.declared_by
        )

    assert "impact_schedule_days" in exc.value.message_dict


# --- readiness checklist and next step ---------------------------------------------


def _done(incident):
    """The parts of the disclosure, done or not (the languages are tested on their own)."""
    done = {item.key: item.done for item in incident.readiness_checklist()}
    done.pop("languages")
    return done


def test_a_new_incident_has_nothing_ready(now):
    incident = IncidentFactory(now=now)

    assert _done(incident) == dict.fromkeys(
        ["cause", "state", "impact", "first_step", "apology"], False
    )
    assert not incident.is_ready_to_disclose


def test_a_complete_disclosure_is_ready(now):
    incident = IncidentFactory(ready=True, now=now)

    assert all(_done(incident).values())
    assert incident.is_ready_to_disclose


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"cause": "A bad index.", "cause_origin": "Nobody load-tested."}, "cause"),
        ({"current_state": "Half done."}, "state"),
        ({"impact_schedule_days": 0}, "impact"),
        ({"impact_cost": Decimal("0")}, "impact"),
        ({"impact_scope": "Reports."}, "impact"),
        ({"first_step": "Call the vendor."}, "first_step"),
        ({"apology": "We are sorry."}, "apology"),
    ],
)
def test_each_checklist_item_is_derived_from_its_fields(now, fields, key):
    incident = IncidentFactory(now=now, **fields)

    done = _done(incident)

    assert done.pop(key) is True
    assert not any(done.values())


def test_cause_without_how_it_arose_is_not_explained(now):
    incident = IncidentFactory(cause="A bad index.", cause_origin="   ", now=now)

    assert _done(incident)["cause"] is False


def test_blank_text_does_not_count_as_prepared(now):
    incident = IncidentFactory(current_state="  \n ", apology="\t", now=now)

    assert not any(_done(incident).values())


def test_next_step_asks_to_prepare_the_missing_parts_of_the_disclosure(now):
    incident = IncidentFactory(apology="We are sorry.", now=now)

    step = incident.next_step(now)

    assert step.startswith("Prepare the disclosure (")
    assert "Cause explained" in step
    assert "Apology prepared" not in step


def test_next_step_says_to_contact_the_client_when_ready(now):
    incident = IncidentFactory(ready=True, now=now)

    assert incident.next_step(now) == (
        "The disclosure is ready: contact the client before the deadline."
    )


def test_next_step_says_contact_now_once_the_deadline_has_passed(now):
    incident = IncidentFactory(ready=True, now=now)

    assert incident.next_step(incident.first_contact_due_at) == (
        "The first-contact deadline has passed: contact the client now."
    )


def test_next_step_when_an_update_is_overdue(now):
    incident = informed_incident(now=now)

    assert incident.next_step(incident.next_update_due_at + HOUR).startswith("An update is overdue")


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ([], "Propose a plan and agree it with the client."),
        ([IncidentStatus.PLAN_AGREED], "Start the recovery and keep the client updated."),
        (
            [IncidentStatus.PLAN_AGREED, IncidentStatus.RECOVERING],
            "Keep the recovery on track and post the next update before it is due.",
        ),
        ([IncidentStatus.RESOLVED], "Write the retrospective, share the client report"),
        (
            [IncidentStatus.RESOLVED, IncidentStatus.CLOSED],
            "Nothing left to do: the incident is closed.",
        ),
    ],
)
def test_next_step_for_each_stage_after_first_contact(now, path, text):
    incident = _walk(informed_incident(now=now - 2 * HOUR), *path, now=now)

    assert incident.next_step(now).startswith(text)
