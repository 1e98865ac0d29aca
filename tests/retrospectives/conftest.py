from datetime import timedelta

import pytest
import time_machine

from apps.incidents import services as incident_services
from apps.retrospectives.models import Retrospective
from tests.factories import ClientContactFactory, informed_incident


@pytest.fixture
def resolved(project, pm, now):
    """An incident the client heard of within the hour, resolved two days later."""
    ClientContactFactory(project=project, language="zh-hans")
    ClientContactFactory(project=project, language="en")
    incident = informed_incident(project=project, declared_by=pm, now=now, ready=True)
    at = now + timedelta(days=2)
    with time_machine.travel(at, tick=False):
        incident_services.incident_resolve(incident=incident, actor=pm, now=at)
    incident.refresh_from_db()
    return incident


@pytest.fixture
def retrospective(resolved) -> Retrospective:
    return Retrospective.objects.get(incident=resolved)
