from datetime import timedelta

import pytest

from apps.alternatives import services
from tests.factories import ClientContactFactory, MeetingFactory, informed_incident

HOUR = timedelta(hours=1)


@pytest.fixture
def informed(project, pm, now):
    """The client heard from us an hour ago; the incident is open."""
    return informed_incident(project=project, declared_by=pm, now=now - 2 * HOUR)


@pytest.fixture
def contact(project):
    return ClientContactFactory(
        project=project, name="Chen Jing", email="chen@client.example.com", is_decision_maker=True
    )


@pytest.fixture
def propose(pm, now):
    """``propose(incident, title_en=...)`` through the service, one minute apart."""
    count = 0

    def _propose(incident, **kwargs):
        nonlocal count
        count += 1
        values = {
            "title_en": f"Alternative {count}",
            "description_en": "A way forward.",
            "actor": pm,
            "now": now - timedelta(minutes=30 - count),
        } | kwargs
        return services.alternative_propose(incident=incident, **values)

    return _propose


@pytest.fixture
def decide(pm, contact, now):
    """``decide(incident, alternative, ...)``: a valid decision unless told otherwise."""

    def _decide(incident, alternative, **kwargs):
        current = services.current_decision(incident)
        values = {
            "actor": pm,
            "rationale_en": "The client prefers a later date to a smaller scope.",
            "client_agreed": [contact],
            "team_agreed": [pm],
            "expected_current_decision_id": current.pk if current else None,
            "others_reason_en": "Not acceptable to operations.",
        } | kwargs
        return services.decision_record(incident=incident, alternative=alternative, **values)

    return _decide


@pytest.fixture
def held_meeting(informed, pm, contact, now):
    return MeetingFactory(
        incident=informed,
        title_en="Options review",
        starts_at=now - HOUR,
        team_attendees=[pm],
        client_attendees=[contact],
    )
