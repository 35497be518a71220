"""Sentiment per topic on SemEval-2014 aspect terms (evaluation only, never trained on).

Each aspect term is given as a user-defined topic, exactly as ``crmsense analyze
--topic-column`` does, and ``topic_sentiment`` is compared with the annotated polarity
(3 classes; the ``seg`` split of the papers). The "whole text" column reads the same
sentences' overall label instead, which is what a tool without aspects would say; the
gap between the two is what per-topic scoping adds. "found" is the share of terms the
topic matcher located in the sentence (the rest fall back to the whole text's reading).
Published accuracy on the test splits (LCF-BERT): restaurants 0.871, laptops 0.825.

    python -m benchmarks aspects
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

from benchmarks._data import DATASETS, Row, table
from crmsense.analysis.analyzer import Analyzer
from crmsense.analysis.engines import ENGINES
from crmsense.analysis.evaluate import classification_metrics
from crmsense.analysis.types import LABELS, Document
from crmsense.errors import CrmsenseError

SETS = {"laptops": "Laptops_Train.xml.seg", "restaurants": "Restaurants_Train.xml.seg"}
XML = ("Laptop_Train_v2.xml", "Restaurants_Train_v2.xml")
POLARITY = {"-1": "negative", "0": "neutral", "1": "positive"}


def aspect_rows(name: str) -> Iterator[tuple[str, str, str]]:
    """(sentence, aspect term, gold label) of one SemEval-2014 ``seg`` file."""
    lines = (DATASETS / "semeval14-absa" / "seg" / SETS[name]).read_text(encoding="utf-8")
    parts = lines.splitlines()
    for i in range(0, len(parts) - 2, 3):
        masked, term, polarity = parts[i : i + 3]
        yield masked.replace("$T$", term), term, POLARITY[polarity.strip()]


def review_sentences() -> Iterator[tuple[str, str]]:
    """(sentence, label) of the SemEval-2014 laptop and restaurant review sentences whose
    aspect terms all carry one polarity (positive, negative or neutral; 2,903 sentences):
    product and service reviews read as whole sentences."""
    for name in XML:
        root = ET.parse(DATASETS / "semeval14-absa" / "xml" / name).getroot()
        for sentence in root.iter("sentence"):
            polarities = {term.get("polarity") for term in sentence.iter("aspectTerm")}
            if len(polarities) == 1 and (label := polarities.pop()) in LABELS:
                yield (sentence.findtext("text") or "").strip(), label


def measure(engine_name: str, name: str) -> Row:
    """Accuracy and macro-F1 of one engine's topic sentiment on one set."""
    analyzer = Analyzer(ENGINES.get(engine_name)())
    rows = list(aspect_rows(name))
    analyses = analyzer.analyze([Document(text, topics=(term,)) for text, term, _ in rows])
    gold = [label for _, _, label in rows]
    topical = [a.topic_sentiment.label if a.topic_sentiment else a.label for a in analyses]
    found = sum(any(x.aspect == term for x in a.aspects)
                for a, (_, term, _) in zip(analyses, rows, strict=True))  # fmt: skip
    per_topic = classification_metrics(gold, topical, LABELS).headline()
    whole = classification_metrics(gold, [a.label for a in analyses], LABELS).headline()
    return {
        "engine": engine_name, "set": name, "n": len(rows),
        "topic accuracy": per_topic["accuracy"], "topic macro-F1": per_topic["macro_f1"],
        "whole-text accuracy": whole["accuracy"], "found": round(found / len(rows), 3),
    }  # fmt: skip


def run() -> list[Row]:
    rows: list[Row] = []
    for engine_name in ("model.v1", "rules.v1"):
        for name in SETS:
            try:
                rows.append(measure(engine_name, name))
            except (ImportError, CrmsenseError) as exc:
                rows.append({"engine": engine_name, "set": name, "n": f"n/a: {exc}"})
    return rows


def main() -> None:
    print(table(run()))


if __name__ == "__main__":
    main()
