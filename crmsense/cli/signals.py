"""``crmsense run``, ``accounts``, ``deals``, ``account``, ``backtest``: the signals commands."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from crmsense.cli.alerts import RulesOption, load_rules
from crmsense.cli.analyze import CompetitorOption, EngineOption, engine_or_exit
from crmsense.cli.app import (
    AsOfOption,
    DbOption,
    FormatOption,
    QuietOption,
    app,
    console,
    fail,
    open_db,
    output_format,
    parse_as_of,
)
from crmsense.cli.progress import LazyProgress
from crmsense.errors import CrmsenseError

if TYPE_CHECKING:
    from crmsense.signals.config import HealthConfig
    from crmsense.store import Database

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="Health-score and signals config (TOML, or YAML by extension), merged over the "
        "defaults.",
    ),
]
FullOption = Annotated[
    bool, typer.Option("--full", help="Recompute every account, not only the touched ones.")
]
BAND_STYLE = {"green": "bold green", "yellow": "bold yellow", "red": "bold red", None: "dim"}
LEVEL_STYLE = {"low": "green", "medium": "yellow", "high": "bold red"}
SPARK = " ▁▂▃▄▅▆▇█"


def _config(path: Path | None) -> HealthConfig:
    from crmsense.signals.config import load_config

    try:
        return load_config(path)
    except CrmsenseError as exc:
        fail(exc)


def _prepared(
    fmt: str,
    as_of: str | None,
    engine: str | None,
    config: Path | None,
    db: str | None,
    quiet: bool,
) -> tuple[Database, datetime, str]:
    """Check the format, open the workspace and bring its signals up to ``--as-of``."""
    output_format(fmt)
    when = parse_as_of(as_of)
    database = open_db(db)
    return database, when, _ensure(database, when, engine, _config(config), quiet)


def _ensure(
    database: Database, when: datetime, engine: str | None, cfg: HealthConfig, quiet: bool
) -> str:
    """Bring the stored signals up to date for ``when``; return the engine read."""
    from crmsense.signals.compute import compute_signals
    from crmsense.signals.report import unanalysed_count

    try:
        with LazyProgress("computing signals", quiet=quiet) as progress:
            report = compute_signals(database, when, engine=engine, config=cfg, progress=progress)
    except CrmsenseError as exc:
        fail(exc)
    waiting = unanalysed_count(database, report.engine)
    if waiting and not quiet:
        console.print(
            f"[yellow]note:[/] {waiting:,} messages have no {report.engine} analysis "
            "yet and do not count; run: crmsense run"
        )
    return report.engine


@app.command("run")
def run_all(
    as_of: AsOfOption = None,
    engine: EngineOption = None,
    competitor: CompetitorOption = None,
    config: ConfigOption = None,
    full: FullOption = False,
    rules: RulesOption = None,
    db: DbOption = None,
    quiet: QuietOption = False,
) -> None:
    """Analyse whatever is unanalysed, compute every account's and open deal's signals,
    then evaluate the alert playbook and deliver what is due."""
    from crmsense.alerts.engine import evaluate
    from crmsense.analysis.stored import analyze_stored
    from crmsense.settings import get_settings
    from crmsense.signals.compute import compute_signals

    when = parse_as_of(as_of)
    cfg = _config(config)
    chosen = engine_or_exit(engine)
    playbook = load_rules(rules)
    database = open_db(db)
    names = get_settings().competitors if competitor is None else competitor
    try:
        with LazyProgress("analysing", quiet=quiet) as progress:
            analysed = analyze_stored(database, chosen, progress=progress, competitors=names)
        with LazyProgress("computing signals", quiet=quiet) as progress:
            report = compute_signals(
                database, when, engine=chosen.name, config=cfg, full=full, progress=progress
            )
        alerts = evaluate(database, playbook, when, full=full, deliver=True)
    except CrmsenseError as exc:
        fail(exc)
    print(
        json.dumps(
            {
                "analysed": analysed,
                "engine": chosen.name,
                "as_of": when.isoformat(),
                "mode": report.mode,
                "accounts": report.accounts,
                "deals": report.deals,
                "seconds": round(report.seconds, 3),
                "alerts": alerts.to_dict(),
            }
        )
    )


def _band(band: str | None) -> str:
    return f"[{BAND_STYLE.get(band, 'dim')}]{band or '—'}[/]"


def _num(value: float | None, fmt: str = "{:g}") -> str:
    return "—" if value is None else fmt.format(value)


@app.command()
def accounts(
    as_of: AsOfOption = None,
    fmt: FormatOption = "table",
    engine: EngineOption = None,
    config: ConfigOption = None,
    db: DbOption = None,
    quiet: QuietOption = False,
) -> None:
    """Health, trend and outreach policy of every account (computed first if out of date)."""
    from crmsense.signals.report import account_reports

    database, when, _ = _prepared(fmt, as_of, engine, config, db, quiet)
    rows = account_reports(database, when.date())
    if fmt == "json":
        print(json.dumps([{k: v for k, v in r.items() if k != "signals"} for r in rows]))
        return
    table = Table("account", "health", "band", "change", "trend", "slope/30d", "policy")
    for r in rows:
        prev = r["previous"]
        change = (
            "—"
            if not prev or prev["health_score"] is None or r["health_score"] is None
            else f"{r['health_score'] - prev['health_score']:+.1f}"
        )
        table.add_row(
            r["account_id"],
            _num(r["health_score"]),
            _band(r["health_band"]),
            change,
            r["sentiment_trend"],
            _num(r["trend_slope"], "{:+.3f}"),
            r["outreach_policy"],
        )
    Console().print(table)


@app.command()
def deals(
    as_of: AsOfOption = None,
    fmt: FormatOption = "table",
    engine: EngineOption = None,
    config: ConfigOption = None,
    db: DbOption = None,
    quiet: QuietOption = False,
) -> None:
    """Risk of every open deal with its signals and evidence (riskiest first)."""
    from crmsense.signals.report import deal_reports

    database, when, _ = _prepared(fmt, as_of, engine, config, db, quiet)
    rows = deal_reports(database, when.date())
    if fmt == "json":
        print(json.dumps(rows))
        return
    table = Table("deal", "account", "stage", "risk", "level", "signals")
    for r in rows:
        names = ", ".join(f"{s['name']} ({s['points']:g})" for s in r["signals"]) or "—"
        level = r["risk_level"]
        table.add_row(
            r["deal_id"],
            r["account_id"],
            r["stage"] or "—",
            f"{r['risk_score']:g}",
            f"[{LEVEL_STYLE[level]}]{level}[/]",
            names,
        )
    Console().print(table)


def _spark(weekly: list[dict[str, Any]]) -> str:
    cells = []
    for week in weekly:
        mean = week["mean"]
        cells.append("·" if mean is None else SPARK[min(8, max(1, round((mean + 1) * 4)))])
    return "".join(cells)


def _render(
    out: Console,
    r: dict[str, Any],
    history: list[dict[str, Any]],
    excerpts: dict[str, dict[str, Any]],
    deal_rows: list[dict[str, Any]],
) -> None:
    sig = r["signals"]
    head = (
        f"[bold]{r['name']}[/] ({r['account_id']}) · segment {r['segment'] or '—'} · "
        f"scorecard {r['scorecard']} · ARR {_num(r['arr'], '{:,.0f}')}\n"
        f"health [bold]{_num(r['health_score'])}[/] {_band(r['health_band'])} as of "
        f"{r['as_of']} · outreach [bold]{r['outreach_policy']}[/]"
    )
    out.print(Panel(head, title="account health", expand=False))
    table = Table("component", "value", "weight", "contribution", "detail", title="breakdown")
    for name, c in r["components"].items():
        if c.get("missing"):
            table.add_row(name, "[dim]missing[/]", "—", "—", f"[dim]{c['reason']}[/]")
        else:
            table.add_row(
                name, f"{c['value']:g}", f"{c['weight']:.0%}", f"{c['contribution']:g}", c["detail"]
            )
    out.print(table)
    overall = sig["sentiment"]["overall"]
    out.print(f"[bold]trend[/] {r['sentiment_trend']}: {overall['trend']['note']}")
    out.print(f"  weekly sentiment, last 90 days: {_spark(sig['sentiment']['weekly'])}")
    for channel, s in sig["sentiment"]["channels"].items():
        out.print(
            f"  {channel}: level {_num(s['level'], '{:+.2f}')}, {s['trend']['direction']} "
            f"({s['n']} messages)"
        )
    out.print("[bold]why[/]")
    for reason in r["reasons"]:
        out.print(f"  • {reason}")
    if excerpts:
        ev = Table("message", "when", "channel", "score", "excerpt", title="recent evidence")
        for ext, e in sorted(excerpts.items(), key=lambda kv: kv[1]["at"] or "", reverse=True):
            ev.add_row(
                ext,
                (e["at"] or "")[:10],
                e["channel"],
                _num(e["score"], "{:+.2f}"),
                e["excerpt"].replace("\n", " "),
            )
        out.print(ev)
    if deal_rows:
        dt = Table("deal", "stage", "risk", "level", "signals", title="open deals")
        for d in deal_rows:
            dt.add_row(
                d["deal_id"],
                d["stage"] or "—",
                f"{d['risk_score']:g}",
                d["risk_level"],
                ", ".join(s["name"] for s in d["signals"]) or "—",
            )
        out.print(dt)
    ht = Table("day", "health", "band", "trend", "policy", title="history")
    for h in history:
        ht.add_row(str(h["day"]), _num(h["score"]), _band(h["band"]), h["trend"], h["policy"])
    out.print(ht)


@app.command()
def account(
    account_id: Annotated[str, typer.Argument(help="The account's id (as imported).")],
    as_of: AsOfOption = None,
    fmt: FormatOption = "table",
    engine: EngineOption = None,
    config: ConfigOption = None,
    db: DbOption = None,
    quiet: QuietOption = False,
) -> None:
    """One account's report: health breakdown, trend, reasons, recent evidence, history."""
    from crmsense.signals.report import (
        account_history,
        account_reports,
        deal_reports,
        message_excerpts,
    )

    database, when, used = _prepared(fmt, as_of, engine, config, db, quiet)
    found = account_reports(database, when.date(), only=[account_id])
    if not found:
        fail(f"no account {account_id!r}; list them with: crmsense accounts")
    r = found[0]
    if fmt == "json":
        print(json.dumps(r))
        return
    sig = r["signals"]
    ids = [
        *sig["sentiment"]["evidence"],
        *sig["escalation"]["evidence"],
        *sig["curtness"]["evidence"],
    ]
    excerpts = message_excerpts(database, list(dict.fromkeys(ids))[:10], used)
    deal_rows = [d for d in deal_reports(database, when.date()) if d["account_id"] == account_id]
    _render(Console(), r, account_history(database, account_id), excerpts, deal_rows)


@app.command()
def backtest(
    fmt: FormatOption = "table",
    lead_days: Annotated[
        float, typer.Option("--lead-days", min=0, help="Score this many days before each outcome.")
    ] = 30,
    horizon_days: Annotated[
        float, typer.Option("--horizon-days", min=1, help="Look this far back for the first Red.")
    ] = 180,
    l2: Annotated[
        float, typer.Option("--l2", min=0, help="Ridge penalty of the weight fit.")
    ] = 1.0,
    engine: EngineOption = None,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """How well health foretold churn (ROC AUC, precision at Red, lead time), and fitted weights."""
    from crmsense.signals.backtest import backtest as run_backtest
    from crmsense.signals.compute import resolve_engine

    output_format(fmt)
    cfg = _config(config)
    database = open_db(db)
    try:
        report = run_backtest(
            database,
            cfg,
            engine=resolve_engine(database, engine),
            lead_days=lead_days,
            horizon_days=horizon_days,
            l2=l2,
        )
    except CrmsenseError as exc:
        fail(exc)
    data = report.to_dict()
    if fmt == "json":
        print(json.dumps(data))
        return
    out = Console()
    out.print(
        f"{data['examples']} outcomes ({data['churned']} churned, {data['renewed']} renewed "
        f"or expanded), scored {lead_days:g} days before"
    )
    table = Table("measure", "current weights", "suggested weights")
    for key in ("roc_auc", "precision_at_red", "recall_at_red"):
        table.add_row(key, _num(report.before[key]), _num(report.after[key]))
    table.add_row("roc_auc (5-fold CV)", "", _num(report.after.get("roc_auc_cv")))
    out.print(table)
    lead = data["lead_time_days"]
    out.print(
        f"lead time: median {_num(lead['median'])} days over {lead['flagged']:g} churners "
        "flagged Red"
    )
    weights = Table("component", "current (default)", "suggested")
    for name, value in report.weights["current_default"].items():
        weights.add_row(name, f"{value:g}", _num(report.weights["suggested"].get(name)))
    out.print(weights)
    for note in report.notes:
        out.print(f"[yellow]note:[/] {note}")
