"""Evaluation: how well an engine does on a labelled sample, and how honest its confidence is.

Tasks and what is compared with the gold label:

- ``polarity``: the analysis label (unscored → neutral). Gold labels negative / neutral /
  positive (also neg, neu, pos and -1, 0, 1). A binary gold set (no neutral, e.g. SST-2)
  is scored the usual way for 3-class models: negative vs positive probability,
  renormalised.
- ``emotion``: the strongest emotion among those named in the gold labels (all emotions
  when none are); "neutral" when the gold set has it and no emotion reaches 0.5.
- ``kind``: the message kind. ``intent``: the reply intent (None → other).

Figures: accuracy, macro-F1 and macro-recall (averaged over every label seen in gold or
prediction, as scikit-learn does), per-class precision/recall/F1/support, the confusion
matrix (rows gold, columns predicted), throughput in texts/s, and for polarity and emotion
the expected calibration error over 10 equal-width bins with the reliability table.

>>> m = classification_metrics(["a", "a", "b"], ["a", "b", "b"])
>>> round(m.accuracy, 3), round(m.macro_f1, 3), m.confusion
(0.667, 0.667, [[1, 1], [0, 1]])
>>> ece, bins = calibration([0.9, 0.9, 0.6], [True, False, True])
>>> round(ece, 3), bins[-1].count
(0.4, 2)
"""

from __future__ import annotations

__all__ = [
    "TASKS",
    "Bin",
    "ClassMetrics",
    "EvalReport",
    "Metrics",
    "calibration",
    "classification_metrics",
    "evaluate",
]

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from crmsense.analysis.analyzer import Analyzer
from crmsense.analysis.types import EMOTIONS, INTENTS, KINDS, LABELS, Analysis, Document
from crmsense.errors import InputError

TASKS = ("polarity", "emotion", "kind", "intent")
_ALIASES = {"neg": "negative", "neu": "neutral", "pos": "positive",
            "-1": "negative", "0": "neutral", "1": "positive", "+1": "positive"}  # fmt: skip
_CHUNK = 1000


@dataclass(frozen=True, slots=True)
class ClassMetrics:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True, slots=True)
class Metrics:
    accuracy: float
    macro_f1: float
    macro_recall: float
    labels: list[str]
    per_class: dict[str, ClassMetrics]
    confusion: list[list[int]]

    def headline(self) -> dict[str, float]:
        """Accuracy, macro-F1 and macro-recall, to four decimals."""
        return {"accuracy": round(self.accuracy, 4), "macro_f1": round(self.macro_f1, 4),
                "macro_recall": round(self.macro_recall, 4)}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Bin:
    """One reliability-curve bin: predictions with confidence in ``[low, high)``."""

    low: float
    high: float
    count: int
    confidence: float
    accuracy: float


@dataclass(frozen=True, slots=True)
class EvalReport:
    task: str
    engine: str
    model_version: str
    n: int
    unscored: int
    seconds: float
    throughput: float
    metrics: Metrics
    ece: float | None
    reliability: list[Bin]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def classification_metrics(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] = ()
) -> Metrics:
    """Accuracy, macro figures, per-class figures and the confusion matrix.

    ``labels`` fixes the order; labels seen in the data but not listed are appended.
    """
    seen = set(gold) | set(predicted)
    order = [x for x in labels if x in seen] + sorted(seen - set(labels))
    index = {label: i for i, label in enumerate(order)}
    confusion = [[0] * len(order) for _ in order]
    for g, p in zip(gold, predicted, strict=True):
        confusion[index[g]][index[p]] += 1
    per_class = {}
    for label, i in index.items():
        tp = confusion[i][i]
        support = sum(confusion[i])
        precision = _ratio(tp, sum(row[i] for row in confusion))
        recall = _ratio(tp, support)
        per_class[label] = ClassMetrics(precision, recall,
                                        _ratio(2 * precision * recall, precision + recall),
                                        support)  # fmt: skip
    correct = sum(confusion[i][i] for i in range(len(order)))
    return Metrics(
        accuracy=_ratio(correct, len(gold)),
        macro_f1=_ratio(sum(c.f1 for c in per_class.values()), len(per_class)),
        macro_recall=_ratio(sum(c.recall for c in per_class.values()), len(per_class)),
        labels=order, per_class=per_class, confusion=confusion,
    )  # fmt: skip


def calibration(
    confidences: Sequence[float], correct: Sequence[bool], bins: int = 10
) -> tuple[float, list[Bin]]:
    """Expected calibration error and the reliability table (non-empty bins only)."""
    table, ece = [], 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        members = [(c, ok) for c, ok in zip(confidences, correct, strict=True)
                   if low <= c < high or (b == bins - 1 and c == high)]  # fmt: skip
        if not members:
            continue
        confidence = sum(c for c, _ in members) / len(members)
        accuracy = sum(ok for _, ok in members) / len(members)
        ece += len(members) / len(confidences) * abs(accuracy - confidence)
        table.append(Bin(low, high, len(members), confidence, accuracy))
    return ece, table


def _gold_labels(task: str, gold: Sequence[str]) -> list[str]:
    cleaned = [g.strip() for g in gold]
    if task == "polarity":
        cleaned = [_ALIASES.get(g.lower(), g.lower()) for g in cleaned]
        allowed: Sequence[str] = LABELS
    elif task == "kind":
        allowed = KINDS
    elif task == "intent":
        allowed = INTENTS
    elif set(cleaned) & set(EMOTIONS):  # other emotion names are scored as misses
        return cleaned
    else:
        raise InputError(
            f"labels {sorted(set(cleaned))[:5]} name no emotion crmsense predicts; use "
            f"{', '.join(EMOTIONS)} (or is --task wrong?)",
            code="E110",
        )
    unknown = sorted(set(cleaned) - set(allowed))
    if unknown:
        raise InputError(
            f"labels {unknown[:5]} are not {task} labels; use {', '.join(allowed)}", code="E110"
        )
    return cleaned


def _prediction(task: str, analysis: Analysis, gold_set: set[str]) -> tuple[str, float | None]:
    """The predicted label for ``task`` and its confidence (None: no probability)."""
    if task == "polarity":
        probs = analysis.probabilities
        if gold_set <= {"negative", "positive"}:
            neg, pos = probs["negative"], probs["positive"]
            label = "negative" if neg >= pos else "positive"
            return label, _ratio(max(neg, pos), neg + pos) or 0.5
        return analysis.label, probs[analysis.label]
    if task == "emotion":
        names = [e for e in analysis.emotions if e in gold_set] or list(analysis.emotions)
        best = max(names, key=lambda e: analysis.emotions[e])
        strength = analysis.emotions[best]
        if "neutral" in gold_set and strength < 0.5:
            return "neutral", 1.0 - strength
        return best, strength
    if task == "kind":
        return analysis.kind, None
    return analysis.reply_intent or "other", None


def evaluate(
    analyzer: Analyzer, texts: Sequence[str], gold: Sequence[str], *, task: str = "polarity",
    channel: str | None = None,
) -> EvalReport:  # fmt: skip
    """Analyse ``texts`` with ``analyzer`` and compare with ``gold`` for ``task``;
    ``channel`` is every text's (see :data:`~crmsense.analysis.types.CHANNELS`)."""
    if task not in TASKS:
        raise InputError(f"unknown task {task!r}; use one of {', '.join(TASKS)}", code="E111")
    if len(texts) != len(gold):
        raise InputError("texts and labels differ in length", code="E112")
    labels = _gold_labels(task, gold)
    gold_set = set(labels)
    analyzer.engine.predict(texts[:1])  # load the model before the clock starts
    started = time.perf_counter()
    analyses: list[Analysis] = []
    for start in range(0, len(texts), _CHUNK):
        chunk = texts[start : start + _CHUNK]
        analyses += analyzer.analyze([Document(t, channel=channel) for t in chunk])
    seconds = time.perf_counter() - started
    predicted = [_prediction(task, a, gold_set) for a in analyses]
    metrics = classification_metrics(labels, [p for p, _ in predicted],
                                     LABELS if task == "polarity" else ())  # fmt: skip
    ece: float | None = None
    reliability: list[Bin] = []
    confidences = [c for _, c in predicted if c is not None]
    if confidences and len(confidences) == len(predicted):
        correct = [p == g for (p, _), g in zip(predicted, labels, strict=True)]
        ece, reliability = calibration(confidences, correct)
    return EvalReport(
        task=task, engine=analyzer.engine.name, model_version=analyzer.engine.model_version,
        n=len(texts), unscored=sum(a.unscored is not None for a in analyses),
        seconds=seconds, throughput=_ratio(len(texts), seconds), metrics=metrics, ece=ece,
        reliability=reliability,
    )  # fmt: skip
