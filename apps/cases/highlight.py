"""The snippet of a hit: the passage around the first match, the matches marked.

Everything is HTML-escaped first; only the ``<mark>`` tags are markup.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .segment import CJK, Query

WIDTH = 180
BEFORE = 50


def _pattern(query: Query) -> re.Pattern | None:
    pieces = []
    for run in query.runs:
        pieces.append(re.escape(run))
        pieces += [re.escape(run[i : i + 2]) for i in range(len(run) - 1)]
    for word in query.words:
        # A prefix of a word: "delay" marks "delayed", never the middle of "undelayed".
        pieces.append(rf"(?<![^\W_{CJK}]){re.escape(word)}[^\W_{CJK}]*")
    if not pieces:
        return None
    pieces.sort(key=len, reverse=True)
    return re.compile("|".join(pieces), re.IGNORECASE)


def _mark(text: str, pattern: re.Pattern | None) -> str:
    if pattern is None:
        return escape(text)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)


def _window(text: str, start: int) -> tuple[str, bool, bool]:
    lo = max(0, start - BEFORE)
    hi = min(len(text), lo + WIDTH)
    return text[lo:hi], lo > 0, hi < len(text)


def texts_by_language(entry) -> list[str]:
    """The entry's texts, the reader's language first."""
    if (get_language() or "en").lower().startswith("zh"):
        return [entry.text_zh_hans, entry.text_en, entry.text_internal]
    return [entry.text_en, entry.text_zh_hans, entry.text_internal]


def snippet(texts, query: Query) -> SafeString:
    """The passage of the first of ``texts`` (by preference) that holds a match."""
    texts = [" ".join(t.split()) for t in texts if t and t.strip()]
    if not texts:
        return mark_safe("")
    pattern = _pattern(query)
    chosen, start = texts[0], 0
    if pattern is not None:
        for text in texts:
            found = pattern.search(text)
            if found:
                chosen, start = text, found.start()
                break
    passage, cut_before, cut_after = _window(chosen, start)
    html = _mark(passage, pattern)
    return mark_safe(("… " if cut_before else "") + html + (" …" if cut_after else ""))
