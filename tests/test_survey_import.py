"""The survey export importer (survey.v1): Delighted, SurveyMonkey and Typeform CSVs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from doc_examples import run_doc_examples
from sqlalchemy import select
from typer.testing import CliRunner

from crmsense.errors import UnusableInputError
from crmsense.ingest.base import ImportOptions, Item
from crmsense.ingest.pipeline import choose_importer, ingest_paths
from crmsense.ingest.survey import SurveyExportImporter, score_text, to_iso
from crmsense.store import Database
from crmsense.store import models as m
from crmsense.store.queries import record_counts

FIXTURES = Path(__file__).parent / "fixtures"
SURVEYS = FIXTURES / "surveys"
WORKSPACE = FIXTURES / "csv" / "workspace.csv"
MONKEY = ImportOptions(mapping={"account_id": "Custom Data 1"})


def read(path: Path, options: ImportOptions | None = None) -> list[tuple[int, Any]]:
    """(line, data) for items, (line, field) for problems."""
    return [
        (r.where.line, r.data if isinstance(r, Item) else r.field)
        for r in SurveyExportImporter().read(path, options or ImportOptions())
    ]


def survey(id_: str, kind: str, score: str, timestamp: str, **fields: str) -> dict[str, Any]:
    return {
        "type": "survey",
        "id": id_,
        "kind": kind,
        "score": score,
        "timestamp": timestamp,
        **fields,
    }


@pytest.mark.parametrize(("text", "iso"), [
    ("2026-10-01 14:03:00", "2026-10-01T14:03:00+00:00"),
    ("2026-10-01T14:03:00Z", "2026-10-01T14:03:00+00:00"),
    ("2026-10-03 16:45:10 -0700", "2026-10-03T23:45:10+00:00"),
    ("10/01/2026 02:03:04 PM", "2026-10-01T14:03:04+00:00"),
    ("10/04/2026 12:00:05 AM", "2026-10-04T00:00:05+00:00"),
    ("10/01/2026 14:03", "2026-10-01T14:03:00+00:00"),
    ("1790863380", "2026-10-01T14:03:00+00:00"),
    ("1790863380000", "2026-10-01T14:03:00+00:00"),
    ("last tuesday", "last tuesday"),
])  # fmt: skip
def test_vendor_dates_become_iso_utc(text: str, iso: str) -> None:
    assert to_iso(text) == iso


@pytest.mark.parametrize("text", [
    "0001-01-01T00:00:00+01:00", "9999-12-31 23:59:59 -0500", "999999999999.5",
])  # fmt: skip
def test_vendor_dates_out_of_range_are_kept_for_the_pipeline_to_reject(text: str) -> None:
    # These raised OverflowError/ValueError out of the importer, ending the whole import.
    assert to_iso(text) == text


@pytest.mark.parametrize(("text", "score"), [
    ("9", "9"), ("10 - Extremely likely", "10"), ("4,5", "4.5"), ("Very satisfied", "5"),
    ("very dissatisfied", "1"), ("14", "14"), ("N/A", "N/A"),
])  # fmt: skip
def test_score_answers(text: str, score: str) -> None:
    assert score_text(text) == score


def test_delighted_web_export() -> None:
    assert read(SURVEYS / "delighted-nps.csv") == [
        (2, survey("90211", "nps", "9", "2026-10-01T14:03:00+00:00", email="jane@acme.example",
                   comment="Support is fast, the product keeps improving.")),
        (3, survey("90212", "nps", "4", "2026-10-02T09:30:00+00:00", email="ops@acme.example",
                   comment="Exports time out every morning.\nPlease fix this before renewal.")),
        (5, survey("90213", "nps", "7", "2026-10-03T23:45:10+00:00",
                   email="hank@globex.example")),
    ]  # fmt: skip


def test_delighted_api_fields_with_epoch_dates_and_kind_column() -> None:
    assert read(SURVEYS / "delighted-api.csv") == [
        (2, survey("5501", "csat", "2", "2026-10-01T14:03:00+00:00",
                   comment="Billing was confusing.", email="jane@acme.example")),
        (3, survey("5502", "ces", "6", "2026-10-02T14:03:00+00:00",
                   email="hank@globex.example")),
    ]  # fmt: skip


def test_surveymonkey_two_header_rows_labels_and_custom_data() -> None:
    assert read(SURVEYS / "surveymonkey-csat.csv", MONKEY) == [
        (3, survey("118522453521", "csat", "5", "2026-10-01T14:03:04+00:00",
                   account_id="acme", email="jane@acme.example",
                   comment="The new onboarding guide was great.")),
        (4, survey("118522467002", "csat", "2", "2026-10-02T09:12:31+00:00",
                   account_id="globex", email="hank@globex.example",
                   comment="Exports keep failing; we are evaluating alternatives.")),
        (5, survey("118522471188", "csat", "3", "2026-10-04T00:00:05+00:00",
                   account_id="acme")),
    ]  # fmt: skip


def test_typeform_question_columns_and_hidden_fields() -> None:
    assert read(SURVEYS / "typeform-nps.csv") == [
        (2, survey("k1x9ad0v7q2m4zq8k1x9ad0v7q2m4zq8", "nps", "10", "2026-10-05T08:01:40+00:00",
                   account_id="acme", comment="Rock solid, and support actually listens.",
                   email="jane@acme.example")),
        (3, survey("p0m2nb5c6x7z8a9s0p0m2nb5c6x7z8a9", "nps", "2", "2026-10-05T09:15:59+00:00",
                   account_id="globex", comment="Too expensive for what we use.",
                   email="hank@globex.example")),
    ]  # fmt: skip


def test_options_override_detection() -> None:
    options = ImportOptions(
        mapping={"comment": "Which features do you use?"},
        defaults={"kind": "csat", "account_id": "acme"},
    )
    [(_, first), *_] = read(SURVEYS / "surveymonkey-csat.csv", options)
    assert (first["comment"], first["kind"], first["account_id"]) == ("Reporting", "csat", "acme")
    with pytest.raises(UnusableInputError, match="no score column"):
        read(SURVEYS / "typeform-nps.csv", ImportOptions(defaults={"kind": "ces"}))


def test_other_csvs_are_not_survey_exports() -> None:
    importer = SurveyExportImporter()
    with pytest.raises(UnusableInputError, match="not a Delighted, SurveyMonkey or Typeform"):
        list(importer.read(SURVEYS / "unknown-vendor.csv", ImportOptions()))
    for path in (
        SURVEYS / "unknown-vendor.csv",
        FIXTURES / "csv" / "tickets.csv",
        FIXTURES / "csv" / "garbage.csv",
        FIXTURES / "csv" / "empty.csv",
        FIXTURES / "transcripts" / "acme-qbr.vtt",
    ):
        assert not importer.sniff(path), path


def test_auto_detection_prefers_survey_exports_over_plain_csv(tmp_path: Path) -> None:
    for name in (
        "delighted-nps.csv",
        "delighted-api.csv",
        "surveymonkey-csat.csv",
        "typeform-nps.csv",
    ):
        assert choose_importer(SURVEYS / name, "auto").name == "survey.v1", name
    assert choose_importer(SURVEYS / "unknown-vendor.csv", "auto").name == "csv.v1"
    utf16 = tmp_path / "export.csv"
    utf16.write_bytes((SURVEYS / "typeform-nps.csv").read_text().encode("utf-16"))
    assert choose_importer(utf16, "auto").name == "survey.v1"
    assert [line for line, _ in read(utf16)] == [2, 3]


@pytest.mark.parametrize("name", ["garbage.csv", "empty.csv"])
def test_unusable_files_raise(name: str) -> None:
    with pytest.raises(UnusableInputError):
        list(SurveyExportImporter().read(FIXTURES / "csv" / name, ImportOptions()))


def ingest(
    db: Database,
    tmp_path: Path,
    *paths: Path,
    fmt: str = "auto",
    options: ImportOptions | None = None,
) -> Any:
    return ingest_paths(
        db, list(paths), fmt=fmt, options=options, rejects_path=tmp_path / "rejects.jsonl"
    )


def test_exports_land_resolved_by_email_and_reimport_adds_nothing(
    db: Database, tmp_path: Path
) -> None:
    assert ingest(db, tmp_path, WORKSPACE).exit_code == 0
    exports = [
        SURVEYS / "delighted-nps.csv",
        SURVEYS / "delighted-api.csv",
        SURVEYS / "typeform-nps.csv",
    ]
    report = ingest(db, tmp_path, *exports)
    assert report.exit_code == 0, report.rejected
    assert ingest(db, tmp_path, SURVEYS / "surveymonkey-csat.csv", options=MONKEY).exit_code == 0
    counts = record_counts(db)
    assert counts["survey"] == 10
    with db.session() as s:
        accounts = dict(s.execute(select(m.Account.id, m.Account.external_id)).all())
        contacts = dict(s.execute(select(m.Contact.id, m.Contact.external_id)).all())
        rows = {r.external_id: r for r in s.scalars(select(m.Survey))}
    ops = rows["90212"]  # not a contact: resolved by the e-mail's domain
    assert (accounts[ops.account_id], ops.contact_id, ops.score, ops.kind) == (
        "acme",
        None,
        4.0,
        "nps",
    )
    jane = rows["90211"]
    assert (accounts[jane.account_id], contacts[jane.contact_id]) == ("acme", "c-17")
    assert jane.timestamp.isoformat() == "2026-10-01T14:03:00+00:00"
    assert rows["118522467002"].kind == "csat" and rows["118522467002"].score == 2.0
    assert rows["5502"].kind == "ces"
    assert ingest(db, tmp_path, *exports).exit_code == 0
    assert ingest(db, tmp_path, SURVEYS / "surveymonkey-csat.csv", options=MONKEY).exit_code == 0
    assert record_counts(db) == counts


def test_out_of_scale_scores_and_unknown_accounts_are_rejected_with_lines(
    db: Database, tmp_path: Path
) -> None:
    ingest(db, tmp_path, WORKSPACE)
    report = ingest(db, tmp_path, SURVEYS / "delighted-mixed.csv")
    assert report.exit_code == 3
    assert report.accepted == {"survey": 2}
    assert sorted((r.line, r.field) for r in report.rejected) == [
        (3, "score"), (4, "account_id"), (6, "row"),
    ]  # fmt: skip
    nps14 = next(r for r in report.rejected if r.line == 3)
    assert "between 0 and 10" in nps14.error
    with db.session() as s:
        assert set(s.scalars(select(m.Survey.external_id))) == {"90301", "90304"}


def test_a_respondent_without_account_is_rejected_unless_mapped(
    db: Database, tmp_path: Path
) -> None:
    ingest(db, tmp_path, WORKSPACE)
    report = ingest(db, tmp_path, SURVEYS / "surveymonkey-csat.csv")
    assert report.accepted == {"survey": 2}
    assert [(r.line, r.field) for r in report.rejected] == [(5, "account_id")]


def test_cli_ingest_survey_exit_codes(tmp_path: Path) -> None:
    import crmsense.cli  # noqa: F401  (registers the commands)
    from crmsense.cli.app import app

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    base = ["--db", url, "--quiet", "--rejects", str(tmp_path / "rejects.jsonl")]
    assert runner.invoke(app, ["ingest", str(WORKSPACE), *base]).exit_code == 0
    ok = runner.invoke(
        app, ["ingest", str(SURVEYS / "typeform-nps.csv"), "--format", "survey", *base]
    )
    assert ok.exit_code == 0, ok.output
    monkey = runner.invoke(
        app,
        [
            "ingest",
            str(SURVEYS / "surveymonkey-csat.csv"),
            "--map",
            "account_id=Custom Data 1",
            *base,
        ],
    )
    assert monkey.exit_code == 0, monkey.output
    mixed = runner.invoke(app, ["ingest", str(SURVEYS / "delighted-mixed.csv"), *base])
    assert mixed.exit_code == 3
    other = runner.invoke(
        app, ["ingest", str(SURVEYS / "unknown-vendor.csv"), "--format", "survey", *base]
    )
    assert other.exit_code == 2


def test_docs_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'docs.db'}"
    assert run_doc_examples("importers/surveys.md", url, monkeypatch) == [0, 0, 0, 0]
