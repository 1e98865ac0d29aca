"""Run the benchmarks on a fresh PostgreSQL database and record the figures."""

import sys

from bench.setup import configure, recreate_database


def main() -> int:
    url = configure()
    recreate_database(url)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from bench import report, scan

    result = scan.run()
    text = scan.markdown(result)
    print(text)
    report.write_section("scan", text)
    ok = result["uses_index"] and max([result["first"][0], *[s[0] for s in result["steady"]]]) < 1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
