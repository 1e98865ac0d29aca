"""Start, stop and kill real Celery processes for integration tests.

The processes run the project's own code (``python -m celery -A config``) from
the project root, against the *test* database and the broker the tests use.
Each one gets its own process group, so a stop or a kill also reaches the
children of a prefork worker, and writes its output to a file (never a pipe,
which would block a chatty process once it is full).

Plain functions and a small :class:`CeleryProcesses` holder; the fixtures in
``conftest.py`` wire them to pytest's temporary directories and clean-up.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

from django.conf import settings
from kombu import Connection

T = TypeVar("T")

#: The queue the project's tasks go to (Celery's default).
DEFAULT_QUEUES = ("celery",)


# --- Configuration for the child processes ------------------------------------


def database_url_for_tests() -> str:
    """A ``DATABASE_URL`` for the test database this test process uses.

    Read inside a test (after pytest-django created the test database), when
    ``settings.DATABASES['default']['NAME']`` already names the test database.
    Refuses to hand out anything that does not look like a test database, so a
    worker started here can never write into the development database.
    """
    db = settings.DATABASES["default"]
    engine, name = db["ENGINE"], str(db["NAME"])
    if engine == "django.db.backends.sqlite3":
        expected = (db.get("TEST") or {}).get("NAME")
        if name == ":memory:" or "mode=memory" in name or (expected and name != str(expected)):
            raise RuntimeError(f"not a shareable SQLite test database: {name!r}")
        return f"sqlite:///{Path(name).resolve()}"
    if engine == "django.db.backends.postgresql":
        if not name.startswith("test_"):
            raise RuntimeError(f"not a test database: {name!r}")
        user = quote(db.get("USER") or "", safe="")
        password = quote(db.get("PASSWORD") or "", safe="")
        credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = db.get("HOST") or "localhost"
        port = f":{db['PORT']}" if db.get("PORT") else ""
        return f"postgres://{credentials}{host}{port}/{quote(name, safe='')}"
    raise RuntimeError(f"no DATABASE_URL form known for {engine}")


def is_filesystem_broker(broker_url: str) -> bool:
    return broker_url.startswith("filesystem://")


def celery_env(
    *,
    database_url: str,
    broker_url: str,
    var_dir: Path,
    broker_folder: Path | None = None,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The environment for worker and beat processes that share one broker.

    ``var_dir`` becomes ``CANDOR_VAR_DIR`` (beat's schedule file lives there);
    ``broker_folder`` is required for the file-system broker, and every process
    that must talk to each other needs the same one.
    """
    var_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONUNBUFFERED": "1",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "CANDOR_VAR_DIR": str(var_dir),
    }
    if is_filesystem_broker(broker_url):
        if broker_folder is None:
            raise ValueError("the file-system broker needs a broker_folder shared by all processes")
        env["CELERY_BROKER_FOLDER"] = str(broker_folder)
    env.update(extra or {})
    return env


def purge_broker(broker_url: str, queues: Iterable[str] = DEFAULT_QUEUES) -> None:
    """Empty the queues, and on Redis the unacknowledged set a killed worker leaves.

    A fresh file-system broker folder needs none of this.
    """
    if is_filesystem_broker(broker_url):
        return
    with Connection(broker_url, connect_timeout=5) as conn:
        channel = conn.default_channel
        for queue in queues:
            channel.queue_purge(queue)
        if broker_url.startswith(("redis://", "rediss://")):
            channel.client.delete(
                channel.unacked_key, channel.unacked_index_key, channel.unacked_mutex_key
            )


# --- Processes ------------------------------------------------------------------


@dataclass
class CeleryProcess:
    """One running ``celery`` process and the file its output goes to."""

    name: str
    args: list[str] = field(repr=False)
    popen: subprocess.Popen
    log_path: Path
    #: Set when a test stopped or killed it on purpose.
    stopped: bool = False

    @property
    def pid(self) -> int:
        return self.popen.pid

    def is_running(self) -> bool:
        return self.popen.poll() is None

    def output(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def describe(self) -> str:
        state = "running" if self.is_running() else f"exited with {self.popen.returncode}"
        return (
            f"----- {self.name} (pid {self.pid}, {state}) -----\n"
            f"$ {' '.join(self.args)}\n{self.output()}"
        )


def start(
    name: str, celery_args: list[str], *, env: Mapping[str, str], log_dir: Path
) -> CeleryProcess:
    """Start ``python -m celery -A config <celery_args>`` in its own process group."""
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    args = [sys.executable, "-m", "celery", "-A", "config", *celery_args]
    with log_path.open("ab") as log:
        popen = subprocess.Popen(
            args,
            cwd=settings.BASE_DIR,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return CeleryProcess(name=name, args=args, popen=popen, log_path=log_path)


def start_worker(
    *,
    env: Mapping[str, str],
    log_dir: Path,
    name: str = "worker",
    pool: str = "solo",
    concurrency: int = 1,
    extra_args: Iterable[str] = (),
) -> CeleryProcess:
    """A worker named ``<name>@<host>``.

    The solo pool runs tasks in the worker process itself, so killing the pid
    kills the task mid-flight; pass ``pool="prefork"`` to test child processes.
    """
    args = [
        "worker",
        f"--hostname={name}@%h",
        f"--pool={pool}",
        f"--concurrency={concurrency}",
        "--loglevel=INFO",
        "--without-mingle",
        "--without-gossip",
        *extra_args,
    ]
    return start(name, args, env=env, log_dir=log_dir)


def start_beat(
    *,
    env: Mapping[str, str],
    log_dir: Path,
    name: str = "beat",
    extra_args: Iterable[str] = (),
) -> CeleryProcess:
    """Celery beat with its schedule file in the environment's ``CANDOR_VAR_DIR``."""
    schedule = Path(env["CANDOR_VAR_DIR"]) / f"{name}-schedule"
    args = ["beat", f"--schedule={schedule}", "--loglevel=INFO", *extra_args]
    return start(name, args, env=env, log_dir=log_dir)


def _signal_group(proc: CeleryProcess, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)


def stop(proc: CeleryProcess, *, timeout: float = 15.0) -> int:
    """Ask for a warm shutdown (SIGTERM), then SIGKILL if it does not exit in time.

    Returns the exit code. Signals the whole process group, so no pool child
    outlives its parent.
    """
    proc.stopped = True
    _signal_group(proc, signal.SIGTERM)
    try:
        proc.popen.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _signal_group(proc, signal.SIGKILL)
        proc.popen.wait(timeout=timeout)
    _signal_group(proc, signal.SIGKILL)  # stragglers whose parent already left
    return proc.popen.returncode


def kill(proc: CeleryProcess, *, timeout: float = 15.0) -> int:
    """SIGKILL the process and its group at once, like a crash or an OOM kill."""
    proc.stopped = True
    _signal_group(proc, signal.SIGKILL)
    proc.popen.wait(timeout=timeout)
    return proc.popen.returncode


def wait_for_output(proc: CeleryProcess, text: str, *, timeout: float = 30.0) -> None:
    """Wait until ``text`` appears in the process's output (e.g. ``" ready."``)."""
    wait_until(lambda: text in proc.output(), timeout=timeout, what=f"{text!r} from {proc.name}")


def wait_until(
    predicate: Callable[[], T],
    *,
    timeout: float = 30.0,
    interval: float = 0.2,
    what: str = "condition",
    check: Callable[[], None] | None = None,
) -> T:
    """Poll ``predicate`` until it returns something truthy, and return that.

    ``check`` runs on every round and may raise to stop early (for example
    when a process under test has died). Raises :class:`TimeoutError`.
    """
    deadline = time.monotonic() + timeout
    while True:
        if check is not None:
            check()
        result = predicate()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout:g}s waiting for {what}")
        time.sleep(interval)


@dataclass
class CeleryProcesses:
    """The Celery processes of one test: started with one environment, always cleaned up."""

    env: dict[str, str] = field(repr=False)
    log_dir: Path
    processes: list[CeleryProcess] = field(default_factory=list)

    def worker(self, **kwargs) -> CeleryProcess:
        proc = start_worker(env=self.env, log_dir=self.log_dir, **kwargs)
        self.processes.append(proc)
        return proc

    def beat(self, **kwargs) -> CeleryProcess:
        proc = start_beat(env=self.env, log_dir=self.log_dir, **kwargs)
        self.processes.append(proc)
        return proc

    def stop(self, proc: CeleryProcess, **kwargs) -> int:
        return stop(proc, **kwargs)

    def kill(self, proc: CeleryProcess, **kwargs) -> int:
        return kill(proc, **kwargs)

    def stop_all(self) -> None:
        for proc in reversed(self.processes):
            if proc.is_running():
                stop(proc)
            else:
                _signal_group(proc, signal.SIGKILL)

    def assert_alive(self) -> None:
        """Fail with every process's output if one died that nobody stopped."""
        dead = [p for p in self.processes if not p.stopped and not p.is_running()]
        if dead:
            names = ", ".join(p.name for p in dead)
            raise AssertionError(f"{names} exited unexpectedly\n{self.report()}")

    def wait_until(self, predicate: Callable[[], T], **kwargs) -> T:
        """:func:`wait_until` that fails fast if a process died, and shows all output."""
        try:
            return wait_until(predicate, check=self.assert_alive, **kwargs)
        except TimeoutError as exc:
            raise AssertionError(f"{exc}\n{self.report()}") from None

    def report(self) -> str:
        return "\n".join(p.describe() for p in self.processes)
