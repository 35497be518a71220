"""Domain tuning: new heads fitted on a customer's own labelled messages.

A labelled CSV has a text column and one or more label columns: polarity
(negative/neutral/positive or -1/0/1), message kind (conversational/transactional/
auto_reply) and reply intent (interest, objection, …). Every head with labels is refitted.
The encoder stays frozen (the shipped int8 ONNX model embeds the texts), so tuning takes
seconds and needs neither torch nor scikit-learn. Each new head is regularised towards the
base head, a stratified part of its rows is held out, and the before/after figures on them
are reported and written into the new model directory's ``config.json``; the probabilities
are recalibrated (temperature) on the held-out rows.
"""

from __future__ import annotations

__all__ = ["HeadTuning", "Labelled", "TuneReport", "read_labelled", "tune"]

import hashlib
import shutil
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from crmsense.analysis.evaluate import classification_metrics
from crmsense.analysis.model.engine import ModelEngine, write_config
from crmsense.analysis.model.heads import (
    ComplaintBias,
    LinearHead,
    fit_softmax,
    fit_temperature,
    stratified_split,
)
from crmsense.analysis.types import INTENTS, KINDS, LABELS
from crmsense.errors import InputError

LABEL_ALIASES = {
    "negative": 0, "neg": 0, "-1": 0,
    "neutral": 1, "neu": 1, "0": 1,
    "positive": 2, "pos": 2, "1": 2, "+1": 2,
}  # fmt: skip
MIN_ROWS = 20


#: task → its classes, in head order.
CLASSES: dict[str, tuple[str, ...]] = {"polarity": LABELS, "kind": KINDS, "intent": INTENTS}


@dataclass(frozen=True)
class HeadTuning:
    """One refitted head; ``before``/``after`` are held-out figures (``before`` is empty
    when the base model had no such head). ``replaced`` is false when the refitted head did
    worse than the base one on the held-out rows (macro-F1), which is then kept."""

    task: str
    train_rows: int
    holdout_rows: int
    before: dict[str, float]
    after: dict[str, float]
    replaced: bool = True


@dataclass(frozen=True)
class TuneReport:
    """What ``crmsense train --data`` did; ``data`` is what it read."""

    output: Path
    model_version: str
    heads: list[HeadTuning]
    data: Labelled


def _label_id(task: str, value: str) -> int | None:
    value = value.strip().lower()
    if task == "polarity":
        return LABEL_ALIASES.get(value)
    classes = CLASSES[task]
    return classes.index(value) if value in classes else None


@dataclass(frozen=True)
class Labelled:
    """A labelled CSV, one entry per distinct text (whitespace collapsed).

    ``labels`` maps each task whose column the CSV has to label ids, -1 where a text has
    none. ``repeated`` counts rows merged into an earlier row with the same text (so no
    held-out text is also a training text); ``conflicting`` counts, per task, texts whose
    rows disagreed: the most common label wins, and a tie leaves the text unlabelled.
    """

    texts: list[str]
    labels: dict[str, NDArray[np.int64]]
    repeated: int = 0
    conflicting: dict[str, int] = field(default_factory=dict)


def read_labelled(
    path: Path, text_column: str = "text", label_column: str = "label",
    kind_column: str = "kind", intent_column: str = "intent",
) -> Labelled:  # fmt: skip
    """The distinct texts of a labelled CSV (any common encoding and delimiter) with, per
    task whose column the CSV has, their labels.

    Rows without text are skipped; unknown labels are refused with the counts, and each
    task needs at least ``MIN_ROWS`` labelled texts in 2 classes.
    """
    from crmsense.ingest.csvfile import read_dicts

    columns, rows = read_dicts(path)
    wanted = {"polarity": label_column, "kind": kind_column, "intent": intent_column}
    present = {task: column for task, column in wanted.items() if column in columns}
    if text_column not in columns or not present:
        raise InputError(
            f"{path} has no column {text_column if text_column not in columns else label_column!r}"
            f" (columns: {', '.join(columns)}); pass --text-column and --label-column (polarity)"
            ", --kind-column or --intent-column"
        )
    votes: dict[str, dict[str, Counter[int]]] = {}  # text → task → label → rows
    unknown: dict[str, Counter[str]] = {task: Counter() for task in present}
    read = 0
    for row in rows:
        text = " ".join(row[text_column].split())
        if not text:
            continue
        read += 1
        tasks = votes.setdefault(text, {task: Counter() for task in present})
        for task, column in present.items():
            value = row[column].strip()
            label = _label_id(task, value) if value else -1
            if label is None:
                unknown[task][value] += 1
            elif label >= 0:
                tasks[task][label] += 1
    out: dict[str, NDArray[np.int64]] = {}
    conflicting: dict[str, int] = {}
    for task, column in present.items():
        if unknown[task]:
            shown = ", ".join(f"{k!r} ×{n}" for k, n in unknown[task].most_common(5))
            allowed = ("negative/neutral/positive (or -1/0/1)" if task == "polarity"
                       else "/".join(CLASSES[task]))  # fmt: skip
            raise InputError(
                f"{path}: column {column!r}: labels {shown} are not {allowed}; fix or drop those "
                "rows"
            )
        ids = np.array([_majority(v[task]) for v in votes.values()], dtype=np.int64)
        conflicting[task] = sum(len(v[task]) > 1 for v in votes.values())
        given = ids[ids >= 0]
        if len(given) < MIN_ROWS or len(set(given.tolist())) < 2:
            raise InputError(
                f"{path}: column {column!r} has {len(given)} labelled texts in "
                f"{len(set(given.tolist()))} classes; tuning needs at least {MIN_ROWS} distinct "
                "texts and 2 classes"
            )
        out[task] = ids
    return Labelled(list(votes), out, read - len(votes), conflicting)


def _majority(votes: Counter[int]) -> int:
    """The most common label of a text's rows; -1 for none, or a tie.

    >>> _majority(Counter({2: 3, 0: 1})), _majority(Counter({2: 1, 0: 1})), _majority(Counter())
    (2, -1, -1)
    """
    top = votes.most_common(2)
    if not top or (len(top) == 2 and top[0][1] == top[1][1]):
        return -1
    return top[0][0]


def _fit(
    task: str, base: ModelEngine, embeddings: NDArray[np.float32], labels: NDArray[np.int64],
    holdout: float, seed: int, l2: float,
) -> tuple[LinearHead, float, HeadTuning]:  # fmt: skip
    """(new head, its temperature, the report) for one task's labelled rows."""
    rows = np.flatnonzero(labels >= 0)
    x, y = embeddings[rows], labels[rows]
    train, held = stratified_split(y.tolist(), holdout, seed)
    classes = len(CLASSES[task])
    prior: LinearHead | None = getattr(base.heads, task)
    start = prior or LinearHead(np.zeros((classes, x.shape[1])), np.zeros(classes))
    head = fit_softmax(x[train], y[train], start, l2=l2)
    names = CLASSES[task]

    def held_out(logits: NDArray[np.float64]) -> dict[str, float]:
        predicted = logits.argmax(1)
        return classification_metrics([names[k] for k in y[held]],
                                      [names[k] for k in predicted], names).headline()  # fmt: skip

    before = {}
    if prior is not None:  # the base model's reading, with its complaint bias
        prior_logits = prior.logits(x[held])
        if task == "polarity":
            prior_logits = base.config.complaint_bias.apply(prior_logits)
        before = held_out(prior_logits)
    after = held_out(head.logits(x[held]))
    temperature = fit_temperature(head.logits(x[held]), y[held])
    better = not before or after["macro_f1"] >= before["macro_f1"]
    return head, temperature, HeadTuning(task, len(train), len(held), before, after, better)


def tune(
    data: Path,
    output: Path,
    *,
    base_dir: Path | None = None,
    text_column: str = "text",
    label_column: str = "label",
    kind_column: str = "kind",
    intent_column: str = "intent",
    holdout: float = 0.2,
    seed: int = 13,
    l2: float = 0.05,
) -> TuneReport:
    """Refit every head ``data`` has labels for; write a self-contained model dir."""
    if not 0.0 < holdout < 1.0:
        raise InputError(f"--holdout must be between 0 and 1, not {holdout}")
    labelled = read_labelled(data, text_column, label_column, kind_column, intent_column)
    base = ModelEngine(base_dir)
    if output.resolve() == base.model_dir.resolve():
        raise InputError(f"--output {output} is the base model directory; choose a new one")
    embeddings = base.embed(labelled.texts)
    heads, temperature, reports = base.heads, base.config.temperature, []
    bias = base.config.complaint_bias
    for task, ids in labelled.labels.items():
        head, fitted, report = _fit(task, base, embeddings, ids, holdout, seed, l2)
        reports.append(report)
        if not report.replaced:
            continue
        if task == "polarity":
            # the base's bias was fitted to its own head; a tuned head is read as fitted
            heads, temperature, bias = replace(heads, polarity=head), fitted, ComplaintBias()
        else:  # kind and intent carry their temperature in the weights
            calibrated = LinearHead(head.weight / fitted, head.bias / fitted)
            heads = (replace(heads, kind=calibrated) if task == "kind"
                     else replace(heads, intent=calibrated))  # fmt: skip

    output.mkdir(parents=True, exist_ok=True)
    for name in ("model.onnx", "tokenizer.json"):
        shutil.copyfile(base.model_dir / name, output / name)
    heads.save(output / "heads.npz")
    digest = hashlib.sha256((output / "heads.npz").read_bytes()).hexdigest()[:8]
    version = f"{base.model_version.split('+')[0]}+tuned.{digest}"
    tuned = {
        r.task: {"train_rows": r.train_rows, "holdout_rows": r.holdout_rows,
                 "holdout_before": r.before, "holdout_after": r.after,
                 "replaced": r.replaced}
        for r in reports
    }  # fmt: skip
    write_config(
        output,
        model_version=version,
        temperature=temperature,
        complaint_bias=bias,
        training={
            **base.config.training,
            "tuning": {
                "base_model_version": base.model_version,
                "data": data.name,
                "repeated_rows_merged": labelled.repeated,
                "conflicting_texts": labelled.conflicting,
                "heads": tuned,
                "l2_towards_base": l2,
                "tuned_at": datetime.now(UTC).isoformat(timespec="seconds"),
            },
        },
    )
    return TuneReport(output, version, reports, labelled)
