"""Opening a database and bringing its schema up to date.

SQLite is the embedded default (a file, WAL journal, foreign keys on, a busy timeout so
concurrent readers wait instead of failing); PostgreSQL is the production backend. The
schema is managed by Alembic migrations only; ``migrate`` is what ``crmsense init`` runs.

>>> db = open_database("sqlite://")
>>> db.migrate()
>>> db.dialect
'sqlite'
"""

from __future__ import annotations

__all__ = ["Database", "open_database"]

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from crmsense.errors import MissingExtraError, StorageError

MIGRATIONS = Path(__file__).with_name("migrations")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Database:
    """An engine plus session factory for one crmsense workspace."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error."""
        with self.sessions() as session, session.begin():
            yield session

    def migrate(self, revision: str = "head") -> None:
        """Apply Alembic migrations up to ``revision``."""
        from alembic import command

        with self.engine.begin() as connection:
            command.upgrade(_alembic_config(connection), revision)

    def is_initialised(self) -> bool:
        try:
            return inspect(self.engine).has_table("alembic_version")
        except OperationalError as exc:
            raise StorageError(f"cannot open the database: {exc.orig}", code="E201") from exc

    def ensure_ready(self) -> None:
        """Migrate a fresh or outdated workspace; what commands call before working."""
        self.migrate()

    def dispose(self) -> None:
        self.engine.dispose()


def _alembic_config(connection: Connection) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def open_database(url: str) -> Database:
    """Open ``url``: ``sqlite:///file.db``, ``sqlite://`` (memory) or ``postgresql+psycopg://``."""
    if url.startswith("sqlite"):
        if url in ("sqlite://", "sqlite:///:memory:"):
            engine = create_engine(
                "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
            )
        else:
            path = url.removeprefix("sqlite:///")
            if path and not path.startswith(":"):
                Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
    elif url.startswith("postgres"):
        try:
            engine = create_engine(url, pool_pre_ping=True)
        except ModuleNotFoundError as exc:
            raise MissingExtraError(
                "PostgreSQL support is not installed; run: pip install 'crmsense[postgres]'"
            ) from exc
    else:
        raise StorageError(
            f"unsupported database URL {url.split(':', 1)[0]!r}: use sqlite:///file.db "
            "or postgresql+psycopg://user@host/db",
            code="E202",
        )
    return Database(engine)
