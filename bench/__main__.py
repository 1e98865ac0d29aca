"""Run the benchmarks on a fresh PostgreSQL database and record the figures.

``python -m bench`` runs them all; ``python -m bench statuspage`` runs only the
named ones.
"""

import sys

from bench.setup import configure, recreate_database

BENCHMARKS = ("scan", "statuspage", "tone", "cases", "exports")
#: Benchmarks that need no database.
NO_DATABASE = {"tone"}


def run_scan() -> bool:
    from bench import report, scan

    result = scan.run()
    text = scan.markdown(result)
    print(text)
    report.write_section("scan", text)
    return result["uses_index"] and max([result["first"][0], *[s[0] for s in result["steady"]]]) < 1


def run_statuspage() -> bool:
    from bench import report, statuspage

    try:
        result = statuspage.run()
    except statuspage.BenchError as exc:
        print(f"status-page benchmark failed: {exc}", file=sys.stderr)
        return False
    text = statuspage.markdown(result)
    print(text)
    report.write_section("statuspage", text)
    return result["met"]


def run_tone() -> bool:
    from bench import report, tone

    result = tone.run()
    text = tone.markdown(result)
    print(text)
    report.write_section("tone", text)
    return result["met"]


def run_cases() -> bool:
    from bench import cases, report

    try:
        result = cases.run()
    except cases.BenchError as exc:
        print(f"case-library benchmark failed: {exc}", file=sys.stderr)
        return False
    text = cases.markdown(result)
    print(text)
    report.write_section("cases", text)
    return result["met"]


def run_exports() -> bool:
    from bench import exports, report

    result = exports.run()
    text = exports.markdown(result)
    print(text)
    report.write_section("exports", text)
    return result["met"]


def main(argv: list[str]) -> int:
    chosen = argv or list(BENCHMARKS)
    unknown = set(chosen) - set(BENCHMARKS)
    if unknown:
        print(f"unknown benchmark(s) {sorted(unknown)}; choose from {BENCHMARKS}", file=sys.stderr)
        return 2
    url = configure()
    needs_database = bool(set(chosen) - NO_DATABASE)
    if needs_database:
        recreate_database(url)

    import django

    django.setup()
    if needs_database:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)

    runners = {
        "scan": run_scan,
        "statuspage": run_statuspage,
        "tone": run_tone,
        "cases": run_cases,
        "exports": run_exports,
    }
    results = [runners[name]() for name in BENCHMARKS if name in chosen]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
