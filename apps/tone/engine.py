"""The tone check: pure functions over a text, its language and its kind.

``check(text, language=..., kind=...)`` returns findings, each with the exact
span (Python string offsets into the text as given), the rule, why it matters to
a client who is already upset and a calmer phrasing. It warns; it never
changes the text. No network, no database: rules are read from YAML once per
process (``ruleset``), Chinese word boundaries come from jieba (``segment``).

Steps for each pattern rule:

1. find the candidate matches of its pattern;
2. drop a match inside quotation marks ("…", “…”, 「…」, 『…』): the PM is
   quoting, not saying it;
3. Chinese: drop a match that does not begin and end on jieba word boundaries
   (保证 inside 保证金);
4. drop a match an exception phrase overlaps;
5. negatable rules: drop a match preceded, in its clause, by a negator
   (en: not, never, no, …n't within six words; zh: 不, 没有, 并非, 绝不… within
   eight characters) — the negator must stand *before* the whole pattern, so
   不是我们的责任 is still flagged;
6. rules marked ``unless_dated``: drop a match whose sentence names a concrete
   date or time close by ("soon — by 5 January 18:00", 尽快，最迟12月5日).

Then detectors: shouting in capitals, and the missing pieces for the message's
kind (each missing-piece rule lists the ``kinds`` that need it; missing-piece
findings have an empty span, start = end = 0, and an empty ``text``: they
point at the message, not at words in it). Findings of one category whose span
lies inside another's of the same category are dropped, so "just a small
glitch" is one finding, not three.
"""

import re
from dataclasses import dataclass

from . import segment, timeexpr
from .languages import EN, ZH, check_kind, normalise_language
from .ruleset import Rule, rules


@dataclass(frozen=True)
class Finding:
    rule: str
    category: str
    level: str
    start: int
    end: int
    text: str
    message: str
    suggestion: str
    #: The explanation by UI language, for a PM whose interface language is not the text's.
    messages: tuple[tuple[str, str], ...] = ()

    @property
    def is_missing_piece(self) -> bool:
        return self.start == self.end

    def message_for(self, ui_language: str) -> str:
        return dict(self.messages).get(ui_language, self.message)

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "category": self.category,
            "level": self.level,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "message": self.message,
            "suggestion": self.suggestion,
        }


_QUOTES = re.compile(r"\"[^\"\n]{1,400}\"|“[^”]{1,400}”|「[^」]{1,400}」|『[^』]{1,400}』")
_EN_NEGATORS = frozenset(
    (
        "not",
        "never",
        "no",
        "nor",
        "cannot",
        "without",
        "hardly",
        "neither",
        "refuse",
        "refuses",
        "unable",
    )
)
_EN_WORD = re.compile(r"[\w'’]+")
_EN_CLAUSE = re.compile(r"[.,;:!?()\"“”—–\n]")
_ZH_NEGATORS = frozenset(
    ("不", "没", "没有", "并非", "绝不", "决不", "不会", "不要", "不想", "无意", "并不", "从不")
    + ("从未", "不能", "别", "未", "不必", "不用", "毫无", "无需", "不该", "不应", "不应该")
    + ("不再", "并没有", "没必要", "不打算", "不愿", "无法", "难以", "无从")
)
_SENTENCE_END = re.compile(r"[!?。！？\n]|(?<!\d)\.(?!\d)")
_DATE_REACH = 80


def check(
    text: str,
    *,
    language: str,
    kind: str | None = None,
    disabled_rules: frozenset[str] = frozenset(),
) -> list[Finding]:
    """The findings for `text`, ordered by position (missing pieces first)."""
    language = normalise_language(language)
    kind = check_kind(kind)
    if not text or not text.strip():
        return []
    quoted = [m.span() for m in _QUOTES.finditer(text)]
    folded = _fold(text) if language == EN else text
    starts = _word_starts(folded) if language == EN else None
    findings: list[Finding] = []
    for rule in rules(language):
        if rule.id in disabled_rules:
            continue
        if rule.detector in ("missing_apology", "missing_next_update"):
            if kind in rule.kinds and not _has_piece(rule, folded, language):
                findings.append(_finding(rule, 0, 0, ""))
            continue
        for start, end in _matches(rule, text, folded, starts, language):
            if _inside(quoted, start, end):
                continue
            if not _stands(rule, text, folded, start, end, language):
                continue
            findings.append(_finding(rule, start, end, text[start:end]))
    return _prune(findings)


def _finding(rule: Rule, start: int, end: int, matched: str) -> Finding:
    return Finding(
        rule=rule.id,
        category=rule.category,
        level=rule.level,
        start=start,
        end=end,
        text=matched,
        message=rule.message,
        suggestion=rule.suggestion,
        messages=rule.messages,
    )


def _fold(text: str) -> str:
    """The text in lower case, with the same length (so offsets carry over)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _word_starts(folded: str) -> dict[str, list[int]]:
    """Where each word of the (lower-cased) text begins."""
    index: dict[str, list[int]] = {}
    for m in _EN_WORD.finditer(folded):
        index.setdefault(m.group().replace("’", "'"), []).append(m.start())
    return index


def _matches(rule: Rule, text: str, folded: str, starts, language: str):
    if rule.detector == "shouting":
        yield from _shouting(rule, text)
        return
    if rule.pattern is not None and starts is not None and rule.first_words:
        yield from _anchored_matches(rule, folded, starts)
    elif rule.pattern is not None:
        yield from _phrase_matches(rule.pattern, folded, language)
    if rule.regex is not None:
        for m in rule.regex.finditer(text):
            if m.end() > m.start():
                yield m.start(), m.end()


def _anchored_matches(rule: Rule, folded: str, starts: dict[str, list[int]]):
    """English phrases tried only where a word they can begin with stands: a
    message of 2,000 characters has a few hundred words, and most rules' first
    words are not among them."""
    positions = sorted(p for w in rule.first_words for p in starts.get(w, ()))
    after = 0
    for pos in positions:
        if pos < after:
            continue
        m = rule.pattern.match(folded, pos)
        if m is not None and m.end() > pos:
            after = m.end()
            yield pos, m.end()


def _phrase_matches(pattern: re.Pattern, folded: str, language: str, lo: int = 0, hi=None):
    """Matches of a phrase pattern; in English only those that begin a word."""
    hi = len(folded) if hi is None else hi
    pos = lo
    while True:
        m = pattern.search(folded, pos, hi)
        if m is None:
            return
        start, end = m.span()
        if end == start:
            pos = start + 1
            continue
        if (
            language == EN
            and start > 0
            and folded[start].isalnum()
            and (folded[start - 1].isalnum() or folded[start - 1] in "_'’")
        ):
            pos = start + 1
            continue
        yield start, end
        pos = end


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(qs <= start and end <= qe for qs, qe in spans)


def _stands(rule: Rule, text: str, folded: str, start: int, end: int, language: str) -> bool:
    """Steps 3 to 6 of the module docstring: whether a candidate match stays a finding."""
    if language == ZH and rule.boundaries and not segment.on_word_boundaries(text, start, end):
        return False
    if rule.exceptions is not None:
        lo, hi = max(0, start - 40), min(len(text), end + 40)
        for es, ee in _phrase_matches(rule.exceptions, folded, language, lo, hi):
            if es < end and start < ee:
                return False
    if rule.negatable and _negated(text, start, language):
        return False
    return not (rule.unless_dated and _dated_nearby(text, start, end, language))


def _negated(text: str, start: int, language: str) -> bool:
    if language == EN:
        head = text[max(0, start - 80) : start]
        cuts = list(_EN_CLAUSE.finditer(head))
        if cuts:
            head = head[cuts[-1].end() :]
        for word in _EN_WORD.findall(head)[-6:]:
            w = word.lower().replace("’", "'")
            if w in _EN_NEGATORS or w.endswith("n't"):
                return True
        return False
    return any(w in _ZH_NEGATORS for w in segment.words_before(text, start, 8))


def _dated_nearby(text: str, start: int, end: int, language: str) -> bool:
    after = text[end : end + _DATE_REACH]
    stop = _SENTENCE_END.search(after)
    if stop:
        after = after[: stop.start()]
    before = text[max(0, start - _DATE_REACH // 2) : start]
    stops = list(_SENTENCE_END.finditer(before))
    if stops:
        before = before[stops[-1].end() :]
    return timeexpr.has_time(after, language) or timeexpr.has_time(before, language)


# --- Shouting -----------------------------------------------------------------

_CAPS_WORD = re.compile(r"(?<![\w'’])[A-Z]+(?:['’][A-Z]+)?(?![\w'’])")
_CAPS_GAP = re.compile(r"[ \t]*[,!:;-]*[ \t]+|[ \t]*[,!]+[ \t]*")


def _shouting(rule: Rule, text: str):
    """Runs of words in capitals, acronyms (the rule's ``allow`` list) excepted.

    A run shouts when it holds two or more such words, one of at least three
    letters ("DO NOT", "THIS IS UNACCEPTABLE"), or one word of five letters or
    more ("URGENT"). Words with digits or of one letter never count.
    """
    run: list[tuple[int, int]] = []

    def flush():
        if run:
            letters = [e - s for s, e in run]
            if (len(run) >= 2 and max(letters) >= 3) or max(letters) >= 5:
                yield run[0][0], run[-1][1]
        run.clear()

    for m in _CAPS_WORD.finditer(text):
        word = m.group().replace("’", "'")
        bare = word.split("'")[0]
        if len(word) < 2 or bare in rule.allow or word in rule.allow:
            yield from flush()
            continue
        if run and not _CAPS_GAP.fullmatch(text, run[-1][1], m.start()):
            yield from flush()
        run.append(m.span())
    yield from flush()


# --- Missing pieces -----------------------------------------------------------


def _has_piece(rule: Rule, text: str, language: str) -> bool:
    """Apology: any of the rule's phrases. Next update: a sentence naming both a
    follow-up (the rule's phrases) and a concrete time (``timeexpr``)."""
    if rule.detector == "missing_apology":
        return next(_phrase_matches(rule.pattern, text, language), None) is not None
    for sentence in _sentences(text):
        named = next(_phrase_matches(rule.pattern, sentence, language), None) is not None
        if named and timeexpr.has_time(sentence, language):
            return True
    return False


def _sentences(text: str):
    start = 0
    for m in _SENTENCE_END.finditer(text):
        yield text[start : m.end()]
        start = m.end()
    if start < len(text):
        yield text[start:]


def _prune(findings: list[Finding]) -> list[Finding]:
    """Drop a finding lying inside a longer one of the same category; sort by position."""
    findings.sort(key=lambda f: (f.start, -(f.end - f.start), f.rule))
    kept: list[Finding] = []
    for f in findings:
        if f.start != f.end and any(
            k.category == f.category
            and k.start <= f.start
            and f.end <= k.end
            and (k.end - k.start) > (f.end - f.start)
            for k in kept
        ):
            continue
        kept.append(f)
    return kept


def segments(text: str, findings: list[Finding]) -> list[tuple[str, tuple[Finding, ...]]]:
    """The text cut where findings begin and end: (piece, findings covering it).

    For a page that highlights findings in the text; missing pieces (empty spans)
    cover nothing.
    """
    cuts = {0, len(text)}
    spans = [f for f in findings if f.end > f.start]
    for f in spans:
        cuts.update((f.start, f.end))
    points = sorted(c for c in cuts if 0 <= c <= len(text))
    out = []
    for a, b in zip(points, points[1:], strict=False):
        covering = tuple(f for f in spans if f.start <= a and b <= f.end)
        out.append((text[a:b], covering))
    return out
