from datetime import timedelta

import pytest

from apps.actionplans import services
from apps.projects.models import ProjectRole
from tests.factories import ClientContactFactory, informed_incident, member

DAY = timedelta(days=1)


@pytest.fixture
def informed(project, pm, now):
    """The client heard from us an hour ago; the incident is open."""
    return informed_incident(project=project, declared_by=pm, now=now - 2 * timedelta(hours=1))


@pytest.fixture
def contact(project):
    return ClientContactFactory(project=project, name="Chen Jing", email="chen@client.example.com")


@pytest.fixture
def add_item(pm, now):
    """``add_item(incident, title=..., owner=..., due_at=...)`` through the service."""

    def _add(incident, **kwargs):
        values = {
            "kind": "remediation",
            "title_en": "Partition the dispatch engine",
            "owner": pm,
            "due_at": now + 3 * DAY,
            "actor": pm,
        } | kwargs
        return services.action_item_create(incident=incident, **values)

    return _add


@pytest.fixture
def owner(project):
    return member(project, ProjectRole.MEMBER, username="jun", first_name="Jun", last_name="Wang")
