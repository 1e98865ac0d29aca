"""Write a benchmark's figures into its own section of docs/benchmarks.md."""

import platform
from datetime import UTC, datetime
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
HEADER = """# Benchmarks

Produced by `make bench` (`python -m bench`); each section is rewritten by its
benchmark. Figures depend on the machine: compare runs on the same one.
"""


def machine() -> str:
    import os

    python = f"{platform.python_implementation()} {platform.python_version()}"
    return f"{python}, {os.cpu_count()} CPUs, {platform.machine()}"


def write_section(key: str, body: str) -> None:
    begin, end = f"<!-- bench:{key}:begin -->", f"<!-- bench:{key}:end -->"
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    block = f"{begin}\n_Last run: {stamp} on {machine()}._\n\n{body.strip()}\n{end}"
    text = DOC.read_text() if DOC.exists() else HEADER
    if begin in text and end in text:
        before, rest = text.split(begin, 1)
        _old, after = rest.split(end, 1)
        text = before + block + after
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text)
