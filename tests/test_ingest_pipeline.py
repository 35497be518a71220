"""The ingest pipeline on the native JSONL format: validation, resolution, guarantees."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from crmsense.ingest.base import ImportOptions
from crmsense.ingest.pipeline import ingest_paths
from crmsense.store import Database
from crmsense.store import models as m
from crmsense.store.queries import record_counts

ISSUE_EXAMPLE = [
    {"type": "account", "id": "acme", "name": "Acme Corp", "arr": 250000,
     "segment": "enterprise", "owners": {"csm": "dana@vendor.example",
     "csm_manager": "lee@vendor.example", "account_executive": "sam@vendor.example"},
     "renewal_date": "2027-02-01"},
    {"type": "contact", "id": "c-17", "account_id": "acme", "name": "Jane Roe",
     "email": "jane@acme.example", "role": "decision_maker"},
    {"type": "deal", "id": "d-9", "account_id": "acme", "name": "Acme expansion",
     "stage": "negotiation", "stage_index": 4, "stage_count": 6, "amount": 80000,
     "close_date": "2026-12-15", "status": "open"},
    {"type": "message", "id": "m-1", "channel": "email", "direction": "inbound",
     "account_id": "acme", "contact_id": "c-17", "deal_id": "d-9", "thread_id": "t-3",
     "timestamp": "2026-10-01T14:03:00Z", "subject": "Re: rollout",
     "text": "The rollout is slipping again."},
    {"type": "message", "id": "m-2", "channel": "ticket", "direction": "inbound",
     "account_id": "acme", "contact_id": "c-17", "ticket_id": "T-100",
     "ticket_priority": "high", "timestamp": "2026-10-02T09:00:00Z",
     "text": "Export is broken since the update."},
    {"type": "call", "id": "call-4", "account_id": "acme", "deal_id": "d-9",
     "timestamp": "2026-10-03T15:00:00Z", "segments": [
         {"speaker": "Jane Roe", "role": "customer", "start": 0.0, "end": 4.1,
          "text": "We are worried about the timeline."},
         {"speaker": "Sam", "role": "rep", "start": 4.1, "end": 9.0,
          "text": "Let me walk you through the plan."}]},
    {"type": "survey", "id": "s-2", "kind": "nps", "score": 4, "comment": "Too slow.",
     "account_id": "acme", "contact_id": "c-17", "timestamp": "2026-10-04T10:00:00Z"},
    {"type": "usage", "account_id": "acme", "date": "2026-10-01", "active_users": 42,
     "licensed_users": 60},
    {"type": "activity", "account_id": "acme", "kind": "csm_call",
     "timestamp": "2026-10-05T10:00:00Z", "contact_id": "c-17"},
    {"type": "outcome", "account_id": "acme", "kind": "churned", "date": "2027-02-01"},
]  # fmt: skip


def write_jsonl(path: Path, records: list[Any], encoding: str = "utf-8") -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def test_issue_example_lands_exactly(db: Database, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "ws.jsonl", ISSUE_EXAMPLE)
    report = ingest_paths(db, [path], rejects_path=tmp_path / "rej.jsonl")
    assert report.exit_code == 0, report.rejected
    counts = record_counts(db)
    assert {
        k: counts[k]
        for k in (
            "account",
            "contact",
            "deal",
            "message",
            "call",
            "survey",
            "usage",
            "activity",
            "outcome",
        )
    } == dict.fromkeys(
        ("account", "contact", "deal", "message", "call", "survey", "usage", "activity", "outcome"),
        1,
    ) | {"message": 2}
    with db.session() as s:
        account = s.scalars(select(m.Account)).one()
        assert account.owners["csm_manager"] == "lee@vendor.example"
        assert account.renewal_date.isoformat() == "2027-02-01"
        message = s.scalars(select(m.Message).where(m.Message.external_id == "m-1")).one()
        assert message.timestamp.isoformat() == "2026-10-01T14:03:00+00:00"
        assert message.deal_id is not None and message.contact_id is not None
        segments = s.scalars(select(m.CallSegment).order_by(m.CallSegment.position)).all()
        assert [(g.speaker, g.role) for g in segments] == [("Jane Roe", "customer"), ("Sam", "rep")]
    assert not (tmp_path / "rej.jsonl").exists()


def test_reimport_is_idempotent(db: Database, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "ws.jsonl", ISSUE_EXAMPLE)
    ingest_paths(db, [path])
    before = record_counts(db)
    report = ingest_paths(db, [path])
    assert report.exit_code == 0
    assert record_counts(db) == before
    with db.session() as s:
        assert len(s.scalars(select(m.CallSegment)).all()) == 2


def test_reimport_updates_changed_values(db: Database, tmp_path: Path) -> None:
    ingest_paths(db, [write_jsonl(tmp_path / "a.jsonl", ISSUE_EXAMPLE)])
    changed = [dict(ISSUE_EXAMPLE[0], arr=300000)]
    ingest_paths(db, [write_jsonl(tmp_path / "b.jsonl", changed)])
    with db.session() as s:
        assert s.scalars(select(m.Account.arr)).one() == 300000


def test_a_repeated_key_in_one_input_keeps_the_later_record_and_counts_once(
    db: Database, tmp_path: Path
) -> None:
    message, usage = ISSUE_EXAMPLE[3], ISSUE_EXAMPLE[7]
    path = write_jsonl(tmp_path / "dup.jsonl", [
        *ISSUE_EXAMPLE[:3],
        message,
        usage,
        dict(message, text="Rollout is back on track."),  # line 6 repeats line 4
        dict(usage, active_users=50),  # line 7 repeats line 5 (natural key)
        dict(ISSUE_EXAMPLE[0], source="zendesk"),  # another source: other records
        {**message, "source": "zendesk", "contact_id": None, "deal_id": None},
    ])  # fmt: skip
    report = ingest_paths(db, [path], rejects_path=tmp_path / "rej.jsonl")
    assert report.exit_code == 0 and not report.rejected
    assert report.accepted == {"account": 2, "contact": 1, "deal": 1, "message": 2, "usage": 1}
    assert [(r.line, r.earlier_line) for r in report.repeated] == [(6, 4), (7, 5)]
    assert str(report.repeated[0]).endswith(
        "message 'm-1' repeats line 4; this later record is kept"
    )
    assert report.to_dict()["repeated"] == 2
    with db.session() as s:
        texts = s.scalars(select(m.Message.text).order_by(m.Message.source)).all()
        assert texts == ["Rollout is back on track.", "The rollout is slipping again."]
        assert s.scalars(select(m.Usage.active_users)).all() == [50]


THREAD = (
    "Thanks, that fixed it!\n\nBest regards,\nJane Roe\nHead of Ops, Acme\n\n"
    "On Tue, 1 Oct 2026 at 10:00, Support <support@vendor.example> wrote:\n"
    "> We're sorry the app keeps crashing, it is terrible.\n> Regards"
)
HTML_THREAD = (
    "<div>Still broken for us.</div><div><br></div><div class=gmail_quote>"
    "<div>On Mon, 30 Sep 2026 at 09:00, Sam &lt;sam@vendor.example&gt; wrote:</div>"
    "<blockquote>Great news, the fix is live!</blockquote></div>"
)


def test_an_email_keeps_only_its_new_text_whatever_the_source(db: Database, tmp_path: Path) -> None:
    # CRM e-mail bodies (HubSpot hs_email_text, Salesforce TextBody, …) hold the whole
    # thread: the vendor's old words would be read again as the customer's.
    message = ISSUE_EXAMPLE[3]
    path = write_jsonl(tmp_path / "mail.jsonl", [
        *ISSUE_EXAMPLE[:3],
        dict(message, text=THREAD),
        dict(message, id="m-html", text=HTML_THREAD),
        dict(message, id="m-ticket", channel="ticket", text=THREAD),
    ])  # fmt: skip
    assert ingest_paths(db, [path]).exit_code == 0
    again = ingest_paths(db, [path])  # idempotent: the stored text is already the new text
    assert again.exit_code == 0
    with db.session() as s:
        texts = dict(s.execute(select(m.Message.external_id, m.Message.text)).tuples().all())
    assert texts["m-1"] == "Thanks, that fixed it!"
    assert texts["m-html"] == "Still broken for us."
    assert "terrible" in texts["m-ticket"]  # only e-mails carry quoted history this way


BAD_RECORDS = [
    ({"type": "survey", "id": "s-9", "kind": "nps", "score": 14, "account_id": "acme",
      "timestamp": "2026-10-01T00:00:00Z"}, "score"),
    ({"type": "survey", "id": "s-8", "kind": "csat", "score": 0, "account_id": "acme",
      "timestamp": "2026-10-01T00:00:00Z"}, "score"),
    ({"type": "message", "id": "m-9", "channel": "email", "account_id": "acme",
      "timestamp": "yesterday-ish", "text": "hi"}, "timestamp"),
    ({"type": "message", "id": "m-8", "channel": "fax", "account_id": "acme",
      "timestamp": "2026-10-01T00:00:00Z", "text": "hi"}, "channel"),
    ({"type": "message", "id": "m-7", "channel": "email", "account_id": "nope",
      "timestamp": "2026-10-01T00:00:00Z", "text": "hi"}, "account_id"),
    ({"type": "message", "id": "m-6", "channel": "email", "contact_id": "ghost",
      "timestamp": "2026-10-01T00:00:00Z", "text": "hi"}, "contact_id"),
    ({"type": "deal", "id": "d-1", "account_id": "acme", "stage_index": 9, "stage_count": 6},
     "record"),
    ({"type": "spaceship", "id": "x"}, "record"),
    # JSON booleans are not numbers (Python would take true for 1)
    ({"type": "survey", "id": "s-7", "kind": "nps", "score": True, "account_id": "acme",
      "timestamp": "2026-10-01T00:00:00Z"}, "score"),
    ({"type": "account", "id": "a-9", "name": "Bool", "arr": False}, "arr"),
    ({"type": "deal", "id": "d-2", "account_id": "acme", "amount": True}, "amount"),
    ({"type": "deal", "id": "d-3", "account_id": "acme", "stage_index": True}, "stage_index"),
    ({"type": "deal", "id": "d-4", "account_id": "acme", "stage_count": True}, "stage_count"),
    ({"type": "usage", "account_id": "acme", "date": "2026-10-01", "active_users": True},
     "active_users"),
    ({"type": "usage", "account_id": "acme", "date": "2026-10-01", "active_users": 1,
      "licensed_users": False}, "licensed_users"),
    ({"type": "call", "id": "c-9", "account_id": "acme", "timestamp": "2026-10-01T00:00:00Z",
      "segments": [{"speaker": "a", "text": "hi", "start": True}]}, "segments.0.start"),
    ({"type": "call", "id": "c-8", "account_id": "acme", "timestamp": "2026-10-01T00:00:00Z",
      "segments": [{"speaker": "a", "text": "hi", "end": False}]}, "segments.0.end"),
    ("{not json", "line"),
    ("[1, 2]", "line"),
]  # fmt: skip


@pytest.mark.parametrize(("bad", "field"), BAD_RECORDS)
def test_bad_record_is_rejected_with_line_field_and_fix(
    memory_db: Database, tmp_path: Path, bad: Any, field: str
) -> None:
    path = write_jsonl(tmp_path / "in.jsonl", [ISSUE_EXAMPLE[0], bad, ISSUE_EXAMPLE[1]])
    rejects = tmp_path / "rejects.jsonl"
    report = ingest_paths(memory_db, [path], rejects_path=rejects)
    assert report.exit_code == 3
    assert report.accepted["account"] == 1 and report.accepted["contact"] == 1
    [rejection] = report.rejected
    assert rejection.line == 2 and rejection.file == str(path)
    assert field in rejection.field
    assert rejection.fix
    [row] = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert row["line"] == 2 and row["record"] is not None


def test_account_resolved_from_contact_then_email_domain(
    memory_db: Database, tmp_path: Path
) -> None:
    records = [
        *ISSUE_EXAMPLE[:2],
        {
            "type": "message",
            "id": "x1",
            "channel": "email",
            "contact_id": "c-17",
            "timestamp": "2026-10-01T00:00:00Z",
            "text": "via contact",
        },
        {
            "type": "message",
            "id": "x2",
            "channel": "email",
            "sender": "JANE@acme.example",
            "timestamp": "2026-10-01T00:00:00Z",
            "text": "via e-mail",
        },
        {
            "type": "survey",
            "id": "x3",
            "kind": "csat",
            "score": 2,
            "email": "bob@acme.example",
            "timestamp": "2026-10-01T00:00:00Z",
        },
    ]
    report = ingest_paths(memory_db, [write_jsonl(tmp_path / "r.jsonl", records)])
    assert report.exit_code == 0, report.rejected
    with memory_db.session() as s:
        rows = s.execute(
            select(m.Message.external_id, m.Message.account_id, m.Message.contact_id).order_by(
                m.Message.external_id
            )
        ).all()
        assert rows[0][1] == rows[1][1] is not None
        assert rows[1][2] is not None  # contact found by e-mail, case-insensitively
        assert s.scalars(select(m.Survey.account_id)).one() == rows[0][1]


def test_records_in_any_order_resolve(memory_db: Database, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "rev.jsonl", list(reversed(ISSUE_EXAMPLE)))
    assert ingest_paths(memory_db, [path]).exit_code == 0


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "latin-1"])
def test_encodings(memory_db: Database, tmp_path: Path, encoding: str) -> None:
    records = [
        ISSUE_EXAMPLE[0],
        dict(ISSUE_EXAMPLE[3], text="Très déçu du délai", contact_id=None, deal_id=None),
    ]
    path = write_jsonl(tmp_path / "enc.jsonl", records, encoding=encoding)
    assert ingest_paths(memory_db, [path]).exit_code == 0
    with memory_db.session() as s:
        assert s.scalars(select(m.Message.text)).one() == "Très déçu du délai"


def test_html_empty_huge_and_non_english_texts(db: Database, tmp_path: Path) -> None:
    huge = "The export keeps failing. " * 40_000  # ~1 MB
    texts = {"h": "<html><body><p>Hello&nbsp;team,</p><div>Still <b>waiting</b>!</div>"
                  "<script>alert(1)</script></body></html>",
             "e": "", "b": huge, "n": "Der Export funktioniert seit Tagen nicht.",
             "z": "导出功能坏了", "nul": "bad\x00byte"}  # fmt: skip
    records = ISSUE_EXAMPLE[:3] + [dict(ISSUE_EXAMPLE[3], id=k, text=v) for k, v in texts.items()]
    report = ingest_paths(db, [write_jsonl(tmp_path / "t.jsonl", records)])
    assert report.exit_code == 0, report.rejected
    with db.session() as s:
        stored = dict(s.execute(select(m.Message.external_id, m.Message.text)).all())
    assert stored["h"] == "Hello team,\n\nStill waiting!"
    assert stored["e"] == ""
    assert len(stored["b"]) > 1_000_000 - 100
    assert stored["z"] == "导出功能坏了"
    assert stored["nul"] == "bad byte"


def test_binary_garbage_is_unusable(memory_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "garbage.jsonl"
    path.write_bytes(bytes(range(256)) * 50)
    report = ingest_paths(memory_db, [path])
    assert report.exit_code == 2
    assert "binary" in report.unusable[0]


def test_missing_file_is_unusable_but_others_land(memory_db: Database, tmp_path: Path) -> None:
    good = write_jsonl(tmp_path / "ok.jsonl", ISSUE_EXAMPLE[:1])
    report = ingest_paths(memory_db, [tmp_path / "missing.jsonl", good])
    assert report.exit_code == 3
    assert report.accepted["account"] == 1


def test_duplicates_within_a_file_keep_the_last(memory_db: Database, tmp_path: Path) -> None:
    records = [ISSUE_EXAMPLE[0], dict(ISSUE_EXAMPLE[0], name="Acme Renamed")]
    report = ingest_paths(memory_db, [write_jsonl(tmp_path / "d.jsonl", records)])
    assert report.exit_code == 0
    with memory_db.session() as s:
        assert s.scalars(select(m.Account.name)).all() == ["Acme Renamed"]


def test_sources_keep_ids_apart(memory_db: Database, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", ISSUE_EXAMPLE[:1])
    ingest_paths(memory_db, [path])
    ingest_paths(memory_db, [path], options=ImportOptions(source="hubspot"))
    assert record_counts(memory_db)["account"] == 2


def test_cli_ingest_and_stats(tmp_path: Path) -> None:
    from crmsense.cli import app

    runner = CliRunner()
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    path = write_jsonl(tmp_path / "ws.jsonl", [*ISSUE_EXAMPLE, {"type": "outcome"}])
    result = runner.invoke(
        app, ["ingest", str(path), "--db", url, "--quiet", "--rejects", str(tmp_path / "r.jsonl")]
    )
    assert result.exit_code == 3, result.output
    assert (tmp_path / "r.jsonl").exists()
    result = runner.invoke(app, ["stats", "--format", "json", "--db", url])
    assert result.exit_code == 0
    counts = json.loads(result.stdout)
    assert counts["message"] == 2 and counts["outcome"] == 1
    garbage = tmp_path / "g.jsonl"
    garbage.write_bytes(b"\x00\x01\x02" * 100)
    result = runner.invoke(app, ["ingest", str(garbage), "--db", url, "--quiet"])
    assert result.exit_code == 2
    result = runner.invoke(app, ["ingest", str(path), "--db", url, "--quiet"])
    assert result.exit_code == 3
    assert (
        json.loads(runner.invoke(app, ["stats", "--format", "json", "--db", url]).stdout) == counts
    )
    twice = write_jsonl(tmp_path / "twice.jsonl", [ISSUE_EXAMPLE[0], ISSUE_EXAMPLE[0]])
    result = runner.invoke(app, ["ingest", str(twice), "--db", url])
    assert result.exit_code == 0
    said = "twice.jsonl:2: account 'acme' repeats line 1; this later record is kept"
    assert said in " ".join(result.stderr.split())
    assert json.loads(result.stdout.splitlines()[-1])["accepted"] == {"account": 1}


OTHER = dict(ISSUE_EXAMPLE[0], id="other")
UNSTORABLE = [
    # NUL: PostgreSQL refuses it in text, SQLite stored it; now refused alike, by field.
    (dict(OTHER, id="o\x00ther"), "id"),
    (dict(OTHER, name="Acme\x00"), "name"),
    (dict(OTHER, owners={"csm": "a\x00@vendor.example"}), "owners.csm"),
    (dict(ISSUE_EXAMPLE[3], sender="jane\x00@acme.example"), "sender"),
    (dict(OTHER, crm_note="x\x00"), "crm_note"),
    # Longer than the column: PostgreSQL refused "the record", SQLite stored it.
    (dict(OTHER, segment="s" * 61), "segment"),
    (dict(ISSUE_EXAMPLE[2], id="d-10", stage="s" * 101), "stage"),
    (dict(ISSUE_EXAMPLE[4], ticket_priority="p" * 21), "ticket_priority"),
    (dict(ISSUE_EXAMPLE[5], title="t" * 501), "title"),
    # Beyond an integer column: SQLite crashed the import, PostgreSQL refused "the record".
    (dict(ISSUE_EXAMPLE[7], active_users=10**20), "active_users"),
    (dict(ISSUE_EXAMPLE[2], id="d-10", stage_index=3_000_000_000, stage_count=None), "stage_index"),
    # Not a number a person can act on: stored as inf (and served as null).
    (dict(OTHER, arr=float("inf")), "arr"),
    (dict(ISSUE_EXAMPLE[2], id="d-10", amount=float("inf")), "amount"),
    # Past year 9999 once in UTC: crashed the import with OverflowError.
    (dict(ISSUE_EXAMPLE[3], timestamp="9999-12-31T23:59:59-05:00"), "timestamp"),
    (dict(ISSUE_EXAMPLE[8], timestamp="0001-01-01T00:00:00+01:00"), "timestamp"),
]


@pytest.mark.parametrize(("bad", "field"), UNSTORABLE)
def test_unstorable_values_are_rejected_alike_on_every_backend(
    db: Database, tmp_path: Path, bad: dict[str, Any], field: str
) -> None:
    good = ISSUE_EXAMPLE[:3]
    path = write_jsonl(tmp_path / "u.jsonl", [*good, bad])
    report = ingest_paths(db, [path])
    assert report.exit_code == 3
    [rejection] = report.rejected
    assert (rejection.line, rejection.field) == (len(good) + 1, field), rejection
    assert rejection.fix
    assert sum(report.accepted.values()) == len(good)


def test_deeply_nested_json_is_rejected_not_fatal(memory_db: Database, tmp_path: Path) -> None:
    too_deep = "[" * 100_000 + "]" * 100_000  # the JSON parser itself gives up
    # Parses, but near the encoder's limit: storing it into the extra JSON column crashed
    # the whole import with RecursionError, depending on the stack depth at the time.
    deep_value = "[" * 500 + "]" * 500
    nested = json.dumps(dict(ISSUE_EXAMPLE[0], id="n"))[:-1] + f', "x": {deep_value}}}'
    path = write_jsonl(tmp_path / "deep.jsonl", [ISSUE_EXAMPLE[0], too_deep, nested])
    report = ingest_paths(memory_db, [path], rejects_path=tmp_path / "rejects.jsonl")
    assert report.accepted["account"] == 1
    assert [(r.line, r.field) for r in report.rejected] == [(2, "line"), (3, "x")]
    assert "nested" in report.rejected[0].error and "nested" in report.rejected[1].error
    assert len((tmp_path / "rejects.jsonl").read_text().splitlines()) == 2
