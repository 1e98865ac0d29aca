"""`manage.py tone_check` reads stdin and prints the findings as JSON."""

import io
import json

import pytest
from django.core.management import CommandError, call_command


def _run(text: str, *args: str) -> list[dict]:
    out = io.StringIO()
    call_command("tone_check", *args, stdin=io.StringIO(text), stdout=out)
    return json.loads(out.getvalue())


def test_findings_are_printed_as_a_json_array_with_spans():
    text = "这不是我们的责任，我们会尽快处理。"

    found = _run(text, "--lang", "zh-hans")

    assert [f["rule"] for f in found] == ["zh.blame.not-our-responsibility", "zh.vague.asap"]
    first = found[0]
    assert set(first) >= {"rule", "category", "start", "end", "text", "message", "suggestion"}
    assert text[first["start"] : first["end"]] == first["text"] == "不是我们的责任"
    assert first["category"] == "blame"


def test_the_kind_adds_missing_pieces():
    found = _run("The release will not go live.", "--lang", "en", "--kind", "first_notice")

    assert [(f["rule"], f["start"], f["end"]) for f in found] == [
        ("en.missing.apology", 0, 0),
        ("en.missing.next-update", 0, 0),
    ]


def test_empty_input_prints_an_empty_array():
    assert _run("", "--lang", "en") == []


def test_calm_text_prints_an_empty_array():
    assert _run("We are sorry. Our next update is on Monday at 10:00.", "--lang", "en") == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lang", "fr"], "Unknown language 'fr'"),
        (["--lang", "en", "--kind", "memo"], "Unknown kind 'memo'"),
    ],
)
def test_bad_arguments_are_refused_with_exit_code_2(args, message):
    with pytest.raises(CommandError, match=message) as caught:
        call_command("tone_check", *args, stdin=io.StringIO("text"), stdout=io.StringIO())

    assert caught.value.returncode == 2


def test_exit_code_is_0_with_findings(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    from django.conf import settings

    result = subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "tone_check", "--lang", "en"],
        input="This is not our fault!!",
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert {f["rule"] for f in json.loads(result.stdout)} == {
        "en.blame.not-our-fault",
        "en.emotional.exclamation-run",
    }
