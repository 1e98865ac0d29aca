"""The client status page under load, served by gunicorn, next to a trivial view.

Builds an incident with 200 published updates (through the real services) and
a share link on the benchmark database, starts gunicorn from the virtualenv
with production settings (DEBUG off, a Redis cache shared by the workers) on a
free local port, and measures with ``wrk``, one after the other on the same
server: the status page served warm from the page cache (200), the same page
revalidated with ``If-None-Match`` (304), and ``/robots.txt``, a view that does
nothing. Target: the warm page reaches at least half the trivial view's
throughput. Every request goes to 127.0.0.1 only; gunicorn is stopped by its
pid at the end, whatever happens.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

UPDATES = 200
CLIENT_ENTRIES = 20
WORKERS = 3
WRK_THREADS = 2
WRK_CONNECTIONS = 16
WRK_SECONDS = 10
WARMUP_SECONDS = 3
TARGET_RATIO = 0.5
#: Persistent database connections, as a production deployment should run.
CONN_MAX_AGE = 60
CACHE_URL = "rediscache://127.0.0.1:6379/6"
ROOT = Path(__file__).resolve().parent.parent

#: Sends If-None-Match when asked to, and prints the figures as one JSON line.
WRK_SCRIPT = """
local etag = os.getenv("BENCH_IF_NONE_MATCH")
if etag and etag ~= "" then
  wrk.headers["If-None-Match"] = etag
end

done = function(summary, latency, requests)
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, '
      .. '"bad_status": %d, "socket_errors": %d}\\n',
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99),
    summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout))
end
"""


class BenchError(RuntimeError):
    pass


def require_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise BenchError(
            "wrk is not installed: install it with `apt-get install wrk` "
            "(the status-page benchmark drives gunicorn with it)."
        )
    return wrk


def build(now) -> dict:
    """An informed incident with 200 published updates, client-visible calls, a meeting."""
    from django.contrib.auth import get_user_model

    from apps.communications import services as communications
    from apps.communications.models import LogChannel
    from apps.incidents import services as incidents
    from apps.projects.models import Client, ClientContact, Membership, Project, ProjectRole
    from apps.statuspage.services import link_create

    User = get_user_model()
    lead = User.objects.create(username="bench.page.pmo", email="pmo@bench.example.com")
    pm = User.objects.create(username="bench.page.pm", email="pm@bench.example.com")
    client = Client.objects.create(name="Bench client for the status page")
    project = Project.objects.create(client=client, name="Dispatch platform", pmo_lead=lead)
    Membership.objects.create(project=project, user=pm, role=ProjectRole.PM)
    contact = ClientContact.objects.create(
        project=project,
        name="Bench reader",
        email="reader@client.example.com",
        language="en",
        time_zone="Europe/London",
        receives_updates=False,  # no e-mails: the benchmark measures the page
    )
    start = now - timedelta(days=60)
    incident = incidents.incident_declare(
        project=project,
        actor=pm,
        title_en="Real-time dispatch launch delayed",
        summary_en="The real-time dispatch cannot launch on the planned date.",
        cause_en="The routing algorithm does not scale past 2,000 vehicles.",
        cause_origin_en="Load tests ran on a tenth of the fleet.",
        current_state_en="85% of the features are done; dispatch is being redesigned.",
        impact_schedule_days=30,
        impact_scope_en="Real-time dispatch.",
        first_step_en="Two architects assess partitioned dispatch.",
        apology_en="We are sorry we found the risk so late.",
        internal_notes="Not for the client.",
        now=start,
    )
    step = timedelta(hours=6)
    for i in range(UPDATES):
        at = start + timedelta(hours=1) + i * step
        update = communications.update_draft_save(
            incident=incident,
            actor=pm,
            body_en=f"Update {i + 1}: **progress** on the redesign.\n\n- item one\n- item two",
            body_zh_hans=f"第 {i + 1} 次更新:重新设计的**进展**。",
            now=at,
        )
        communications.update_publish(update=update, actor=pm, now=at)
        if i % (UPDATES // CLIENT_ENTRIES) == 0:
            communications.log_contact(
                incident=incident,
                actor=pm,
                channel=LogChannel.CALL,
                occurred_at=at,
                summary=f"Call {i + 1} with the client's CIO about the options.",
                client_visible=True,
                now=at,
            )
    communications.meeting_schedule(
        incident=incident,
        actor=pm,
        title="Decision on the recovery option",
        starts_at=now + timedelta(days=2),
        duration_minutes=60,
        location="https://meet.example.com/candor",
        now=now,
    )
    _link, token = link_create(actor=pm, incident=incident, contact=contact, now=now)
    return {"token": token, "path": f"/s/{token}/"}


def warm_path_queries(path: str) -> int:
    """Database queries of one warm request, measured in this process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    if response.status_code != 200:
        raise BenchError(f"in-process status page answered {response.status_code}")
    return len(queries.captured_queries)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(conn_max_age: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="127.0.0.1",
        CACHE_URL=CACHE_URL,
        CONN_MAX_AGE=str(conn_max_age),
        LOG_LEVEL="WARNING",
    )
    return env


def collect_static(env: dict[str, str]) -> None:
    """Production settings serve static files through WhiteNoise's manifest."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def clear_page_cache() -> None:
    import redis

    redis.Redis.from_url(CACHE_URL.replace("rediscache://", "redis://")).flushdb()


def start_gunicorn(port: int, env: dict[str, str], log) -> subprocess.Popen:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [
        str(gunicorn),
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(WORKERS),
        "--worker-class",
        "sync",
        "--config",
        "/dev/null",  # not config/gunicorn.conf.py: it binds every address and logs access
        "--error-logfile",
        "-",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)


def stop_gunicorn(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.kill(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wait_until_up(base: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"gunicorn exited with {process.returncode}")
        try:
            if fetch(base + "/robots.txt")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError("gunicorn did not answer within 30 s")


def wrk(wrk_bin: str, script: Path, url: str, seconds: int, etag: str = "") -> dict:
    env = dict(os.environ, BENCH_IF_NONE_MATCH=etag)
    output = subprocess.run(
        [
            wrk_bin,
            f"-t{WRK_THREADS}",
            f"-c{WRK_CONNECTIONS}",
            f"-d{seconds}s",
            "--timeout",
            "5s",
            "-s",
            str(script),
            url,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    figures = json.loads(line.removeprefix("BENCH "))
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures


def check_page(page: str) -> tuple[str, int]:
    """The page answers 200 twice with one ETag, then 304 to it; returns (ETag, size)."""
    status, headers, body = fetch(page)  # renders and fills the shared cache
    if status != 200:
        raise BenchError(f"status page answered {status}")
    etag = headers["ETag"]
    status, headers, body = fetch(page)
    if status != 200 or headers["ETag"] != etag:
        raise BenchError("the warm page did not come back with the same ETag")
    if fetch(page, {"If-None-Match": etag})[0] != 304:
        raise BenchError("revalidation did not answer 304")
    return etag, len(body)


def load(wrk_bin: str, cases: list[tuple[str, str, str]]) -> list[tuple[str, dict]]:
    """Warm each case up, then measure each, one after the other."""
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "bench.lua"
        script.write_text(WRK_SCRIPT)
        for _name, url, etag in cases:
            wrk(wrk_bin, script, url, WARMUP_SECONDS, etag)
        results = []
        for name, url, etag in cases:
            figures = wrk(wrk_bin, script, url, WRK_SECONDS, etag)
            if figures["bad_status"] or figures["socket_errors"]:
                raise BenchError(f"{name}: errors under load: {figures}")
            results.append((name, figures))
    return results


def serve(conn_max_age: int, measure) -> dict:
    """Run ``measure(base_url)`` against a fresh gunicorn; stop it by its pid, always."""
    env = server_env(conn_max_age)
    clear_page_cache()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        process = start_gunicorn(port, env, log)
        try:
            wait_until_up(base, process)
            return measure(base)
        except BaseException:
            log.seek(0)
            sys.stderr.write(log.read().decode(errors="replace")[-4000:])
            raise
        finally:
            stop_gunicorn(process)


WARM = "status page, warm (200 from the page cache)"
REVALIDATED = "status page, revalidated (304)"
TRIVIAL = "/robots.txt (trivial view)"
#: The project's default: a new PostgreSQL connection for every request.
NO_PERSISTENT = "status page, warm, with CONN_MAX_AGE=0 (a new connection per database read)"


def run() -> dict:
    from django.utils import timezone

    wrk_bin = require_wrk()
    now = timezone.now()
    t0 = time.perf_counter()
    data = build(now)
    build_seconds = time.perf_counter() - t0
    queries = warm_path_queries(data["path"])
    collect_static(server_env(CONN_MAX_AGE))

    def side_by_side(base: str) -> dict:
        page = base + data["path"]
        etag, size = check_page(page)
        cases = [(WARM, page, ""), (REVALIDATED, page, etag), (TRIVIAL, base + "/robots.txt", "")]
        return {"results": load(wrk_bin, cases), "page_bytes": size}

    def fresh_connections(base: str) -> dict:
        page = base + data["path"]
        check_page(page)
        return {"results": load(wrk_bin, [(NO_PERSISTENT, page, "")])}

    measured = serve(CONN_MAX_AGE, side_by_side)
    footnote = serve(0, fresh_connections)
    results = dict(measured["results"])
    warm, trivial = results[WARM]["rps"], results[TRIVIAL]["rps"]
    return {
        "results": measured["results"],
        "fresh_connections": footnote["results"],
        "page_bytes": measured["page_bytes"],
        "build_seconds": build_seconds,
        "warm_queries": queries,
        "ratio": warm / trivial,
        "met": warm >= TARGET_RATIO * trivial,
    }


def _row(name: str, figures: dict) -> str:
    return (
        f"| {name} | {figures['rps']:,.0f} | {figures['p50_us'] / 1000:.1f} ms "
        f"| {figures['p99_us'] / 1000:.1f} ms |"
    )


def markdown(result: dict) -> str:
    lines = [
        f"## Client status page under load (gunicorn, {UPDATES} published updates)",
        "",
        "Command: `make bench` (module `bench/statuspage.py`; alone: "
        "`.venv/bin/python -m bench statuspage`). Data: one incident with "
        f"{UPDATES} published updates and {CLIENT_ENTRIES} client-visible calls, written "
        "through the services, and a share link; the page is "
        f"{result['page_bytes'] / 1024:.0f} KiB. Server: gunicorn, {WORKERS} sync workers, "
        f"DEBUG off, persistent database connections (`CONN_MAX_AGE={CONN_MAX_AGE}`), page "
        "cache in Redis shared by the workers, PostgreSQL. Load: "
        f"`wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{WRK_SECONDS}s` from the same machine "
        "(127.0.0.1), each case after a warm-up, one after the other on the same server.",
        "",
        "| request | requests/s | p50 | p99 |",
        "|---|---|---|---|",
        *[_row(name, figures) for name, figures in result["results"]],
        "",
        f"Target warm page ≥ {TARGET_RATIO} × the trivial view's throughput: "
        f"**{'met' if result['met'] else 'NOT met'}** (ratio {result['ratio']:.2f}).",
        "",
        f"Database queries on a warm request: {result['warm_queries']} within a worker's "
        "one-second lease (`STATUSPAGE_LEASE_SECONDS`), then one renewal: the link's stamp "
        "(the link by its hash, its reader, the incidents' change stamps) and one cache round "
        "trip (the address's misses, the views counted meanwhile); the page itself comes from "
        "the worker's memory. Why: `docs/decisions/0005-status-page-warm-path.md`.",
        "",
        "The same warm page on a second server with the project's default "
        "`CONN_MAX_AGE=0`, where every request that reaches the database opens a PostgreSQL "
        "connection — with the lease, about one request per worker and second does:",
        "",
        "| request | requests/s | p50 | p99 |",
        "|---|---|---|---|",
        *[_row(name, figures) for name, figures in result["fresh_connections"]],
    ]
    return "\n".join(lines)
