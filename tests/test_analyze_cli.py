"""``crmsense analyze`` and ``crmsense eval`` on real CSV files."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import ClassVar

import pytest
from typer.testing import CliRunner

from crmsense.analysis.engines import ENGINES
from crmsense.analysis.types import INTENTS, KINDS, LABELS, Analysis
from crmsense.cli import app
from crmsense.errors import ModelError

FIXTURES = Path(__file__).parent / "fixtures" / "analysis"
MESSAGES = FIXTURES / "crm_messages.csv"
RULES = ["--engine", "rules.v1"]


class MissingModelEngine:
    """An engine whose model files are missing, as a broken install would be."""

    name: ClassVar[str] = "missing-model.test"
    model_version = "none"

    def __init__(self) -> None:
        raise ModelError("model files not found in /nowhere; run: crmsense train")


ENGINES.register("missing-model.test", MissingModelEngine)
ENGINES.register("missing-code.test", "crmsense.analysis.no_such_module:Engine")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def rows() -> list[dict[str, str]]:
    with MESSAGES.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_analyze_one_text_prints_the_analysis() -> None:
    code, out, _ = run("analyze", "No complaints, the support team was great!", *RULES)
    assert code == 0
    analysis = Analysis.model_validate_json(out)
    assert analysis.label == "positive" and analysis.engine == "rules.v1"
    assert set(json.loads(out)) == set(Analysis.model_fields)


def test_analyze_csv_writes_one_object_per_row_in_order(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    code, _, err = run("analyze", "--input", str(MESSAGES), "--text-column", "text",
                       "--topic-column", "topic", "--output", str(out), *RULES)  # fmt: skip
    assert code == 0, err
    lines = out.read_text(encoding="utf-8").splitlines()
    source = rows()
    assert len(lines) == len(source) == 24
    for row, line in zip(source, lines, strict=True):
        data = json.loads(line)
        assert set(data) == set(Analysis.model_fields)
        assert data["label"] in LABELS and data["kind"] in KINDS
        assert data["reply_intent"] in INTENTS
        if row["topic"]:
            topic = data["topic_sentiment"]
            assert topic["topic"] == row["topic"] and topic["label"] in LABELS
            assert -1 <= topic["score"] <= 1
        else:
            assert data["topic_sentiment"] is None
    by_text = {r["text"]: json.loads(line) for r, line in zip(source, lines, strict=True)}
    mixed = by_text["We're happy with the pricing, but the implementation timeline has been a "
                    "disaster."]  # fmt: skip
    assert mixed["topic_sentiment"]["label"] == "positive"
    assert {a["aspect"]: a["label"] for a in mixed["aspects"]}["timeline"] == "negative"
    assert by_text[""]["unscored"] == "empty"
    assert by_text["Please remove me from your mailing list."]["reply_intent"] == "unsubscribe"


def test_analyze_csv_to_stdout_with_other_encoding_and_delimiter() -> None:
    code, out, _ = run("analyze", "--input", str(FIXTURES / "semicolon_latin1.csv"),
                       "--text-column", "message", "--topic-column", "sujet", *RULES)  # fmt: skip
    assert code == 0
    first, second = (json.loads(line) for line in out.splitlines())
    assert first["sentences"][0]["text"] == "The café integration is great, thanks!"
    assert first["topic_sentiment"]["label"] == "positive"
    assert second["label"] == "negative"


def test_analyze_usage_errors(tmp_path: Path) -> None:
    code, _, err = run("analyze", "--input", str(MESSAGES), "--text-column", "body", *RULES)
    assert code == 2 and "no column 'body'" in err and "text, topic, label" in err
    assert run("analyze", *RULES)[0] == 2
    assert run("analyze", "hi", "--input", str(MESSAGES), *RULES)[0] == 2
    binary = tmp_path / "data.csv"
    binary.write_bytes(b"\x00\x01\x02\x03" * 64)
    code, _, err = run("analyze", "--input", str(binary), *RULES)
    assert code == 2 and "binary" in err


THREAD = (
    "Thanks, that fixed it!\n\nOn Tue, 1 Oct 2026 at 10:00, Support <support@vendor.example> "
    "wrote:\n> The app keeps crashing, it is terrible."
)


def test_channel_email_reads_only_the_new_text(tmp_path: Path) -> None:
    for channel in (["--channel", "email"], []):  # no channel: it may be an e-mail
        code, out, _ = run("analyze", THREAD, *channel, *RULES)
        assert code == 0
        email = json.loads(out)
        assert [s["text"] for s in email["sentences"]] == ["Thanks, that fixed it!"]
        assert email["label"] == "positive"
    code, out, _ = run("analyze", THREAD, "--channel", "chat", *RULES)
    assert any("terrible" in s["text"] for s in json.loads(out)["sentences"])  # as given
    path = tmp_path / "emails.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["text", "label"], [THREAD, "positive"]])
    code, out, _ = run("analyze", "--input", str(path), "--channel", "email", *RULES)
    assert code == 0 and json.loads(out)["sentences"][0]["text"] == "Thanks, that fixed it!"
    code, out, _ = run("eval", "--input", str(path), "--channel", "email", "--format", "json",
                       *RULES)  # fmt: skip
    assert code == 0 and json.loads(out)["metrics"]["accuracy"] == 1.0


def test_channel_survey_has_no_reply_intent_and_unknown_channels_are_named() -> None:
    code, out, _ = run("analyze", "Not interested, thanks.", "--channel", "survey", *RULES)
    assert code == 0 and json.loads(out)["reply_intent"] is None
    code, _, err = run("analyze", "Fine.", "--channel", "fax", *RULES)
    assert code == 2 and "unknown channel 'fax'" in err and "email, ticket" in err


def test_analyze_csv_reads_a_megabyte_cell_and_short_rows(tmp_path: Path) -> None:
    # A cell over 128 KiB used to stop the run with the csv module's own traceback.
    path = tmp_path / "big.csv"
    huge = "The export keeps failing. " * 45_000  # 1.17 MB
    path.write_text(f'text,topic\n"{huge}",export\nThanks so much it works now\n', encoding="utf-8")
    code, out, err = run("analyze", "--input", str(path), "--topic-column", "topic", *RULES)
    assert code == 0, err
    first, second = (json.loads(line) for line in out.splitlines())
    assert first["label"] == "negative" and first["topic_sentiment"]["label"] == "negative"
    assert first["sentences"][-1]["end"] == len(huge.rstrip())
    assert second["label"] == "positive" and second["topic_sentiment"] is None


def test_analyze_csv_keeps_rows_of_blank_cells_in_place(tmp_path: Path) -> None:
    """A row whose cells are all blank is still a row: dropping it shifted every later
    object against its input row. An empty line is not a row."""
    path = tmp_path / "blank.csv"
    path.write_text('text,topic\nIt broke again.,\n"   \n\t ",\n,\n\n"Thanks, it works now!",\n',
                    encoding="utf-8")  # fmt: skip
    code, out, err = run("analyze", "--input", str(path), *RULES)
    assert code == 0, err
    labels = [(a["label"], a["unscored"]) for a in map(json.loads, out.splitlines())]
    assert labels == [("negative", None), ("neutral", "empty"), ("neutral", "empty"),
                      ("positive", None)]  # fmt: skip


@pytest.mark.parametrize(
    ("engine", "message"),
    [("missing-model.test", "model files not found"), ("missing-code.test", "not available"),
     ("nope.v9", "unknown engines 'nope.v9'")],
)  # fmt: skip
def test_unavailable_engine_is_explained(engine: str, message: str) -> None:
    code, _, err = run("analyze", "Great support!", "--engine", engine)
    assert code == 1
    assert message in err and "--engine rules.v1" in err
    assert "Traceback" not in err


def test_eval_prints_every_figure() -> None:
    code, out, _ = run("eval", "--input", str(MESSAGES), "--text-column", "text",
                       "--label-column", "label", *RULES)  # fmt: skip
    assert code == 0
    for figure in (
        "accuracy",
        "macro-F1",
        "macro-recall",
        "per class",
        "confusion matrix",
        "throughput",
        "ECE",
        "reliability curve",
        "negative",
        "positive",
    ):
        assert figure in out, figure


@pytest.mark.parametrize(
    ("task", "column"), [("polarity", "label"), ("kind", "kind"), ("intent", "intent")]
)
def test_eval_json(task: str, column: str) -> None:
    code, out, _ = run("eval", "--input", str(MESSAGES), "--label-column", column, "--task",
                       task, "--format", "json", *RULES)  # fmt: skip
    assert code == 0
    report = json.loads(out)
    assert report["task"] == task and report["n"] == 24 and report["engine"] == "rules.v1"
    metrics = report["metrics"]
    assert sum(map(sum, metrics["confusion"])) == 24
    assert 0 <= metrics["accuracy"] <= 1 and 0 <= metrics["macro_f1"] <= 1
    assert set(metrics["per_class"]) == set(metrics["labels"])
    assert report["throughput"] > 0
    assert (report["ece"] is None) == (task != "polarity")
    if task != "polarity":
        assert metrics["accuracy"] >= 0.9


def test_eval_rejects_labels_of_another_task() -> None:
    code, _, err = run("eval", "--input", str(MESSAGES), "--label-column", "intent", *RULES)
    assert code == 2 and "not polarity labels" in err
    assert f"{MESSAGES}: column 'intent': " in err.replace("\n", "")
    assert run("eval", "--input", str(MESSAGES), "--task", "mood", *RULES)[0] == 2
    code, out, err = run("eval", "--input", str(MESSAGES), "--task", "emotion", *RULES)
    assert code == 2 and out == "" and "name no emotion crmsense predicts" in err


def test_min_confidence_setting_leaves_unsure_readings_unscored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = "The meeting moved to Thursday."
    code, out, _ = run("analyze", text, *RULES)
    assert code == 0 and json.loads(out)["unscored"] is None
    monkeypatch.setenv("CRMSENSE_MIN_CONFIDENCE", "0.99")
    code, out, _ = run("analyze", text, *RULES)
    assert code == 0 and json.loads(out)["unscored"] == "too_uncertain"


@pytest.mark.parametrize(
    ("name", "value"),
    [("MIN_CONFIDENCE", "abc"), ("BATCH_SIZE", str(10**20)), ("MAX_REQUEST_BYTES", str(2**40))],
)
def test_a_bad_setting_is_named_without_a_traceback(name: str, value: str) -> None:
    # A real process: the error is raised outside the command, as the console script runs.
    env = {**os.environ, f"CRMSENSE_{name}": value}
    done = subprocess.run(
        [sys.executable, "-c", "from crmsense.cli import main; main()", "analyze", "Hi", *RULES],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 1 and done.stdout == ""
    assert f"[E404] invalid setting — CRMSENSE_{name}" in done.stderr
    assert "Traceback" not in done.stderr


def test_dates_are_checked_and_a_bare_date_covers_the_whole_day(tmp_path: Path) -> None:
    from crmsense.cli.app import parse_as_of, parse_since

    db = ["--db", f"sqlite:///{tmp_path / 'dates.db'}"]
    code, _, err = run("analyze-stored", "--since", "yesterday", *RULES, *db)
    assert code == 2 and "--since 'yesterday' is not a date" in err
    code, _, err = run("accounts", "--as-of", "2026-13-01", *db)
    assert code == 2 and "--as-of '2026-13-01' is not a date" in err
    since, as_of = parse_since("2026-10-01"), parse_as_of("2026-10-01")
    assert since is not None and since.isoformat() == "2026-10-01T00:00:00+00:00"
    assert as_of.isoformat() == "2026-10-01T23:59:59+00:00"
    assert parse_since("2026-10-01T08:30:00Z") == parse_as_of("2026-10-01T08:30:00+00:00")


@pytest.mark.parametrize(
    "args",
    [["accounts", "--as-of", "0001-01-01"], ["run", "--as-of", "9999-12-31"],
     ["analyze-stored", "--since", "0001-01-01T00:00:00", *RULES]],
)  # fmt: skip
def test_dates_out_of_range_are_a_usage_error(tmp_path: Path, args: list[str]) -> None:
    code, _, err = run(*args, "--db", f"sqlite:///{tmp_path / 'dates.db'}")
    assert code == 2 and "is out of range; use a date between 1900-01-01 and 2999-12-31" in err
    assert "Traceback" not in err


def test_a_batch_size_beyond_what_a_database_takes_is_a_usage_error(tmp_path: Path) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'batch.db'}"]
    code, _, err = run("analyze-stored", "--batch-size", str(10**20), *RULES, *db)
    assert code == 2 and "--batch-size" in err and "Traceback" not in err


@pytest.mark.parametrize("command", [["stats"], ["accounts"], ["alerts", "list"], ["eval"]])
def test_every_format_option_takes_table_or_json_only(command: list[str], tmp_path: Path) -> None:
    extra = ["--input", str(MESSAGES)] if command == ["eval"] else []
    db = [] if command == ["eval"] else ["--db", f"sqlite:///{tmp_path / 'f.db'}"]
    code, _, err = run(*command, "--format", "xml", *extra, *db)
    assert code == 2 and "--format 'xml': use table or json" in err
