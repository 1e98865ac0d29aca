"""The full-text part of the case library's queries, for PostgreSQL and for SQLite.

Both match the same terms (``apps.cases.segment``) with the same rules: every
part of a search must be found (AND), a Latin word as a prefix, a Chinese
character pair exactly; "similar" asks for any of a draft's words (OR) and
scores the candidates itself (``selectors.similar_cases``). A search ranks
with ``ts_rank`` on the stored ``tsvector`` on PostgreSQL, with FTS5's
``bm25`` on SQLite, both brought into [0, 1).
"""

from django.db import connection
from django.db.models import BooleanField, FloatField, QuerySet
from django.db.models.expressions import Expression

from .models import FTS_TABLE
from .segment import Query


class OnTable(Expression):
    """SQL about the entries' table, ``{table}`` standing for its alias in the query.

    A raw ``cases_caseentry.search`` inside a subquery (where Django names the
    table ``U0``) would point at the outer query's row: this names the table
    as the query at hand does.
    """

    def __init__(self, sql: str, params, output_field):
        super().__init__(output_field=output_field)
        self.sql, self.params = sql, list(params)

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.base_table)
        return f"({self.sql.format(table=table)})", self.params

    def get_group_by_cols(self):
        return [self]


def _postgres_all(query: Query) -> str:
    parts = [f"'{word}':*" for word in query.words]
    parts += [f"'{pair}':*" if len(pair) == 1 else f"'{pair}'" for pair in query.pairs]
    return " & ".join(parts)


def _sqlite_all(query: Query) -> str:
    parts = [f'"{word}"*' for word in query.words]
    parts += [f'"{pair}"*' if len(pair) == 1 else f'"{pair}"' for pair in query.pairs]
    return " AND ".join(parts)


def _postgres(queryset: QuerySet, tsquery: str, score: bool) -> QuerySet:
    if score:
        queryset = queryset.annotate(
            text_score=OnTable(
                "ts_rank({table}.search, to_tsquery('simple', %s), 32)",
                [tsquery],
                output_field=FloatField(),
            )
        )
    return queryset.annotate(
        text_match=OnTable(
            "{table}.search @@ to_tsquery('simple', %s)",
            [tsquery],
            output_field=BooleanField(),
        ),
    )


def _sqlite(queryset: QuerySet, match: str, score: bool) -> QuerySet:
    if score:
        # bm25 is negative, the better the lower: -bm25 / (1 - bm25) lies in [0, 1).
        queryset = queryset.annotate(
            text_score=OnTable(
                f"COALESCE((SELECT -bm25({FTS_TABLE}) / (1 - bm25({FTS_TABLE})) "
                f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND rowid = {{table}}.id), 0)",
                [match],
                output_field=FloatField(),
            )
        )
    return queryset.annotate(
        text_match=OnTable(
            f"{{table}}.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)",
            [match],
            output_field=BooleanField(),
        ),
    )


def with_text_score(
    queryset: QuerySet, query: Query | None = None, any_of=None, *, score: bool = True
) -> QuerySet:
    """Annotate ``text_match`` (all of ``query``, or any of ``any_of``) and its ``text_score``."""
    vendor = connection.vendor
    if query is not None:
        expression = _postgres_all(query) if vendor == "postgresql" else _sqlite_all(query)
    else:
        joiner = " | " if vendor == "postgresql" else " OR "
        quote = "'{}'" if vendor == "postgresql" else '"{}"'
        expression = joiner.join(quote.format(term) for term in any_of)
    if vendor == "postgresql":
        return _postgres(queryset, expression, score)
    return _sqlite(queryset, expression, score)
