"""The message-kind and reply-intent heads of ``model.v1``.

No public corpus labels CRM messages as conversational / transactional / auto-reply, or
sales replies by intent, so these two heads are fitted on crmsense-authored messages
(``crm_heads.tsv``, Apache-2.0, written for this project): multinomial logistic
regression on the frozen sentence embedding of the model directory's own encoder. Per
head, the L2 strength is the one with the best 5-fold cross-validated accuracy (stratified
folds) and the softmax temperature is fitted on its out-of-fold logits (folded into the
weights, so the probabilities are calibrated); the final head is refitted on every row.
(Until 2026-12-05 one stratified fifth chose both, and that choice swung with the encoder:
see the model card.) The Analyzer combines these probabilities with its
rules (:mod:`crmsense.analysis.kind`, :mod:`crmsense.analysis.intent`): a head decides
only when it is confident.

``crmsense train`` runs this after the encoder is exported; to refit the heads of an
existing model directory::

    python -m crmsense.analysis.model.tasks crmsense/analysis/model/data
"""

from __future__ import annotations

__all__ = ["TASK_DATA", "TaskRow", "fit_task_heads", "read_task_rows", "write_task_heads"]

import csv
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from crmsense.analysis.model.engine import ModelEngine
from crmsense.analysis.model.heads import (
    LinearHead,
    fit_softmax,
    fit_temperature,
    softmax,
    stratified_folds,
)
from crmsense.analysis.types import INTENTS, KINDS
from crmsense.errors import InputError

TASK_DATA = Path(__file__).with_name("crm_heads.tsv")
L2_GRID = (1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3)
FOLDS = 5


@dataclass(frozen=True, slots=True)
class TaskRow:
    """One authored message: its kind, and its intent when it is a sales reply (any other
    message is trained as intent ``other``, which is what the Analyzer says of it)."""

    text: str
    kind: str
    intent: str | None


def read_task_rows(path: Path = TASK_DATA) -> list[TaskRow]:
    """Rows of a ``text<TAB>kind<TAB>intent`` file (intent may be empty)."""
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh, delimiter="\t"), start=2):
            kind, intent = row["kind"].strip(), (row["intent"] or "").strip() or None
            if kind not in KINDS or (intent is not None and intent not in INTENTS):
                raise InputError(
                    f"{path}:{line}: kind {kind!r} / intent {intent!r} is not one of "
                    f"{', '.join(KINDS)} / {', '.join(INTENTS)}; fix the label"
                )
            rows.append(TaskRow(row["text"].strip(), kind, intent))
    return rows


def _fit_head(
    x: NDArray[np.float32], labels: Sequence[str], classes: Sequence[str], seed: int
) -> tuple[LinearHead, dict[str, Any]]:
    y = np.array([classes.index(label) for label in labels])
    prior = LinearHead(np.zeros((len(classes), x.shape[1])), np.zeros(len(classes)))
    fold = np.array(stratified_folds(labels, FOLDS, seed))

    def out_of_fold_logits(l2: float) -> NDArray[np.float64]:
        logits = np.zeros((len(y), len(classes)))
        for k in range(FOLDS):
            fit = fold != k
            head = fit_softmax(x[fit], y[fit], prior, l2=l2, iterations=800)
            logits[~fit] = head.logits(x[~fit])
        return logits

    trials = {l2: out_of_fold_logits(l2) for l2 in L2_GRID}
    accuracy = {l2: float((logits.argmax(1) == y).mean()) for l2, logits in trials.items()}
    l2 = max(L2_GRID, key=lambda value: (accuracy[value], value))
    temperature = fit_temperature(trials[l2], y)
    final = fit_softmax(x, y, prior, l2=l2, iterations=800)
    summary = {
        "rows": len(labels), "folds": FOLDS, "l2": l2, "temperature": round(temperature, 3),
        "cross_validated_accuracy": round(accuracy[l2], 4),
        "cross_validated_mean_confidence": round(
            float(softmax(trials[l2], temperature).max(1).mean()), 4
        ),
    }  # fmt: skip
    return LinearHead(final.weight / temperature, final.bias / temperature), summary


def fit_task_heads(
    engine: ModelEngine, rows: Sequence[TaskRow], seed: int = 13
) -> tuple[LinearHead, LinearHead, dict[str, Any]]:
    """(kind head, intent head, summary) fitted on ``rows`` embedded by ``engine``."""
    x = engine.embed([r.text for r in rows])
    kind, kind_summary = _fit_head(x, [r.kind for r in rows], KINDS, seed)
    intent, intent_summary = _fit_head(x, [r.intent or "other" for r in rows], INTENTS, seed)
    return kind, intent, {"kind": kind_summary, "intent": intent_summary}


def write_task_heads(model_dir: Path, data: Path = TASK_DATA, seed: int = 13) -> dict[str, Any]:
    """Fit the kind and intent heads for ``model_dir``'s encoder and store them in its
    ``heads.npz`` (the summary goes into ``config.json`` under ``training.task_heads``)."""
    engine = ModelEngine(model_dir)
    kind, intent, summary = fit_task_heads(engine, read_task_rows(data), seed)
    replace(engine.heads, kind=kind, intent=intent).save(model_dir / "heads.npz")
    config_path = model_dir / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config.setdefault("training", {})["task_heads"] = {"data": data.name, "seed": seed, **summary}
    config_path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    return summary


if __name__ == "__main__":  # pragma: no cover - a maintenance entry point
    print(json.dumps(write_task_heads(Path(sys.argv[1])), indent=2))
