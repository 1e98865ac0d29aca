"""The README's "Deploying without Docker" section, followed as it is written.

The commands are read from the README itself, not retyped here: the
environment file of step 2, the commands of step 3, the three services'
``ExecStart`` lines of step 4 and the first user of step 6. They run on the real
PostgreSQL (a database of this test's own) and Redis (two database numbers
found empty, emptied again afterwards), with e-mail going to an SMTP server in
the test. What the test changes, and only that:

- the placeholders (``<password>``, the generated ``SECRET_KEY``), the database
  name, the Redis numbers, the SMTP address, ``CANDOR_VAR_DIR`` and the port;
- ``/srv/candor/app`` becomes this checkout;
- ``REMINDER_SCAN_SECONDS`` is a few seconds, so that the first scan comes
  without waiting a minute.

Then, as the proxy would (``Host`` and ``X-Forwarded-*``), it asks ``/healthz``
until the scheduler has scanned through the worker, and logs in as the first
user.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import pty
import re
import secrets
import select
import shlex
import signal
import subprocess
import time
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.accounts.mail import KeepingSmtpSink, link_in
from tests.integration.processes import free_port

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
APP_DIR = "/srv/candor/app"
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
REDIS = ("127.0.0.1", 6379)
HOSTNAME = "candor.example.com"


# --- What the README says ------------------------------------------------------


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Deploying without Docker")
    end = text.index("\n## ", start + 3)
    return text[start:end]


def _blocks(section: str) -> list[tuple[str, str]]:
    """Fenced code blocks as (language, body), de-indented."""
    found = []
    for match in re.finditer(r"^( *)```(\w*)\n(.*?)^\1```", section, re.S | re.M):
        indent = len(match.group(1))
        body = "\n".join(line[indent:] for line in match.group(3).splitlines())
        found.append((match.group(2), body))
    return found


def guide() -> dict:
    section = _section()
    blocks = _blocks(section)
    env_file = next(body for lang, body in blocks if "DEBUG=false" in body)
    prepare = next(body for lang, body in blocks if "manage.py migrate" in body)
    unit = next(body for lang, body in blocks if lang == "ini")
    unit_env = dict(
        pair.split("=", 1)
        for line in unit.splitlines()
        if line.startswith("Environment=")
        for pair in shlex.split(line.removeprefix("Environment="))
    )
    web = re.search(r"^ExecStart=(.+)$", unit, re.M).group(1)
    worker, beat = (
        re.search(rf"`ExecStart=([^`]*celery -A config {kind}[^`]*)`", section).group(1)
        for kind in ("worker", "beat")
    )
    first_user = re.search(r"\*\*The first user\*\*: `([^`]+)`", section).group(1)
    return {
        "env_file": env_file,
        "environment": dict(
            line.split("=", 1) for line in env_file.splitlines() if re.match(r"^[A-Z_]+=", line)
        ),
        "env_path": re.search(r"in `(/etc/\S+\.env)`", section).group(1),
        "prepare": prepare,
        "unit_environment": unit_env,
        "unit_env_file": re.search(r"^EnvironmentFile=(.+)$", unit, re.M).group(1),
        "services": {"web": web, "worker": worker, "beat": beat},
        "first_user": first_user,
    }


def test_the_guide_says_what_this_test_follows():
    steps = guide()

    assert steps["environment"]["DEBUG"] == "false"
    assert steps["environment"]["DATABASE_URL"].startswith("postgres://")
    assert steps["environment"]["CELERY_BROKER_URL"].startswith("redis://")
    assert steps["unit_env_file"] == steps["env_path"]
    assert [
        line.split("manage.py ")[1] for line in steps["prepare"].splitlines() if "manage.py" in line
    ] == ["migrate", "collectstatic --noinput", "check --deploy"]
    assert steps["env_path"] in steps["prepare"]
    assert steps["services"]["web"].endswith(
        "gunicorn -c config/gunicorn.conf.py config.wsgi:application"
    )
    assert " worker " in steps["services"]["worker"]
    assert " beat " in steps["services"]["beat"]
    assert steps["first_user"] == "manage.py createsuperuser"


# --- Resources of this test's own ------------------------------------------------


def _psql(sql: str) -> str:
    return subprocess.run(
        ["psql", "-h", PG["host"], "-p", str(PG["port"]), "-U", PG["user"], "-d", "postgres"]
        + ["-v", "ON_ERROR_STOP=1", "-Atc", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _redis(*args: str) -> str:
    return subprocess.run(
        ["redis-cli", "-h", REDIS[0], "-p", str(REDIS[1]), *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


@contextlib.contextmanager
def own_database() -> Iterator[str]:
    name = f"candor_guide_{secrets.token_hex(4)}"
    _psql(f"CREATE DATABASE {name}")
    try:
        yield name
    finally:
        # Only the database this test created, once its sessions are gone.
        _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextlib.contextmanager
def own_redis_numbers(count: int) -> Iterator[list[int]]:
    """Redis database numbers that hold nothing now; emptied again afterwards."""
    total = int(_redis("CONFIG", "GET", "databases").splitlines()[-1])
    empty = [n for n in range(total - 1, 1, -1) if _redis("-n", str(n), "DBSIZE") == "0"]
    if len(empty) < count:
        pytest.fail(f"needs {count} empty Redis databases, found {empty}")
    chosen = empty[:count]
    try:
        yield chosen
    finally:
        for number in chosen:
            _redis("-n", str(number), "FLUSHDB")


def _services_reachable() -> bool:
    try:
        _psql("SELECT 1")
        return _redis("PING") == "PONG"
    except (OSError, subprocess.CalledProcessError):
        return False


# --- Following the guide ---------------------------------------------------------


def _executable(command: str) -> list[str]:
    """A README command line, run from this checkout instead of ``/srv/candor/app``."""
    argv = shlex.split(command.replace(f"{APP_DIR}/", ""))
    argv[0] = str(ROOT / argv[0])
    return argv


def _write_env_file(steps: dict, path: Path, **values: str) -> None:
    """The README's environment file, with this test's values on the lines it changes."""
    lines = []
    for line in steps["env_file"].splitlines():
        key = line.split("=", 1)[0]
        lines.append(f"{key}={shlex.quote(values.pop(key))}" if key in values else line)
    lines += [f"{key}={shlex.quote(value)}" for key, value in values.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _load_env_file(path: Path) -> dict[str, str]:
    """The environment as the README loads it: ``set -a; . <file>; set +a``."""
    done = subprocess.run(
        ["bash", "-ec", f"set -a; . {shlex.quote(str(path))}; set +a; env -0"],
        env={key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ},
        capture_output=True,
        check=True,
    )
    return dict(item.split("=", 1) for item in done.stdout.decode().split("\0") if "=" in item)


def _create_first_user(argv: list[str], env: dict, username: str, password: str) -> str:
    """``createsuperuser`` answered at its prompts, on a terminal as a person would."""
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child becomes the command
        os.chdir(ROOT)
        os.execve(argv[0], argv, env)
    answers = [
        (b"Username", username),
        (b"Email address", "pmo@example.com"),
        (b"Password:", password),
        (b"Password (again)", password),
    ]
    output = b""
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 1)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 1024)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
            if answers and answers[0][0] in output.rsplit(b"\n", 1)[-1]:
                os.write(fd, answers.pop(0)[1].encode() + b"\n")
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    text = output.decode(errors="replace")
    assert os.waitstatus_to_exitcode(status) == 0, text
    assert "Superuser created successfully" in text, text
    return text


class Proxy:
    """Requests as the HTTPS proxy forwards them, with the session's cookies."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        headers = {
            "Host": HOSTNAME,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "203.0.113.7",
            "Accept-Language": "en",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://{HOSTNAME}{path}"
            headers["Origin"] = f"https://{HOSTNAME}"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode("utf-8", errors="replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response, content


def _csrf(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def _log_in(proxy: Proxy, username: str, password: str):
    _response, page = proxy.request("GET", "/accounts/login/")
    return proxy.request(
        "POST",
        "/accounts/login/",
        {"csrfmiddlewaretoken": _csrf(page), "username": username, "password": password},
    )


def _wait_until(predicate, *, timeout: float, what: str, report) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, http.client.HTTPException):
            if predicate():
                return
        time.sleep(0.5)
    pytest.fail(f"{what} within {timeout:.0f} s\n{report()}")


def _stop(processes: dict[str, subprocess.Popen]) -> None:
    for proc in processes.values():
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in processes.values():
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@pytest.mark.skipif(not _services_reachable(), reason="needs PostgreSQL and Redis on 127.0.0.1")
def test_the_deployment_guide_runs_candor_on_postgresql_and_redis(tmp_path):
    steps = guide()
    smtp = KeepingSmtpSink().start()
    processes: dict[str, subprocess.Popen] = {}
    logs = tmp_path / "logs"
    logs.mkdir()

    def report() -> str:
        return "\n".join(
            f"----- {name} -----\n{(logs / f'{name}.log').read_text(errors='replace')[-6000:]}"
            for name in processes
        )

    try:
        with own_database() as database, own_redis_numbers(2) as redis:
            # Step 2: the environment file.
            env_file = tmp_path / "candor.env"
            changed = {
                "SECRET_KEY": secrets.token_urlsafe(64),
                "DATABASE_URL": f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{database}",
                "CELERY_BROKER_URL": f"redis://{REDIS[0]}:{REDIS[1]}/{redis[0]}",
                "CACHE_URL": f"rediscache://{REDIS[0]}:{REDIS[1]}/{redis[1]}",
                "EMAIL_URL": smtp.url,
                "CANDOR_VAR_DIR": str(tmp_path / "var"),
                "REMINDER_SCAN_SECONDS": "3",
            }
            _write_env_file(steps, env_file, **changed)
            env = {**_load_env_file(env_file), "PYTHONUNBUFFERED": "1"}
            # Every line the test kept reads as the README means it.
            for key, value in steps["environment"].items():
                if key not in changed:
                    assert env[key] == shlex.split(value)[0], key

            # Step 3, the block as written, with the environment file it names.
            script = steps["prepare"].replace(steps["env_path"], shlex.quote(str(env_file)))
            done = subprocess.run(
                ["bash", "-euc", script],
                cwd=ROOT,
                env={key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ},
                capture_output=True,
                text=True,
            )
            assert done.returncode == 0, f"{script}\n{done.stdout}\n{done.stderr}"

            # Step 6's command, before the services as an operator may run it.
            password = secrets.token_urlsafe(16)
            _create_first_user(
                _executable(f".venv/bin/python {steps['first_user']}"),
                env,
                "first.pmo",
                password,
            )

            # Step 4: the three services, with the unit's own environment.
            port = free_port()
            unit_env = {**steps["unit_environment"], "PORT": str(port)}
            assert unit_env["HOST"] == "127.0.0.1"
            for name, command in steps["services"].items():
                with (logs / f"{name}.log").open("wb") as log:
                    processes[name] = subprocess.Popen(
                        _executable(command),
                        cwd=ROOT,
                        env={**env, **unit_env},
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
            proxy = Proxy(port)

            def scanned() -> bool:
                response, body = proxy.request("GET", "/healthz")
                checks = json.loads(body)["checks"] if response.status in (200, 503) else {}
                return response.status == 200 and checks["scheduler"]["status"] == "ok"

            # The worker ran beat's scan on Redis and recorded it in PostgreSQL.
            _wait_until(scanned, timeout=90, what="/healthz did not report a scan", report=report)
            health = json.loads(proxy.request("GET", "/healthz")[1])
            assert health["checks"]["broker"]["transport"] == "redis"

            # The first user logs in through the proxy and sees the dashboard.
            response, page = _log_in(proxy, "first.pmo", password)
            assert response.status == 302, page
            response, page = proxy.request("GET", response.headers["Location"])
            assert response.status == 200, page
            assert "first.pmo" in page
            # The first user is PMO staff: they may create the first project.
            response, page = proxy.request("GET", "/projects/")
            assert response.status == 200 and 'href="/projects/new/"' in page, page
            # Static files are served by the app after collectstatic.
            stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page).group(1)
            assert proxy.request("GET", stylesheet)[0].status == 200

            # They invite the next person from People; the worker sends the e-mail.
            _response, page = proxy.request("GET", "/accounts/people/")
            invitee = {
                "first_name": "Lin",
                "last_name": "Wang",
                "email": "lin.wang@example.com",
                "username": "lin.wang",
                "language": "zh-hans",
                "time_zone": "Asia/Shanghai",
            }
            response, page = proxy.request(
                "POST", "/accounts/people/", {"csrfmiddlewaretoken": _csrf(page), **invitee}
            )
            assert response.status == 302, page
            _wait_until(
                lambda: any(invitee["email"] in m.to for m in smtp.messages),
                timeout=60,
                what="the invitation did not arrive",
                report=lambda: smtp.report() + "\n" + report(),
            )
            text, _html = smtp.parts(smtp.raw[-1])
            assert f"https://{HOSTNAME}/accounts/join/" in text
            newcomer = Proxy(port)
            response, _page = newcomer.request("GET", link_in(text))
            assert response.status == 302
            form_path = response.headers["Location"]
            _response, page = newcomer.request("GET", form_path)
            new_password = secrets.token_urlsafe(16)
            response, page = newcomer.request(
                "POST",
                form_path,
                {
                    "csrfmiddlewaretoken": _csrf(page),
                    "new_password1": new_password,
                    "new_password2": new_password,
                },
            )
            assert response.status == 302, page
            assert _log_in(Proxy(port), "lin.wang", new_password)[0].status == 302

            # Plain HTTP (not through the proxy) is sent to HTTPS.
            direct = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            direct.request("GET", "/accounts/login/", headers={"Host": HOSTNAME})
            assert direct.getresponse().status == 301
            direct.close()
            _stop(processes)
            for name, proc in processes.items():
                assert proc.returncode is not None, name
    finally:
        _stop(processes)
        smtp.stop()
