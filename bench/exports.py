"""The incidents CSV export on PostgreSQL: 100,000 rows, streamed, in bounded memory.

Builds 100,000 incidents (bulk inserts, in 20 projects, Chinese and English
titles) on the benchmark database, then runs ROUNDS interleaved rounds of:
the export as a user gets it (the view through Django's test client, every
streamed chunk consumed, as PMO staff) and, side by side, the bare framework
reading the same rows (``values_list`` iterated in the same chunks, no CSV).
A separate pass measures the export's peak Python memory with tracemalloc
(which slows it, so it is not timed). Targets: the export in ≤ 10 s and its
peak memory bounded (≤ 64 MiB, i.e. independent of the number of rows). The
figures are reported whether the targets are met or not.
"""

import statistics
import time
import tracemalloc
from datetime import timedelta

ROWS = 100_000
PROJECTS = 20
ROUNDS = 3
TARGET_SECONDS = 10.0
TARGET_PEAK_MIB = 64.0


def _build() -> tuple[object, float]:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from apps.accounts.models import Profile
    from apps.incidents.models import Incident
    from apps.projects.models import Client, Project

    started = time.perf_counter()
    User = get_user_model()
    pmo = User.objects.create(username="bench.exports.pmo")
    Profile.objects.update_or_create(user=pmo, defaults={"is_pmo": True, "time_zone": "UTC"})
    client = Client.objects.create(name="Bench exports client")
    projects = [
        Project.objects.create(client=client, name=f"Export project {n}", pmo_lead=pmo)
        for n in range(PROJECTS)
    ]
    now = timezone.now()
    batch = []
    for n in range(ROWS):
        declared = now - timedelta(minutes=n)
        batch.append(
            Incident(
                project=projects[n % PROJECTS],
                title_en=f"Dispatch timeout {n}" if n % 3 else "",
                title_zh_hans=f"调度接口超时 {n}" if n % 3 != 1 else "",
                summary_en="The dispatch engine times out.",
                declared_by=pmo,
                declared_at=declared,
                first_contact_due_at=declared + timedelta(hours=24),
                first_contact_at=declared + timedelta(hours=2) if n % 4 else None,
                update_cadence=timedelta(hours=48),
                severity=("low", "medium", "high", "critical")[n % 4],
                status="declared",
            )
        )
        if len(batch) == 5_000:
            Incident.objects.bulk_create(batch)
            batch = []
    Incident.objects.bulk_create(batch)
    return pmo, time.perf_counter() - started


def _export(client, url: str) -> tuple[float, int, int]:
    started = time.perf_counter()
    response = client.get(url)
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    return time.perf_counter() - started, size, lines


def _bare() -> float:
    from apps.incidents.models import Incident

    started = time.perf_counter()
    for _row in (
        Incident.objects.order_by("declared_at", "pk")
        .values_list("pk", "title_en", "declared_at")
        .iterator(chunk_size=2000)
    ):
        pass
    return time.perf_counter() - started


def run() -> dict:
    from django.test import Client
    from django.urls import reverse

    pmo, build_seconds = _build()
    client = Client()
    client.force_login(pmo)
    url = reverse("export_incidents")
    export_times, bare_times = [], []
    size = lines = 0
    for _round in range(ROUNDS):
        seconds, size, lines = _export(client, url)
        export_times.append(seconds)
        bare_times.append(_bare())
    tracemalloc.start()
    _export(client, url)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak_mib = peak / 2**20
    worst = max(export_times)
    return {
        "build_seconds": build_seconds,
        "export": export_times,
        "bare": bare_times,
        "bytes": size,
        "lines": lines,
        "peak_mib": peak_mib,
        "met_time": worst <= TARGET_SECONDS,
        "met_memory": peak_mib <= TARGET_PEAK_MIB,
        "met": worst <= TARGET_SECONDS and peak_mib <= TARGET_PEAK_MIB and lines == ROWS + 1,
    }


def markdown(result: dict) -> str:
    def spread(values):
        return f"{min(values):.2f} s | {statistics.median(values):.2f} s | {max(values):.2f} s"

    return "\n".join(
        [
            f"## CSV export of the incidents (PostgreSQL, {ROWS:,} rows)",
            "",
            "Command: `make bench` or `python -m bench exports` (module `bench/exports.py`). "
            f"{ROWS:,} incidents in {PROJECTS} projects (bulk inserts, "
            f"{result['build_seconds']:.1f} s), exported by PMO staff through the view, every "
            f"streamed chunk read; {ROUNDS} interleaved rounds, each beside the bare framework "
            "reading the same rows in the same chunks without writing CSV. Peak memory is "
            "measured in a separate pass with tracemalloc.",
            "",
            "| measure | min | median | max | target | met |",
            "|---|---|---|---|---|---|",
            f"| export, {result['lines'] - 1:,} rows, {result['bytes'] / 2**20:.1f} MiB "
            f"| {spread(result['export'])} | ≤ {TARGET_SECONDS:.0f} s "
            f"| {'yes' if result['met_time'] else '**NO**'} |",
            f"| bare framework, same rows | {spread(result['bare'])} | — | — |",
            f"| peak Python memory of the export | {result['peak_mib']:.1f} MiB | | "
            f"| ≤ {TARGET_PEAK_MIB:.0f} MiB | {'yes' if result['met_memory'] else '**NO**'} |",
            "",
            f"All targets met: **{'yes' if result['met'] else 'NO'}**.",
        ]
    )
