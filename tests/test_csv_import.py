"""The CSV importer (csv.v1): mapping, delimiters, encodings, line numbers, bad rows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from doc_examples import run_doc_examples
from sqlalchemy import select
from typer.testing import CliRunner

from crmsense.errors import UnusableInputError
from crmsense.ingest.base import ImportOptions, Item, Problem
from crmsense.ingest.csvfile import CsvImporter
from crmsense.ingest.pipeline import choose_importer, ingest_paths
from crmsense.store import Database
from crmsense.store import models as m
from crmsense.store.queries import record_counts

CSV = Path(__file__).parent / "fixtures" / "csv"
WORKSPACE = CSV / "workspace.csv"
TICKETS = ImportOptions(
    mapping={"id": "Ticket ID", "timestamp": "Created At", "text": "Body", "subject": "Subject",
             "sender": "Requester", "ticket_priority": "Priority", "account_id": "Account"},
    defaults={"channel": "ticket"},
)  # fmt: skip
SHORT_TICKETS = ImportOptions(
    mapping={"id": "Ticket ID", "timestamp": "Created At", "text": "Body",
             "account_id": "Account"},
    defaults={"channel": "ticket"},
)  # fmt: skip


def read(path: Path, options: ImportOptions | None = None) -> list[tuple[int, Any]]:
    """(line, data) for items, (line, field) for problems."""
    return [
        (r.where.line, r.data if isinstance(r, Item) else r.field)
        for r in CsvImporter().read(path, options or ImportOptions())
    ]


def test_ticket_export_maps_to_exact_records() -> None:
    assert read(CSV / "tickets.csv", TICKETS) == [
        (2, {"id": "T-100", "timestamp": "2026-10-02T09:00:00Z",
             "text": "Export is broken since the update.\r\n"
                     "We need it fixed before Friday's board meeting.",
             "subject": "Export broken", "sender": "jane@acme.example",
             "ticket_priority": "high", "account_id": "acme", "channel": "ticket",
             "type": "message"}),
        # line 2's quoted body spans two physical lines, so the next record starts on line 4
        (4, {"id": "T-101", "timestamp": "2026-10-02T11:30:00Z",
             "text": "<p>Hi team,</p><p>Why were we charged <b>twice</b>?</p>",
             "subject": "Invoice question, again", "sender": "hank@globex.example",
             "ticket_priority": "normal", "account_id": "globex", "channel": "ticket",
             "type": "message"}),
        (5, {"id": "T-102", "timestamp": "2026-10-03 08:15:00",
             "text": 'Thanks, the "quick fix" worked.', "subject": "Thanks!",
             "sender": "jane@acme.example", "account_id": "acme", "channel": "ticket",
             "type": "message"}),  # empty Priority cell → field left out
    ]  # fmt: skip


def test_type_column_mixes_record_types_and_dotted_columns_nest() -> None:
    assert read(WORKSPACE) == [
        (2, {"type": "account", "id": "acme", "name": "Acme Corp", "domain": "acme.example",
             "arr": "250000", "segment": "enterprise", "owners": {"csm": "dana@vendor.example"},
             "renewal_date": "2027-02-01"}),
        (3, {"type": "account", "id": "globex", "name": "Globex", "domain": "globex.example",
             "arr": "90000", "segment": "mid-market", "owners": {"csm": "lee@vendor.example"},
             "renewal_date": "2026-12-01"}),
        (4, {"type": "contact", "id": "c-17", "name": "Jane Roe", "account_id": "acme",
             "email": "jane@acme.example", "role": "decision_maker"}),
        (5, {"type": "contact", "id": "c-21", "name": "Hank Scorpio", "account_id": "globex",
             "email": "hank@globex.example", "role": "champion"}),
    ]  # fmt: skip


def test_semicolon_and_tab_files_with_field_named_columns() -> None:
    assert read(CSV / "chats.csv") == [
        (2, {"id": "ch-1", "timestamp": "2026-10-07T10:00:00Z", "channel": "chat",
             "account_id": "acme", "contact_id": "c-17", "direction": "inbound",
             "text": "Hi, is the SSO outage fixed yet?", "type": "message"}),
        (3, {"id": "ch-2", "timestamp": "2026-10-07T10:01:30Z", "channel": "chat",
             "account_id": "acme", "direction": "outbound",
             "text": "Yes; it was resolved at 09:40 UTC.", "type": "message"}),
    ]  # fmt: skip
    assert read(CSV / "notes.tsv", ImportOptions(defaults={"channel": "note"})) == [
        (2, {"id": "n-1", "timestamp": "2026-10-08T16:00:00Z", "account_id": "globex",
             "text": "CSM note: renewal at risk, champion leaving.", "channel": "note",
             "type": "message"}),
    ]  # fmt: skip


@pytest.mark.parametrize(("name", "text"), [
    ("tickets_latin1.csv", "Le café de l'équipe est arrivé, merci señor"),
    ("tickets_utf16.csv", "Übersicht lädt nicht — bitte prüfen ✓"),
])  # fmt: skip
def test_latin1_and_utf16_files_decode(name: str, text: str) -> None:
    [(line, data)] = read(CSV / name, SHORT_TICKETS)
    assert line == 2
    assert data["text"] == text
    assert data["id"].startswith("T-")


def test_rows_with_wrong_cell_counts_are_problems_with_line_and_fix() -> None:
    reads = list(CsvImporter().read(CSV / "tickets_bad.csv", SHORT_TICKETS))
    problems = [r for r in reads if isinstance(r, Problem)]
    assert [(p.where.line, p.field, p.message) for p in problems] == [
        (3, "row", "5 cells where the header has 4"),
        (8, "row", "2 cells where the header has 4"),
    ]
    assert "quote cells that contain a comma" in problems[0].fix
    assert problems[0].raw == "T-201,2026-10-04T10:00:00Z,Too many, cells here,acme"


@pytest.mark.parametrize(("name", "needle"), [
    ("garbage.csv", "binary file"),
    ("empty.csv", "empty"),
])  # fmt: skip
def test_unusable_files_raise(name: str, needle: str) -> None:
    with pytest.raises(UnusableInputError, match=needle):
        list(CsvImporter().read(CSV / name, ImportOptions()))


def test_header_only_file_yields_nothing() -> None:
    assert read(CSV / "header_only.csv") == []


def test_cells_over_the_csv_module_limit_are_read(memory_db: Database, tmp_path: Path) -> None:
    # csv refuses cells over 128 KiB by default: the whole import crashed with csv.Error.
    body = "The export keeps failing. " * 12_000  # ~300 KB in one quoted cell
    path = tmp_path / "long.csv"
    path.write_text(
        "Ticket ID,Created At,Body,Account\n"
        f'T-1,2026-10-01T10:00:00Z,"{body}",acme\n'
        "T-2,2026-10-01T11:00:00Z,Short,acme\n",
        encoding="utf-8",
    )
    [(line, data), (line2, _)] = read(path, SHORT_TICKETS)
    assert (line, line2) == (2, 3) and data["text"] == body
    write_account = tmp_path / "a.jsonl"
    write_account.write_text(json.dumps({"type": "account", "id": "acme", "name": "Acme"}))
    ingest_paths(memory_db, [write_account])
    report = ingest_paths(memory_db, [path], options=SHORT_TICKETS)
    assert report.exit_code == 0 and report.accepted["message"] == 2


def test_mapping_to_a_missing_column_is_unusable_and_lists_the_header() -> None:
    options = ImportOptions(mapping={"text": "Message"})
    with pytest.raises(UnusableInputError, match=r"no column 'Message'.*Ticket ID, Created At"):
        list(CsvImporter().read(CSV / "tickets.csv", options))


def test_mapping_is_case_insensitive_when_no_exact_match() -> None:
    options = ImportOptions(mapping={"text": "body", "id": "ticket id"})
    assert [d["id"] for _, d in read(CSV / "tickets.csv", options)] == ["T-100", "T-101", "T-102"]


def test_sniff_and_auto_detection() -> None:
    assert CsvImporter().sniff(CSV / "tickets.csv")
    assert CsvImporter().sniff(CSV / "notes.tsv")
    assert not CsvImporter().sniff(CSV.parent / "transcripts" / "acme-qbr.vtt")
    assert choose_importer(CSV / "tickets.csv", "auto").name == "csv.v1"


def ingest(
    db: Database,
    tmp_path: Path,
    *paths: Path,
    options: ImportOptions | None = None,
    fmt: str = "auto",
) -> Any:
    return ingest_paths(
        db, list(paths), fmt=fmt, options=options, rejects_path=tmp_path / "rejects.jsonl"
    )


def test_ticket_export_lands_cleaned_and_is_idempotent(db: Database, tmp_path: Path) -> None:
    assert ingest(db, tmp_path, WORKSPACE).exit_code == 0
    report = ingest(db, tmp_path, CSV / "tickets.csv", options=TICKETS)
    assert report.exit_code == 0, report.rejected
    assert report.accepted == {"message": 3}
    counts = record_counts(db)
    assert (counts["account"], counts["contact"], counts["message"]) == (2, 2, 3)
    with db.session() as s:
        account = s.scalars(select(m.Account).where(m.Account.external_id == "acme")).one()
        assert (account.arr, account.owners) == (250000.0, {"csm": "dana@vendor.example"})
        rows = {r.external_id: r for r in s.scalars(select(m.Message))}
        assert rows["T-101"].text == "Hi team,\n\nWhy were we charged twice?"
        assert rows["T-100"].text.endswith(
            "since the update.\nWe need it fixed before Friday's board meeting."
        )
        assert rows["T-102"].timestamp.isoformat() == "2026-10-03T08:15:00+00:00"
        assert (rows["T-100"].channel, rows["T-100"].ticket_priority) == ("ticket", "high")
        assert rows["T-100"].contact_id is None and rows["T-100"].sender == "jane@acme.example"
    assert ingest(db, tmp_path, WORKSPACE).exit_code == 0
    assert ingest(db, tmp_path, CSV / "tickets.csv", options=TICKETS).exit_code == 0
    assert record_counts(db) == counts


def test_bad_rows_are_rejected_with_lines_and_valid_rows_land(db: Database, tmp_path: Path) -> None:
    ingest(db, tmp_path, WORKSPACE)
    report = ingest(db, tmp_path, CSV / "tickets_bad.csv", options=SHORT_TICKETS)
    assert report.exit_code == 3
    assert report.accepted == {"message": 2}
    assert sorted((r.line, r.field) for r in report.rejected) == [
        (3, "row"), (4, "account_id"), (6, "timestamp"), (8, "row"),
    ]  # fmt: skip
    rejects = [json.loads(line) for line in (tmp_path / "rejects.jsonl").read_text().splitlines()]
    assert {r["line"] for r in rejects} == {3, 4, 6, 8}
    assert all(r["file"].endswith("tickets_bad.csv") and r["fix"] for r in rejects)
    with db.session() as s:
        ids = set(s.scalars(select(m.Message.external_id)))
    assert ids == {"T-200", "T-204"}


def test_numeric_strings_are_coerced_and_out_of_scale_scores_rejected(
    db: Database, tmp_path: Path
) -> None:
    ingest(db, tmp_path, WORKSPACE)
    options = ImportOptions(
        mapping={"id": "Response", "timestamp": "Submitted", "account_id": "Customer"},
        defaults={"type": "survey", "kind": "csat"},
    )
    report = ingest(db, tmp_path, CSV / "csat_scores.csv", options=options)
    assert report.accepted == {"survey": 1}
    [rejection] = report.rejected
    assert (rejection.line, rejection.field) == (3, "score")
    with db.session() as s:
        assert s.scalars(select(m.Survey.score)).one() == 4.0


@pytest.mark.parametrize(("name", "fmt"), [("garbage.csv", "csv"), ("empty.csv", "auto")])
def test_unusable_files_give_exit_2_through_the_pipeline(
    db: Database, tmp_path: Path, name: str, fmt: str
) -> None:
    report = ingest(db, tmp_path, CSV / name, fmt=fmt)
    assert report.exit_code == 2
    assert name in report.unusable[0]


def test_cli_ingest_csv_exit_codes(tmp_path: Path) -> None:
    import crmsense.cli  # noqa: F401  (registers the commands)
    from crmsense.cli.app import app

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    base = ["--db", url, "--quiet", "--rejects", str(tmp_path / "rejects.jsonl")]
    tickets = [
        "--format",
        "csv",
        "--map",
        "id=Ticket ID",
        "--map",
        "timestamp=Created At",
        "--map",
        "text=Body",
        "--map",
        "account_id=Account",
        "--set",
        "channel=ticket",
    ]
    assert runner.invoke(app, ["ingest", str(WORKSPACE), *base]).exit_code == 0
    ok = runner.invoke(app, ["ingest", str(CSV / "tickets.csv"), *tickets, *base])
    assert ok.exit_code == 0, ok.output
    bad = runner.invoke(app, ["ingest", str(CSV / "tickets_bad.csv"), *tickets, *base])
    assert bad.exit_code == 3
    assert (tmp_path / "rejects.jsonl").exists()
    garbage = runner.invoke(app, ["ingest", str(CSV / "garbage.csv"), *tickets, *base])
    assert garbage.exit_code == 2
    missing = runner.invoke(app, ["ingest", str(CSV / "tickets.csv"), "--map", "text=Nope", *base])
    assert missing.exit_code == 2
    from crmsense.store import open_database

    database = open_database(url)
    assert record_counts(database)["message"] == 5  # 3 tickets + 2 valid rows of the bad file
    database.dispose()


def test_docs_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'docs.db'}"
    assert run_doc_examples("importers/csv.md", url, monkeypatch) == [0, 0]
