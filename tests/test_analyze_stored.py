"""``analyze-stored``: everything stored gets a current analysis, idempotent and resumable."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from crmsense.analysis.api import load_engine
from crmsense.analysis.engines import ENGINES
from crmsense.analysis.stored import analyze_stored, pending_count
from crmsense.analysis.types import Analysis
from crmsense.cli import app
from crmsense.ingest.pipeline import ingest_paths
from crmsense.store import Database
from crmsense.store import models as m

WORKSPACE = Path(__file__).parent / "fixtures" / "analysis" / "workspace.jsonl"
SUBJECTS = 10  # 6 messages, 2 calls, 2 survey comments (a third survey has no comment)


class Killed(Exception):
    """Stands in for the process being killed between batches."""


@pytest.fixture
def workspace(db: Database) -> Database:
    report = ingest_paths(db, [WORKSPACE])
    assert report.exit_code == 0, report.rejected
    return db


def stored(db: Database) -> dict[tuple[str, str], m.Analysis]:
    """Analyses by (subject type, external id of the subject)."""
    tables = {"message": m.Message, "call": m.Call, "survey": m.Survey}
    out = {}
    with db.session() as session:
        for row in session.scalars(select(m.Analysis)):
            external = session.get(tables[row.subject_type], row.subject_id).external_id
            out[(row.subject_type, external)] = row
    return out


def test_everything_stored_is_analysed_once(workspace: Database) -> None:
    engine = load_engine("rules.v1")
    assert pending_count(workspace, engine) == SUBJECTS
    seen: list[tuple[int, int | None]] = []
    assert analyze_stored(workspace, engine, batch_size=4,
                          progress=lambda d, t: seen.append((d, t))) == SUBJECTS  # fmt: skip
    assert seen[0] == (0, SUBJECTS) and seen[-1] == (SUBJECTS, SUBJECTS)
    assert analyze_stored(workspace, engine) == 0
    assert pending_count(workspace, engine) == 0
    rows = stored(workspace)
    assert len(rows) == SUBJECTS
    for row in rows.values():
        analysis = Analysis.model_validate(row.payload)
        assert (row.label, row.score, row.confidence, row.kind, row.reply_intent, row.unscored) == (
            analysis.label, analysis.score, analysis.confidence, analysis.kind,
            analysis.reply_intent, analysis.unscored)  # fmt: skip
        assert (row.engine, row.model_version) == ("rules.v1", engine.model_version)
    assert rows[("message", "m-1")].label == "negative"
    assert rows[("message", "m-3")].reply_intent is None, "outbound"
    assert rows[("message", "m-4")].kind == "transactional"
    assert rows[("message", "m-5")].kind == "auto_reply"
    assert rows[("message", "m-6")].label == "positive"
    assert rows[("survey", "s-2")].label == "positive"
    assert rows[("survey", "s-1")].reply_intent is None
    call = Analysis.model_validate(rows[("call", "call-1")].payload).call
    assert call is not None and set(call.roles) == {"customer", "rep"}
    assert call.trajectory.objection_raised


def test_changed_text_is_analysed_again(workspace: Database, tmp_path: Path) -> None:
    engine = load_engine("rules.v1")
    analyze_stored(workspace, engine)
    before = stored(workspace)[("message", "m-2")]
    changed = [json.loads(line) for line in WORKSPACE.read_text(encoding="utf-8").splitlines()]
    for record in changed:
        if record.get("id") == "m-2":
            record["text"] = "Export works again, thank you so much for the quick fix!"
    path = tmp_path / "changed.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in changed), encoding="utf-8")
    assert ingest_paths(workspace, [path]).exit_code == 0
    assert analyze_stored(workspace, engine) == 1
    after = stored(workspace)[("message", "m-2")]
    assert (before.label, after.label) == ("negative", "positive")
    assert after.id == before.id and after.text_hash != before.text_hash
    with workspace.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(m.Analysis)).scalar() == SUBJECTS


def test_a_killed_run_resumes_where_it_stopped(workspace: Database) -> None:
    engine = load_engine("rules.v1")

    def kill_after_first_batch(done: int, total: int | None) -> None:
        if done:
            raise Killed

    with pytest.raises(Killed):
        analyze_stored(workspace, engine, batch_size=3, progress=kill_after_first_batch)
    assert len(stored(workspace)) == 3
    assert pending_count(workspace, engine) == SUBJECTS - 3
    assert analyze_stored(workspace, engine, batch_size=3) == SUBJECTS - 3
    assert len(stored(workspace)) == SUBJECTS


def test_new_model_version_and_since(workspace: Database) -> None:
    engine = load_engine("rules.v1")
    since = datetime(2026, 10, 1, tzinfo=UTC)
    assert analyze_stored(workspace, engine, since=since) == 5
    assert analyze_stored(workspace, engine) == SUBJECTS - 5
    retrained = ENGINES.get("rules.v1")()
    retrained.model_version = f"{engine.model_version}-tuned"
    assert analyze_stored(workspace, retrained) == SUBJECTS
    assert {r.model_version for r in stored(workspace).values()} == {retrained.model_version}


def test_cli_analyze_stored(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ws.db'}"
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(WORKSPACE), "--db", url, "--quiet"]).exit_code == 0
    args = ["analyze-stored", "--db", url, "--engine", "rules.v1", "--quiet"]
    first = runner.invoke(app, [*args, "--since", "2026-10-01"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["analysed"] == 5
    second = runner.invoke(app, args)
    assert json.loads(second.stdout) | {"model_version": None} == {
        "analysed": SUBJECTS - 5,
        "engine": "rules.v1",
        "model_version": None,
    }
    assert json.loads(runner.invoke(app, args).stdout)["analysed"] == 0
    bad = runner.invoke(app, [*args, "--since", "last tuesday"])
    assert bad.exit_code == 2 and "not a date" in bad.stderr


def test_other_competitors_topics_or_analyzer_make_analyses_stale(
    workspace: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Configuring a competitor, or upgrading to an analyzer that reads text differently,
    reaches what is already stored; the same settings in another case or order do not."""
    import crmsense.analysis.analyzer as analyzer_module

    engine = load_engine("rules.v1")
    assert analyze_stored(workspace, engine, competitors=[]) == SUBJECTS
    assert analyze_stored(workspace, engine, competitors=["Zendesk", "Gong"]) == SUBJECTS
    assert analyze_stored(workspace, engine, competitors=["gong", "ZENDESK "]) == 0
    assert pending_count(workspace, engine, competitors=["Zendesk", "Gong"]) == 0
    assert pending_count(workspace, engine, competitors=["Zendesk"]) == SUBJECTS
    assert pending_count(workspace, engine, competitors=["Zendesk", "Gong"],
                         topics=["data residency"]) == SUBJECTS  # fmt: skip
    monkeypatch.setattr(analyzer_module, "ANALYZER_VERSION", analyzer_module.ANALYZER_VERSION + 1)
    assert pending_count(workspace, engine, competitors=["Zendesk", "Gong"]) == SUBJECTS
    assert analyze_stored(workspace, engine, competitors=["Zendesk", "Gong"]) == SUBJECTS
    fingerprints = {row.analyzer for row in stored(workspace).values()}
    expected = analyzer_module.Analyzer(engine, competitors=["Zendesk", "Gong"]).fingerprint
    assert fingerprints == {expected}


def test_analyses_from_before_the_fingerprint_are_recomputed_once(workspace: Database) -> None:
    engine = load_engine("rules.v1")
    assert analyze_stored(workspace, engine, competitors=[]) == SUBJECTS
    with workspace.engine.begin() as conn:  # as migration 0007 leaves older rows
        conn.execute(m.Analysis.__table__.update().values(analyzer=None))
    assert analyze_stored(workspace, engine, competitors=[]) == SUBJECTS
    assert analyze_stored(workspace, engine, competitors=[]) == 0


def test_competitors_default_to_the_settings(
    workspace: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real-time chat path passes none, so it must agree with `crmsense run`."""
    monkeypatch.setenv("CRMSENSE_COMPETITORS", '["Zendesk"]')
    engine = load_engine("rules.v1")
    assert analyze_stored(workspace, engine) == SUBJECTS
    assert pending_count(workspace, engine, competitors=["Zendesk"]) == 0
    assert analyze_stored(workspace, engine, competitors=["Zendesk"]) == 0
