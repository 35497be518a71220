"""Shared fixtures: a migrated database on SQLite (file) and on PostgreSQL.

PostgreSQL runs at ``CRMSENSE_TEST_POSTGRES_URL`` (default 127.0.0.1:5432/test). Where it
is unreachable the PostgreSQL half of each test skips with a clear message, except under
``CI=true``, where that is a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from crmsense.store import Database, open_database

POSTGRES_URL = os.environ.get(
    "CRMSENSE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
FIXTURES = Path(__file__).parent / "fixtures"


def _postgres_database() -> Iterator[Database]:
    from sqlalchemy import text

    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        admin = open_database(POSTGRES_URL)
        with admin.engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # unreachable server, missing driver
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required under CI=true but unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable at {POSTGRES_URL}: {exc.__class__.__name__}")
    sep = "&" if "?" in POSTGRES_URL else "?"
    db = open_database(f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}")
    try:
        db.migrate()
        yield db
    finally:
        db.dispose()
        with admin.engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A freshly migrated workspace, once on a SQLite file and once on PostgreSQL."""
    if request.param == "sqlite":
        database = open_database(f"sqlite:///{tmp_path / 'test.db'}")
        database.migrate()
        yield database
        database.dispose()
    else:
        yield from _postgres_database()


@pytest.fixture
def memory_db() -> Iterator[Database]:
    """A migrated in-memory SQLite database, for fast tests that need no backend matrix."""
    database = open_database("sqlite://")
    database.migrate()
    yield database
    database.dispose()


@pytest.fixture
def shared_datasets() -> Path:
    path = SHARED / "datasets"
    if not path.is_dir():
        pytest.skip(f"shared datasets not found at {path} (only in a development checkout)")
    return path
