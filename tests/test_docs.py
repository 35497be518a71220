"""The docs cannot go stale: settings, tables and example commands are checked against code."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crmsense.ingest.pipeline import ingest_paths
from crmsense.records import RECORD_TYPES
from crmsense.settings import Settings
from crmsense.store import Database
from crmsense.store.models import Base

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))


def _code_lines(page: Path) -> list[str]:
    """Lines inside the page's fenced code blocks, without a leading ``$ `` prompt."""
    out, fenced = [], False
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif fenced:
            out.append(line.strip().removeprefix("$ "))
    return out


def _ingest_commands(page: Path) -> list[list[str]]:
    return [
        shlex.split(line)[1:]
        for line in _code_lines(page)
        if line.startswith("crmsense ingest docs/examples/")
    ]


def test_every_setting_is_documented() -> None:
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `CRMSENSE_([A-Z_]+)` \|", text, flags=re.M))
    fields = {name.upper() for name in Settings.model_fields}
    assert fields - documented == set(), "settings missing from docs/configuration.md"
    assert documented - fields == set(), "docs/configuration.md documents unknown settings"


def _table_docs(doc: str, table: str) -> str:
    for section in re.split(r"\n(?=### )", doc):
        if section.startswith("### ") and f"`{table}`" in section.splitlines()[0]:
            return section
    rows = [line for line in doc.splitlines() if line.startswith(f"| `{table}` |")]
    assert rows, f"table {table} is not documented in docs/data-model.md"
    return rows[0]


def test_every_table_and_column_is_documented() -> None:
    doc = (DOCS / "data-model.md").read_text(encoding="utf-8")
    for table in Base.metadata.sorted_tables:
        section = _table_docs(doc, table.name)
        missing = [c.name for c in table.columns if f"`{c.name}`" not in section]
        assert not missing, f"docs/data-model.md lacks {table.name} columns {missing}"


def test_example_workspace_has_every_record_type_and_ingests_cleanly(
    memory_db: Database, tmp_path: Path
) -> None:
    report = ingest_paths(
        memory_db, [DOCS / "examples" / "workspace.jsonl"], rejects_path=tmp_path / "rejects.jsonl"
    )
    assert report.exit_code == 0, [str(r) for r in report.rejected]
    assert set(report.accepted) == set(RECORD_TYPES)
    assert all(report.accepted.values())


def test_docs_show_the_example_ingest() -> None:
    assert ["ingest", "docs/examples/workspace.jsonl"] in _ingest_commands(
        DOCS / "interchange-format.md"
    )


@pytest.mark.parametrize(
    "page", [p for p in PAGES if _ingest_commands(p)], ids=lambda p: str(p.relative_to(DOCS))
)
def test_docs_ingest_commands_run(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each page's ``crmsense ingest docs/examples/…`` commands, in order, on a fresh DB."""
    from crmsense.cli import app

    monkeypatch.chdir(ROOT)
    db = f"sqlite:///{tmp_path / 'docs.db'}"
    runner = CliRunner()
    for args in _ingest_commands(page):
        result = runner.invoke(
            app, [*args, "--db", db, "--quiet", "--rejects", str(tmp_path / "rejects.jsonl")]
        )
        assert result.exit_code == 0, f"{page.name}: crmsense {shlex.join(args)}\n{result.output}"
