"""Point Django at a dedicated benchmark database before anything imports it."""

import os

import psycopg2
from psycopg2 import sql

DEFAULT_DB_URL = "postgres://postgres@127.0.0.1:5432/candor_bench"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/5"


def configure() -> str:
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB_URL)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault(
        "CELERY_BROKER_URL", os.environ.get("BENCH_BROKER_URL", DEFAULT_BROKER_URL)
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    return url


def recreate_database(url: str) -> None:
    """Drop and create the benchmark database (never the application's own)."""
    import environ

    config = environ.Env.db_url_config(url)
    name = config["NAME"]
    if not name.startswith("candor_bench"):
        raise SystemExit(
            f"refusing to recreate {name!r}: benchmark databases start with candor_bench"
        )
    conn = psycopg2.connect(
        dbname="postgres",
        user=config.get("USER") or "postgres",
        host=config.get("HOST") or "127.0.0.1",
        port=config.get("PORT") or 5432,
        password=config.get("PASSWORD") or None,
    )
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn.close()
