"""Fixtures for tests that run real Celery processes.

``celery_processes`` starts workers and beats against the test database and a
broker of this test's own (a fresh file-system folder, or the configured
Redis purged first). They are always stopped before pytest-django empties the
test database, and their output is printed when the test fails.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from tests.integration import processes


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Remember each phase's outcome on the test item, so that a fixture's
    # finaliser can tell whether the test failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def celery_env(transactional_db, tmp_path: Path) -> dict[str, str]:
    """Environment for worker/beat processes: the test database, this test's broker."""
    broker_url = settings.CELERY_BROKER_URL
    processes.purge_broker(broker_url)
    return processes.celery_env(
        database_url=processes.database_url_for_tests(),
        broker_url=broker_url,
        var_dir=tmp_path / "var",
        broker_folder=tmp_path / "broker",
        extra={"CELERY_HEARTBEAT_SECONDS": "1"},
    )


@pytest.fixture
def celery_processes(
    celery_env: dict[str, str], tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[processes.CeleryProcesses]:
    procs = processes.CeleryProcesses(env=celery_env, log_dir=tmp_path / "logs")
    try:
        yield procs
    finally:
        procs.stop_all()
        failed = any(
            getattr(request.node, f"report_{when}", None) is not None
            and getattr(request.node, f"report_{when}").failed
            for when in ("setup", "call")
        )
        if failed and procs.processes:
            print(procs.report())
        processes.purge_broker(settings.CELERY_BROKER_URL)
