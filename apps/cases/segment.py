"""One segmentation for the documents of the case library and for the queries.

Neither PostgreSQL (no zhparser, pg_jieba, pg_bigm or PGroonga on a stock
server) nor SQLite segments Chinese, so the text is cut here and the index
stores space-separated terms (``simple`` tsvector on PostgreSQL, FTS5 on
SQLite): lower-cased Latin words and numbers, jieba's search-mode words, and
every pair of neighbouring Chinese characters (a run of one character is kept
as it is).

A query's Chinese run becomes the AND of its character pairs: every pair of a
substring of an indexed text is a pair of that text, so any Chinese substring
of two characters or more finds its case, whatever jieba made of either side.
"""

import re
from dataclasses import dataclass

from apps.tone.segment import tokenizer

#: Han characters (the unified ideographs, extension A and the compatibility block).
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: A run of Chinese characters, or a run of other letters and digits.
RUN = re.compile(rf"([{CJK}]+)|([^\W_{CJK}]+)")
#: Latin words too common to say anything about a case (left out of "similar").
STOPWORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "for",
        "from",
        "had",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "so",
        "than",
        "that",
        "the",
        "their",
        "then",
        "there",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "which",
        "will",
        "with",
    }
)


def _pairs(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def document_terms(text: str) -> list[str]:
    """Every term of ``text`` the index stores, in order (repeats count for ranking)."""
    terms: list[str] = []
    for match in RUN.finditer(text or ""):
        chinese, other = match.groups()
        if other:
            terms.append(other.lower())
            continue
        words = [w for w in tokenizer().cut_for_search(chinese, HMM=False) if len(w) > 1]
        terms.extend(words)
        terms.extend(_pairs(chinese))
    return terms


def index_text(*texts: str) -> str:
    """The ``terms`` column: the texts' terms, space-separated."""
    return " ".join(term for text in texts for term in document_terms(text))


@dataclass(frozen=True)
class Query:
    """A parsed query: each part must be found (AND).

    ``words`` are Latin words and numbers, matched as prefixes (``delay``
    finds "delayed"); ``pairs`` are the Chinese character pairs, matched
    exactly; ``runs`` the Chinese runs as typed, for highlighting.
    """

    words: tuple[str, ...] = ()
    pairs: tuple[str, ...] = ()
    runs: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.words or self.pairs)

    @property
    def terms(self) -> tuple[str, ...]:
        return self.words + self.pairs


def parse_query(q: str) -> Query:
    words: list[str] = []
    pairs: list[str] = []
    runs: list[str] = []
    for match in RUN.finditer(q or ""):
        chinese, other = match.groups()
        if other:
            word = other.lower()
            if word not in words:
                words.append(word)
            continue
        runs.append(chinese)
        for pair in _pairs(chinese):
            if pair not in pairs:
                pairs.append(pair)
    return Query(tuple(words), tuple(pairs), tuple(runs))


def similarity_terms(*texts: str, limit: int = 40) -> list[str]:
    """The terms that say what a case is about, for "similar cases" (OR, ranked).

    jieba's words and Latin words that are neither stop words nor numbers,
    each once, the most repeated first; the character pairs add nothing the words do not
    already say, and would match half the library.
    """
    counts: dict[str, int] = {}
    for text in texts:
        for match in RUN.finditer(text or ""):
            chinese, other = match.groups()
            if other:
                word = other.lower()
                # Numbers (days, amounts, ticket numbers) tell nothing about the trouble.
                telling = len(word) > 1 and not word.isdigit() and word not in STOPWORDS
                candidates = [word] if telling else []
            else:
                candidates = [
                    w for w in tokenizer().cut_for_search(chinese, HMM=False) if len(w) > 1
                ]
            for word in candidates:
                counts[word] = counts.get(word, 0) + 1
    ranked = sorted(counts, key=lambda w: -counts[w])  # stable: first seen first among equals
    return ranked[:limit]
