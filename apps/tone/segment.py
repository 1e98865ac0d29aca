"""Chinese word boundaries, from jieba, loaded once per process and quietly.

A pattern such as 保证 must not match inside 保证金 (a deposit). Segmenting the
whole message costs more than the whole check may take, so only the clause
around a candidate match is segmented, and clauses are cached: a draft checked
on every keystroke segments only the clause that changed.
"""

import logging
import re
import threading
from functools import lru_cache

_lock = threading.Lock()
_tokenizer = None

#: Where a clause ends: punctuation and line breaks. jieba never joins words across these.
CLAUSE_END = re.compile(r"[\s，。！？；：、,.!?;:“”\"「」『』（）()《》【】\[\]…—]")
_REACH = 40


def tokenizer():
    """The process's own jieba tokenizer (not jieba's global one), initialised on first use."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                # jieba logs its dictionary loading at DEBUG to stderr; keep it quiet.
                jieba.setLogLevel(logging.WARNING)
                logging.getLogger("jieba").setLevel(logging.WARNING)
                tok = jieba.Tokenizer()
                tok.initialize()
                _tokenizer = tok
    return _tokenizer


@lru_cache(maxsize=8192)
def words(clause: str) -> tuple[tuple[str, int, int], ...]:
    """(word, start, end) for a clause, without jieba's guesses for unknown words."""
    return tuple(tokenizer().tokenize(clause, HMM=False))


def clause_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause holding text[start:end], at most _REACH characters either side."""
    lo = max(0, start - _REACH)
    head = text[lo:start]
    cut = None
    for m in CLAUSE_END.finditer(head):
        cut = m.end()
    ws = lo + cut if cut is not None else lo
    m = CLAUSE_END.search(text, end, min(len(text), end + _REACH))
    we = m.start() if m else min(len(text), end + _REACH)
    return ws, we


def on_word_boundaries(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] begins and ends where jieba puts word boundaries."""
    ws, we = clause_around(text, start, end)
    tokens = words(text[ws:we])
    starts = {s for _w, s, _e in tokens}
    ends = {e for _w, _s, e in tokens}
    return (start - ws) in starts and (end - ws) in ends


def words_before(text: str, start: int, reach: int) -> list[str]:
    """The words of the clause before `start`, within `reach` characters of it."""
    ws, _we = clause_around(text, start, start)
    clause = text[ws:start]
    return [w for w, s, _e in words(clause) if s >= len(clause) - reach]
