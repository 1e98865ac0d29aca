"""The reminder scan on PostgreSQL with 100,000 open incidents, 1 % of them due.

Measures the scan that finds and inserts the due reminders (and enqueues
their delivery on Redis), then the steady-state scans that find nothing new,
the queries per scan, and the EXPLAIN plans of the selections (they must use
an index). Target: under 1 s per scan on a 2-core machine.
"""

import random
import statistics
import time
from datetime import timedelta

INCIDENTS = 100_000
DUE_FRACTION = 0.01
PROJECTS = 100
STEADY_RUNS = 7


def build(now) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from apps.incidents.models import Incident, IncidentSeverity, IncidentStatus
    from apps.projects.models import Client, Membership, Project, ProjectRole

    rng = random.Random(42)
    User = get_user_model()
    with transaction.atomic():
        lead = User.objects.create(username="bench.pmo", email="pmo@bench.example.com")
        client = Client.objects.create(name="Bench client")
        pms = User.objects.bulk_create(
            [
                User(username=f"bench.pm{i}", email=f"pm{i}@bench.example.com")
                for i in range(PROJECTS)
            ]
        )
        projects = Project.objects.bulk_create(
            [Project(client=client, name=f"Project {i}", pmo_lead=lead) for i in range(PROJECTS)]
        )
        Membership.objects.bulk_create(
            [
                Membership(project=p, user=u, role=ProjectRole.PM)
                for p, u in zip(projects, pms, strict=True)
            ]
        )
    due = int(INCIDENTS * DUE_FRACTION)
    groups = {
        "first_contact_due_soon": due // 2,
        "update_overdue": due // 4,
        "update_due_soon": due - due // 2 - due // 4,
    }
    quiet = INCIDENTS - due
    cadence = timedelta(hours=48)
    rows = []

    def incident(kind):
        project = projects[rng.randrange(PROJECTS)]
        if kind == "first_contact_due_soon":
            declared = now - timedelta(hours=rng.uniform(12.1, 23.9))
            return Incident(
                project=project,
                title_en="Bench",
                summary_en="Bench",
                severity=IncidentSeverity.HIGH,
                status=IncidentStatus.DECLARED,
                declared_by=lead,
                declared_at=declared,
                first_contact_due_at=declared + timedelta(hours=24),
                update_cadence=cadence,
            )
        declared = now - timedelta(days=rng.uniform(2, 90))
        contact = declared + timedelta(hours=rng.uniform(1, 20))
        if kind == "update_overdue":
            next_due = now - timedelta(hours=rng.uniform(0.1, 23))
        elif kind == "update_due_soon":
            next_due = now + timedelta(hours=rng.uniform(0.1, 3.9))
        else:
            next_due = now + timedelta(hours=rng.uniform(4.5, 168))
        return Incident(
            project=project,
            title_en="Bench",
            summary_en="Bench",
            severity=IncidentSeverity.HIGH,
            status=IncidentStatus.RECOVERING,
            declared_by=lead,
            declared_at=declared,
            first_contact_due_at=declared + timedelta(hours=24),
            first_contact_at=contact,
            update_cadence=cadence,
            last_update_at=next_due - cadence,
            next_update_due_at=next_due,
        )

    for kind, count in groups.items():
        rows.extend(incident(kind) for _ in range(count))
    rows.extend(incident("quiet") for _ in range(quiet))
    rng.shuffle(rows)
    for start in range(0, len(rows), 5000):
        Incident.objects.bulk_create(rows[start : start + 5000])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return groups


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def timed_scan(now):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.reminders.services import reminders_scan

    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        created = reminders_scan(now=now)
        elapsed = time.perf_counter() - start
    return elapsed, len(queries.captured_queries), created, queries.captured_queries


def run() -> dict:
    from django.utils import timezone

    from config.celery import app

    now = timezone.now().replace(microsecond=0)
    t0 = time.perf_counter()
    groups = build(now)
    build_seconds = time.perf_counter() - t0

    first_time, first_queries, created, _ = timed_scan(now)
    steady = []
    captured = None
    for i in range(STEADY_RUNS):
        elapsed, count, again, captured = timed_scan(now + timedelta(seconds=60 * (i + 1)))
        steady.append((elapsed, count, len(again)))
    selections = [q["sql"] for q in captured if 'FROM "incidents_incident"' in q["sql"]]
    plans = [explain(sql) for sql in selections]
    uses_index = all(
        "Index" in plan and "Seq Scan on incidents_incident" not in plan for plan in plans
    )
    with app.connection_for_write() as conn:
        purged = app.control.purge(connection=conn)
    return {
        "groups": groups,
        "build_seconds": build_seconds,
        "first": (first_time, first_queries, len(created)),
        "steady": steady,
        "plans": list(zip(selections, plans, strict=True)),
        "uses_index": uses_index,
        "purged": purged,
    }


def markdown(result: dict) -> str:
    first_time, first_queries, created = result["first"]
    times = [s[0] for s in result["steady"]]
    counts = sorted({s[1] for s in result["steady"]})
    lines = [
        "## Reminder scan (PostgreSQL, 100,000 open incidents, 1 % due)",
        "",
        f"Command: `make bench` (module `bench/scan.py`). Data: {INCIDENTS:,} open incidents on "
        f"{PROJECTS} projects; due: "
        + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in result["groups"].items())
        + ". Delivery messages go to Redis.",
        "",
        "| scan | time | queries | reminders created |",
        "|---|---|---|---|",
        "| first (inserts everything due, enqueues delivery) "
        f"| {first_time * 1000:.0f} ms | {first_queries} | {created} |",
        f"| steady state, median of {len(times)} (nothing new) "
        f"| {statistics.median(times) * 1000:.0f} ms "
        f"(max {max(times) * 1000:.0f} ms) | {', '.join(map(str, counts))} | 0 |",
        "",
        f"Target under 1 s per scan: **{'met' if max([first_time, *times]) < 1 else 'NOT met'}**. "
        f"Selections use an index: **{'yes' if result['uses_index'] else 'NO'}**.",
        "",
        "EXPLAIN (ANALYZE) of the selections:",
        "",
    ]
    for sql, plan in result["plans"]:
        lines += ["```sql", sql, "```", "```", plan, "```", ""]
    return "\n".join(lines)
