from datetime import timedelta

import pytest

from apps.commitments import services
from apps.projects.models import ProjectRole
from tests.factories import ClientContactFactory, informed_incident, member

# The reminder tests' beat and workers, played by hand (``beat.scan_and_work``).
from tests.reminders.conftest import beat, clock, enqueued  # noqa: F401

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


@pytest.fixture
def informed(project, pm, now):
    """The client heard from us an hour ago; the incident is open."""
    return informed_incident(project=project, declared_by=pm, now=now - 2 * HOUR)


@pytest.fixture
def owner(project):
    return member(project, ProjectRole.MEMBER, username="jun", first_name="Jun", last_name="Wang")


@pytest.fixture
def contact(project):
    return ClientContactFactory(project=project, name="Chen Jing", email="chen@client.example.com")


@pytest.fixture
def promise(pm, owner, now):
    """``promise(incident, what_en=..., due_at=...)``: a commitment made through the service."""

    def _make(incident, **kwargs):
        values = {
            "what_en": "The load test report",
            "owner": owner,
            "due_at": now + 3 * DAY,
            "actor": pm,
        } | kwargs
        return services.commitment_make(incident=incident, **values)

    return _make
