"""A change and its event are saved together or not at all: one transaction.

A service refused by a rule writes nothing; a service that fails after it
wrote its event (the database, a bug) takes the event back with the change.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from apps.alternatives import services as alternatives
from apps.communications import services as communications
from apps.communications.models import StatusUpdate, UpdateStatus
from apps.core.concurrency import EditConflict
from apps.events.models import Event
from apps.incidents import services as incidents
from apps.incidents.models import Incident, IncidentStatus
from tests.factories import ClientContactFactory, close_incident, informed_incident

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


@pytest.fixture
def informed(project, pm, now):
    return informed_incident(project=project, declared_by=pm, now=now - 2 * HOUR)


@pytest.fixture
def before(informed):
    """The events already on the record before the test acts."""
    return set(Event.objects.values_list("pk", flat=True))


def new_events(before) -> list[Event]:
    return list(Event.objects.exclude(pk__in=before))


def test_an_edit_made_over_someone_elses_records_nothing(informed, pm, before):
    stale = informed.version
    incidents.incident_update_disclosure(incident=informed, actor=pm, cause_en="First.")
    first = set(Event.objects.values_list("pk", flat=True))

    with pytest.raises(EditConflict):
        incidents.incident_update_disclosure(
            incident=informed, actor=pm, expected_version=stale, cause_en="Second."
        )

    assert set(Event.objects.values_list("pk", flat=True)) == first


def test_a_move_the_lifecycle_forbids_records_nothing(informed, pm, before):
    with pytest.raises(ValidationError):
        incidents.incident_change_status(incident=informed, actor=pm, status=IncidentStatus.CLOSED)

    assert new_events(before) == []


def test_a_refused_decision_records_no_event_and_changes_no_alternative(informed, pm, before):
    alternative = alternatives.alternative_propose(
        incident=informed, actor=pm, title_en="Extend", description_en="Later."
    )
    proposed = set(Event.objects.values_list("pk", flat=True))

    with pytest.raises(ValidationError):
        alternatives.decision_record(
            incident=informed,
            alternative=alternative,
            actor=pm,
            rationale_en="",
            client_agreed=[],
            team_agreed=[pm],
            expected_current_decision_id=None,
        )

    assert set(Event.objects.values_list("pk", flat=True)) == proposed
    alternative.refresh_from_db()
    assert alternative.status == "proposed"


def test_a_failure_after_the_event_was_written_takes_it_back(
    informed, pm, monkeypatch, before, now
):
    ClientContactFactory(project=informed.project)
    draft = communications.update_draft_save(
        incident=informed, actor=pm, body_en="Where we are.", body_zh_hans="", now=now
    )
    drafted = set(Event.objects.values_list("pk", flat=True))

    def broken(**kwargs):
        raise RuntimeError("the database went away")

    # The last step of publishing, after the event and the e-mails were written.
    monkeypatch.setattr("apps.communications.services.updates.incident_public_changed", broken)
    with pytest.raises(RuntimeError):
        communications.update_publish(update=draft, actor=pm, now=now)

    assert set(Event.objects.values_list("pk", flat=True)) == drafted
    assert StatusUpdate.objects.get(pk=draft.pk).status == UpdateStatus.DRAFT
    assert Incident.objects.get(pk=informed.pk).last_update_at is None


def test_a_closed_incident_takes_no_more_changes_and_no_more_events(informed, pm, now):
    close_incident(informed, actor=pm, now=now)
    closed = set(Event.objects.values_list("pk", flat=True))

    with pytest.raises(ValidationError) as exc:
        communications.log_contact(
            incident=informed, actor=pm, channel="call", occurred_at=now, summary_en="Hi.", now=now
        )

    assert exc.value.messages == ["The incident is closed: its record is final."]
    assert set(Event.objects.values_list("pk", flat=True)) == closed
