"""Combining sentence predictions into one reading of a clause, segment or document.

The rule, used everywhere a part becomes a whole: each part gets the weight
``sqrt(words) * (0.1 + |score|)``, so longer and more intense sentences count more and a
strongly worded complaint is not averaged away by the neutral pleasantries around it.

- probabilities and score: the weighted mean of the parts';
- emotions: the maximum over the parts (one furious sentence makes a furious e-mail).

Mixed messages stay visible: the parts keep their own labels.

>>> neg = Prediction((0.9, 0.08, 0.02), -0.8, {"anger": 0.7})
>>> neu = Prediction((0.05, 0.9, 0.05), 0.0, {"anger": 0.1})
>>> whole = aggregate([(12, neg), (12, neu)])
>>> label_of(whole.probs), round(whole.score, 2), whole.emotions["anger"]
('negative', -0.72, 0.7)
"""

from __future__ import annotations

__all__ = ["aggregate", "label_of", "strongest", "weight", "word_count"]

import math
from collections.abc import Iterable, Sequence

from crmsense.analysis.types import LABELS, Label, Prediction


def word_count(text: str) -> int:
    """Words in ``text`` (at least 1, so emoji-only text still counts)."""
    return max(1, len(text.split()))


def weight(words: int, prediction: Prediction) -> float:
    """How much a part of ``words`` words counts towards the whole."""
    return math.sqrt(words) * (0.1 + abs(prediction.score))


def label_of(probs: Sequence[float]) -> Label:
    """The label with the highest probability (ties go to neutral, then negative)."""
    order = (1, 0, 2)
    best = max(order, key=lambda i: probs[i])
    return LABELS[best]


def aggregate(parts: Sequence[tuple[int, Prediction]]) -> Prediction:
    """One prediction for ``parts`` given as ``(words, prediction)``; at least one part."""
    weights = [weight(words, p) for words, p in parts]
    total = sum(weights)
    probs = tuple(
        sum(w * p.probs[i] for w, (_, p) in zip(weights, parts, strict=True)) / total
        for i in range(3)
    )
    score = sum(w * p.score for w, (_, p) in zip(weights, parts, strict=True)) / total
    return Prediction(
        probs=(probs[0], probs[1], probs[2]),
        score=max(-1.0, min(1.0, score)),
        emotions=strongest([p.emotions for _, p in parts]),
    )


def strongest(readings: Iterable[dict[str, float]]) -> dict[str, float]:
    """Each emotion at its strongest over ``readings``.

    >>> strongest([{"anger": 0.2, "urgency": 0.9}, {"anger": 0.7}])
    {'anger': 0.7, 'urgency': 0.9}
    """
    out: dict[str, float] = {}
    for reading in readings:
        for name, value in reading.items():
            out[name] = max(value, out.get(name, 0.0))
    return out
