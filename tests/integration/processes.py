"""Start, stop and kill real Celery processes (and brokers) for integration tests.

The processes run the project's own code (``python -m celery -A config``) from
the project root, against the *test* database and the broker the tests use.
Each one gets its own process group, so a stop or a kill also reaches the
children of a prefork worker, and writes its output to a file (never a pipe,
which would block a chatty process once it is full).

Plain functions and a small :class:`CeleryProcesses` holder; the fixtures in
``conftest.py`` wire them to pytest's temporary directories and clean-up.
:class:`Broker` and :class:`RedisServer` give a test a broker of its own that it
may empty or restart without touching anyone else's. The last section holds
what the reminder fault tests share: running ``scan_reminders`` and reading
its counts, killing a worker mid-send, and checking that every reminder was
delivered and e-mailed exactly once.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import quote

from django.conf import settings
from django.db import connection
from django.utils import timezone
from kombu import Connection

from apps.notifications.models import Notification
from apps.outbox import services as outbox
from apps.outbox.models import EmailStatus, OutgoingEmail
from apps.reminders import services as reminders
from apps.reminders.models import Reminder, ReminderStatus

if TYPE_CHECKING:
    from tests.integration.smtp import SmtpSink

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
    #: A command that is meant to finish (``manage.py ...``), not a server.
    oneshot: bool = False

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


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(
    name: str, celery_args: list[str], *, env: Mapping[str, str], log_dir: Path
) -> CeleryProcess:
    """Start ``python -m celery -A config <celery_args>`` in its own process group."""
    args = [sys.executable, "-m", "celery", "-A", "config", *celery_args]
    return start_command(name, args, env=env, log_dir=log_dir)


def start_command(
    name: str, args: list[str], *, env: Mapping[str, str], log_dir: Path, oneshot: bool = False
) -> CeleryProcess:
    """Start any command from the project root in its own process group, output to a file."""
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
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
    return CeleryProcess(name=name, args=args, popen=popen, log_path=log_path, oneshot=oneshot)


#: ``python -c`` program: set Django up, wait for a file to appear, then run a
#: management command. Several of them started together run their commands at
#: (nearly) the same instant, without Django's start-up time in between.
_MANAGE_AT_SIGNAL = """
import os, sys, time
import django
django.setup()
from django.core.management import call_command
signal_file = sys.argv[1]
print("waiting for", signal_file, flush=True)
deadline = time.monotonic() + 60
while not os.path.exists(signal_file):
    if time.monotonic() > deadline:
        sys.exit("no start signal")
    time.sleep(0.002)
call_command(*sys.argv[2:])
"""


def manage_args(*args: str, start_signal: Path | None = None) -> list[str]:
    """Command line for ``manage.py <args>``, or for running it when ``start_signal`` exists."""
    if start_signal is not None:
        return [sys.executable, "-c", _MANAGE_AT_SIGNAL, str(start_signal), *args]
    return [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args]


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
    #: More to show when a test fails (a broker's or a mail server's log).
    extra_reports: list[Callable[[], str]] = field(default_factory=list)

    def _unique(self, name: str) -> str:
        """``name``, or ``name-2``, ``name-3``...: each process has a log file of its own."""
        taken = {p.name for p in self.processes}
        if name not in taken:
            return name
        return next(f"{name}-{n}" for n in range(2, len(taken) + 3) if f"{name}-{n}" not in taken)

    def worker(
        self, *, name: str = "worker", env_extra: Mapping[str, str] | None = None, **kwargs
    ) -> CeleryProcess:
        """Start a worker; ``env_extra`` adds to (or overrides) this holder's environment."""
        env = {**self.env, **(env_extra or {})}
        proc = start_worker(env=env, log_dir=self.log_dir, name=self._unique(name), **kwargs)
        self.processes.append(proc)
        return proc

    def ready_worker(self, **kwargs) -> CeleryProcess:
        """Start a worker and wait until it consumes."""
        proc = self.worker(**kwargs)
        self.wait_until(lambda: " ready." in proc.output(), timeout=60, what=f"{proc.name} ready")
        return proc

    def manage_start(self, *args: str, name: str, start_signal: Path | None = None):
        """Start ``manage.py <args>`` with this environment (see :func:`manage_args`)."""
        proc = start_command(
            self._unique(name),
            manage_args(*args, start_signal=start_signal),
            env=self.env,
            log_dir=self.log_dir,
            oneshot=True,
        )
        self.processes.append(proc)
        return proc

    def finished(self, proc: CeleryProcess, *, timeout: float = 90.0) -> str:
        """Wait for a one-shot command, fail with every output unless it succeeded; its output."""
        try:
            proc.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            message = f"{proc.name} still running after {timeout:g}s\n{self.report()}"
            raise AssertionError(message) from None
        if proc.popen.returncode != 0:
            raise AssertionError(f"{proc.name} failed\n{self.report()}")
        return proc.output()

    def manage(self, *args: str, name: str = "manage", timeout: float = 90.0) -> str:
        """Run ``manage.py <args>`` to the end with this environment; its output."""
        return self.finished(self.manage_start(*args, name=name), timeout=timeout)

    def beat(self, *, name: str = "beat", **kwargs) -> CeleryProcess:
        proc = start_beat(env=self.env, log_dir=self.log_dir, name=self._unique(name), **kwargs)
        self.processes.append(proc)
        return proc

    def stop(self, proc: CeleryProcess, **kwargs) -> int:
        return stop(proc, **kwargs)

    def kill(self, proc: CeleryProcess, **kwargs) -> int:
        return kill(proc, **kwargs)

    def stop_all(self, *, timeout: float = 15.0) -> None:
        """Warm shutdown for every server at once, SIGKILL for what is left."""
        running = [p for p in self.processes if not p.oneshot and p.is_running()]
        for proc in running:
            proc.stopped = True
            _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for proc in running:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
        for proc in self.processes:
            if proc.oneshot and not proc.is_running():
                continue  # a finished command leaves no children
            _signal_group(proc, signal.SIGKILL)  # stragglers, and pool children left behind
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.popen.wait(timeout=timeout)

    def assert_alive(self) -> None:
        """Fail with every process's output if one died that nobody stopped."""
        dead = [p for p in self.processes if not p.stopped and not p.oneshot and not p.is_running()]
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
        parts = [p.describe() for p in self.processes]
        for extra in self.extra_reports:
            with contextlib.suppress(Exception):
                parts.append(extra())
        return "\n".join(parts)


# --- Brokers of a test's own ------------------------------------------------------


@dataclass
class RedisServer:
    """A private ``redis-server`` for one test, on a port of its own.

    Killing and starting it again on the same port is a broker restart that
    loses every message (no persistence). Never the machine's shared Redis.
    """

    log_dir: Path
    port: int = field(default_factory=free_port)
    runs: list[CeleryProcess] = field(default_factory=list)

    @staticmethod
    def available() -> bool:
        return shutil.which("redis-server") is not None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def current(self) -> CeleryProcess | None:
        return self.runs[-1] if self.runs else None

    def start(self, *, timeout: float = 15.0) -> None:
        args = [
            shutil.which("redis-server") or "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(self.log_dir),
        ]
        proc = start_command(
            f"redis-{len(self.runs) + 1}", args, env=os.environ, log_dir=self.log_dir
        )
        self.runs.append(proc)

        def up() -> bool:
            if not proc.is_running():
                raise AssertionError(f"redis-server exited\n{proc.describe()}")
            return self.ping()

        wait_until(up, timeout=timeout, what=f"redis-server on port {self.port}")

    def ping(self) -> bool:
        import redis

        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.5)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    def kill(self) -> None:
        """SIGKILL: every message in it is gone."""
        if self.current is not None and self.current.is_running():
            kill(self.current)

    def restart(self) -> None:
        self.kill()
        self.start()

    def stop(self) -> None:
        for proc in self.runs:
            if proc.is_running():
                kill(proc)

    def report(self) -> str:
        return "\n".join(p.describe() for p in self.runs)


@dataclass
class Broker:
    """The broker of one test: a fresh file-system folder, or a private Redis."""

    kind: str
    url: str
    folder: Path | None = None
    redis: RedisServer | None = None

    @classmethod
    def filesystem(cls, folder: Path) -> Broker:
        return cls(kind="filesystem", url="filesystem://localhost/", folder=folder)

    @classmethod
    def private_redis(cls, server: RedisServer) -> Broker:
        return cls(kind="redis", url=server.url, redis=server)

    def queued(self, queue: str = "celery") -> int:
        """Messages waiting in the queue (not those a worker holds unacknowledged)."""
        if self.folder is not None:
            return len(list((self.folder / "queue").glob(f"*.{queue}.msg")))
        import redis

        # kombu keeps a queue as a Redis list, one more per message priority.
        client = redis.Redis.from_url(self.url, socket_connect_timeout=5)
        try:
            lists = [queue, *client.scan_iter(match=f"{queue}\x06\x16*")]
            return sum(client.llen(key) for key in lists)
        finally:
            client.close()

    def lose_messages(self) -> None:
        """The broker forgets every waiting message: Redis killed and restarted
        (no persistence), or the file-system queue's message files deleted."""
        if self.redis is not None:
            self.redis.restart()
            return
        for message in (self.folder / "queue").glob("*.msg"):
            message.unlink(missing_ok=True)

    def report(self) -> str:
        if self.redis is not None:
            return self.redis.report()
        return f"----- file-system broker: {self.queued()} message(s) queued -----"


# --- Reminder fault tests: scans, kills and the exactly-once checks --------------------

#: How long to keep watching after everything arrived, for a late duplicate.
SETTLE_SECONDS = 1.5
DELIVERY_TIMEOUT = 90


def after_the_sweep_grace() -> str:
    """A moment (for ``--now``) at which the sweep treats everything pending now as lost."""
    grace = max(reminders.SWEEP_GRACE, outbox.SWEEP_GRACE)
    return (timezone.now() + grace + timedelta(minutes=1)).isoformat()


def new_reminders(output: str) -> int:
    """The count ``scan_reminders`` printed: "N new reminder(s)"."""
    for line in output.splitlines():
        if "new reminder(s)" in line:
            return int(line.split()[0])
    raise AssertionError(f"no count in the scan's output:\n{output}")


def swept_emails(output: str) -> int:
    """The e-mails ``scan_reminders --sweep`` re-enqueued: "... and M e-mail(s) re-enqueued"."""
    for line in output.splitlines():
        if "e-mail(s) re-enqueued" in line:
            return int(line.split(" and ")[-1].split()[0])
    raise AssertionError(f"no sweep count in the output:\n{output}")


def is_sqlite() -> bool:
    return connection.vendor == "sqlite"


def scans_at_once(procs: CeleryProcesses, start_signal: Path, *args: str) -> list[str]:
    """Two ``scan_reminders <args>`` that start within milliseconds of each other; outputs.

    Both processes set Django up, then wait for the same signal file, so the
    scans themselves (not Django's start-up) run at the same instant.
    """
    scans = [
        procs.manage_start("scan_reminders", *args, name="scan", start_signal=start_signal)
        for _ in range(2)
    ]
    procs.wait_until(
        lambda: all("waiting for" in scan.output() for scan in scans),
        timeout=60,
        what="both scans ready",
    )
    start_signal.touch()
    return [procs.finished(scan) for scan in scans]


def kill_while_sending(procs: CeleryProcesses, doomed: CeleryProcess) -> set[int]:
    """SIGKILL ``doomed`` (started with the slow-send hook) while it sends e-mails.

    Waits until each of its pool processes that can be sending holds an
    e-mail just before the SMTP send (on SQLite the first send holds the
    database's write lock: one at a time), kills the whole process group, and
    returns the ids of the e-mails it was sending.
    """
    in_flight = 1 if is_sqlite() else 2
    marker = f"{outbox.TEST_SLOW_SEND_ENV}: sending e-mail "
    procs.wait_until(
        lambda: doomed.output().count(marker) >= in_flight,
        timeout=DELIVERY_TIMEOUT,
        what=f"{in_flight} e-mail(s) being sent",
    )
    procs.kill(doomed)  # SIGKILL to the whole process group: parent and pool children
    killed = {
        int(line.split(marker)[1].split()[0])
        for line in doomed.output().splitlines()
        if marker in line
    }
    assert len(killed) >= in_flight
    return killed


def _statuses(delivered: int, obsolete: int) -> Counter:
    return +Counter({ReminderStatus.DELIVERED: delivered, ReminderStatus.OBSOLETE: obsolete})


def everything_sent(smtp: SmtpSink, broker: Broker, expected: int, *, obsolete: int = 0) -> bool:
    """``expected`` reminders delivered (and ``obsolete`` found no longer needed), every
    e-mail sent and received, nothing left in the queue.

    Fails at once when more were delivered or received than expected: a
    duplicate never goes away, there is no point waiting for the time-out.
    """
    statuses = Counter(Reminder.objects.values_list("status", flat=True))
    if statuses[ReminderStatus.DELIVERED] > expected or smtp.count() > expected:
        raise AssertionError(
            f"more than {expected} reminders delivered or e-mailed: {dict(statuses)}\n"
            f"{smtp.report()}"
        )
    if statuses != _statuses(expected, obsolete):
        return False
    if OutgoingEmail.objects.count() < expected:
        return False
    if OutgoingEmail.objects.exclude(status=EmailStatus.SENT).exists():
        return False
    return smtp.count() >= expected and broker.queued() == 0


def wait_until_everything_sent(
    procs: CeleryProcesses, smtp: SmtpSink, broker: Broker, expected: int, *, obsolete: int = 0
) -> None:
    procs.wait_until(
        lambda: everything_sent(smtp, broker, expected, obsolete=obsolete),
        timeout=DELIVERY_TIMEOUT,
        interval=0.25,
        what=f"{expected} reminders delivered and their e-mails received",
    )
    time.sleep(SETTLE_SECONDS)  # a duplicate still on its way would arrive now


def assert_each_delivered_exactly_once(smtp: SmtpSink, expected: int, *, obsolete: int = 0) -> None:
    """One row per reminder, delivered; one notification; one e-mail row; one SMTP message.

    ``obsolete`` rows (no longer true when delivered) have no notification and no e-mail.
    """
    reminders_ = list(Reminder.objects.select_related("recipient").order_by("pk"))
    assert len(reminders_) == expected + obsolete
    assert Counter(r.status for r in reminders_) == _statuses(expected, obsolete)
    identities = Counter(
        (r.incident_id, r.action_item_id, r.commitment_id, r.kind, r.due_at, r.recipient_id)
        for r in reminders_
    )
    assert max(identities.values()) == 1
    delivered = [r for r in reminders_ if r.status == ReminderStatus.DELIVERED]

    notified = Counter(
        Notification.objects.filter(key__startswith="reminder:").values_list("key", flat=True)
    )
    assert notified == Counter(f"reminder:{r.pk}" for r in delivered)

    addressee = {f"reminder:{r.pk}": r.recipient.email for r in delivered}
    emails = {e.dedupe_key: e for e in OutgoingEmail.objects.all()}
    assert set(emails) == set(addressee)
    assert {e.status for e in emails.values()} == {EmailStatus.SENT}

    received = smtp.messages
    assert Counter(m.key for m in received) == Counter(addressee.keys()), smtp.report()
    for message in received:
        assert message.to == (addressee[message.key],)
        assert message.subject == emails[message.key].subject
