"""Evaluation metrics and calibration, checked against hand-computed figures."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import pytest

from crmsense.analysis.analyzer import Analyzer
from crmsense.analysis.evaluate import calibration, classification_metrics, evaluate
from crmsense.analysis.types import Prediction
from crmsense.errors import InputError


class TableEngine:
    """Answers from a fixed table: text → (probs, emotions)."""

    name: ClassVar[str] = "table.test"
    model_version = "t-1"

    def __init__(self, table: dict[str, tuple[tuple[float, float, float], dict[str, float]]]):
        self.table = table

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        out = []
        for text in texts:
            probs, emotions = self.table[text]
            out.append(Prediction(probs, probs[2] - probs[0], emotions))
        return out


TABLE = {
    "Great support, thanks!": ((0.05, 0.15, 0.8), {"satisfaction": 0.9, "anger": 0.05}),
    "Export is broken.": ((0.7, 0.2, 0.1), {"frustration": 0.8, "anger": 0.6}),
    "Invoice attached.": ((0.1, 0.8, 0.1), {"satisfaction": 0.1, "anger": 0.05}),
    "Meh, it is okay I guess.": ((0.38, 0.24, 0.38), {"satisfaction": 0.3, "anger": 0.2}),
    "We are furious.": ((0.6, 0.3, 0.1), {"anger": 0.95, "frustration": 0.7}),
}


@pytest.fixture
def analyzer() -> Analyzer:
    return Analyzer(TableEngine(TABLE))


def test_classification_metrics_by_hand() -> None:
    gold = ["neg", "neg", "neg", "pos", "pos", "neu"]
    pred = ["neg", "neg", "pos", "pos", "neu", "neu"]
    m = classification_metrics(gold, pred, ("neg", "neu", "pos"))
    assert m.labels == ["neg", "neu", "pos"]
    assert m.confusion == [[2, 0, 1], [0, 1, 0], [0, 1, 1]]
    assert m.accuracy == pytest.approx(4 / 6)
    assert m.per_class["neg"].precision == 1.0 and m.per_class["neg"].recall == pytest.approx(2 / 3)
    assert m.per_class["neu"].precision == 0.5 and m.per_class["neu"].support == 1
    assert m.per_class["pos"].f1 == pytest.approx(0.5)
    assert m.macro_recall == pytest.approx((2 / 3 + 1 + 0.5) / 3)
    assert m.macro_f1 == pytest.approx((0.8 + 2 / 3 + 0.5) / 3)


def test_labels_only_predicted_count_in_macro_figures() -> None:
    m = classification_metrics(["a", "a"], ["a", "b"])
    assert m.labels == ["a", "b"] and m.per_class["b"].support == 0
    assert m.macro_recall == pytest.approx(0.5 * (0.5 + 0.0))


def test_calibration_error_and_reliability_table() -> None:
    ece, table = calibration([0.95, 0.95, 0.55, 0.55, 1.0], [True, True, True, False, True])
    assert ece == pytest.approx(0.2 * 0.05 * 2 + 0.4 * 0.05 + 0.2 * 0.0)
    assert [(b.low, b.count, b.accuracy) for b in table] == [(0.5, 2, 0.5), (0.9, 3, 1.0)]
    perfect, _ = calibration([0.75] * 4, [True, True, True, False])
    assert perfect == pytest.approx(0.0)


def test_polarity_three_class(analyzer: Analyzer) -> None:
    texts = ["Great support, thanks!", "Export is broken.", "Invoice attached.",
             "Meh, it is okay I guess.", ""]  # fmt: skip
    gold = ["positive", "NEG", "neutral", "positive", "neutral"]
    report = evaluate(analyzer, texts, gold, task="polarity")
    m = report.metrics
    assert m.labels == ["negative", "neutral", "positive"]
    assert m.confusion == [[1, 0, 0], [0, 2, 0], [0, 1, 1]], "unscored texts count as neutral"
    assert report.unscored == 2 and report.n == 5
    assert report.throughput > 0 and report.ece is not None
    assert sum(b.count for b in report.reliability) == 5
    assert report.to_dict()["metrics"]["accuracy"] == pytest.approx(0.8)


def test_polarity_binary_gold_compares_negative_with_positive(analyzer: Analyzer) -> None:
    report = evaluate(analyzer, ["Invoice attached.", "Export is broken."],
                      ["positive", "negative"], task="polarity")  # fmt: skip
    assert report.metrics.labels == ["negative", "positive"]
    assert report.metrics.accuracy == 0.5, "a tie goes to negative"
    assert report.reliability[0].confidence == pytest.approx(0.5)


def test_emotion_task(analyzer: Analyzer) -> None:
    texts = ["We are furious.", "Great support, thanks!", "Invoice attached."]
    report = evaluate(analyzer, texts, ["anger", "joy", "neutral"], task="emotion")
    assert report.metrics.confusion == [[1, 0, 0], [0, 0, 1], [0, 0, 1]]
    assert report.ece is not None


def test_kind_and_intent_tasks(analyzer: Analyzer) -> None:
    texts = ["Invoice attached.", "Export is broken."]
    kind = evaluate(analyzer, texts, ["transactional", "conversational"], task="kind")
    assert kind.metrics.accuracy == 1.0 and kind.ece is None and kind.reliability == []
    intent = evaluate(analyzer, texts, ["other", "objection"], task="intent")
    assert intent.metrics.confusion == [[0, 1], [0, 1]]


@pytest.mark.parametrize(
    ("task", "gold", "match"),
    [("polarity", ["great"], "not polarity labels"), ("kind", ["email"], "not kind labels"),
     ("emotion", ["positive"], "name no emotion crmsense predicts"),
     ("sarcasm", ["x"], "unknown task")],
)  # fmt: skip
def test_bad_labels_and_tasks(analyzer: Analyzer, task: str, gold: list[str], match: str) -> None:
    with pytest.raises(InputError, match=match):
        evaluate(analyzer, ["Invoice attached."], gold, task=task)
    with pytest.raises(InputError, match="differ in length"):
        evaluate(analyzer, ["Invoice attached."], [], task="polarity")
