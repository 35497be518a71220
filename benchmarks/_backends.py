"""The databases every storage benchmark runs on: a SQLite file and a throwaway
PostgreSQL schema (skipped, with a printed note, where PostgreSQL is unreachable)."""

from __future__ import annotations

__all__ = ["POSTGRES_URL", "backend_urls", "postgres_schema_url"]

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text

from crmsense.store import open_database

POSTGRES_URL = os.environ.get(
    "CRMSENSE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@contextmanager
def postgres_schema_url() -> Iterator[str | None]:
    """A URL on a fresh schema, dropped afterwards; None when the server is unreachable."""
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    try:
        admin = open_database(POSTGRES_URL)
        with admin.engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # unreachable server or missing driver: skip that half
        print(f"postgresql: skipped ({exc.__class__.__name__})")
        yield None
        return
    sep = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def backend_urls(tmp: str) -> Iterator[tuple[str, str]]:
    """(name, URL) for a SQLite file under ``tmp``, then PostgreSQL when reachable."""
    yield "sqlite (file)", f"sqlite:///{tmp}/bench.db"
    with postgres_schema_url() as url:
        if url is not None:
            yield "postgresql", url
