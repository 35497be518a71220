"""Run the ``crmsense …`` commands of a docs page, as a reader would, against a test DB."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]


def doc_commands(page: str) -> list[list[str]]:
    """The ``$ crmsense …`` lines of ``docs/<page>`` as argument lists (without ``crmsense``)."""
    lines = (ROOT / "docs" / page).read_text(encoding="utf-8").splitlines()
    return [
        shlex.split(line.removeprefix("$ "))[1:] for line in lines if line.startswith("$ crmsense ")
    ]


def run_doc_examples(page: str, db_url: str, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Run every command of ``page`` from the repository root; return their exit codes."""
    import crmsense.cli  # noqa: F401  (registers the commands)
    from crmsense.cli.app import app

    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("CRMSENSE_DATABASE_URL", db_url)
    commands = doc_commands(page)
    assert commands, f"docs/{page} shows no crmsense command"
    runner = CliRunner()
    return [runner.invoke(app, [*args, "--quiet"]).exit_code for args in commands]
