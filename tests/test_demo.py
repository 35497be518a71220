"""The sample workspace and ``crmsense demo``.

Scenario properties are checked on the raw records by keyword, never with our own
analyzer, so the data stays an independent test bed for it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from crmsense.demo.generate import DEMO_AS_OF, PORTFOLIO, generate_workspace, write_workspace
from crmsense.ingest.pipeline import ingest_paths
from crmsense.records import RECORD_TYPES, parse_record
from crmsense.store import Database, open_database
from crmsense.store.queries import record_counts

NEGATIVE = (
    "frustrat", "disappoint", "unacceptable", "still waiting", "escalat", "cancel",
    "not working", "broken", "outage", "fed up", "considering", "worse", "no response",
)  # fmt: skip
AS_OF_END = datetime(2026, 11, 20, 23, 59, 59, tzinfo=UTC)


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    return generate_workspace(DEMO_AS_OF)


def _when(record: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(record["timestamp"].replace("Z", "+00:00"))


def _days_ago(record: dict[str, Any]) -> float:
    return (AS_OF_END - _when(record)).total_seconds() / 86400


def _negative(text: str) -> bool:
    return any(word in text.lower() for word in NEGATIVE)


def _resolver(records: list[dict[str, Any]]) -> dict[str, str]:
    """contact id and e-mail → account id, as the pipeline resolves them."""
    out = {}
    for r in records:
        if r["type"] == "contact":
            out[r["id"]] = out[r["email"]] = r["account_id"]
    return out


def _account(record: dict[str, Any], resolve: dict[str, str]) -> str:
    for key in ("account_id", "contact_id", "sender", "email"):
        if record.get(key):
            return record[key] if key == "account_id" else resolve[record[key]]
    raise AssertionError(f"unresolvable record {record['id']}")


def _inbound_by_account(records: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    resolve = _resolver(records)
    out = defaultdict(list)
    for r in records:
        if r["type"] == "message" and r["direction"] == "inbound" and not r.get("auto_reply"):
            out[_account(r, resolve)].append(r)
    return out


def _negative_share(messages: list[dict[str, Any]]) -> float:
    assert messages, "no messages in the window"
    return sum(_negative(m["text"]) for m in messages) / len(messages)


def _plans(scenario: str) -> list[str]:
    return [p.id for p in PORTFOLIO if p.scenario == scenario]


# -- the generator --------------------------------------------------------------------------


def test_generator_is_deterministic_and_relative_to_the_reference_date(
    records: list[dict[str, Any]],
) -> None:
    assert generate_workspace(DEMO_AS_OF) == records
    assert generate_workspace(DEMO_AS_OF, seed=8) != records
    later = generate_workspace(DEMO_AS_OF + timedelta(days=1))
    stamps = [r["timestamp"] for r in records if r["type"] == "message"]
    shifted = [r["timestamp"] for r in later if r["type"] == "message"]
    assert [_when({"timestamp": s}) + timedelta(days=1) for s in stamps] == [
        _when({"timestamp": s}) for s in shifted
    ]


def test_every_record_validates_and_lies_in_the_six_months_before_as_of(
    records: list[dict[str, Any]],
) -> None:
    for record in records:
        parse_record(dict(record))
        if "timestamp" in record:
            assert 0 <= _days_ago(record) <= 183, record["id"]
    assert {r["type"] for r in records} == set(RECORD_TYPES)


def test_portfolio_has_the_shape_of_a_real_crm(records: list[dict[str, Any]]) -> None:
    accounts = {r["id"]: r for r in records if r["type"] == "account"}
    assert len(accounts) == 40
    assert Counter(a["segment"] for a in accounts.values()).keys() == {
        "enterprise",
        "mid-market",
        "smb",
    }
    assert all(
        set(a["owners"]) == {"csm", "csm_manager", "account_executive"} for a in accounts.values()
    )
    assert {a["parent_id"] for a in accounts.values() if "parent_id" in a} == {
        "halvorsen",
        "atlas-pharma",
    }
    contacts = defaultdict(list)
    for c in (r for r in records if r["type"] == "contact"):
        contacts[c["account_id"]].append(c)
        assert c["email"].endswith("@" + accounts[c["account_id"]]["domain"])
    assert all(2 <= len(contacts[a]) <= 6 for a in accounts)
    assert {c["role"] for cs in contacts.values() for c in cs} == {
        "decision_maker",
        "champion",
        "user",
        "billing",
        "operations",
    }
    deals = [r for r in records if r["type"] == "deal"]
    assert {d["status"] for d in deals} == {"open", "won", "lost"}
    assert all(d["stage_index"] <= d["stage_count"] for d in deals)
    messages = [r for r in records if r["type"] == "message"]
    assert {m["channel"] for m in messages} == {"email", "ticket", "chat", "social", "note"}
    assert {m["ticket_priority"] for m in messages if "ticket_priority" in m} == {
        "low",
        "normal",
        "high",
        "urgent",
    }
    assert any(m.get("auto_reply") for m in messages)
    assert any("Hallo" in m["text"] for m in messages)  # a German message
    assert any(
        "account_id" not in m and "contact_id" not in m and "sender" in m for m in messages
    )  # resolved by e-mail alone
    surveys = Counter(r["kind"] for r in records if r["type"] == "survey")
    assert surveys.keys() == {"nps", "csat", "ces"}
    calls = [r for r in records if r["type"] == "call"]
    assert all({s["role"] for s in c["segments"]} == {"customer", "rep"} for c in calls)
    activities = {r["kind"] for r in records if r["type"] == "activity"}
    assert activities == {"csm_call", "meeting", "qbr", "recovery_call"}
    outcomes = {r["kind"] for r in records if r["type"] == "outcome"}
    assert outcomes == {"churned", "renewed", "expanded"}


# -- scenarios ----------------------------------------------------------------------------------


def test_sour_accounts_turn_negative_in_the_last_30_days(records: list[dict[str, Any]]) -> None:
    inbound = _inbound_by_account(records)
    for account in _plans("souring"):
        recent = [m for m in inbound[account] if _days_ago(m) <= 30]
        earlier = [m for m in inbound[account] if _days_ago(m) > 30]
        assert _negative_share(recent) > _negative_share(earlier) + 0.2, account
        assert any(("Rivalytics" in m["text"] or "ChurnCo" in m["text"]) for m in recent), account


def test_sour_accounts_have_detractors_falling_usage_and_urgent_tickets(
    records: list[dict[str, Any]],
) -> None:
    for account in _plans("souring"):
        nps = [
            r
            for r in records
            if r["type"] == "survey" and r["kind"] == "nps" and r.get("account_id") == account
        ]
        assert max(nps, key=lambda r: r["timestamp"])["score"] <= 6, account
        usage = sorted(
            (r for r in records if r["type"] == "usage" and r["account_id"] == account),
            key=lambda r: r["date"],
        )
        ratio = [u["active_users"] / u["licensed_users"] for u in usage]
        assert sum(ratio[-4:]) < 0.7 * sum(ratio[:4]), account
        assert any(
            r.get("ticket_priority") == "urgent"
            and _days_ago(r) <= 30
            and r.get("account_id") == account
            for r in records
        ), account


def test_recovering_accounts_get_better(records: list[dict[str, Any]]) -> None:
    inbound = _inbound_by_account(records)
    for account in _plans("recovering"):
        recent = [m for m in inbound[account] if _days_ago(m) <= 30]
        trough = [m for m in inbound[account] if 90 <= _days_ago(m) <= 150]
        assert _negative_share(recent) < _negative_share(trough) - 0.2, account
        kinds = [
            r["kind"] for r in records if r["type"] == "activity" and r["account_id"] == account
        ]
        assert "recovery_call" in kinds, account


def test_healthy_and_noisy_accounts_stay_positive(records: list[dict[str, Any]]) -> None:
    inbound = _inbound_by_account(records)
    for account in _plans("healthy") + _plans("noisy"):
        assert _negative_share(inbound[account]) < 0.1, account
    transactional = (
        "invoice",
        "receipt",
        "password",
        "purchase order",
        "meeting",
        "qbr",
        "reschedule",
    )
    for account in _plans("noisy"):
        routine = [
            m
            for m in records
            if m["type"] == "message"
            and m["channel"] == "email"
            and m.get("account_id") == account
            and any(w in (m.get("subject") or "").lower() for w in transactional)
        ]
        assert len(routine) >= 15, account


def test_ghosting_deals_go_quiet_while_progressing_deals_move(
    records: list[dict[str, Any]],
) -> None:
    deals = {r["id"]: r for r in records if r["type"] == "deal"}
    by_deal = defaultdict(list)
    for m in records:
        if m["type"] == "message" and "deal_id" in m:
            by_deal[m["deal_id"]].append(m)
    for plan in PORTFOLIO:
        for n, scenario in enumerate(plan.deals, start=1):
            messages = by_deal[f"d-{plan.id}-{n}"]
            replies = [
                m
                for m in messages
                if m["direction"] == "inbound" and not m.get("auto_reply") and _days_ago(m) <= 30
            ]
            chasers = [m for m in messages if m["direction"] == "outbound" and _days_ago(m) <= 30]
            if scenario == "ghosting":
                assert not replies and len(chasers) >= 2, plan.id
                assert date.fromisoformat(deals[f"d-{plan.id}-{n}"]["close_date"]) < DEMO_AS_OF
            elif scenario == "progressing":
                assert any(_days_ago(m) <= 14 for m in replies), plan.id


def test_churned_accounts_go_silent_after_churning(records: list[dict[str, Any]]) -> None:
    inbound = _inbound_by_account(records)
    for account in _plans("churned"):
        churn = next(
            r["date"]
            for r in records
            if r["type"] == "outcome" and r["account_id"] == account and r["kind"] == "churned"
        )
        assert all(m["timestamp"][:10] <= churn for m in inbound[account]), account
        assert all(
            r["date"] <= churn
            for r in records
            if r["type"] == "usage" and r["account_id"] == account
        ), account


# -- storage and the command ------------------------------------------------------------------


def test_generated_file_ingests_without_rejects_and_idempotently(
    memory_db: Database, tmp_path: Path, records: list[dict[str, Any]]
) -> None:
    path = write_workspace(tmp_path / "sample.jsonl", DEMO_AS_OF)
    assert path.read_text(encoding="utf-8").count("\n") == len(records)
    report = ingest_paths(memory_db, [path], rejects_path=tmp_path / "rejects.jsonl")
    assert report.exit_code == 0, report.rejected[:3]
    assert report.accepted == Counter(r["type"] for r in records)
    counts = record_counts(memory_db)
    ingest_paths(memory_db, [path])
    assert record_counts(memory_db) == counts


def test_portfolio_summary_puts_the_worst_accounts_first(
    memory_db: Database, tmp_path: Path, records: list[dict[str, Any]]
) -> None:
    from crmsense.analysis.api import load_engine
    from crmsense.analysis.stored import analyze_stored
    from crmsense.demo.report import portfolio_summary

    ingest_paths(memory_db, [write_workspace(tmp_path / "sample.jsonl", DEMO_AS_OF)])
    analyze_stored(memory_db, load_engine("rules.v1"))
    rows = portfolio_summary(memory_db, AS_OF_END, "rules.v1")
    assert len(rows) == 40
    means = [r.sentiment_90d for r in rows if r.sentiment_90d is not None]
    assert means == sorted(means) and len(means) >= 35
    assert all(0 <= r.negative_share <= 1 for r in rows if r.negative_share is not None)
    nps = [r for r in records if r["type"] == "survey" and r["kind"] == "nps"]
    latest = max(
        (r for r in nps if r.get("account_id") == "meridian-health"), key=lambda r: r["timestamp"]
    )
    meridian = next(r for r in rows if r.id == "meridian-health")
    assert meridian.latest_nps == latest["score"]
    assert meridian.messages == sum(
        1
        for r in records
        if r["type"] == "message" and _account(r, _resolver(records)) == "meridian-health"
    )
    assert portfolio_summary(memory_db, AS_OF_END, "llm.v1")[-1].sentiment_90d is None


def test_demo_command_runs_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from crmsense.cli import app

    monkeypatch.setenv("CRMSENSE_ENGINE", "rules.v1")  # fast; the model has its own tests
    workspace = tmp_path / "ws"
    runner = CliRunner()
    args = ["demo", "--workspace", str(workspace), "--as-of", "2026-06-30"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Portfolio on 2026-06-30" in result.output
    assert "Meridian Health" in result.output
    rows = [line.split() for line in result.output.splitlines()]
    healths = [int(r[i - 1]) for r in rows for i, w in enumerate(r)
               if w in ("red", "yellow", "green") and i and r[i - 1].isdigit()]  # fmt: skip
    assert len(healths) == 40 and healths == sorted(healths)  # worst health first
    assert {"suppress", "standard"} <= {w for r in rows for w in r}
    db = open_database(f"sqlite:///{workspace / 'crmsense.db'}")
    counts = record_counts(db)
    assert counts["account"] == 40 and counts["message"] > 2000
    assert runner.invoke(app, args).exit_code == 0
    assert record_counts(db) == counts  # a second run adds nothing
    db.dispose()


def test_demo_writes_to_the_database_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from crmsense.cli import app

    monkeypatch.setenv("CRMSENSE_ENGINE", "rules.v1")
    url = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    result = CliRunner().invoke(app, ["demo", "--workspace", str(tmp_path / "ws"), "--db", url])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "ws" / "crmsense.db").exists()
    db = open_database(url)
    assert record_counts(db)["account"] == 40
    db.dispose()
