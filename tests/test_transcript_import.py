"""The transcript importer (transcript.v1): WebVTT, SRT and JSON segments → call records."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from doc_examples import run_doc_examples
from sqlalchemy import select
from typer.testing import CliRunner

from crmsense.errors import UnusableInputError
from crmsense.ingest.base import ImportOptions, Item, Problem
from crmsense.ingest.pipeline import choose_importer, ingest_paths
from crmsense.ingest.transcript import TranscriptImporter, parse_time
from crmsense.store import Database
from crmsense.store import models as m
from crmsense.store.queries import record_counts

FIXTURES = Path(__file__).parent / "fixtures"
CALLS = FIXTURES / "transcripts"
WORKSPACE = FIXTURES / "csv" / "workspace.csv"
ROLES = {"jane roe": "customer", "Sam Lee": "rep", "Hank Scorpio": "customer"}
WHEN = "2026-10-03T15:00:00Z"


def read_one(path: Path, roles: dict[str, str] = ROLES, **options: Any) -> dict[str, Any]:
    [item] = TranscriptImporter().read(path, ImportOptions(speaker_roles=roles, **options))
    assert isinstance(item, Item), item
    return item.data


def seg(speaker: str, role: str, start: float, end: float, text: str) -> dict[str, Any]:
    return {"speaker": speaker, "role": role, "start": start, "end": end, "text": text}


@pytest.mark.parametrize(("text", "seconds"), [
    ("00:01:02.500", 62.5), ("00:01:02,500", 62.5), ("01:02.500", 62.5), ("1:00:00", 3600.0),
    ("00:00:07.5", 7.5), (12.25, 12.25),
])  # fmt: skip
def test_parse_time(text: str | float, seconds: float) -> None:
    assert parse_time(text) == seconds


@pytest.mark.parametrize("text", ["00:00:xx.000", "1:2", "00:61:00.000", "", -1.0])
def test_parse_time_refuses_malformed(text: str | float) -> None:
    with pytest.raises(ValueError):
        parse_time(text)


def test_webvtt_voice_tags_prefixes_notes_and_merging(tmp_path: Path) -> None:
    path = shutil.copy(CALLS / "acme-qbr.vtt", tmp_path / "acme-qbr.vtt")
    stamp = datetime(2026, 10, 3, 15, 0, tzinfo=UTC).timestamp()
    os.utime(path, (stamp, stamp))
    assert read_one(Path(path), defaults={"account_id": "acme", "deal_id": "d-9"}) == {
        "type": "call", "account_id": "acme", "deal_id": "d-9", "id": "acme-qbr",
        "timestamp": "2026-10-03T15:00:00+00:00",  # the file's mtime, in UTC
        "segments": [
            seg("Jane Roe", "customer", 0.0, 6.0, "Thanks for making time. We're worried about "
                "the rollout timeline. Two teams are blocked & waiting."),
            seg("Sam Lee", "rep", 6.0, 12.5,
                "Understood. Let me walk you through the plan. We ship the fix on Tuesday."),
            seg("Jane Roe", "customer", 12.5, 15.0, "That works for us."),
            seg("Sam Lee", "rep", 12.5, 15.0, "Great, I'll send notes."),
        ],
    }  # fmt: skip


def test_srt_prefixes_continue_and_roles_match_case_insensitively() -> None:
    data = read_one(CALLS / "acme-renewal.srt", defaults={"timestamp": WHEN, "id": "call-7"})
    assert data == {
        "type": "call", "timestamp": WHEN, "id": "call-7",
        "segments": [
            seg("Jane Roe", "customer", 1.0, 6.0, "Hi Sam, quick question on the renewal. "
                "The price went up by twenty percent."),
            seg("SAM LEE", "rep", 6.0, 9.25, "I hear you. Let me check with finance."),
            seg("JANE ROE", "customer", 9.25, 11.0, "Please do, or we may look elsewhere."),
        ],
    }  # fmt: skip


def test_json_segments_with_title_and_unmapped_speakers() -> None:
    data = read_one(
        CALLS / "acme-sync.json", {"Jane Roe": "customer"}, defaults={"timestamp": WHEN}
    )
    assert data == {
        "type": "call", "title": "Weekly sync", "timestamp": WHEN, "id": "acme-sync",
        "segments": [
            seg("Jane Roe", "customer", 0.0, 5.0,
                "The new dashboard is great. Exports are still slow though."),
            seg("Sam Lee", "other", 5.0, 8.4, "Noted, engineering is on it."),
        ],
    }  # fmt: skip


def test_zoom_like_json_list_with_timing_strings() -> None:
    data = read_one(CALLS / "globex-zoom.json", defaults={"timestamp": WHEN})
    assert data["segments"] == [
        seg("Hank Scorpio", "customer", 1.0, 4.5, "Our champion is leaving next month."),
        seg("Dana Vendor", "other", 4.5, 7.0, "Thanks for the heads-up, who takes over?"),
    ]


def test_malformed_cues_reject_the_whole_call_with_line_numbers() -> None:
    reads = list(TranscriptImporter().read(CALLS / "bad-timing.vtt", ImportOptions()))
    assert all(isinstance(r, Problem) for r in reads)
    assert [(r.where.line, r.field, r.message) for r in reads] == [
        (6, "timing", "malformed cue timing ('00:00:xx.000' is not a time)"),
        (9, "timing", "the cue ends before it starts"),
        (12, "timing", "a cue without a timing line"),
    ]
    assert "00:01:02.500 --> 00:01:04.000" in reads[0].fix


def test_a_transcript_without_speech_is_a_problem() -> None:
    [problem] = TranscriptImporter().read(CALLS / "silent.vtt", ImportOptions())
    assert isinstance(problem, Problem) and problem.field == "segments"


@pytest.mark.parametrize(("name", "needle"), [
    ("empty.srt", "not a transcript"), ("garbage.vtt", "binary file"),
    ("truncated.json", "not valid JSON"),
])  # fmt: skip
def test_unusable_transcripts_raise(name: str, needle: str) -> None:
    with pytest.raises(UnusableInputError, match=needle):
        list(TranscriptImporter().read(CALLS / name, ImportOptions()))


def test_json_nested_too_deeply_is_unusable_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    assert not TranscriptImporter().sniff(path)  # raised RecursionError
    with pytest.raises(UnusableInputError, match="nested too deeply"):
        list(TranscriptImporter().read(path, ImportOptions()))


def test_sniff_and_auto_detection() -> None:
    importer = TranscriptImporter()
    assert importer.sniff(CALLS / "acme-qbr.vtt") and importer.sniff(CALLS / "acme-renewal.srt")
    assert importer.sniff(CALLS / "acme-sync.json") and importer.sniff(CALLS / "globex-zoom.json")
    assert not importer.sniff(CALLS / "truncated.json")
    assert not importer.sniff(FIXTURES / "csv" / "tickets.csv")
    for name in ("acme-qbr.vtt", "acme-renewal.srt", "acme-sync.json", "globex-zoom.json"):
        assert choose_importer(CALLS / name, "auto").name == "transcript.v1", name


def test_interchange_call_records_in_json_are_not_transcripts(tmp_path: Path) -> None:
    path = tmp_path / "call.json"
    path.write_text('{"type": "call", "id": "c", "segments": []}')
    assert not TranscriptImporter().sniff(path)


def ingest(db: Database, tmp_path: Path, *paths: Path, **options: Any) -> Any:
    return ingest_paths(
        db, list(paths), options=ImportOptions(**options), rejects_path=tmp_path / "rejects.jsonl"
    )


def test_calls_land_with_segments_and_reimport_adds_nothing(db: Database, tmp_path: Path) -> None:
    assert ingest(db, tmp_path, WORKSPACE).exit_code == 0
    options = {"speaker_roles": ROLES, "defaults": {"account_id": "acme", "timestamp": WHEN}}
    calls = [CALLS / "acme-qbr.vtt", CALLS / "acme-renewal.srt", CALLS / "acme-sync.json"]
    report = ingest(db, tmp_path, *calls, **options)
    assert report.exit_code == 0, report.rejected
    assert report.accepted == {"call": 3}
    counts = record_counts(db)
    with db.session() as s:
        call = s.scalars(select(m.Call).where(m.Call.external_id == "acme-qbr")).one()
        assert call.timestamp.isoformat() == "2026-10-03T15:00:00+00:00"
        segments = s.scalars(
            select(m.CallSegment)
            .where(m.CallSegment.call_id == call.id)
            .order_by(m.CallSegment.position)
        ).all()
        assert [(g.speaker, g.role, g.start, g.end) for g in segments] == [
            ("Jane Roe", "customer", 0.0, 6.0), ("Sam Lee", "rep", 6.0, 12.5),
            ("Jane Roe", "customer", 12.5, 15.0), ("Sam Lee", "rep", 12.5, 15.0),
        ]  # fmt: skip
        assert segments[0].text.endswith("blocked & waiting.")
        n_segments = len(s.scalars(select(m.CallSegment)).all())
    assert ingest(db, tmp_path, *calls, **options).exit_code == 0
    assert record_counts(db) == counts
    with db.session() as s:
        assert len(s.scalars(select(m.CallSegment)).all()) == n_segments


def test_bad_and_unknown_account_calls_are_rejected_valid_ones_land(
    db: Database, tmp_path: Path
) -> None:
    ingest(db, tmp_path, WORKSPACE)
    report = ingest(
        db,
        tmp_path,
        CALLS / "bad-timing.vtt",
        CALLS / "acme-sync.json",
        defaults={"account_id": "acme", "timestamp": WHEN},
    )
    assert report.exit_code == 3
    assert report.accepted == {"call": 1}
    assert [(r.line, r.field) for r in report.rejected] == [
        (6, "timing"), (9, "timing"), (12, "timing"),
    ]  # fmt: skip
    unknown = ingest(
        db,
        tmp_path,
        CALLS / "globex-zoom.json",
        defaults={"account_id": "initech", "timestamp": WHEN},
    )
    assert unknown.exit_code == 3
    assert [(r.field, r.error) for r in unknown.rejected] == [
        ("account_id", "unknown account 'initech'"),
    ]


def test_cli_ingest_transcripts_exit_codes(tmp_path: Path) -> None:
    import crmsense.cli  # noqa: F401  (registers the commands)
    from crmsense.cli.app import app
    from crmsense.store import open_database

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    base = ["--db", url, "--quiet", "--rejects", str(tmp_path / "rejects.jsonl")]
    assert runner.invoke(app, ["ingest", str(WORKSPACE), *base]).exit_code == 0
    args = [
        "--set",
        "account_id=acme",
        "--set",
        f"timestamp={WHEN}",
        "--speaker",
        "Jane Roe=customer",
        "--speaker",
        "Sam Lee=rep",
    ]
    ok = runner.invoke(app, ["ingest", str(CALLS / "acme-qbr.vtt"), *args, *base])
    assert ok.exit_code == 0, ok.output
    srt = runner.invoke(
        app, ["ingest", str(CALLS / "acme-renewal.srt"), "--format", "srt", *args, *base]
    )
    assert srt.exit_code == 0, srt.output
    bad = runner.invoke(app, ["ingest", str(CALLS / "bad-timing.vtt"), *args, *base])
    assert bad.exit_code == 3
    empty = runner.invoke(app, ["ingest", str(CALLS / "empty.srt"), *args, *base])
    assert empty.exit_code == 2
    database = open_database(url)
    with database.session() as s:
        roles = {(g.speaker, g.role) for g in s.scalars(select(m.CallSegment))}
    database.dispose()
    assert roles == {
        ("Jane Roe", "customer"),
        ("Sam Lee", "rep"),
        ("JANE ROE", "customer"),
        ("SAM LEE", "rep"),
    }


def test_docs_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'docs.db'}"
    assert run_doc_examples("importers/transcripts.md", url, monkeypatch) == [0, 0, 0]
