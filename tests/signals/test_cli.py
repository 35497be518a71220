"""``crmsense run``, ``accounts``, ``deals``, ``account`` and ``backtest`` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crmsense.cli import app
from crmsense.ingest.pipeline import ingest_records
from crmsense.store import open_database

from .histories import COMPETITORS, declining, improving, workspace


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    db = open_database(url)
    db.migrate()
    records = workspace()
    for i in range(4):  # outcomes for the backtest: declining accounts churn, improving renew
        for build, kind in ((declining, "churned"), (improving, "renewed")):
            h = build(f"{kind}{i}", seed=10 + i)
            h.outcome(-40, kind)
            records += h.records
    assert ingest_records(db, sorted(records, key=lambda r: r["type"] != "account")).exit_code == 0
    db.dispose()
    return url


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_run_then_accounts_deals_and_account(url: str) -> None:
    competitors = [a for name in COMPETITORS for a in ("--competitor", name)]
    summary = json.loads(
        _run(
            "run",
            "--as-of",
            "2026-10-01",
            "--engine",
            "rules.v1",
            *competitors,
            "--db",
            url,
            "--quiet",
        )
    )
    assert summary["analysed"] > 200 and summary["mode"] == "full"
    rows = json.loads(_run("accounts", "--as-of", "2026-10-01", "--format", "json", "--db", url))
    by_id = {r["account_id"]: r for r in rows}
    assert by_id["declining"]["health_band"] == "red"
    assert by_id["declining"]["outreach_policy"] == "suppress"
    assert by_id["improving"]["sentiment_trend"] == "improving"
    for row in rows:
        assert {
            "account_id",
            "health_score",
            "health_band",
            "components",
            "sentiment_trend",
            "trend_slope",
            "outreach_policy",
            "reasons",
        } <= set(row)
        assert row["health_band"] in ("green", "yellow", "red")
    deals = json.loads(_run("deals", "--as-of", "2026-10-01", "--format", "json", "--db", url))
    assert deals[0]["deal_id"] == "ghosting-expansion" and deals[0]["risk_level"] == "high"
    assert all(s["evidence"] for s in deals[0]["signals"])
    report = _run("account", "declining", "--as-of", "2026-10-01", "--db", url)
    for part in (
        "account health",
        "breakdown",
        "support_sentiment",
        "trend",
        "why",
        "recent evidence",
        "history",
    ):
        assert part in report
    table = _run("accounts", "--as-of", "2026-10-01", "--db", url)
    assert "declining" in table and "suppress" in table


def test_backtest_reports_separation_and_weights(url: str) -> None:
    _run("run", "--as-of", "2026-10-01", "--engine", "rules.v1", "--db", url, "--quiet")
    data = json.loads(_run("backtest", "--format", "json", "--db", url))
    assert (data["churned"], data["renewed"]) == (4, 4)
    assert data["roc_auc"] == 1.0 and data["precision_at_red"] == 1.0
    assert data["lead_time_days"]["flagged"] == 4 and data["lead_time_days"]["median"] > 0
    assert set(data["weights"]["suggested"]) == set(data["weights"]["current_default"])
    assert data["after"]["roc_auc"] is not None


def test_bad_config_and_unknown_account_fail_clearly(url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[bands]\nred = 90\n")
    result = CliRunner().invoke(app, ["accounts", "--config", str(bad), "--db", url])
    assert result.exit_code == 1
    assert "bands.red: must be below bands.green" in result.output
    result = CliRunner().invoke(app, ["account", "nobody", "--db", url, "--engine", "rules.v1"])
    assert result.exit_code == 1 and "no account 'nobody'" in result.output
