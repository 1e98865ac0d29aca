"""The rules of commitments: made, changed while open, kept with when, missed with what was said."""

import pytest
from django.core.exceptions import ValidationError

from apps.commitments import services
from apps.commitments.models import Commitment, CommitmentStatus
from apps.core.concurrency import EditConflict
from apps.events.models import Event
from apps.incidents.models import Incident
from apps.projects.models import ProjectRole
from tests.factories import (
    MeetingFactory,
    StatusUpdateFactory,
    close_incident,
    informed_incident,
    member,
)

from .conftest import DAY, HOUR

pytestmark = pytest.mark.django_db


def test_making_a_commitment_records_the_event_and_moves_the_status_page_on(
    informed, promise, pm, owner, now
):
    stamp = Incident.objects.get(pk=informed.pk).updated_at

    made = promise(informed, what_zh_hans="负载测试报告", due_at=now + DAY)

    assert made.status == CommitmentStatus.OPEN
    assert (made.what_en, made.what_zh_hans) == ("The load test report", "负载测试报告")
    event = Event.objects.get(verb="commitment.made")
    assert event.actor == pm
    assert event.data["owner"]["id"] == owner.pk
    assert Incident.objects.get(pk=informed.pk).updated_at > stamp


def test_a_commitment_says_what_was_promised(informed, promise):
    with pytest.raises(ValidationError) as caught:
        promise(informed, what_en="   ")
    assert "what_en" in caught.value.message_dict
    assert not Commitment.objects.exists()


def test_a_viewer_cannot_own_a_commitment(informed, promise, project):
    viewer = member(project, ProjectRole.VIEWER)
    with pytest.raises(ValidationError) as caught:
        promise(informed, owner=viewer)
    assert "owner" in caught.value.message_dict


def test_the_source_must_be_one_of_the_incidents_own_records(informed, promise, pm, now):
    other = informed_incident(project=informed.project, declared_by=pm, now=now - HOUR)
    with pytest.raises(ValidationError) as caught:
        promise(informed, meeting=MeetingFactory(incident=other))
    assert "meeting" in caught.value.message_dict


def test_an_update_the_client_has_not_received_is_no_source(informed, promise):
    with pytest.raises(ValidationError) as caught:
        promise(informed, update=StatusUpdateFactory(incident=informed))
    assert "update" in caught.value.message_dict


def test_a_commitment_made_in_a_meeting_remembers_it(informed, promise):
    meeting = MeetingFactory(incident=informed)
    assert promise(informed, meeting=meeting).source == meeting


def test_a_commitment_is_made_in_one_place_at_most(informed, promise):
    with pytest.raises(ValidationError):
        promise(
            informed,
            meeting=MeetingFactory(incident=informed),
            update=StatusUpdateFactory(incident=informed),
        )


def test_changing_an_open_commitment_records_what_changed(informed, promise, pm, now):
    made = promise(informed)
    changed = services.commitment_update(
        commitment=made, expected_version=made.version, actor=pm, due_at=now + 5 * DAY
    )
    assert changed.version == 2
    event = Event.objects.get(verb="commitment.changed")
    assert "due_at" in event.data["changes"]


def test_two_people_changing_the_same_commitment_is_a_conflict(informed, promise, pm, now):
    made = promise(informed)
    services.commitment_update(
        commitment=Commitment.objects.get(pk=made.pk),
        expected_version=1,
        actor=pm,
        due_at=now + 4 * DAY,
    )
    with pytest.raises(EditConflict):
        services.commitment_update(
            commitment=Commitment.objects.get(pk=made.pk),
            expected_version=1,
            actor=pm,
            due_at=now + 6 * DAY,
        )


def test_keeping_records_when_and_refuses_the_future(informed, promise, pm, now):
    made = promise(informed)
    with pytest.raises(ValidationError) as caught:
        services.commitment_keep(commitment=made, actor=pm, kept_at=now + HOUR)
    assert "kept_at" in caught.value.message_dict

    kept = services.commitment_keep(commitment=made, actor=pm, kept_at=now)

    assert (kept.status, kept.kept_at) == (CommitmentStatus.KEPT, now)
    assert Event.objects.get(verb="commitment.kept").data["kept_at"] == now.isoformat()


def test_a_kept_commitment_can_no_longer_change_or_be_missed(informed, promise, pm, now):
    made = promise(informed)
    services.commitment_keep(commitment=made, actor=pm)
    with pytest.raises(ValidationError):
        services.commitment_keep(commitment=made, actor=pm)
    with pytest.raises(ValidationError):
        services.commitment_miss(commitment=made, actor=pm, told_client_en="Sorry.")
    with pytest.raises(ValidationError):
        services.commitment_update(
            commitment=made, expected_version=2, actor=pm, due_at=now + 9 * DAY
        )
    assert Commitment.objects.get(pk=made.pk).status == CommitmentStatus.KEPT


def test_missing_needs_what_the_client_was_told(informed, promise, pm, now):
    made = promise(informed)
    with pytest.raises(ValidationError) as caught:
        services.commitment_miss(commitment=made, actor=pm, told_client_en=" ")
    assert "told_client_en" in caught.value.message_dict

    missed = services.commitment_miss(
        commitment=made, actor=pm, told_client_zh_hans="我们已致电客户，报告推迟到周一。"
    )

    assert (missed.status, missed.missed_at) == (CommitmentStatus.MISSED, now)
    assert missed.told_client_zh_hans == "我们已致电客户，报告推迟到周一。"
    event = Event.objects.get(verb="commitment.missed")
    assert event.data["told_client_zh_hans"] == "我们已致电客户，报告推迟到周一。"


def test_a_closed_incident_takes_no_commitment(informed, promise, pm):
    made = promise(informed)
    closed = close_incident(informed, actor=pm)
    with pytest.raises(ValidationError):
        promise(closed)
    with pytest.raises(ValidationError):
        services.commitment_keep(commitment=made, actor=pm)
    assert Commitment.objects.count() == 1
