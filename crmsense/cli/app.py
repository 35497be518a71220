"""The Typer application, shared options and the error → exit-code policy."""

from __future__ import annotations

__all__ = ["AsOfOption", "DbOption", "QuietOption", "app", "console", "fail", "open_db"]

from datetime import UTC, date, datetime
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from crmsense.errors import CrmsenseError
from crmsense.store import Database

app = typer.Typer(
    name="crmsense",
    help="Customer-sentiment engine for CRMs: ingest, analyse, roll up, act.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", help="Database URL (default: $CRMSENSE_DATABASE_URL or sqlite:///crmsense.db)."
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="Reference date/time (ISO 8601) for time windows; default now."),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars or summaries.")]


def fail(error: CrmsenseError | str, code: int = 1) -> NoReturn:
    """Print a one-line error and exit with ``code``."""
    console.print(
        f"[bold red]error:[/] {escape(str(error))}", highlight=False, markup=True, soft_wrap=True
    )
    raise typer.Exit(code)


def open_db(db: str | None, *, migrate: bool = True) -> Database:
    """Open the workspace database named by ``--db`` / settings, migrated to the latest schema."""
    from crmsense.settings import get_settings
    from crmsense.store import open_database

    try:
        database = open_database(get_settings(database_url=db).database_url)
        if migrate:
            database.migrate()
    except CrmsenseError as exc:
        fail(exc)
    return database


def parse_as_of(value: str | None) -> datetime:
    """``--as-of`` as an aware UTC datetime (a bare date means the end of that day)."""
    if value is None:
        return datetime.now(UTC)
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=UTC)
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        fail(f"--as-of {value!r} is not a date; use ISO 8601, e.g. 2026-10-01", code=2)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
