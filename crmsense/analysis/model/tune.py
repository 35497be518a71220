"""Domain tuning: a new polarity head fitted on a customer's own labelled messages.

The encoder stays frozen (the shipped int8 ONNX model embeds the texts), so tuning takes
seconds and needs neither torch nor scikit-learn. The new head is regularised towards the
base head, a stratified part of the rows is held out, and the before/after figures on it
are reported and written into the new model directory's ``config.json``.
"""

from __future__ import annotations

__all__ = ["TuneReport", "classification_metrics", "read_labelled", "tune"]

import csv
import hashlib
import io
import shutil
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from crmsense.analysis.model.engine import ModelEngine, write_config
from crmsense.analysis.model.heads import fit_softmax, fit_temperature
from crmsense.analysis.types import LABELS
from crmsense.errors import InputError

LABEL_ALIASES = {
    "negative": 0, "neg": 0, "-1": 0,
    "neutral": 1, "neu": 1, "0": 1,
    "positive": 2, "pos": 2, "1": 2, "+1": 2,
}  # fmt: skip
MIN_ROWS = 20


@dataclass(frozen=True)
class TuneReport:
    """What ``crmsense train --data`` did; ``before``/``after`` are held-out figures."""

    output: Path
    model_version: str
    train_rows: int
    holdout_rows: int
    before: dict[str, float]
    after: dict[str, float]


def classification_metrics(
    predicted: NDArray[np.integer], gold: NDArray[np.integer], classes: int = len(LABELS)
) -> dict[str, float]:
    """Accuracy, macro-F1 and macro-recall over the classes present in ``gold``.

    >>> classification_metrics(np.array([0, 1, 2, 2]), np.array([0, 1, 2, 1]))
    {'accuracy': 0.75, 'macro_f1': 0.7778, 'macro_recall': 0.8333}
    """
    present = [k for k in range(classes) if (gold == k).any()]
    recalls, f1s = [], []
    for k in present:
        tp = float(((predicted == k) & (gold == k)).sum())
        recalls.append(tp / float((gold == k).sum()))
        f1s.append(2 * tp / float((predicted == k).sum() + (gold == k).sum()))
    return {
        "accuracy": round(float((predicted == gold).mean()), 4),
        "macro_f1": round(float(np.mean(f1s)), 4),
        "macro_recall": round(float(np.mean(recalls)), 4),
    }


def read_labelled(
    path: Path, text_column: str = "text", label_column: str = "label"
) -> tuple[list[str], NDArray[np.int64]]:
    """Texts and polarity ids from a CSV; labels: negative/neutral/positive (or -1/0/1)."""
    from crmsense.ingest.decode import read_text

    reader = csv.DictReader(io.StringIO(read_text(path), newline=""))
    columns = reader.fieldnames or []
    for column in (text_column, label_column):
        if column not in columns:
            raise InputError(
                f"{path} has no column {column!r} (columns: {', '.join(columns)}); "
                "pass --text-column / --label-column"
            )
    texts: list[str] = []
    labels: list[int] = []
    unknown: Counter[str] = Counter()
    for row in reader:
        text = (row[text_column] or "").strip()
        label = (row[label_column] or "").strip().lower()
        if not text:
            continue
        if label not in LABEL_ALIASES:
            unknown[label] += 1
            continue
        texts.append(text)
        labels.append(LABEL_ALIASES[label])
    if unknown:
        shown = ", ".join(f"{k!r} ×{n}" for k, n in unknown.most_common(5))
        raise InputError(
            f"{path}: labels {shown} are not negative/neutral/positive (or -1/0/1); "
            "fix or drop those rows"
        )
    if len(texts) < MIN_ROWS or len(set(labels)) < 2:
        raise InputError(
            f"{path} has {len(texts)} labelled rows in {len(set(labels))} classes; "
            f"tuning needs at least {MIN_ROWS} rows and 2 classes"
        )
    return texts, np.array(labels, dtype=np.int64)


def _split(labels: NDArray[np.int64], holdout: float, seed: int) -> tuple[list[int], list[int]]:
    """Stratified (train, held-out) row indices; every class keeps ≥ 1 row on each side
    when it has 2 or more."""
    rng = np.random.default_rng(seed)
    train: list[int] = []
    held: list[int] = []
    for k in np.unique(labels):
        rows = rng.permutation(np.flatnonzero(labels == k)).tolist()
        cut = min(max(round(len(rows) * holdout), 1), len(rows) - 1) if len(rows) > 1 else 0
        held += rows[:cut]
        train += rows[cut:]
    return sorted(train), sorted(held)


def tune(
    data: Path,
    output: Path,
    *,
    base_dir: Path | None = None,
    text_column: str = "text",
    label_column: str = "label",
    holdout: float = 0.2,
    seed: int = 13,
    l2: float = 0.05,
) -> TuneReport:
    """Fit a polarity head on ``data`` and write a self-contained model dir to ``output``."""
    if not 0.0 < holdout < 1.0:
        raise InputError(f"--holdout must be between 0 and 1, not {holdout}")
    texts, labels = read_labelled(data, text_column, label_column)
    base = ModelEngine(base_dir)
    if output.resolve() == base.model_dir.resolve():
        raise InputError(f"--output {output} is the base model directory; choose a new one")
    embeddings = base.embed(texts)
    train, held = _split(labels, holdout, seed)
    head = fit_softmax(embeddings[train], labels[train], base.heads.polarity, l2=l2)
    before = classification_metrics(base.polarity(embeddings[held]).argmax(1), labels[held])
    after = classification_metrics(head.logits(embeddings[held]).argmax(1), labels[held])
    temperature = fit_temperature(head.logits(embeddings[held]), labels[held])

    output.mkdir(parents=True, exist_ok=True)
    for name in ("model.onnx", "tokenizer.json"):
        shutil.copyfile(base.model_dir / name, output / name)
    replace(base.heads, polarity=head).save(output / "heads.npz")
    digest = hashlib.sha256((output / "heads.npz").read_bytes()).hexdigest()[:8]
    version = f"{base.model_version.split('+')[0]}+tuned.{digest}"
    write_config(
        output,
        model_version=version,
        temperature=temperature,
        training={
            "base_model_version": base.model_version,
            "data": data.name,
            "train_rows": len(train),
            "holdout_rows": len(held),
            "holdout_before": before,
            "holdout_after": after,
            "l2_towards_base": l2,
            "tuned_at": datetime.now(UTC).isoformat(timespec="seconds"),
        },
    )
    return TuneReport(output, version, len(train), len(held), before, after)
