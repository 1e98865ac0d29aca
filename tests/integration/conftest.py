"""Fixtures for tests that run real Celery processes.

``celery_processes`` starts workers and beats against the test database and a
broker of this test's own (a fresh file-system folder, or the configured
Redis purged first). They are always stopped before pytest-django empties the
test database, and their output is printed when the test fails.

The reminder fault tests use ``procs`` instead: the same, on a ``broker``
parametrised over the file-system transport and a private ``redis-server``,
with e-mail going to the ``smtp`` server in the test process.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from apps.outbox import services as outbox
from tests.integration import processes
from tests.integration.smtp import SmtpSink


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
        if _failed(request) and procs.processes:
            print(procs.report())
        processes.purge_broker(settings.CELERY_BROKER_URL)


def _failed(request: pytest.FixtureRequest) -> bool:
    """Whether the test's setup or call failed (see ``pytest_runtest_makereport``)."""
    return any(
        getattr(request.node, f"report_{when}", None) is not None
        and getattr(request.node, f"report_{when}").failed
        for when in ("setup", "call")
    )


# --- The reminder fault tests: their own broker and SMTP server ----------------------


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture(params=["filesystem", "redis"])
def broker(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[processes.Broker]:
    if request.param == "filesystem":
        yield processes.Broker.filesystem(tmp_path / "broker")
        return
    if not processes.RedisServer.available():
        pytest.skip("redis-server is not installed")
    server = processes.RedisServer(log_dir=tmp_path / "redis")
    try:
        server.start()
        yield processes.Broker.private_redis(server)
    finally:
        server.stop()


@pytest.fixture
def procs(
    transactional_db, broker, smtp, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[processes.CeleryProcesses]:
    """Workers, beat and ``manage.py`` runs on this test's broker and SMTP server.

    Always stopped before the test database is emptied; every output (and the
    SMTP server's and broker's) is printed when the test fails.
    """
    env = processes.celery_env(
        database_url=processes.database_url_for_tests(),
        broker_url=broker.url,
        var_dir=tmp_path / "var",
        broker_folder=broker.folder,
        extra={
            "EMAIL_URL": smtp.url,
            "EMAIL_TIMEOUT": "10",
            # Beat, when a test starts it, only scans; the tests run the sweep.
            "REMINDER_SCAN_SECONDS": "1",
            "REMINDER_SWEEP_SECONDS": "3600",
            "CELERY_HEARTBEAT_SECONDS": "3600",
            outbox.TEST_SLOW_SEND_ENV: "0",
        },
    )
    holder = processes.CeleryProcesses(env=env, log_dir=tmp_path / "logs")
    holder.extra_reports += [smtp.report, broker.report]
    try:
        yield holder
    finally:
        holder.stop_all()
        if _failed(request):
            print(holder.report())
