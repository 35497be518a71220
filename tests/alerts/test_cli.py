"""The command line: ``crmsense run`` evaluates alerts; ``alerts list|ack|resolve|dismiss|
metrics|export-feedback``; ``rules check`` (the docs' example file included)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from doc_examples import doc_commands
from typer.testing import CliRunner

import crmsense.cli  # noqa: F401  (registers the commands)
from crmsense.cli.app import app
from crmsense.ingest.pipeline import ingest_records
from crmsense.store import open_database

from .timeline import NEGATIVE, Timeline, at

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def workspace(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    db = open_database(url)
    db.migrate()
    tl = Timeline()
    tl.account("acme")
    tl.healthy("acme", at(0))
    tl.survey("acme", at(0, 8), "nps", 6, "Too many bugs lately.")
    tl.account("gloom")
    for i, day in enumerate((9, 5, 1)):
        tl.message("gloom", at(-day), NEGATIVE[i])
    assert ingest_records(db, tl.records).exit_code == 0
    db.dispose()
    return url


def invoke(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def test_run_analyses_computes_signals_and_evaluates_alerts(workspace: str) -> None:
    result = invoke("run", "--as-of", "2026-10-05T09:00:00Z", "--engine", "rules.v1",
                    "--db", workspace)  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["alerts"]["created"] == 3 and summary["alerts"]["mode"] == "full"

    listed = invoke("alerts", "list", "--format", "json", "--db", workspace)
    rows = {r["rule"]: r for r in json.loads(listed.stdout)}
    assert sorted((r["account_id"], r["rule"], r["severity"], r["status"])
                  for r in rows.values()) == [
        ("acme", "detractor_followup", "moderate", "open"),
        ("acme", "tier_moderate", "moderate", "open"),
        ("gloom", "negative_text", "moderate", "open"),
    ]  # fmt: skip
    keys = {"id", "account_id", "deal_id", "rule", "severity", "assignees", "action",
            "created_at", "due_at", "status", "reasons", "evidence"}  # fmt: skip
    detractor = rows["detractor_followup"]
    assert keys <= set(detractor)
    assert detractor["assignees"] == ["csm"] and detractor["due_at"] == "2026-10-06T09:00:00Z"
    assert [e["message_id"][:7] for e in rows["negative_text"]["evidence"]] == ["gloom-m"] * 3

    again = invoke("run", "--as-of", "2026-10-05T09:00:00Z", "--engine", "rules.v1",
                   "--db", workspace)  # fmt: skip
    assert json.loads(again.stdout.strip().splitlines()[-1])["alerts"]["created"] == 0

    table = invoke("alerts", "list", "--status", "open", "--db", workspace)
    assert table.exit_code == 0 and "acme" in table.stdout and "gloom" in table.stdout


def test_ack_resolve_dismiss_metrics_and_feedback_export(workspace: str, tmp_path: Path) -> None:
    invoke("run", "--as-of", "2026-10-05T09:00:00Z", "--engine", "rules.v1", "--db", workspace)
    ids = {r["rule"]: r["id"] for r in json.loads(
        invoke("alerts", "list", "--format", "json", "--db", workspace).stdout)}  # fmt: skip

    when = ["--as-of", "2026-10-05T10:00:00Z", "--db", workspace]
    assert invoke("alerts", "ack", str(ids["detractor_followup"]), *when).exit_code == 0
    assert invoke("alerts", "resolve", str(ids["detractor_followup"]), "--reason",
                  "called them", *when).exit_code == 0  # fmt: skip
    dismissed = invoke("alerts", "dismiss", str(ids["negative_text"]), "--reason",
                       "they were venting about a vendor of theirs", *when)  # fmt: skip
    assert dismissed.exit_code == 0
    refused = invoke("alerts", "ack", str(ids["negative_text"]), *when)
    assert refused.exit_code == 1 and "is dismissed" in refused.output
    rows = json.loads(invoke("alerts", "list", "--status", "dismissed,resolved", "--format",
                             "json", "--db", workspace).stdout)  # fmt: skip
    assert {(r["rule"], r["status"]) for r in rows} == {("detractor_followup", "resolved"),
                                                        ("negative_text", "dismissed")}  # fmt: skip
    bad = invoke("alerts", "list", "--status", "closed", "--db", workspace)
    assert bad.exit_code == 2

    metrics = json.loads(invoke("alerts", "metrics", "--format", "json", "--as-of",
                                "2026-10-07", "--db", workspace).stdout)  # fmt: skip
    assert metrics["total"] == 3 and metrics["precision"]["precision"] == 0.5
    assert metrics["sla"] == {"due": 3, "met": 2, "share": 0.667}
    assert invoke("alerts", "metrics", "--db", workspace).exit_code == 0

    out = tmp_path / "feedback.csv"
    assert invoke("alerts", "export-feedback", str(out), "--db", workspace).exit_code == 0
    with out.open(encoding="utf-8") as fh:
        exported = list(csv.DictReader(fh))
    assert [r["text"] for r in exported] == NEGATIVE[:3]
    assert {r["label"] for r in exported} == {"neutral"}
    assert exported[0]["reason"] == "they were venting about a vendor of theirs"


def test_rules_check_accepts_the_docs_example_and_lists_problems(tmp_path: Path) -> None:
    ok = invoke("rules", "check", str(ROOT / "docs" / "examples" / "rules.toml"))
    assert ok.exit_code == 0, ok.output
    said = " ".join(ok.output.split())  # the console wraps long lines
    assert "renewal_health_low" in said and "2 sink(s)" in said
    assert invoke("rules", "check").exit_code == 0
    bad = tmp_path / "bad.toml"
    bad.write_text("[settings]\ndaily_budget = 0\n", encoding="utf-8")
    result = invoke("rules", "check", str(bad))
    assert result.exit_code == 1
    assert "settings.daily_budget" in " ".join(result.output.split())


def test_the_docs_commands_run(workspace: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    commands = doc_commands("alerts.md")
    assert [c[:2] for c in commands] == [
        ["run", "--as-of"],
        ["alerts", "list"],
        ["alerts", "ack"],
        ["alerts", "resolve"],
        ["alerts", "dismiss"],
        ["alerts", "metrics"],
        ["rules", "check"],
    ]
    for args in commands:
        db = [] if args[0] == "rules" else ["--db", workspace]
        result = invoke(*args, *db)
        assert result.exit_code == 0, f"crmsense {' '.join(args)}: {result.output}"
