"""Storage: migrations match the models on both backends; URLs and errors."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from crmsense.errors import StorageError
from crmsense.store import Database, open_database
from crmsense.store.models import Base


def test_migrations_match_models(db: Database) -> None:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_migrate_is_repeatable(db: Database) -> None:
    db.migrate()
    db.migrate()
    tables = set(inspect(db.engine).get_table_names())
    assert {
        "accounts",
        "messages",
        "calls",
        "call_segments",
        "surveys",
        "analyses",
        "alerts",
        "alembic_version",
    } <= tables


def test_unsupported_url_names_the_fix() -> None:
    with pytest.raises(StorageError, match="postgresql\\+psycopg"):
        open_database("mysql://localhost/x")


def test_sqlite_file_uses_wal_and_foreign_keys(tmp_path) -> None:  # type: ignore[no-untyped-def]
    database = open_database(f"sqlite:///{tmp_path / 'sub' / 'w.db'}")
    with database.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    database.dispose()
