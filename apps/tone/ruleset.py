"""Rules are data: YAML files under rules/<language>/<category>.yaml, read once.

Each file names its category, an explanation of the category in both UI
languages (``about``), optional ``defaults`` and a list of ``rules``. A rule:

- ``id``: stable, ``<lang>.<category>.<name>`` (a project's exception list keeps it);
- ``patterns``: plain phrases; ``{a|b|}`` lists alternatives (an empty one makes
  the part optional); in English a space matches any run of spaces, ``'`` also
  matches ``’``, matching ignores case and respects word boundaries;
- ``regex``: optional regular expressions, for what a phrase cannot say;
- ``message``, ``suggestion``: in the rule's language; optional ``message_en`` /
  ``message_zh`` explain it in the other UI language;
- ``level``: ``warning`` or ``suggestion``;
- ``exceptions``: phrases that, where they overlap a match, cancel it;
- ``negatable``: whether a negator before the match cancels it;
- ``unless_dated``: whether a concrete date or time nearby cancels it;
- ``examples``: ``flag`` (sentences it must flag) and ``pass`` (close ones it must not).

The loader refuses a file that breaks these rules with a message naming it.
"""

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from .languages import EN, LANGUAGES, ZH

RULES_DIR = Path(__file__).resolve().parent / "rules"
LEVELS = ("warning", "suggestion")
DETECTORS = ("shouting", "missing_apology", "missing_next_update")
_KEYS = {
    "id",
    "patterns",
    "regex",
    "message",
    "message_en",
    "message_zh",
    "suggestion",
    "level",
    "exceptions",
    "negatable",
    "unless_dated",
    "boundaries",
    "detector",
    "allow",
    "kinds",
    "examples",
}


class RuleError(ValueError):
    pass


@dataclass(frozen=True)
class Rule:
    id: str
    language: str
    category: str
    level: str
    message: str
    suggestion: str
    #: The explanation by UI language (always holds the rule's own language).
    messages: tuple[tuple[str, str], ...]
    #: The plain phrases (English: lower case, to run on the lower-cased text).
    pattern: re.Pattern | None
    #: The regular expressions, case-insensitive, run on the text as given.
    regex: re.Pattern | None = None
    #: English: the words a phrase can begin with; the engine tries the pattern
    #: only where one of them stands (empty: try everywhere).
    first_words: frozenset[str] = frozenset()
    exceptions: re.Pattern | None = None
    negatable: bool = False
    unless_dated: bool = False
    boundaries: bool = True
    detector: str | None = None
    allow: frozenset[str] = frozenset()
    kinds: tuple[str, ...] = ()
    flag_examples: tuple[str, ...] = ()
    pass_examples: tuple[str, ...] = ()
    example_kind: str | None = None
    source: str = field(default="", compare=False)

    def message_for(self, ui_language: str) -> str:
        return dict(self.messages).get(ui_language, self.message)


def _phrase_regex(phrase: str, language: str) -> str:
    """A plain phrase as a regular expression (see the module docstring)."""
    out: list[str] = []
    i = 0
    while i < len(phrase):
        ch = phrase[i]
        if ch == "{":
            close = phrase.index("}", i)
            options = phrase[i + 1 : close].split("|")
            out.append(
                "(?:"
                + "|".join(
                    _phrase_regex(o, language) for o in sorted(options, key=len, reverse=True) if o
                )
                + ")"
                + ("?" if "" in options else "")
            )
            i = close + 1
            continue
        if ch.isspace():
            while i < len(phrase) and phrase[i].isspace():
                i += 1
            out.append(r"\s+" if language == EN else r"\s*")
            continue
        if ch in "'’":
            out.append("['’]")
        elif ch == "-" and language == EN:
            out.append(r"[-‐–\s]?")
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


def _bounded(phrase: str, body: str, language: str) -> str:
    """English phrases end on a word boundary; the engine checks where they begin
    (a leading look-behind would stop the regex engine from skipping ahead to the
    phrase's first letter, and make the check ten times slower). Chinese
    boundaries come from jieba."""
    if language != EN:
        return body
    core = re.sub(r"[{}|]", "", phrase)
    right = r"(?![\w])" if core[-1:].isalnum() else ""
    return f"(?:{body}){right}"


_BRACES = re.compile(r"\{([^{}]*)\}")
_FIRST_WORD = re.compile(r"[\w'’]+")


def _first_words(phrases: list[str]) -> frozenset[str]:
    """Every word an English phrase can start with ({a|b|} alternatives expanded)."""
    words: set[str] = set()
    for phrase in phrases:
        variants = [""]
        for i, piece in enumerate(_BRACES.split(phrase.lower())):
            options = piece.split("|") if i % 2 else [piece]
            variants = [v + o for v in variants for o in options][:5000]
        for variant in variants:
            m = _FIRST_WORD.match(variant.lstrip())
            if m is None:
                return frozenset()
            words.add(m.group().replace("’", "'"))
    return frozenset(words)


def _compile(phrases: list[str], regexes: list[str], language: str, where: str):
    """English phrases are compiled in lower case, to run on the lower-cased text
    without IGNORECASE (much faster); regular expressions keep IGNORECASE."""
    if language == EN:
        phrases = [p.lower() for p in phrases]
    parts = [
        _bounded(p, _phrase_regex(p, language), language)
        for p in sorted(phrases, key=len, reverse=True)
    ]
    try:
        flags = 0 if language == EN else re.IGNORECASE
        phrase_re = re.compile("|".join(parts), flags) if parts else None
        regex_re = (
            re.compile("|".join(f"(?:{r})" for r in regexes), re.IGNORECASE) if regexes else None
        )
    except re.error as exc:
        raise RuleError(f"{where}: bad pattern: {exc}") from None
    return phrase_re, regex_re


def _strings(value, where: str, key: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RuleError(f"{where}: {key} must be a list of non-empty strings")
    return [str(v) for v in value]


def _rule(raw: dict, language: str, category: str, about: dict, defaults: dict, where: str):
    if not isinstance(raw, dict):
        raise RuleError(f"{where}: each rule is a mapping")
    unknown = set(raw) - _KEYS
    if unknown:
        raise RuleError(f"{where}: unknown keys {sorted(unknown)}")
    data = {**defaults, **raw}
    rule_id = data.get("id")
    prefix = f"{'zh' if language == ZH else 'en'}.{category}."
    if not isinstance(rule_id, str) or not rule_id.startswith(prefix):
        raise RuleError(f"{where}: id {rule_id!r} must start with {prefix!r}")
    where = f"{where} ({rule_id})"
    for key in ("message", "suggestion"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise RuleError(f"{where}: {key} is required")
    level = data.get("level", "warning")
    if level not in LEVELS:
        raise RuleError(f"{where}: level must be one of {LEVELS}")
    detector = data.get("detector")
    if detector is not None and detector not in DETECTORS:
        raise RuleError(f"{where}: detector must be one of {DETECTORS}")
    kinds = _strings(data.get("kinds"), where, "kinds")
    if detector in ("missing_apology", "missing_next_update") and not kinds:
        raise RuleError(f"{where}: a missing-piece rule lists the kinds that need it")
    phrases = _strings(data.get("patterns"), where, "patterns")
    regexes = _strings(data.get("regex"), where, "regex")
    pattern, regex = _compile(phrases, regexes, language, where)
    if pattern is None and regex is None and detector is None:
        raise RuleError(f"{where}: a rule needs patterns, regex or a detector")
    exception_phrases = _strings(data.get("exceptions"), where, "exceptions")
    exceptions, _none = _compile(exception_phrases, [], language, where)
    examples = data.get("examples") or {}
    flag = _strings(examples.get("flag"), where, "examples.flag")
    passing = _strings(examples.get("pass"), where, "examples.pass")
    if len(flag) < 2 or len(passing) < 1:
        raise RuleError(f"{where}: needs at least two flag examples and one pass example")
    own = data["message"].strip()
    messages = {language: own}
    for ui, key in ((EN, "message_en"), (ZH, "message_zh")):
        if ui != language:
            messages[ui] = (data.get(key) or about.get(ui) or own).strip()
    return Rule(
        id=rule_id,
        language=language,
        category=category,
        level=level,
        message=own,
        suggestion=data["suggestion"].strip(),
        messages=tuple(sorted(messages.items())),
        pattern=pattern,
        regex=regex,
        first_words=_first_words(phrases) if language == EN else frozenset(),
        exceptions=exceptions,
        negatable=bool(data.get("negatable", False)),
        unless_dated=bool(data.get("unless_dated", False)),
        boundaries=bool(data.get("boundaries", True)),
        detector=detector,
        allow=frozenset(_strings(data.get("allow"), where, "allow")),
        kinds=tuple(kinds),
        flag_examples=tuple(flag),
        pass_examples=tuple(passing),
        example_kind=examples.get("kind"),
        source=where,
    )


@cache
def rules(language: str) -> tuple[Rule, ...]:
    """Every rule of a language ('en' or 'zh-hans'), in file then file order."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    found: list[Rule] = []
    seen: set[str] = set()
    for path in sorted((RULES_DIR / language).glob("*.yaml")):
        where = f"rules/{language}/{path.name}"
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        category = doc.get("category") or path.stem
        if category != path.stem:
            raise RuleError(f"{where}: category {category!r} must match the file name")
        about = doc.get("about") or {}
        defaults = doc.get("defaults") or {}
        for raw in doc.get("rules") or []:
            rule = _rule(raw, language, category, about, defaults, where)
            if rule.id in seen:
                raise RuleError(f"{where}: duplicate id {rule.id}")
            seen.add(rule.id)
            found.append(rule)
    return tuple(found)


def categories(language: str) -> dict[str, dict[str, str]]:
    """category → its explanation by UI language, from the files' ``about``."""
    result = {}
    for path in sorted((RULES_DIR / language).glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        result[path.stem] = dict(doc.get("about") or {})
    return result


def rule_by_id(rule_id: str) -> Rule:
    for language in LANGUAGES:
        for rule in rules(language):
            if rule.id == rule_id:
                return rule
    raise KeyError(rule_id)
