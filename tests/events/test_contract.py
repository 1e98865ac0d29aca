"""docs/events.md is the contract: it names every verb the code knows, and no other."""

import re
from pathlib import Path

from django.conf import settings

from apps.events.verbs import GROUPS, VERBS

DOC = Path(settings.BASE_DIR) / "docs" / "events.md"


def _documented_verbs() -> list[str]:
    """The verbs in the first column of the doc's tables."""
    return re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \|", DOC.read_text(), flags=re.MULTILINE)


def test_every_verb_in_the_code_is_documented_once():
    documented = _documented_verbs()

    assert sorted(documented) == sorted(VERBS), set(documented) ^ set(VERBS)
    assert len(documented) == len(set(documented))


def test_every_verb_belongs_to_a_group_the_history_can_filter_by():
    assert {verb.group for verb in VERBS.values()} <= set(GROUPS)
    for name in VERBS:
        thing, _dot, happened = name.partition(".")
        assert thing and happened and name == name.lower()


def test_every_verb_written_by_a_service_is_in_the_catalogue():
    """Services name their verbs as literals; each literal must be a known verb."""
    written = set()
    for path in (Path(settings.BASE_DIR) / "apps").rglob("*.py"):
        text = path.read_text()
        written |= set(re.findall(r'verb="([a-z_]+\.[a-z_]+)"', text))
        written |= set(re.findall(r': "([a-z_]+\.[a-z_]+)",\n', text)) & set(VERBS)
    assert written <= set(VERBS), written - set(VERBS)
    assert len(written) > 30  # the scan above found the services' verbs
