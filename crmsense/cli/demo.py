"""``crmsense demo``: a sample workspace, imported, analysed and reported in one command."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from crmsense.cli.app import DbOption, app, console, fail, open_db, parse_as_of
from crmsense.cli.progress import LazyProgress
from crmsense.store import Database


@app.command()
def demo(
    workspace: Annotated[
        Path, typer.Option(help="Folder for the sample data, its database and rejects file.")
    ] = Path("demo-workspace"),
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Reference date of the sample data (ISO date); default "
            "2026-11-20, so every run gives the same workspace.",
        ),
    ] = None,
    serve: Annotated[
        bool, typer.Option("--serve", help="Then serve the dashboard on the demo workspace.")
    ] = False,
    host: Annotated[str, typer.Option(help="Interface to bind with --serve.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve on with --serve.")] = 8000,
    db: DbOption = None,
) -> None:
    """Create a sample workspace, import it, analyse it, compute signals and alerts, and
    print the portfolio report; with --serve, then serve the dashboard on it.

    The database is WORKSPACE/crmsense.db unless --db names another; re-running adds nothing.
    """
    from crmsense.demo import DEMO_AS_OF, write_workspace
    from crmsense.ingest.pipeline import ingest_paths
    from crmsense.store.queries import record_counts

    reference = parse_as_of(as_of).date() if as_of else DEMO_AS_OF
    workspace.mkdir(parents=True, exist_ok=True)
    database = open_db(db or f"sqlite:///{workspace / 'crmsense.db'}")
    sample = write_workspace(workspace / "sample.jsonl", reference)
    with LazyProgress("importing") as progress:
        report = ingest_paths(
            database, [sample], rejects_path=workspace / "rejects.jsonl", progress=progress
        )
    if report.exit_code:
        fail(
            f"the sample workspace did not import cleanly ({len(report.rejected)} rejected, "
            f"see {report.rejects_path}); please report this as a bug"
        )
    engine = _analyse(database)
    _signals_and_alerts(database, reference, engine)
    out = Console()
    if not out.is_terminal:  # a log or a pipe: wide enough for the portfolio's columns
        out = Console(width=110)
    out.print(f"Workspace: {workspace} (sample data as of {reference})", highlight=False)
    counts = Table("record type", "count", box=box.SIMPLE)
    for name, count in record_counts(database).items():
        counts.add_row(name, f"{count:,}")
    out.print(counts)
    out.print(_portfolio_table(database, reference, engine))
    if serve:
        _serve(database, db or f"sqlite:///{workspace / 'crmsense.db'}", host, port)


def _signals_and_alerts(database: Database, reference: date, engine: str) -> None:
    """Health, trends, deal risk and alerts as of the end of the reference day."""
    from crmsense.alerts.engine import evaluate
    from crmsense.signals.compute import compute_signals

    as_of = datetime.combine(reference, time.max, tzinfo=UTC)
    with LazyProgress("computing signals") as progress:
        compute_signals(database, as_of, engine=engine, progress=progress)
    evaluate(database, as_of=as_of)


def _serve(database: Database, url: str, host: str, port: int) -> None:
    """Create a read/write key, print it with the login address, and serve until Ctrl-C."""
    from crmsense.api.security import create_key
    from crmsense.cli.serve import serve

    key = create_key(database, ["read", "write"], name="demo")
    where = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/login"
    console.print(f"\nDashboard: [bold]{where}[/] — log in with this read/write API key:")
    print(key, flush=True)
    serve(host=host, port=port, db=url)


def _analyse(database: Database) -> str:
    """Analyse everything stored with the configured engine (else rules.v1); its name."""
    from crmsense.analysis.api import load_engine
    from crmsense.analysis.stored import analyze_stored
    from crmsense.demo.texts import COMPETITORS
    from crmsense.errors import MissingExtraError, ModelError
    from crmsense.settings import get_settings

    settings = get_settings()
    competitors = settings.competitors or list(COMPETITORS)
    name = settings.engine
    while True:
        try:
            engine = load_engine(name)
            with LazyProgress(f"analysing ({name})") as progress:
                analyze_stored(database, engine, progress=progress, competitors=competitors)
        except (ModelError, MissingExtraError) as exc:
            if name == "rules.v1":
                raise
            console.print(
                f"[yellow]notice:[/] engine {name} is unavailable ({exc}); "
                "analysing with rules.v1 instead",
                highlight=False,
            )
            name = "rules.v1"
            continue
        return name


def _portfolio_table(database: Database, reference: date, engine: str) -> Table:
    from crmsense.cli.signals import BAND_STYLE
    from crmsense.demo.report import portfolio_summary
    from crmsense.web.format import ARROWS

    as_of = datetime.combine(reference, time.max, tzinfo=UTC)
    table = Table(
        title=f"Portfolio on {reference}, worst first (analyses by {engine})",
        box=box.SIMPLE,
        caption="health: score and band; trend: 90-day sentiment trend; policy: renewal and "
        "upsell outreach; alerts: open; sent.: mean sentiment of inbound conversations, "
        "90 days",
        padding=(0, 1),
    )
    table.add_column("account", no_wrap=True, max_width=22, overflow="ellipsis")
    for header in ("health", "trend", "policy", "alerts", "ARR", "renewal", "NPS", "sent."):
        table.add_column(header, justify="left" if header in ("health", "policy") else "right",
                         no_wrap=True)  # fmt: skip
    for row in portfolio_summary(database, as_of, engine):
        soon = row.renewal_date is not None and 0 <= (row.renewal_date - reference).days <= 90
        style = BAND_STYLE.get(row.health_band, "dim")
        table.add_row(
            row.name,
            f"[{style}]{row.health_score:.0f} {row.health_band}[/]"
            if row.health_score is not None
            else "–",
            ARROWS[row.trend][0] if row.trend in ARROWS else "–",
            row.policy or "–",
            f"[bold]{row.open_alerts}[/]" if row.open_alerts else "·",
            f"${row.arr / 1000:,.0f}k" if row.arr is not None else "–",
            f"[yellow]{row.renewal_date}[/]" if soon else str(row.renewal_date or "–"),
            f"{row.latest_nps:g}" if row.latest_nps is not None else "–",
            _sentiment(row.sentiment_90d),
        )
    return table


def _sentiment(value: float | None) -> str:
    if value is None:
        return "–"
    colour = "red" if value < -0.2 else "green" if value > 0.2 else "white"
    return f"[{colour}]{value:+.2f}[/]"
