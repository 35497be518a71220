"""The Typer application, shared options and the error → exit-code policy."""

from __future__ import annotations

__all__ = [
    "AsOfOption", "DbOption", "FormatOption", "QuietOption", "app", "console", "fail", "open_db",
    "output_format", "parse_as_of", "parse_since",
]  # fmt: skip

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
FormatOption = Annotated[str, typer.Option("--format", help="table or json")]


def fail(error: CrmsenseError | str, code: int = 1) -> NoReturn:
    """Print a one-line error and exit with ``code``."""
    console.print(
        f"[bold red]error:[/] {escape(str(error))}", highlight=False, markup=True, soft_wrap=True
    )
    raise typer.Exit(code)


def output_format(fmt: str) -> str:
    """``--format`` checked: ``table`` or ``json``, else exit 2."""
    if fmt not in ("table", "json"):
        fail(f"--format {fmt!r}: use table or json", code=2)
    return fmt


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


#: The dates ``--since``/``--as-of`` accept: windows and due times around them stay
#: representable.
_EARLIEST, _LATEST = date(1900, 1, 1), date(2999, 12, 31)


def _parse_datetime(value: str, option: str, *, end_of_day: bool) -> datetime:
    """An ISO 8601 date or date-time as an aware UTC datetime; a bare date is the start (or
    the end) of that day; anything else exits with code 2 naming ``option``."""
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            clock = (23, 59, 59) if end_of_day else (0, 0, 0)
            parsed = datetime(day.year, day.month, day.day, *clock, tzinfo=UTC)
        else:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        fail(f"{option} {value!r} is not a date; use ISO 8601, e.g. 2026-10-01", code=2)
    if not _EARLIEST <= parsed.date() <= _LATEST:
        fail(f"{option} {value!r} is out of range; use a date between {_EARLIEST} and "
             f"{_LATEST}", code=2)  # fmt: skip
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_as_of(value: str | None) -> datetime:
    """``--as-of`` as an aware UTC datetime (a bare date means the end of that day)."""
    if value is None:
        return datetime.now(UTC)
    return _parse_datetime(value, "--as-of", end_of_day=True)


def parse_since(value: str | None) -> datetime | None:
    """``--since`` as an aware UTC datetime (a bare date means the start of that day)."""
    return None if value is None else _parse_datetime(value, "--since", end_of_day=False)
