"""Every command docs/analysis.md shows runs as shown (except the 15-minute model rebuild)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from doc_examples import ROOT, doc_commands
from typer.testing import CliRunner


@pytest.mark.slow
def test_the_analysis_page_commands_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import crmsense.cli  # noqa: F401  (registers the commands)
    from crmsense.cli.app import app

    shutil.copytree(ROOT / "docs" / "examples", tmp_path / "docs" / "examples")
    monkeypatch.chdir(tmp_path)  # the commands write analyses.jsonl, my-model, feedback.csv
    monkeypatch.setenv("CRMSENSE_DATABASE_URL", f"sqlite:///{tmp_path / 'docs.db'}")
    commands = [c for c in doc_commands("analysis.md") if "--datasets" not in c]
    assert len(commands) >= 15
    runner = CliRunner()
    for args in commands:
        result = runner.invoke(app, [*args, "--quiet"])
        assert result.exit_code == 0, (args, result.output)
    assert (tmp_path / "analyses.jsonl").read_text(encoding="utf-8").count("\n") == 41
    assert (tmp_path / "my-model" / "config.json").is_file()


def test_the_analysis_page_shows_the_real_output_of_its_first_command() -> None:
    """The JSON under "What an analysis holds" is what the first command prints (rules.v1
    is deterministic): after a change to the analysis, paste the command's new output."""
    import json

    import crmsense.cli  # noqa: F401  (registers the commands)
    from crmsense.cli.app import app

    page = (ROOT / "docs" / "analysis.md").read_text(encoding="utf-8")
    start = page.index("```json\n") + len("```json\n")
    shown = json.loads(page[start : page.index("```", start)])
    result = CliRunner().invoke(app, doc_commands("analysis.md")[0])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == shown
