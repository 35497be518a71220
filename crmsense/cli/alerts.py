"""``crmsense alerts …`` and ``crmsense rules check``: the alert queue and the playbook."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

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
)
from crmsense.errors import CrmsenseError

if TYPE_CHECKING:
    from crmsense.alerts.config import Playbook

alerts_app = typer.Typer(help="The alert queue: list, acknowledge, resolve, dismiss, measure.",
                         no_args_is_help=True)  # fmt: skip
rules_app = typer.Typer(help="The alert playbook (rules file).", no_args_is_help=True)
app.add_typer(alerts_app, name="alerts")
app.add_typer(rules_app, name="rules")

RulesOption = Annotated[
    Path | None,
    typer.Option("--rules", envvar="CRMSENSE_RULES",
                 help="Alert playbook (TOML, or YAML by extension) merged over the "
                      "default playbook."),
]  # fmt: skip
ReasonOption = Annotated[
    str | None, typer.Option("--reason", help="Why (kept with the alert; dismissals: feedback).")
]
SEVERITY_STYLE = {"high": "bold red", "moderate": "yellow", "low": "dim"}


def load_rules(path: Path | None) -> Playbook:
    """The playbook from ``--rules`` (or the default), failing with the problems listed."""
    from crmsense.alerts.config import load_playbook

    try:
        return load_playbook(path)
    except CrmsenseError as exc:
        fail(exc)


def _table(rows: list[dict[str, Any]]) -> None:
    table = Table("id", "severity", "status", "account", "rule", "assignees", "due", "action")
    for a in rows:
        style = SEVERITY_STYLE.get(a["severity"], "")
        table.add_row(
            str(a["id"]), f"[{style}]{a['severity']}[/]", a["status"], a["account_id"],
            a["rule"], ", ".join(a["assignees"]), (a["due_at"] or "—")[:16], a["action"],
        )  # fmt: skip
    Console().print(table)


@alerts_app.command("list")
def alerts_list(
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            help="queued, open, acknowledged, resolved, dismissed (repeatable; default all).",
        ),
    ] = None,
    rule: Annotated[str | None, typer.Option("--rule", help="Only this rule.")] = None,
    account: Annotated[str | None, typer.Option("--account", help="Only this account.")] = None,
    fmt: FormatOption = "table",
    db: DbOption = None,
) -> None:
    """List alerts, most severe first, then by due time."""
    from crmsense.alerts.lifecycle import STATUSES
    from crmsense.alerts.views import list_alerts

    wanted = [s.strip() for value in status or [] for s in value.split(",") if s.strip()]
    unknown = sorted(set(wanted) - set(STATUSES))
    if unknown:
        fail(f"--status {', '.join(unknown)}: use {', '.join(STATUSES)}", code=2)
    rows = list_alerts(open_db(db), statuses=wanted, rule=rule, account=account)
    if output_format(fmt) == "json":
        print(json.dumps(rows, ensure_ascii=False))
    else:
        _table(rows)


def _transition(action: str, alert_id: int, reason: str | None, as_of: str | None,
                rules: Path | None, db: str | None) -> None:  # fmt: skip
    from crmsense.alerts.lifecycle import transition
    from crmsense.cli.app import parse_as_of

    try:
        view = transition(open_db(db), alert_id, action, load_rules(rules),  # type: ignore[arg-type]
                          reason=reason, at=parse_as_of(as_of))  # fmt: skip
    except CrmsenseError as exc:
        fail(exc)
    console.print(f"alert {alert_id} is now {view['status']}")


@alerts_app.command("ack")
def alerts_ack(
    alert_id: Annotated[int, typer.Argument(help="Alert id.")], reason: ReasonOption = None,
    as_of: AsOfOption = None, rules: RulesOption = None, db: DbOption = None,
) -> None:  # fmt: skip
    """Acknowledge an alert: someone is on it."""
    _transition("ack", alert_id, reason, as_of, rules, db)


@alerts_app.command("resolve")
def alerts_resolve(
    alert_id: Annotated[int, typer.Argument(help="Alert id.")], reason: ReasonOption = None,
    as_of: AsOfOption = None, rules: RulesOption = None, db: DbOption = None,
) -> None:  # fmt: skip
    """Resolve an alert (it was real and has been handled); closes its recovery plan."""
    _transition("resolve", alert_id, reason, as_of, rules, db)


@alerts_app.command("dismiss")
def alerts_dismiss(
    alert_id: Annotated[int, typer.Argument(help="Alert id.")], reason: ReasonOption = None,
    as_of: AsOfOption = None, rules: RulesOption = None, db: DbOption = None,
) -> None:  # fmt: skip
    """Dismiss an alert as a false positive (counts against the rule's precision)."""
    _transition("dismiss", alert_id, reason, as_of, rules, db)


@alerts_app.command("evaluate")
def alerts_evaluate(
    as_of: AsOfOption = None,
    full: Annotated[bool, typer.Option("--full", help="Every account, not only touched.")] = False,
    rules: RulesOption = None,
    db: DbOption = None,
) -> None:
    """Evaluate the playbook on the stored analyses and signals (what `crmsense run` does
    last) and deliver what is due."""
    from crmsense.alerts.engine import evaluate
    from crmsense.cli.app import parse_as_of

    try:
        report = evaluate(open_db(db), load_rules(rules), parse_as_of(as_of), full=full,
                          deliver=True)  # fmt: skip
    except CrmsenseError as exc:
        fail(exc)
    print(json.dumps(report.to_dict()))


@alerts_app.command("deliver")
def alerts_deliver(
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="Also resend deliveries that ran out of tries.")
    ] = False,
    rules: RulesOption = None,
    db: DbOption = None,
) -> None:
    """Send the outbox: alert events due for delivery to the configured sinks."""
    from crmsense.alerts.actions.outbox import deliver_pending

    report = deliver_pending(open_db(db), load_rules(rules), retry_failed=retry_failed)
    print(json.dumps(report.to_dict()))


@alerts_app.command("metrics")
def alerts_metrics(as_of: AsOfOption = None, fmt: FormatOption = "table",
                   db: DbOption = None) -> None:  # fmt: skip
    """Alerts per tier and rule, SLA, time to first action, precision, recovery outcomes."""
    from crmsense.alerts.metrics import alert_metrics
    from crmsense.cli.app import parse_as_of

    report = alert_metrics(open_db(db), parse_as_of(as_of))
    if output_format(fmt) == "json":
        print(json.dumps(report))
        return
    table = Table("rule", "total", "open", "acknowledged", "resolved", "dismissed", "precision")
    for rule, c in report["by_rule"].items():
        precision = report["precision"]["by_rule"][rule]["precision"]
        table.add_row(rule, str(c["total"]), str(c["open"]), str(c["acknowledged"]),
                      str(c["resolved"]), str(c["dismissed"]),
                      "—" if precision is None else f"{precision:.0%}")  # fmt: skip
    Console().print(table)
    sla, rec = report["sla"], report["recovery"]
    console.print(
        f"by severity: {report['by_severity']}; acted on within SLA: {sla['met']}/{sla['due']}; "
        f"median hours to first action: {report['median_hours_to_first_action']}; "
        f"health improved after {rec['health']['improved']}/{rec['health']['measured']} "
        f"resolved alerts, NPS after {rec['nps']['improved']}/{rec['nps']['measured']}",
        highlight=False,
    )


@alerts_app.command("export-feedback")
def alerts_export_feedback(
    out: Annotated[Path, typer.Argument(help="CSV file to write (text,label,…).")],
    label: Annotated[str, typer.Option("--label", help="Label for the rows.")] = "neutral",
    db: DbOption = None,
    quiet: QuietOption = False,
) -> None:
    """Write the messages behind dismissed alerts as training rows for `crmsense train --data`."""
    from crmsense.alerts.metrics import export_feedback

    if label not in ("negative", "neutral", "positive"):
        fail(f"--label {label!r}: use negative, neutral or positive", code=2)
    count = export_feedback(open_db(db), out, label=label)
    if not quiet:
        console.print(f"wrote {count} row(s) to {out}")


@rules_app.command("check")
def rules_check(
    file: Annotated[Path | None, typer.Argument(help="Rules file (default: the shipped one).")]
    = None,
    quiet: QuietOption = False,
) -> None:  # fmt: skip
    """Validate a rules file; every problem is listed with its key path and the fix."""
    playbook = load_rules(file)
    if not quiet:
        console.print(
            f"ok: {playbook.source}: {len(playbook.rules)} rules "
            f"({', '.join(r.name for r in playbook.rules)}), {len(playbook.sinks)} sink(s)",
            highlight=False,
        )
