"""The tone check on long messages, per language: warm checks, interleaved rounds.

Builds a 2,000- and a 10,000-character message per language from the calm
corpus with a few findings mixed in (blame, a vague promise, an exclamation
run), warms up (rules loaded, jieba initialised), then runs ROUNDS rounds; each
round checks every message once, in turn, so a slow moment of the machine hits
all of them alike. Targets: 2,000 characters ≤ 5 ms, 10,000 ≤ 20 ms (median).
No database, no network.
"""

import statistics
import time
from pathlib import Path

ROUNDS = 200
WARMUP = 20
TARGETS_MS = {2000: 5.0, 10000: 20.0}
CORPUS = Path(__file__).resolve().parent.parent / "tests" / "tone" / "corpus"
SPICE = {
    "en": " To be clear, this is not our fault!! We will fix it soon. ",
    "zh-hans": "这不是我们的责任！！我们会尽快修复。",
}


def message(language: str, size: int) -> str:
    name = "calm_en.txt" if language == "en" else "calm_zh.txt"
    lines = [x.strip() for x in (CORPUS / name).read_text(encoding="utf-8").splitlines()]
    joiner = " " if language == "en" else ""
    calm = joiner.join(x for x in lines if x)
    text = ""
    while len(text) < size:
        text += calm[:400] + SPICE[language] + calm[400:800]
        calm = calm[800:] + calm[:800]
    return text[:size]


def run() -> dict:
    from apps.tone.engine import check

    cases = [(lang, size, message(lang, size)) for lang in ("en", "zh-hans") for size in TARGETS_MS]
    for _ in range(WARMUP):
        for lang, _size, text in cases:
            check(text, language=lang, kind="update")
    times: dict[tuple[str, int], list[float]] = {(lang, size): [] for lang, size, _t in cases}
    findings = {}
    for _ in range(ROUNDS):
        for lang, size, text in cases:
            start = time.perf_counter()
            found = check(text, language=lang, kind="update")
            times[(lang, size)].append((time.perf_counter() - start) * 1000)
            findings[(lang, size)] = len(found)
    rows = []
    for (lang, size), samples in times.items():
        median = statistics.median(samples)
        rows.append(
            {
                "language": lang,
                "size": size,
                "min": min(samples),
                "median": median,
                "max": max(samples),
                "findings": findings[(lang, size)],
                "target": TARGETS_MS[size],
                "met": median <= TARGETS_MS[size],
            }
        )
    return {"rows": rows, "met": all(r["met"] for r in rows)}


def markdown(result: dict) -> str:
    lines = [
        "## Tone check (pure Python, no database)",
        "",
        "Command: `make bench` or `python -m bench tone` (module `bench/tone.py`). "
        f"Messages built from the calm corpus with findings mixed in; {WARMUP} warm-up "
        f"rounds, then {ROUNDS} interleaved rounds (each round checks every message once).",
        "",
        "| language | characters | findings | min | median | max | target (median) | met |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in result["rows"]:
        lines.append(
            f"| {r['language']} | {r['size']:,} | {r['findings']} | {r['min']:.2f} ms "
            f"| {r['median']:.2f} ms | {r['max']:.2f} ms | ≤ {r['target']:.0f} ms "
            f"| {'yes' if r['met'] else '**NO**'} |"
        )
    lines += ["", f"All targets met: **{'yes' if result['met'] else 'NO'}**."]
    return "\n".join(lines)
