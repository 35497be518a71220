"""``crmsense train``: rebuild the shipped model, or tune it on your own labelled messages.

crmsense train                                   # rebuild model.v1 from ../shared/datasets
crmsense train --data labelled.csv --output my-model
CRMSENSE_MODEL_DIR=my-model crmsense analyze "…"  # use the tuned model
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from crmsense.cli.app import QuietOption, app, console, fail
from crmsense.errors import CrmsenseError, InputError


@app.command()
def train(
    data: Annotated[
        Path | None,
        typer.Option("--data", help="Labelled CSV to tune on; omit to rebuild the shipped model."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            help="Model directory to write (tuning: required; "
            "rebuild: default the package's shipped model).",
        ),
    ] = None,
    text_column: Annotated[str, typer.Option("--text-column")] = "text",
    label_column: Annotated[
        str, typer.Option("--label-column", help="Polarity: negative/neutral/positive or -1/0/1.")
    ] = "label",
    kind_column: Annotated[
        str,
        typer.Option(
            "--kind-column", help="Message kind: conversational/transactional/auto_reply."
        ),
    ] = "kind",
    intent_column: Annotated[
        str, typer.Option("--intent-column", help="Reply intent: interest, objection, … other.")
    ] = "intent",
    model_dir: Annotated[
        Path | None,
        typer.Option(
            "--model-dir",
            help="Base model to tune (default: $CRMSENSE_MODEL_DIR, else the shipped model).",
        ),
    ] = None,
    holdout: Annotated[
        float, typer.Option("--holdout", help="Share of rows held out for before/after.")
    ] = 0.2,
    datasets: Annotated[
        Path, typer.Option("--datasets", help="Rebuild: the labelled public corpora.")
    ] = Path("../shared/datasets"),
    work_dir: Annotated[
        Path | None,
        typer.Option("--work-dir", help="Rebuild: checkpoints (resumable); default a temp dir."),
    ] = None,
    epochs: Annotated[int, typer.Option("--epochs", min=1, help="Rebuild: epochs.")] = 3,
    seed: Annotated[int, typer.Option("--seed")] = 13,
    layers: Annotated[
        int,
        typer.Option(
            "--layers",
            min=1,
            max=6,
            help="Rebuild: encoder layers kept (fewer: faster, less accurate).",
        ),
    ] = 6,
    quiet: QuietOption = False,
) -> None:
    """Tune the heads on your labelled messages (polarity, kind, reply intent: whichever
    columns the CSV has), or rebuild the shipped model."""
    try:
        if data is None:
            _rebuild(datasets, output, work_dir, epochs, seed, layers, quiet)
        elif output is None:
            fail("--output DIR is required with --data (the tuned model goes there)", code=2)
        else:
            columns = (text_column, label_column, kind_column, intent_column)
            _tune(data, output, model_dir, columns, holdout, seed, quiet)
    except CrmsenseError as exc:
        fail(exc, code=2 if isinstance(exc, InputError) else 1)


def _tune(
    data: Path, output: Path, model_dir: Path | None, columns: tuple[str, str, str, str],
    holdout: float, seed: int, quiet: bool,
) -> None:  # fmt: skip
    from crmsense.analysis.model.tune import tune

    text, label, kind, intent = columns
    report = tune(
        data, output, base_dir=model_dir, text_column=text, label_column=label,
        kind_column=kind, intent_column=intent, holdout=holdout, seed=seed,
    )  # fmt: skip
    if quiet:
        return
    table = Table("head", "held out", "metric", "before", "after", "kept")
    for head in report.heads:
        kept = "tuned" if head.replaced else "base (tuned was worse)"
        for n, (metric, value) in enumerate(head.after.items()):
            before = head.before.get(metric)
            first = n == 0
            table.add_row(
                head.task if first else "", str(head.holdout_rows) if first else "", metric,
                "—" if before is None else f"{before:.3f}", f"{value:.3f}", kept if first else "",
            )  # fmt: skip
    console.print(table)
    read = report.data
    if read.repeated:
        console.print(f"merged {read.repeated} rows that repeat an earlier row's text (a text is "
                      "either trained on or held out, never both)")  # fmt: skip
    for task, count in read.conflicting.items():
        if count:
            console.print(f"{count} texts had conflicting {task} labels: the most common label "
                          "was used, and a tie left the text unlabelled")  # fmt: skip
    rows = ", ".join(f"{h.task} {h.train_rows}" for h in report.heads)
    console.print(
        f"wrote {report.output} ({report.model_version}; trained on {rows} rows); "
        f"use it with CRMSENSE_MODEL_DIR={report.output} (or model_dir in the settings)",
        highlight=False,
    )


def _rebuild(
    datasets: Path, output: Path | None, work_dir: Path | None, epochs: int, seed: int,
    layers: int, quiet: bool,
) -> None:  # fmt: skip
    from crmsense.analysis.model.engine import default_model_dir
    from crmsense.analysis.model.train import TrainConfig, build

    if not quiet:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    config = TrainConfig(
        datasets, output or default_model_dir(), epochs=epochs, seed=seed, layers=layers
    )
    if work_dir is not None:
        config = replace(config, work_dir=work_dir)
    summary = build(config)
    if not quiet:
        console.print(f"wrote {config.output}; validation (int8): {summary['validation_int8']}")
