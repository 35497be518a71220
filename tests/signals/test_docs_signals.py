"""docs/signals.md: its commands run as shown, and the example config is the one in the docs."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crmsense.cli import app

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "signals.md"


def test_documented_commands_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    url = f"sqlite:///{tmp_path / 'docs.db'}"
    lines = [line[2:] for line in PAGE.read_text(encoding="utf-8").splitlines()
             if line.startswith("$ crmsense ")]  # fmt: skip
    assert len(lines) >= 5
    outputs = {}
    for line in lines:
        args = shlex.split(line)[1:]
        result = CliRunner().invoke(app, [*args, "--db", url])
        assert result.exit_code == 0, f"{line}\n{result.output}"
        outputs[args[0]] = result.stdout
    accounts = json.loads(outputs["accounts"])
    assert {a["account_id"] for a in accounts} == {"acme", "acme-eu"}
    assert "breakdown" in outputs["account"]


def test_the_example_config_shown_is_the_example_file() -> None:
    text = PAGE.read_text(encoding="utf-8")
    shown = re.search(r"```toml\n(.*?)```", text, flags=re.S)
    assert shown is not None
    example = (ROOT / "docs" / "examples" / "health.toml").read_text(encoding="utf-8")
    strip = [line.split("#")[0].rstrip() for line in example.splitlines()]
    assert [line for line in strip if line] == [
        line for line in shown.group(1).splitlines() if line
    ]


@pytest.mark.parametrize(
    "module",
    ["assess", "backtest", "config", "curtness", "data", "deals", "engagement", "health",
     "series", "surveys", "usage"],
)  # fmt: skip
def test_docstring_examples(module: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(f"crmsense.signals.{module}"))
    assert result.failed == 0
