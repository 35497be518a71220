"""A demo workspace for the API and browser tests, built the way ``crmsense demo`` builds
it: the sample portfolio imported, analysed (rules.v1, fast), signals and alerts computed
as of the end of the demo's reference day."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

from crmsense.demo import DEMO_AS_OF

AS_OF = datetime.combine(DEMO_AS_OF, time.max, tzinfo=UTC)


def build_demo(url: str, workspace: Path) -> None:
    """Create the demo workspace in the database at ``url`` (files go to ``workspace``)."""
    from crmsense.alerts.engine import evaluate
    from crmsense.analysis.api import load_engine
    from crmsense.analysis.stored import analyze_stored
    from crmsense.demo import write_workspace
    from crmsense.demo.texts import COMPETITORS
    from crmsense.ingest.pipeline import ingest_paths
    from crmsense.signals.compute import compute_signals
    from crmsense.store import open_database

    db = open_database(url)
    db.migrate()
    report = ingest_paths(db, [write_workspace(workspace / "sample.jsonl", DEMO_AS_OF)])
    assert report.exit_code == 0
    analyze_stored(db, load_engine("rules.v1"), competitors=list(COMPETITORS))
    compute_signals(db, AS_OF, engine="rules.v1")
    evaluate(db, as_of=AS_OF)
    db.dispose()
