"""The full-text part of the case library's queries, for PostgreSQL and for SQLite.

Both match the same terms (``apps.cases.segment``) with the same rules: every
part of a search must be found (AND), a Latin word as a prefix, a Chinese
character pair exactly; "similar" asks for any of a case's words (OR).
PostgreSQL ranks with ``ts_rank`` on the stored ``tsvector``; SQLite with
FTS5's ``bm25``. Both scores are brought into [0, 1) so that the boosts of
the similar cases weigh the same on either.
"""

from django.db import connection
from django.db.models import BooleanField, FloatField, QuerySet
from django.db.models.expressions import RawSQL

from .models import FTS_TABLE
from .segment import Query


def _postgres_all(query: Query) -> str:
    parts = [f"'{word}':*" for word in query.words]
    parts += [f"'{pair}':*" if len(pair) == 1 else f"'{pair}'" for pair in query.pairs]
    return " & ".join(parts)


def _sqlite_all(query: Query) -> str:
    parts = [f'"{word}"*' for word in query.words]
    parts += [f'"{pair}"*' if len(pair) == 1 else f'"{pair}"' for pair in query.pairs]
    return " AND ".join(parts)


def _postgres(queryset: QuerySet, tsquery: str) -> QuerySet:
    return queryset.annotate(
        text_score=RawSQL(
            "ts_rank(cases_caseentry.search, to_tsquery('simple', %s), 32)",
            [tsquery],
            output_field=FloatField(),
        ),
        text_match=RawSQL(
            "cases_caseentry.search @@ to_tsquery('simple', %s)",
            [tsquery],
            output_field=BooleanField(),
        ),
    )


def _sqlite(queryset: QuerySet, match: str) -> QuerySet:
    # bm25 is negative, the better the lower: -bm25 / (1 - bm25) lies in [0, 1).
    return queryset.annotate(
        text_score=RawSQL(
            f"COALESCE((SELECT -bm25({FTS_TABLE}) / (1 - bm25({FTS_TABLE})) FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s AND rowid = cases_caseentry.id), 0)",
            [match],
            output_field=FloatField(),
        ),
        text_match=RawSQL(
            f"cases_caseentry.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)",
            [match],
            output_field=BooleanField(),
        ),
    )


def with_text_score(queryset: QuerySet, query: Query | None = None, any_of=None) -> QuerySet:
    """Annotate ``text_score`` and ``text_match``: all of ``query``, or any of ``any_of``."""
    vendor = connection.vendor
    if query is not None:
        expression = _postgres_all(query) if vendor == "postgresql" else _sqlite_all(query)
    else:
        joiner = " | " if vendor == "postgresql" else " OR "
        quote = "'{}'" if vendor == "postgresql" else '"{}"'
        expression = joiner.join(quote.format(term) for term in any_of)
    if vendor == "postgresql":
        return _postgres(queryset, expression)
    return _sqlite(queryset, expression)
