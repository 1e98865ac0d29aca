"""Precision and recall of the tone rules, per language and category.

``python -m apps.tone.evaluate`` (``--markdown`` for the table in
docs/tone-check.md). Labelled data: every rule's ``flag`` examples are positives
for its category, its ``pass`` examples and every sentence of the calm corpus
(tests/tone/corpus) are negatives. A sentence counts as flagged for a category
when any rule of that category finds something in it.

- recall = flagged positives / positives;
- precision = flagged positives / all flagged sentences of that category
  (positives of the category, plus pass examples and calm sentences it flagged).

The examples were written with the rules, so these figures measure consistency
with the labelled corpus, not performance on unseen messages.
"""

import os
import sys
from collections import defaultdict
from pathlib import Path


def evaluate() -> dict:
    from .engine import check
    from .languages import LANGUAGES
    from .ruleset import rules

    corpus = Path(__file__).resolve().parent.parent.parent / "tests" / "tone" / "corpus"
    files = {"en": "calm_en.txt", "zh-hans": "calm_zh.txt"}
    result = {}
    for language in LANGUAGES:
        loaded = rules(language)
        positives: list[tuple[str, str, str | None]] = []
        negatives: list[tuple[str, str | None]] = []
        for rule in loaded:
            positives += [(s, rule.category, rule.example_kind) for s in rule.flag_examples]
            negatives += [(s, rule.example_kind) for s in rule.pass_examples]
        path = corpus / files[language]
        if path.exists():
            calm = [x.strip() for x in path.read_text(encoding="utf-8").splitlines()]
            negatives += [(x, None) for x in calm if x]
        tp: dict[str, int] = defaultdict(int)
        fp: dict[str, int] = defaultdict(int)
        pos: dict[str, int] = defaultdict(int)
        for sentence, category, kind in positives:
            pos[category] += 1
            flagged = {f.category for f in check(sentence, language=language, kind=kind)}
            if category in flagged:
                tp[category] += 1
            for other in flagged - {category}:
                fp[other] += 1
        for sentence, kind in negatives:
            for category in {f.category for f in check(sentence, language=language, kind=kind)}:
                fp[category] += 1
        rows = {}
        for category in sorted(pos):
            flagged = tp[category] + fp[category]
            rows[category] = {
                "positives": pos[category],
                "true_positives": tp[category],
                "false_positives": fp[category],
                "precision": tp[category] / flagged if flagged else 1.0,
                "recall": tp[category] / pos[category] if pos[category] else 1.0,
            }
        result[language] = {
            "rules": len(loaded),
            "negatives": len(negatives),
            "categories": rows,
        }
    return result


def markdown(result: dict) -> str:
    lines = []
    for language, data in result.items():
        lines += [
            f"**{language}** — {data['rules']} rules, {data['negatives']} negative sentences",
            "",
            "| category | flag examples | found | false alarms | precision | recall |",
            "|---|---|---|---|---|---|",
        ]
        for category, r in data["categories"].items():
            lines.append(
                f"| {category} | {r['positives']} | {r['true_positives']} | "
                f"{r['false_positives']} | {r['precision']:.1%} | {r['recall']:.1%} |"
            )
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    print(markdown(evaluate()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
