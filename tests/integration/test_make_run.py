"""``make run`` stops web, worker and beat whenever it is stopped, however that happens.

Each test starts the real ``make run`` (migrate, demo data, the three
processes) on a database, broker and port of its own, waits until the home
page answers and the worker and beat are up, notes every process in make's
tree, signals one of them, and checks that the whole tree is gone.
"""

import contextlib
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from tests.integration.processes import free_port, wait_until

pytestmark = pytest.mark.integration

START_TIMEOUT = 180
STOP_TIMEOUT = 15


def _stat(pid: int) -> tuple[str, int] | None:
    """State letter and parent pid of a process, from /proc (None once it is gone)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    state, ppid = text.rsplit(")", 1)[1].split()[:2]
    return state, int(ppid)


def _cmdline(pid: int) -> str:
    with contextlib.suppress(FileNotFoundError, ProcessLookupError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    return ""


def descendants(root: int) -> set[int]:
    """Every process below ``root``, at this moment."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            children.setdefault(stat[1], []).append(int(entry.name))
    found, todo = set(), [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[0] not in ("Z", "X")


@dataclass
class MakeRun:
    popen: subprocess.Popen
    log: Path
    port: int

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def home_page_answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def check(self) -> None:
        if self.popen.poll() is not None:
            raise AssertionError(f"make run exited with {self.popen.returncode}\n{self.output()}")

    def wait_until_up(self) -> dict[int, str]:
        """Wait for web, worker and beat; every process under make, with its command line."""
        wait_until(
            lambda: (
                self.home_page_answers()
                and " ready." in self.output()
                and "beat: Starting" in self.output()
            ),
            timeout=START_TIMEOUT,
            interval=0.5,
            what="make run: home page, worker and beat",
            check=self.check,
        )
        return {pid: _cmdline(pid) for pid in descendants(self.popen.pid)}


@pytest.fixture
def make_run(tmp_path: Path) -> Iterator[MakeRun]:
    venv = Path(sys.executable).parent.parent
    var = tmp_path / "var"
    var.mkdir()
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")
    }
    env.update(
        {
            "CANDOR_VAR_DIR": str(var),
            "DATABASE_URL": f"sqlite:///{var / 'candor.sqlite3'}",
            "CELERY_BROKER_URL": "filesystem://localhost/",
            "CELERY_BROKER_FOLDER": str(tmp_path / "broker"),
            "CACHE_URL": "locmemcache://candor",
            "EMAIL_URL": "consolemail://",
            "DEBUG": "true",
            "PORT": str(port),
            "HOST": "127.0.0.1",
        }
    )
    log = tmp_path / "make-run.log"
    with log.open("wb") as out:
        # -o: never reinstall the project in the middle of a test.
        popen = subprocess.Popen(
            ["make", "-o", f"{venv}/.installed", "run", f"VENV={venv}"],
            cwd=settings.BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    run = MakeRun(popen=popen, log=log, port=port)
    seen: set[int] = set()
    try:
        yield run
    finally:
        seen |= descendants(popen.pid)
        for pid in seen | {popen.pid}:
            if alive(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        popen.wait(timeout=10)


def _assert_all_gone(run: MakeRun, tree: dict[int, str]) -> None:
    def gone() -> bool:
        run.popen.poll()  # make is this test's child: reap it
        return not any(alive(pid) for pid in [run.popen.pid, *tree])

    try:
        wait_until(gone, timeout=STOP_TIMEOUT, interval=0.2, what="every process to stop")
    except TimeoutError:
        left = {pid: cmd for pid, cmd in tree.items() if alive(pid)}
        for pid in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        raise AssertionError(f"still running: {left}\n{run.output()}") from None


def _assert_whole_topology(tree: dict[int, str]) -> None:
    commands = list(tree.values())
    assert any("bin/run" in cmd for cmd in commands), tree
    assert any("runserver 127.0.0.1:" in cmd for cmd in commands), tree
    assert any(" worker " in cmd for cmd in commands), tree
    assert any(cmd.rstrip().endswith("beat --loglevel=INFO") for cmd in commands), tree


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_killing_make_stops_everything_it_started(make_run, sig):
    tree = make_run.wait_until_up()
    _assert_whole_topology(tree)

    os.kill(make_run.popen.pid, sig)

    _assert_all_gone(make_run, tree)


def test_ctrl_c_to_bin_run_stops_everything_cleanly(make_run):
    tree = make_run.wait_until_up()
    (supervisor,) = [pid for pid, cmd in tree.items() if "bin/run" in cmd]

    os.kill(supervisor, signal.SIGINT)

    _assert_all_gone(make_run, tree)
    assert make_run.popen.returncode == 0, make_run.output()
