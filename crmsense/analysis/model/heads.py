"""Numpy heads on top of the pooled sentence embedding: run, fit and calibrate.

Everything here is plain numpy so that domain tuning (``crmsense train --data``) works
without torch or scikit-learn.

>>> head = LinearHead(np.eye(3, 2), np.zeros(3))
>>> softmax(head.logits(np.array([[2.0, 0.0]]))).round(2).tolist()
[[0.79, 0.11, 0.11]]
"""

from __future__ import annotations

__all__ = [
    "ComplaintBias",
    "Heads",
    "LinearHead",
    "fit_complaint_bias",
    "fit_softmax",
    "fit_temperature",
    "fit_thresholds",
    "sigmoid",
    "softmax",
    "stratified_folds",
    "stratified_split",
]

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from crmsense.errors import ModelError

Array = NDArray[np.float64]
ClassLabel = TypeVar("ClassLabel", str, int)


@dataclass(frozen=True)
class LinearHead:
    """``logits = x @ weight.T + bias``; ``weight`` is (classes, dim)."""

    weight: Array
    bias: Array

    def logits(self, x: NDArray[np.floating]) -> Array:
        return np.asarray(x, dtype=np.float64) @ self.weight.T + self.bias


def softmax(logits: Array, temperature: float = 1.0) -> Array:
    """Row-wise softmax of ``logits / temperature``.

    >>> softmax(np.array([[0.0, 0.0]])).tolist()
    [[0.5, 0.5]]
    """
    z = logits / temperature
    z = np.exp(z - z.max(axis=1, keepdims=True))
    return np.asarray(z / z.sum(axis=1, keepdims=True))


def sigmoid(x: Array) -> Array:
    """Numerically stable logistic function.

    >>> sigmoid(np.array([0.0])).tolist()
    [0.5]
    """
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * x)))


@dataclass(frozen=True)
class Heads:
    """The shipped heads: 3-class polarity (negative, neutral, positive), 28 GoEmotions,
    and (optional, calibrated softmax) message kind and reply intent.

    ``thresholds`` are the per-emotion decision thresholds that maximise F1 on held-out
    data (the polarity temperature lives in ``config.json``; the kind and intent
    temperatures are folded into their weights).
    """

    polarity: LinearHead
    emotions: LinearHead
    thresholds: Array
    kind: LinearHead | None = None
    intent: LinearHead | None = None

    def save(self, path: Path) -> None:
        heads = {"polarity": self.polarity, "emotions": self.emotions, "kind": self.kind,
                 "intent": self.intent}  # fmt: skip
        arrays = {"thresholds": self.thresholds.astype(np.float32)}
        for name, head in heads.items():
            if head is not None:
                arrays[f"{name}_weight"] = head.weight.astype(np.float32)
                arrays[f"{name}_bias"] = head.bias.astype(np.float32)
        np.savez(path, **arrays)  # type: ignore[arg-type]

    @classmethod
    def load(cls, path: Path) -> Heads:
        with np.load(path) as data:
            arrays = {k: np.asarray(data[k], dtype=np.float64) for k in data.files}

        def head(name: str) -> LinearHead | None:
            if f"{name}_weight" not in arrays:
                return None
            return LinearHead(arrays[f"{name}_weight"], arrays[f"{name}_bias"])

        polarity, emotions = head("polarity"), head("emotions")
        if polarity is None or emotions is None:
            raise ModelError(f"{path} lacks the polarity or emotion head; rebuild the model "
                             "with `crmsense train`", code="E302")  # fmt: skip
        return cls(polarity=polarity, emotions=emotions, thresholds=arrays["thresholds"],
                   kind=head("kind"), intent=head("intent"))  # fmt: skip


def fit_softmax(
    x: NDArray[np.floating],
    y: NDArray[np.integer],
    prior: LinearHead,
    *,
    l2: float = 1e-2,
    iterations: int = 500,
) -> LinearHead:
    """Multinomial logistic regression, L2-regularised towards ``prior`` (a warm start).

    Full-batch Nesterov gradient descent with the step set from the Lipschitz bound, so
    the result is deterministic. Pulling towards the prior (rather than towards zero)
    keeps classes the new data lacks working as before.
    """
    x = np.asarray(x, dtype=np.float64)
    classes = prior.weight.shape[0]
    onehot = np.eye(classes)[np.asarray(y)]
    n = len(x)
    xb = np.hstack([x, np.ones((n, 1))])
    w0 = np.hstack([prior.weight, prior.bias[:, None]])
    lipschitz = 0.5 * _top_eigenvalue(xb.T @ xb / n) + l2
    step = 1.0 / lipschitz
    w, velocity = w0.copy(), w0.copy()
    for t in range(1, iterations + 1):
        grad = (softmax(xb @ velocity.T) - onehot).T @ xb / n
        grad += l2 * (velocity - w0)
        w_next = velocity - step * grad
        velocity = w_next + (t - 1) / (t + 2) * (w_next - w)
        w = w_next
    return LinearHead(w[:, :-1], w[:, -1])


def _top_eigenvalue(matrix: Array, iterations: int = 50) -> float:
    vector = np.ones(matrix.shape[0]) / np.sqrt(matrix.shape[0])
    for _ in range(iterations):
        vector = matrix @ vector
        vector /= np.linalg.norm(vector)
    return float(vector @ matrix @ vector)


def stratified_split(
    labels: Sequence[ClassLabel], holdout: float, seed: int
) -> tuple[list[int], list[int]]:
    """Stratified (fit, held-out) row indices, the same for the same seed: a ``holdout``
    share of each class (at least one row) is held out, but a class keeps at least one
    row to fit on.

    >>> stratified_split(["a", "b", "b", "b", "b", "b", "c", "c"], 0.2, 13)
    ([0, 1, 3, 4, 5, 6], [2, 7])
    """
    rng = random.Random(seed)
    fit: list[int] = []
    held: list[int] = []
    for label in sorted(set(labels)):
        rows = [i for i, y in enumerate(labels) if y == label]
        rng.shuffle(rows)
        cut = min(max(1, round(len(rows) * holdout)), len(rows) - 1)
        held += rows[:cut]
        fit += rows[cut:]
    return sorted(fit), sorted(held)


def stratified_folds(labels: Sequence[ClassLabel], folds: int, seed: int) -> list[int]:
    """The fold (0 … ``folds`` - 1) of each row, the same for the same seed: each class is
    shuffled and dealt round the folds, so every fold holds its share of every class.

    >>> stratified_folds(["a", "b", "b", "b", "b", "b", "c", "c"], 2, 13)
    [0, 1, 0, 0, 0, 1, 1, 0]
    """
    rng = random.Random(seed)
    fold = [0] * len(labels)
    for label in sorted(set(labels)):
        rows = [i for i, y in enumerate(labels) if y == label]
        rng.shuffle(rows)
        for position, i in enumerate(rows):
            fold[i] = position % folds
    return fold


def fit_temperature(logits: Array, y: NDArray[np.integer]) -> float:
    """The softmax temperature that minimises held-out negative log-likelihood.

    >>> logits = np.array([[4.0, 0.0], [4.0, 0.0], [0.0, 4.0], [4.0, 0.0]])
    >>> 1.0 < fit_temperature(logits, np.array([0, 1, 1, 0])) < 10.0
    True
    """
    rows = np.arange(len(y))

    def nll(log_t: float) -> float:
        return float(-np.log(softmax(logits, float(np.exp(log_t)))[rows, y] + 1e-12).mean())

    lo, hi = np.log(0.05), np.log(20.0)
    ratio = (np.sqrt(5.0) - 1) / 2
    for _ in range(60):  # golden-section search on log T
        a, b = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
        if nll(a) < nll(b):
            hi = b
        else:
            lo = a
    return float(np.exp((lo + hi) / 2))


@dataclass(frozen=True)
class ComplaintBias:
    """How the polarity logits (negative, neutral, positive) lean towards *negative* for
    short complaints, which a network trained on reviews and tweets reads as neutral.

    ``negative`` is added to the negative logit; ``neutral_per_lean`` times the text's
    negative lean (``softmax`` of its negative and positive logits, the neutral one left
    out) is taken off the neutral logit. The second lowers the bar between neutral and
    negative only for texts that lean negative, and leaves the choice between negative and
    positive to the network, which a flat negative offset does not (on SST-2 dev, +3.0 on
    the negative logit turned 2.6 % of the sentences from positive to negative).

    >>> bias = ComplaintBias(negative=0.0, neutral_per_lean=4.0)
    >>> bias.apply(np.array([[1.0, 2.0, -1.0], [-1.0, 2.0, 1.0]])).round(2).tolist()
    [[1.0, -1.52, -1.0], [-1.0, 1.52, 1.0]]
    >>> ComplaintBias().apply(np.array([[1.0, 2.0, -1.0]])).tolist()
    [[1.0, 2.0, -1.0]]
    """

    negative: float = 0.0
    neutral_per_lean: float = 0.0

    def apply(self, logits: Array) -> Array:
        """The biased logits (a new array; ``logits`` is not changed)."""
        polar = logits[:, [0, 2]]
        lean = softmax(polar)[:, 0]
        out = np.array(logits, dtype=np.float64)
        out[:, 0] += self.negative
        out[:, 1] -= self.neutral_per_lean * lean
        return out


def fit_complaint_bias(
    logits: Array, truth: NDArray[np.bool_],
    negative: Array | None = None, neutral_per_lean: Array | None = None,
) -> ComplaintBias:  # fmt: skip
    """The :class:`ComplaintBias` on the grid that makes "argmax is negative" agree best
    with ``truth`` (balanced accuracy; the first, i.e. the smallest, of tied settings).

    >>> logits = np.array([[0.0, 1.0, -1.0], [0.0, 0.5, -2.0], [0.0, 2.0, 1.0], [0.0, 0.0, 1.0]])
    >>> fit_complaint_bias(logits, np.array([True, True, False, False]))
    ComplaintBias(negative=0.0, neutral_per_lean=1.5)
    """
    negative = np.arange(0.0, 4.01, 0.25) if negative is None else negative
    neutral_per_lean = np.arange(0.0, 8.01, 0.25) if neutral_per_lean is None else neutral_per_lean
    best, best_score = ComplaintBias(), -1.0
    for a in negative:
        for b in neutral_per_lean:
            bias = ComplaintBias(float(a), float(b))
            hit = bias.apply(logits).argmax(1) == 0
            score = hit[truth].mean() + (~hit[~truth]).mean()
            if score > best_score + 1e-12:
                best, best_score = bias, score
    return best


def fit_thresholds(probs: Array, targets: NDArray[np.integer]) -> Array:
    """Per-class probability thresholds that maximise F1 on held-out multi-label data.

    >>> probs = np.array([[0.9], [0.4], [0.3], [0.1]])
    >>> fit_thresholds(probs, np.array([[1], [1], [0], [0]])).round(2).tolist()
    [0.35]
    """
    grid = np.linspace(0.02, 0.9, 45)
    best = np.full(probs.shape[1], 0.5)
    for k in range(probs.shape[1]):
        truth = targets[:, k].astype(bool)
        if not truth.any():
            continue
        predicted = probs[:, k][None, :] >= grid[:, None]
        tp = (predicted & truth).sum(1)
        f1 = 2 * tp / (predicted.sum(1) + truth.sum())
        top = np.flatnonzero(f1 == f1.max())
        best[k] = (grid[top[0]] + grid[top[-1]]) / 2
    return best
