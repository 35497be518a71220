"""rules.v1 against VADER on held-out sets, and texts/s for both.

    .venv/bin/python benchmarks/bench_rules.py

Sets (none of them read when the rule lexicons were built): SST-2 dev (accuracy; binary,
so neutral is ignored: negative vs positive probability, VADER's compound ≥ 0), TweetEval
sentiment val (macro-recall), airline customer tweets dev (accuracy), GoEmotions group dev
(accuracy; 'ambiguous' dropped, rows left with one label), Financial PhraseBank not-all-agree
(accuracy), SemEval-2014 laptop and restaurant review sentences whose aspect terms agree
(accuracy; :func:`benchmarks.bench_aspects.review_sentences`). 3-class VADER uses compound
thresholds ±0.05. Every row also gives macro-F1, and the expected calibration error of
rules.v1's top-label probability (3-class sets). Speed: short messages (the airline and
TweetEval texts, ~20 words), one process, the fastest of five passes in CPU time (both
engines produce their full output: rules.v1 its probabilities, emotions and evidence).
"""

from __future__ import annotations

import csv
import math
import time
from collections.abc import Callable, Sequence

from benchmarks._data import DATASETS, table
from benchmarks.bench_aspects import review_sentences
from crmsense.analysis.evaluate import classification_metrics
from crmsense.analysis.rules.engine import RuleEngine
from crmsense.analysis.types import LABELS

Classifier = Callable[[Sequence[str]], list[str]]


def _csv(path: str) -> list[tuple[str, str]]:
    with (DATASETS / path).open(encoding="utf-8", newline="") as f:
        return [(row["text"], row["label"]) for row in csv.DictReader(f)]


def _goemotions_group_dev() -> list[tuple[str, str]]:
    names = (DATASETS / "goemotions/group/labels.txt").read_text(encoding="utf-8").split()
    rows = []
    with (DATASETS / "goemotions/group/dev.tsv").open(encoding="utf-8") as f:
        for line in f:
            text, ids, _ = line.rstrip("\n").split("\t")
            found = {names[int(i)] for i in ids.split(",")} - {"ambiguous"}
            if len(found) == 1:
                rows.append((text, found.pop()))
    return rows


SETS: list[tuple[str, str, Callable[[], list[tuple[str, str]]]]] = [
    ("sst2-dev", "accuracy", lambda: _csv("sst2/dev.csv")),
    ("tweeteval-sentiment-val", "macro_recall", lambda: _csv("tweeteval-sentiment/val.csv")),
    ("airline-dev", "accuracy", lambda: _csv("airline-sentiment/dev.csv")),
    ("goemotions-group-dev", "accuracy", _goemotions_group_dev),
    ("financial-phrasebank", "accuracy", lambda: _csv("financial-phrasebank/dev_not_allagree.csv")),
    ("semeval14-review-sentences", "accuracy", lambda: list(review_sentences())),
]


def rules_classifier(binary: bool) -> Classifier:
    engine = RuleEngine()

    def classify(texts: Sequence[str]) -> list[str]:
        out = []
        for p in engine.predict(texts):
            if binary:
                out.append("positive" if p.probs[2] >= p.probs[0] else "negative")
            else:
                out.append(LABELS[p.probs.index(max(p.probs))])
        return out

    return classify


def vader_classifier(binary: bool) -> Classifier:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()

    def classify(texts: Sequence[str]) -> list[str]:
        out = []
        for text in texts:
            c = analyzer.polarity_scores(text)["compound"]
            if binary:
                out.append("positive" if c >= 0 else "negative")
            else:
                out.append("positive" if c >= 0.05 else "negative" if c <= -0.05 else "neutral")
        return out

    return classify


def expected_calibration_error(
    gold: Sequence[str], probs: Sequence[tuple[float, float, float]], bins: int = 10
) -> float:
    """ECE of the top label's probability over equal-width bins (3-class sets).

    >>> round(expected_calibration_error(["positive", "negative"], [(0, .2, .8), (0, .3, .7)]), 4)
    0.45
    """
    totals = [[0.0, 0.0, 0] for _ in range(bins)]  # confidence sum, correct, count
    for g, p in zip(gold, probs, strict=True):
        confidence = max(p)
        cell = totals[min(int(confidence * bins), bins - 1)]
        cell[0] += confidence
        cell[1] += LABELS[p.index(confidence)] == g
        cell[2] += 1
    return sum(abs(c - r) for c, r, n in totals if n) / len(gold)


def _throughput(classifiers: Sequence[Classifier], texts: Sequence[str]) -> list[float]:
    """Texts/s per classifier on one core: the fastest of five passes, taken in turn and
    timed in this process's CPU time, so other load on the machine does not distort it."""
    best = [math.inf] * len(classifiers)
    for _ in range(5):
        for k, classify in enumerate(classifiers):
            start = time.process_time()
            classify(texts)
            best[k] = min(best[k], time.process_time() - start)
    return [len(texts) / b for b in best]


def run() -> list[dict[str, object]]:
    """One row per set (metric for rules.v1 and VADER) plus a throughput row."""
    rows: list[dict[str, object]] = []
    short: list[str] = []
    for name, metric, load in SETS:
        data = load()
        texts, gold = [t for t, _ in data], [g for _, g in data]
        binary = name.startswith("sst2")
        ours = classification_metrics(gold, rules_classifier(binary)(texts)).headline()
        theirs = classification_metrics(gold, vader_classifier(binary)(texts)).headline()
        probs = [p.probs for p in RuleEngine().predict(texts)]
        ece = "" if binary else round(expected_calibration_error(gold, probs), 4)
        rows.append({
            "set": name, "n": len(texts), "metric": metric,
            "rules.v1": ours[metric], "vader": theirs[metric],
            "rules.v1 macro-f1": ours["macro_f1"],
            "vader macro-f1": theirs["macro_f1"], "rules.v1 ECE": ece,
        })  # fmt: skip
        if name.startswith(("airline", "tweeteval")):
            short.extend(texts)
    ours_s, theirs_s = _throughput([rules_classifier(False), vader_classifier(False)], short)
    words = sum(len(t.split()) for t in short) / len(short)
    rows.append({
        "set": f"speed, short messages (~{words:.0f} words)", "n": len(short),
        "metric": "texts/s", "rules.v1": round(ours_s), "vader": round(theirs_s),
        "rules.v1 macro-f1": "", "vader macro-f1": "", "rules.v1 ECE": "",
    })  # fmt: skip
    return rows


def main() -> None:
    print(table(run()))


if __name__ == "__main__":
    main()
