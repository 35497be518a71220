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
        str, typer.Option("--label-column", help="negative/neutral/positive or -1/0/1.")
    ] = "label",
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
    quiet: QuietOption = False,
) -> None:
    """Tune the polarity head on your labelled messages, or rebuild the shipped model."""
    try:
        if data is None:
            _rebuild(datasets, output, work_dir, epochs, seed, quiet)
        elif output is None:
            fail("--output DIR is required with --data (the tuned model goes there)", code=2)
        else:
            _tune(data, output, model_dir, text_column, label_column, holdout, seed, quiet)
    except CrmsenseError as exc:
        fail(exc, code=2 if isinstance(exc, InputError) else 1)


def _tune(
    data: Path, output: Path, model_dir: Path | None, text_column: str, label_column: str,
    holdout: float, seed: int, quiet: bool,
) -> None:  # fmt: skip
    from crmsense.analysis.model.tune import tune

    report = tune(
        data, output, base_dir=model_dir, text_column=text_column, label_column=label_column,
        holdout=holdout, seed=seed,
    )  # fmt: skip
    if quiet:
        return
    table = Table(f"held out ({report.holdout_rows} rows)", "before", "after")
    for metric, value in report.before.items():
        table.add_row(metric, f"{value:.3f}", f"{report.after[metric]:.3f}")
    console.print(table)
    console.print(
        f"wrote {report.output} ({report.model_version}, trained on {report.train_rows} rows); "
        f"use it with CRMSENSE_MODEL_DIR={report.output} (or model_dir in the settings)",
        highlight=False,
    )


def _rebuild(
    datasets: Path, output: Path | None, work_dir: Path | None, epochs: int, seed: int, quiet: bool
) -> None:
    from crmsense.analysis.model.engine import default_model_dir
    from crmsense.analysis.model.train import TrainConfig, build

    if not quiet:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    config = TrainConfig(datasets, output or default_model_dir(), epochs=epochs, seed=seed)
    if work_dir is not None:
        config = replace(config, work_dir=work_dir)
    summary = build(config)
    if not quiet:
        console.print(f"wrote {config.output}; validation (int8): {summary['validation_int8']}")
