"""``crmsense analyze``, ``crmsense eval`` and ``crmsense analyze-stored``."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from crmsense.cli.app import (
    DbOption,
    FormatOption,
    QuietOption,
    app,
    console,
    fail,
    open_db,
    output_format,
    parse_since,
)
from crmsense.cli.progress import LazyProgress
from crmsense.errors import CrmsenseError

if TYPE_CHECKING:
    from crmsense.analysis.analyzer import Analyzer
    from crmsense.analysis.engines import Engine
    from crmsense.analysis.evaluate import EvalReport

EngineOption = Annotated[
    str | None,
    typer.Option(
        "--engine", help="Engine name: model.v1 (default, $CRMSENSE_ENGINE), rules.v1, llm.v1."
    ),
]
InputOption = Annotated[Path | None, typer.Option("--input", "-i", help="CSV file to read.")]
TextColumn = Annotated[str, typer.Option("--text-column", help="Column holding the text.")]
CompetitorOption = Annotated[
    list[str] | None,
    typer.Option("--competitor", help="Competitor name to detect; repeat ($CRMSENSE_COMPETITORS)."),
]
TopicOption = Annotated[
    list[str] | None, typer.Option("--topic", help="Extra aspect keyword/phrase; repeat.")
]
ChannelOption = Annotated[
    str | None,
    typer.Option(
        "--channel",
        help="Where the texts came from: email (read for its new text only, without quoted "
        "history or signature), ticket, chat, social, note or survey.",
    ),
]
_CHUNK = 1000


def engine_or_exit(name: str | None) -> Engine:
    """The engine to use, or a clear error when it cannot run here."""
    from crmsense.analysis.api import load_engine
    from crmsense.settings import get_settings

    chosen = name or get_settings().engine
    try:
        return load_engine(chosen)
    except CrmsenseError as exc:
        hint = "" if chosen == "rules.v1" else "; the rule engine always works: --engine rules.v1"
        fail(f"cannot use engine {chosen!r}: {exc}{hint}")


def _analyzer(name: str | None, competitors: list[str] | None, topics: list[str]) -> Analyzer:
    from crmsense.analysis.analyzer import Analyzer
    from crmsense.settings import get_settings

    names = get_settings().competitors if competitors is None else competitors
    return Analyzer(engine_or_exit(name), competitors=names, topics=topics,
                    min_confidence=get_settings().min_confidence)  # fmt: skip


def _rows(path: Path, columns: list[str]) -> Iterator[dict[str, str]]:
    """Rows of a CSV (any common encoding and delimiter, cells of any size), checking
    ``columns`` exist; a short row's missing cells read as empty."""
    from crmsense.ingest.csvfile import read_dicts

    header, rows = read_dicts(path)
    missing = [c for c in columns if c not in header]
    if missing:
        fail(
            f"{path}: no column {', '.join(map(repr, missing))}; the columns are: "
            f"{', '.join(header) or 'none'} (choose with --text-column/--label-column)",
            code=2,
        )
    yield from rows


def _channel(name: str | None) -> str | None:
    """``--channel`` checked, or exit 2 naming the choices."""
    from crmsense.analysis.api import check_channel

    try:
        return check_channel(name)
    except CrmsenseError as exc:
        fail(f"--channel: {exc}", code=2)


def _write_jsonl(
    out: TextIO,
    analyzer: Analyzer,
    rows: Iterator[dict[str, str]],
    text_column: str,
    topic_column: str | None,
    channel: str | None,
    progress: LazyProgress,
) -> int:
    from crmsense.analysis.api import prepare
    from crmsense.analysis.types import Document

    done = 0
    while True:
        chunk = [row for _, row in zip(range(_CHUNK), rows, strict=False)]
        if not chunk:
            return done
        docs = [Document(prepare(row[text_column], channel), channel=channel,
                         topics=(row[topic_column].strip(),) if topic_column
                         and row[topic_column].strip() else ())
                for row in chunk]  # fmt: skip
        for analysis in analyzer.analyze(docs):
            out.write(json.dumps(analysis.model_dump(mode="json"), ensure_ascii=False) + "\n")
        done += len(chunk)
        progress(done, None)


@app.command()
def analyze(
    text: Annotated[str | None, typer.Argument(help="Text to analyse (or use --input).")] = None,
    input_: InputOption = None,
    text_column: TextColumn = "text",
    topic_column: Annotated[
        str | None,
        typer.Option(
            "--topic-column",
            help="Column with a topic keyword/phrase per row; adds topic_sentiment.",
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="JSON Lines output (default stdout).")
    ] = None,
    engine: EngineOption = None,
    channel: ChannelOption = None,
    competitor: CompetitorOption = None,
    topic: TopicOption = None,
    quiet: QuietOption = False,
) -> None:
    """Analyse one text (prints JSON) or every row of a CSV (writes JSON Lines, in order)."""
    if (text is None) == (input_ is None):
        fail("give either a text or --input FILE.csv", code=2)
    channel = _channel(channel)
    analyzer = _analyzer(engine, competitor, topic or [])
    try:
        if text is not None:
            from crmsense.analysis.api import prepare
            from crmsense.analysis.types import Document

            result = analyzer.analyze([Document(prepare(text, channel), channel=channel)])[0]
            print(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2))
            return
        assert input_ is not None
        rows = _rows(input_, [text_column] + ([topic_column] if topic_column else []))
        with LazyProgress("analysing", quiet=quiet) as progress:
            if output is None:
                count = _write_jsonl(sys.stdout, analyzer, rows, text_column, topic_column,
                                     channel, progress)  # fmt: skip
            else:
                with output.open("w", encoding="utf-8") as out:
                    count = _write_jsonl(out, analyzer, rows, text_column, topic_column,
                                         channel, progress)  # fmt: skip
    except CrmsenseError as exc:
        fail(exc, code=2 if exc.code.startswith("E1") else 1)
    if not quiet and output is not None:
        console.print(f"analysed {count:,} rows → {output}")


def _print_report(report: EvalReport) -> None:
    from rich.console import Console
    from rich.table import Table

    out = Console()
    m = report.metrics
    summary = Table("figure", "value", title=f"{report.task} · {report.engine} "
                    f"{report.model_version}")  # fmt: skip
    for name, value in (
        ("texts", f"{report.n:,}"), ("unscored", f"{report.unscored:,}"),
        ("accuracy", f"{m.accuracy:.4f}"), ("macro-F1", f"{m.macro_f1:.4f}"),
        ("macro-recall", f"{m.macro_recall:.4f}"),
        ("throughput", f"{report.throughput:,.0f} texts/s"),
        ("ECE (10 bins)", "n/a" if report.ece is None else f"{report.ece:.4f}"),
    ):  # fmt: skip
        summary.add_row(name, value)
    out.print(summary)
    per_class = Table("class", "precision", "recall", "F1", "support", title="per class")
    for label, c in m.per_class.items():
        per_class.add_row(
            label, f"{c.precision:.4f}", f"{c.recall:.4f}", f"{c.f1:.4f}", f"{c.support:,}"
        )
    out.print(per_class)
    confusion = Table("gold \\ predicted", *m.labels, title="confusion matrix")
    for label, row in zip(m.labels, m.confusion, strict=True):
        confusion.add_row(label, *(f"{n:,}" for n in row))
    out.print(confusion)
    if report.reliability:
        curve = Table(
            "confidence bin", "count", "mean confidence", "accuracy", title="reliability curve"
        )
        for b in report.reliability:
            curve.add_row(
                f"[{b.low:.1f}, {b.high:.1f})",
                f"{b.count:,}",
                f"{b.confidence:.3f}",
                f"{b.accuracy:.3f}",
            )
        out.print(curve)


@app.command("eval")
def eval_(
    input_: Annotated[Path, typer.Option("--input", "-i", help="Labelled CSV file.")],
    text_column: TextColumn = "text",
    label_column: Annotated[str, typer.Option("--label-column", help="Gold label column.")] = (
        "label"
    ),
    task: Annotated[
        str, typer.Option("--task", help="polarity, emotion, kind or intent.")
    ] = "polarity",
    engine: EngineOption = None,
    channel: ChannelOption = None,
    fmt: FormatOption = "table",
    quiet: QuietOption = False,
) -> None:
    """Measure an engine on labelled rows: accuracy, macro-F1/recall, per class, confusion
    matrix, throughput, calibration (ECE and reliability curve)."""
    from crmsense.analysis.api import prepare
    from crmsense.analysis.evaluate import TASKS, evaluate

    if task not in TASKS:
        fail(f"--task {task!r}: use one of {', '.join(TASKS)}", code=2)
    output_format(fmt)
    channel = _channel(channel)
    analyzer = _analyzer(engine, None, [])
    try:
        texts, gold, skipped = [], [], 0
        for row in _rows(input_, [text_column, label_column]):
            if not row[label_column].strip():
                skipped += 1
                continue
            texts.append(prepare(row[text_column], channel))
            gold.append(row[label_column])
        if not texts:
            fail(f"{input_}: no labelled rows", code=2)
        report = evaluate(analyzer, texts, gold, task=task, channel=channel)
    except CrmsenseError as exc:
        if exc.code == "E110":  # the labels: name the file and column
            fail(f"{input_}: column {label_column!r}: {exc}", code=2)
        fail(exc, code=2 if exc.code.startswith("E1") else 1)
    if skipped and not quiet:
        console.print(f"skipped {skipped:,} rows without a label")
    if fmt == "json":
        print(json.dumps(report.to_dict()))
    else:
        _print_report(report)


@app.command("analyze-stored")
def analyze_stored(
    since: Annotated[
        str | None, typer.Option("--since", help="Only subjects timestamped on/after (ISO date).")
    ] = None,
    engine: EngineOption = None,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, max=100_000, help="Subjects per transaction.")
    ] = 500,
    competitor: CompetitorOption = None,
    topic: TopicOption = None,
    db: DbOption = None,
    quiet: QuietOption = False,
) -> None:
    """Analyse stored messages, calls and survey comments that have no current analysis.

    Resumable: finished batches stay, a re-run does only what is left.
    """
    from crmsense.analysis.stored import analyze_stored as run
    from crmsense.settings import get_settings

    start = parse_since(since)
    chosen = engine_or_exit(engine)
    database = open_db(db)
    names = get_settings().competitors if competitor is None else competitor
    try:
        with LazyProgress("analysing", quiet=quiet) as progress:
            count = run(database, chosen, since=start, batch_size=batch_size,
                        progress=progress, competitors=names, topics=topic or ())  # fmt: skip
    except CrmsenseError as exc:
        fail(exc)
    print(
        json.dumps(
            {"analysed": count, "engine": chosen.name, "model_version": chosen.model_version}
        )
    )
