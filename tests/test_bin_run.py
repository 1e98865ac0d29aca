"""``bin/run``: the command lines it starts, and the address it tells you about."""

import importlib.machinery
import importlib.util
from pathlib import Path

import pytest

RUN = Path(__file__).resolve().parent.parent / "bin" / "run"


@pytest.fixture(scope="module")
def run():
    loader = importlib.machinery.SourceFileLoader("bin_run", str(RUN))
    spec = importlib.util.spec_from_loader("bin_run", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_runserver_listens_on_the_host_and_port_given(run):
    commands = run.build_commands("python", "127.0.0.1", "8123")

    assert commands["web"] == ["python", "manage.py", "runserver", "127.0.0.1:8123", "--noreload"]


def test_an_open_bind_is_only_used_when_asked_for(run):
    web = run.build_commands("python", "0.0.0.0", "8000")["web"]

    assert "0.0.0.0:8000" in web


def test_an_ipv6_host_is_bracketed_for_runserver(run):
    assert "[::1]:8000" in run.build_commands("python", "::1", "8000")["web"]


def test_worker_and_beat_run_with_the_same_python(run):
    commands = run.build_commands("/venv/bin/python", "127.0.0.1", "8000")

    assert set(commands) == {"web", "worker", "beat"}
    assert all(cmd[0] == "/venv/bin/python" for cmd in commands.values())
    assert commands["worker"][3:6] == ["-A", "config", "worker"]
    assert commands["beat"][3:6] == ["-A", "config", "beat"]


def test_the_banner_names_the_address_it_listens_on(run):
    assert "listening on 127.0.0.1" in run.banner("127.0.0.1", "8000")
    assert "http://localhost:8000/" in run.banner("127.0.0.1", "8000")
    assert "http://192.168.1.5:8000/" in run.banner("192.168.1.5", "8000")


def test_the_default_host_is_this_machine_only(run, monkeypatch):
    started = {}
    monkeypatch.delenv("HOST", raising=False)
    monkeypatch.setenv("PORT", "8124")
    monkeypatch.setattr(run, "start", lambda commands, env: started.update(commands) or {})
    monkeypatch.setattr(run.signal, "signal", lambda *args: None)
    monkeypatch.setattr(run, "die_with_parent", lambda: True)  # not on the test process
    monkeypatch.setattr(run.time, "sleep", lambda _s: (_ for _ in ()).throw(SystemExit(0)))

    with pytest.raises(SystemExit):
        run.main()

    assert "127.0.0.1:8124" in started["web"]


def test_make_passes_host_to_bin_run():
    makefile = (RUN.parent.parent / "Makefile").read_text()

    assert "HOST ?= 127.0.0.1" in makefile
    assert "exec env PORT=$(PORT) HOST=$(HOST) $(PY) bin/run" in makefile
