from datetime import timedelta

import pytest

from tests.factories import IncidentFactory

from .support import make_history

DAY = timedelta(days=1)


@pytest.fixture
def declared(project, pm, now):
    """An incident declared four days ago, still open."""
    return IncidentFactory(project=project, declared_by=pm, now=now - 4 * DAY)


@pytest.fixture
def history(declared, pm, now):
    return make_history(declared, pm, now)
