"""SQLite's FTS5 and PostgreSQL's tsvector, side by side in one run, on the same corpus.

The migration's own statements build each index over a bare table of the
corpus's terms; every query of ``corpus.EXPECTED`` must give the same hits on
both, and those expected. PostgreSQL is used when it answers (``DATABASE_URL``
or the local server), in a schema of its own that is dropped afterwards.
"""

import importlib
import os
import secrets
import sqlite3

import pytest

from apps.cases.search import _postgres_all, _sqlite_all
from apps.cases.segment import index_text, parse_query

from .corpus import CASES, EXPECTED

migration = importlib.import_module("apps.cases.migrations.0001_initial")
TABLE = "CREATE TABLE cases_caseentry (id integer PRIMARY KEY, terms text NOT NULL)"
ROWS = [(number, index_text(*case.texts.values())) for number, case in enumerate(CASES, 1)]
KEY = {number: case.key for number, case in enumerate(CASES, 1)}


def sqlite_hits() -> dict[str, set[str]]:
    db = sqlite3.connect(":memory:")
    db.execute(TABLE)
    for statement in migration.SQLITE_FORWARD:
        db.execute(statement)
    db.executemany("INSERT INTO cases_caseentry (id, terms) VALUES (?, ?)", ROWS)
    found = {}
    for q in EXPECTED:
        rows = db.execute(
            "SELECT rowid FROM cases_caseentry_fts WHERE cases_caseentry_fts MATCH ?",
            [_sqlite_all(parse_query(q))],
        )
        found[q] = {KEY[row[0]] for row in rows}
    db.close()
    return found


def postgres_connection():
    psycopg2 = pytest.importorskip("psycopg2")
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        url = "postgres://postgres@127.0.0.1:5432/postgres"
    try:
        return psycopg2.connect(url, connect_timeout=3)
    except psycopg2.OperationalError:
        pytest.skip("no PostgreSQL server answers")


def postgres_hits() -> dict[str, set[str]]:
    conn = postgres_connection()
    schema = f"cases_agree_{secrets.token_hex(4)}"
    found = {}
    try:
        with conn.cursor() as cursor:
            cursor.execute(f"CREATE SCHEMA {schema}")
            cursor.execute(f"SET search_path TO {schema}")
            cursor.execute(TABLE)
            for statement in migration.POSTGRES_FORWARD:
                cursor.execute(statement)
            cursor.executemany("INSERT INTO cases_caseentry (id, terms) VALUES (%s, %s)", ROWS)
            for q in EXPECTED:
                cursor.execute(
                    "SELECT id FROM cases_caseentry WHERE search @@ to_tsquery('simple', %s)",
                    [_postgres_all(parse_query(q))],
                )
                found[q] = {KEY[row[0]] for row in cursor.fetchall()}
    finally:
        conn.rollback()
        with conn.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.commit()
        conn.close()
    return found


def test_sqlite_fts5_gives_the_expected_hits():
    found = sqlite_hits()
    assert {q: found[q] ^ want for q, want in EXPECTED.items() if found[q] != want} == {}


def test_postgresql_and_sqlite_agree_on_every_query():
    lite, pg = sqlite_hits(), postgres_hits()
    assert {q: (lite[q], pg[q]) for q in EXPECTED if lite[q] != pg[q]} == {}
    assert {q: pg[q] ^ want for q, want in EXPECTED.items() if pg[q] != want} == {}
