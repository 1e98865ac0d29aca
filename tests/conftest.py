from datetime import UTC, datetime

import pytest
import time_machine

from apps.projects.models import ProjectRole

from .factories import IncidentFactory, ProjectFactory, UserFactory, member

#: A Monday morning in UTC; every test that cares about time runs frozen here.
NOW = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_status_page_lease(settings):
    """Every request reads afresh; tests/statuspage/test_lease.py turns the lease on."""
    from apps.statuspage import lease, pagecache

    settings.STATUSPAGE_LEASE_SECONDS = 0
    lease.clear()
    pagecache.clear_local()
    yield
    lease.clear()
    pagecache.clear_local()


@pytest.fixture
def now():
    """Freeze the clock at ``NOW`` for the test."""
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def project(db):
    return ProjectFactory()


@pytest.fixture
def pm(project):
    return member(project, ProjectRole.PM, username="pm")


@pytest.fixture
def team_member(project):
    return member(project, ProjectRole.MEMBER, username="teammate")


@pytest.fixture
def viewer(project):
    return member(project, ProjectRole.VIEWER, username="viewer")


@pytest.fixture
def stranger(db):
    """Logged in, but a member of no project."""
    return UserFactory(username="stranger")


@pytest.fixture
def pmo(db):
    return UserFactory(username="pmo", profile__is_pmo=True)


@pytest.fixture
def incident(project, pm, now):
    return IncidentFactory(project=project, declared_by=pm, now=now)


@pytest.fixture
def login(client):
    """``login(user)`` signs the test client in as ``user`` and returns the client."""

    def _login(user, language: str | None = None):
        client.force_login(user)
        if language:
            client.cookies["django_language"] = language
        return client

    return _login


def pytest_configure(config):
    # WhiteNoise warns about the collected static directory, which tests never build.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")
