"""``crmsense sync CRM`` and ``crmsense connect setup CRM``."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from crmsense.cli.app import (
    DbOption,
    QuietOption,
    app,
    console,
    fail,
    open_db,
    parse_since,
)
from crmsense.cli.progress import LazyProgress
from crmsense.errors import CrmsenseError, InputError

if TYPE_CHECKING:
    from crmsense.connectors.base import Connector

connect_app = typer.Typer(help="Set up the CRM connectors (custom fields, credentials).")
app.add_typer(connect_app, name="connect")


class Crm(StrEnum):
    hubspot = "hubspot"
    salesforce = "salesforce"
    zoho = "zoho"


CrmArgument = Annotated[Crm, typer.Argument(help="Which CRM.", case_sensitive=False)]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="TOML file with a hubspot, salesforce or zoho table of credentials "
        "(default: $CRMSENSE_CONNECTORS_CONFIG; environment variables win).",
    ),
]


def _connector(crm: Crm, config: Path | None) -> Connector:
    from crmsense.connectors import CONNECTORS, CRMS

    try:
        return CONNECTORS.get(CRMS[crm.value]).configured(config)
    except CrmsenseError as exc:
        fail(exc)


class _Bars:
    """One lazy progress bar per CRM object, shown only when a pull takes over a second."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.current: tuple[str, LazyProgress] | None = None

    def __call__(self, object_type: str, done: int, total: int | None) -> None:
        if self.current is None or self.current[0] != object_type:
            self.close()
            self.current = (object_type, LazyProgress(f"pulling {object_type}", quiet=self.quiet))
        self.current[1](done, total)

    def close(self) -> None:
        if self.current is not None:
            self.current[1].__exit__(None, None, None)
            self.current = None


@app.command()
def sync(
    crm: CrmArgument,
    pull_: Annotated[bool, typer.Option("--pull", help="Pull records from the CRM.")] = False,
    push_: Annotated[bool, typer.Option("--push", help="Push fields, tasks, notes.")] = False,
    since: Annotated[
        str | None,
        typer.Option(help="Pull changes since this date instead of the saved cursors."),
    ] = None,
    full: Annotated[bool, typer.Option("--full", help="Forget the cursors: backfill.")] = False,
    config: ConfigOption = None,
    db: DbOption = None,
    quiet: QuietOption = False,
) -> None:
    """Sync with a CRM: pull then push (or only --pull / --push). Exit 3 if records failed.

    The first pull backfills with a progress bar; an interrupted pull resumes where it
    stopped. Pushing again updates the tasks and notes pushed before.
    """
    from crmsense.connectors import state
    from crmsense.connectors.sync import SyncReport, pull, push

    do_pull, do_push = (pull_, push_) if (pull_ or push_) else (True, True)
    connector = _connector(crm, config)
    database = open_db(db)
    report = SyncReport(connector.name)
    bars = _Bars(quiet)
    try:
        if full:
            state.reset_cursors(database, connector.name)
        if do_pull:
            pull(database, connector, since=parse_since(since), progress=bars, report=report)
        if do_push:
            push(database, connector, report=report)
    except InputError as exc:
        bars.close()
        fail(exc, code=2)
    except CrmsenseError as exc:
        bars.close()
        fail(f"{exc} (finished pages are saved: run the same command again to resume)")
    finally:
        bars.close()
        connector.close()
    if not quiet:
        for message in report.skipped:
            console.print(f"[yellow]skipped:[/] {message}", highlight=False)
        for message in report.warnings:
            console.print(f"[yellow]warning:[/] {message}", highlight=False)
        for rejection in report.rejected[:20]:
            console.print(f"[yellow]rejected[/] {rejection}", highlight=False)
        for failure in report.failures[:20]:
            console.print(f"[yellow]refused by {crm.value}[/] {failure}", highlight=False)
        print(json.dumps(report.to_dict()))
    raise typer.Exit(report.exit_code)


@connect_app.command("setup")
def setup(crm: CrmArgument, config: ConfigOption = None) -> None:
    """Create the custom fields crmsense writes (health score, band, trend, deal risk…)."""
    connector = _connector(crm, config)
    try:
        result = connector.setup()
    except CrmsenseError as exc:
        fail(exc)
    finally:
        connector.close()
    for name in result.created:
        console.print(f"created {name}", highlight=False)
    for name in result.existing:
        console.print(f"already there: {name}", highlight=False)
    print(json.dumps({"created": result.created, "existing": result.existing}))
