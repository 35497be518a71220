"""Call transcripts: segment and speaker sentiment on MELD (evaluation only, never trained on).

MELD's dialogues (TV-series scenes; dev and train files, 11,098 utterances) stand in for
call transcripts: each dialogue is analysed as one call, each utterance a segment with its
speaker. "segment" compares every segment's label with the utterance's annotated sentiment.
"speaker" compares each speaker's label in a dialogue (where they speak at least twice)
with the mean of their utterances' annotations (-1, 0, 1), read as negative below -1/3,
positive above 1/3, neutral between. Published MELD figures are for emotion, not
sentiment; this table is for comparing crmsense's engines and versions.

    python -m benchmarks calls
"""

from __future__ import annotations

import csv
from collections import defaultdict

from benchmarks._data import DATASETS, Row, table
from crmsense.analysis.analyzer import Analyzer
from crmsense.analysis.engines import ENGINES
from crmsense.analysis.evaluate import classification_metrics
from crmsense.analysis.types import LABELS, Document
from crmsense.errors import CrmsenseError

FILES = ("dev_sent_emo.csv", "train_sent_emo.csv")
Dialogue = list[tuple[str, str, str]]  # (speaker, utterance, gold label)


def dialogues() -> list[Dialogue]:
    """Every MELD dialogue in order, one (speaker, utterance, sentiment) per utterance."""
    out: list[Dialogue] = []
    for name in FILES:
        grouped: dict[str, Dialogue] = defaultdict(list)
        with (DATASETS / "meld" / name).open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if row["Utterance"].strip():
                    grouped[row["Dialogue_ID"]].append(
                        (row["Speaker"], row["Utterance"], row["Sentiment"])
                    )
        out += grouped.values()
    return out


def _speaker_gold(labels: list[str]) -> str:
    mean = sum(LABELS.index(label) - 1 for label in labels) / len(labels)
    return "negative" if mean < -1 / 3 else "positive" if mean > 1 / 3 else "neutral"


def measure(engine_name: str) -> Row:
    """Segment and speaker accuracy and macro-F1 of one engine."""
    analyzer = Analyzer(ENGINES.get(engine_name)())
    calls = dialogues()
    docs = [Document("", segments=tuple((s, "other", u) for s, u, _ in c)) for c in calls]
    gold: list[str] = []
    said: list[str] = []
    speaker_gold: list[str] = []
    speaker_said: list[str] = []
    for call, analysis in zip(calls, analyzer.analyze(docs), strict=True):
        if len(analysis.sentences) != len(call) or analysis.call is None:
            continue  # segments merged or dropped: not comparable one to one
        gold += [label for _, _, label in call]
        said += [sentence.label for sentence in analysis.sentences]
        per_speaker: dict[str, list[str]] = defaultdict(list)
        for speaker, _, label in call:
            per_speaker[speaker].append(label)
        for reading in analysis.call.speakers:
            labels = per_speaker.get(reading.speaker, [])
            if len(labels) >= 2:
                speaker_gold.append(_speaker_gold(labels))
                speaker_said.append(reading.label)
    segments = classification_metrics(gold, said, LABELS).headline()
    speakers = classification_metrics(speaker_gold, speaker_said, LABELS).headline()
    return {
        "engine": engine_name, "segments": len(gold), "segment accuracy": segments["accuracy"],
        "segment macro-F1": segments["macro_f1"], "speakers": len(speaker_gold),
        "speaker accuracy": speakers["accuracy"], "speaker macro-F1": speakers["macro_f1"],
    }  # fmt: skip


def run() -> list[Row]:
    rows: list[Row] = []
    for engine_name in ("model.v1", "rules.v1"):
        try:
            rows.append(measure(engine_name))
        except (ImportError, CrmsenseError) as exc:
            rows.append({"engine": engine_name, "segments": f"n/a: {exc}"})
    return rows


def main() -> None:
    print(table(run()))


if __name__ == "__main__":
    main()
