"""Check a draft's tone from the command line: text on stdin, findings as JSON on stdout."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from apps.tone.engine import check
from apps.tone.languages import KINDS, LANGUAGES, normalise_language


class Command(BaseCommand):
    help = (
        "Read a message on stdin and print the tone check's findings as a JSON array "
        "(rule, category, start, end, text, message, suggestion). Exits 0 even with findings."
    )

    #: Tests pass the text with call_command(..., stdin=StringIO(...)).
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("--lang", required=True, help=f"one of {', '.join(LANGUAGES)}")
        parser.add_argument("--kind", default=None, help=f"one of {', '.join(KINDS)}")

    def handle(self, *args, lang, kind, **options):
        try:
            language = normalise_language(lang)
        except ValueError:
            raise CommandError(
                f"Unknown language {lang!r}: use --lang {' or --lang '.join(LANGUAGES)}.",
                returncode=2,
            ) from None
        if kind is not None and kind not in KINDS:
            raise CommandError(
                f"Unknown kind {kind!r}: use one of {', '.join(KINDS)}.", returncode=2
            )
        stdin = options.get("stdin") or sys.stdin
        text = stdin.read()
        findings = check(text, language=language, kind=kind)
        self.stdout.write(
            json.dumps(
                [f.as_dict() for f in findings],
                ensure_ascii=False,
                indent=2,
            )
        )
