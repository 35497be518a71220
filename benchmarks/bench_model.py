"""model.v1 accuracy, speed and memory, with rules.v1, VADER and an unoptimised baseline.

Targets (issue 3): SST-2 dev acc ≥ 0.90, TweetEval-sentiment val macro-recall ≥ 0.70
(on the held-out half of val: the other half trains ``model.v1``, see
:func:`crmsense.analysis.model.train.tweeteval_sentiment_split`), airline dev acc ≥ 0.83,
GoEmotions dev macro-F1 (27 emotions) ≥ 0.46; ≥ 1,000 short messages/s on 2 cores;
RSS ≤ 600 MB with the model loaded; 2,000-word e-mails unclipped.
"int8 products" says which onnxruntime kernel the encoder runs on this CPU: uint8 × int8
with VNNI, else uint8 × uint8, exact but 10–20 % slower than the saturating uint8 × int8
kernel there (:mod:`crmsense.analysis.model.int8`).
"short msgs/s" is the engine alone; "crmsense.analyze msgs/s" is the whole analysis (each
sentence and, for short multi-sentence messages, the whole message are read by the model).
"verbatims_acc" is the accuracy on 90 held-out survey and support verbatims written for
crmsense (``tests/fixtures/analysis/verbatims_heldout.tsv``, 30 per class; no target): the
plain product praise and feedback of NPS and CSAT comments. "customer_acc" is the accuracy on
1,577 held-out messages from customers to companies written for crmsense
(``tests/fixtures/analysis/customer_messages_heldout.tsv``: consumer services, retail and
delivery, B2B software, and hard cases; about a third per class; no target).
"reviews_acc" is the accuracy on the 2,903 SemEval-2014 laptop and restaurant review
sentences whose aspect terms agree (:func:`benchmarks.bench_aspects.review_sentences`;
evaluation only, no target): the nearest public text to product feedback.
The "crmsense.analyze" row reads the same sets through the whole analysis (sentences,
roll-up and the Analyzer's corrections: sarcasm, negation, polite complaints, …) with the
analysis's published probabilities; the targets are the engine's.

    python -m benchmarks model
    python benchmarks/bench_model.py
    CRMSENSE_BENCH_DATASETS=/path/to/datasets python -m benchmarks model
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from benchmarks._data import DATASETS, Row, table
from benchmarks.bench_aspects import review_sentences
from crmsense.analysis.analyzer import Analyzer
from crmsense.analysis.evaluate import classification_metrics
from crmsense.analysis.model.engine import EMOTION_MAP, GOEMOTIONS, ModelEngine
from crmsense.analysis.model.int8 import saturating_cpu
from crmsense.analysis.types import LABELS, Document

SHORT_MESSAGES = 2000
LONG_WORDS = 2000
RUNS = 5  # timed runs per speed figure
FIXTURES = Path(__file__).resolve().parents[1] / "tests/fixtures/analysis"
VERBATIMS = FIXTURES / "verbatims_heldout.tsv"
CUSTOMER = FIXTURES / "customer_messages_heldout.tsv"
Scorer = Callable[[Sequence[str]], np.ndarray]


def _csv(path: Path, delimiter: str = ",") -> tuple[list[str], np.ndarray]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=delimiter))
    return [r["text"] for r in rows], np.array([LABELS.index(r["label"]) for r in rows])


def _goemotions_dev() -> tuple[list[str], np.ndarray]:
    texts, truth = [], []
    with (DATASETS / "goemotions" / "original" / "dev.tsv").open(encoding="utf-8") as fh:
        for line in fh:
            text, ids, _ = line.rstrip("\n").split("\t")
            texts.append(text)
            row = np.zeros(len(GOEMOTIONS), dtype=bool)
            row[[int(i) for i in ids.split(",")]] = True
            truth.append(row)
    return texts, np.array(truth)


def _tweeteval_held_out() -> tuple[list[str], np.ndarray]:
    """The held-out half of TweetEval-sentiment val; the other half trains ``model.v1``."""
    from crmsense.analysis.model.train import tweeteval_sentiment_split

    held_out = tweeteval_sentiment_split(DATASETS)[1]
    return [e.text for e in held_out], np.array([e.polarity for e in held_out])


def expected_calibration_error(probs: np.ndarray, gold: np.ndarray, bins: int = 10) -> float:
    """Gap between confidence and accuracy, averaged over equal-width confidence bins."""
    confidence, right = probs.max(1), probs.argmax(1) == gold
    edges = np.minimum((confidence * bins).astype(int), bins - 1)
    return float(
        sum(
            abs(confidence[edges == b].mean() - right[edges == b].mean()) * (edges == b).mean()
            for b in range(bins)
            if (edges == b).any()
        )
    )


def _figures(predicted: np.ndarray, gold: np.ndarray) -> dict[str, float]:
    """Accuracy, macro-F1 and macro-recall of label ids (``LABELS`` order)."""
    return classification_metrics([LABELS[k] for k in gold], [LABELS[k] for k in predicted],
                                  LABELS).headline()  # fmt: skip


def _polarity_scores(name: str, scorer: Scorer) -> Row:
    """One table row: the polarity benchmarks for one scorer ((n, 3) probabilities)."""
    sst_texts, sst_gold = _csv(DATASETS / "sst2" / "dev.csv")
    probs = scorer(sst_texts)
    sst_pred = np.where(probs[:, 2] >= probs[:, 0], 2, 0)
    row: Row = {"engine": name, "sst2_acc": _figures(sst_pred, sst_gold)["accuracy"]}
    for key, data, metric in (
        ("tweeteval_recall", _tweeteval_held_out, "macro_recall"),
        ("airline_acc", lambda: _csv(DATASETS / "airline-sentiment" / "dev.csv"), "accuracy"),
    ):
        texts, gold = data()
        probs = scorer(texts)
        row[key] = _figures(probs.argmax(1), gold)[metric]
        row[key.split("_")[0] + "_ece"] = round(expected_calibration_error(probs, gold), 3)
    for key, path in (("verbatims_acc", VERBATIMS), ("customer_acc", CUSTOMER)):
        texts, gold = _csv(path, "\t")
        row[key] = _figures(scorer(texts).argmax(1), gold)["accuracy"]
    reviews = list(review_sentences())
    gold = np.array([LABELS.index(label) for _, label in reviews])
    row["reviews_acc"] = _figures(scorer([t for t, _ in reviews]).argmax(1), gold)["accuracy"]
    return row


def _engine_scorer(engine: object) -> Scorer:
    def score(texts: Sequence[str]) -> np.ndarray:
        return np.array([p.probs for p in engine.predict(texts)])  # type: ignore[attr-defined]

    return score


def _analysis_scorer(engine: object) -> Scorer:
    """The whole analysis (``crmsense.analyze``: sentences, roll-up and corrections) over
    ``engine``: each text's published probabilities."""

    def score(texts: Sequence[str]) -> np.ndarray:
        analyses = Analyzer(engine).analyze([Document(text) for text in texts])  # type: ignore[arg-type]
        return np.array([[a.probabilities[label] for label in LABELS] for a in analyses])

    return score


def _vader_scorer() -> Scorer | None:
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        return None
    vader = SentimentIntensityAnalyzer()

    def score(texts: Sequence[str]) -> np.ndarray:
        compound = np.array([vader.polarity_scores(t)["compound"] for t in texts])
        labels = np.where(compound >= 0.05, 2, np.where(compound <= -0.05, 0, 1))
        return np.eye(3)[labels]

    return score


def _rules_engine() -> object | None:
    from crmsense.analysis.engines import ENGINES
    from crmsense.errors import CrmsenseError

    try:
        return ENGINES.get("rules.v1")()
    except (ImportError, CrmsenseError):
        return None


def goemotions_macro_f1(engine: ModelEngine) -> float:
    """GoEmotions dev macro-F1 over the 27 emotions (neutral excluded), shipped thresholds."""
    texts, truth = _goemotions_dev()
    decided = engine.goemotions(engine.embed(texts)) >= engine.heads.thresholds
    f1s = [_f1(decided[:, k], truth[:, k]) for k in range(len(GOEMOTIONS) - 1)]
    return round(float(np.mean(f1s)), 4)


def _f1(said: np.ndarray, gold: np.ndarray) -> float:
    """F1 of boolean decisions against boolean truth (0 when neither has a positive)."""
    return 2 * float((said & gold).sum()) / max(float(said.sum() + gold.sum()), 1.0)


def crm_emotion_f1(engine: object) -> Row:
    """F1 of each crmsense emotion (present at ≥ 0.5) on GoEmotions dev, gold being any of
    the GoEmotions labels it maps from (``EMOTION_MAP``; urgency has none), and their mean."""
    texts, truth = _goemotions_dev()
    predictions = engine.predict(texts)  # type: ignore[attr-defined]
    row: Row = {}
    for name, labels in EMOTION_MAP.items():
        if not labels:
            continue
        gold = np.asarray(truth[:, [GOEMOTIONS.index(label) for label in labels]].any(1))
        said = np.array([p.emotions[name] >= 0.5 for p in predictions])
        row[name] = round(_f1(said, gold), 3)
    row["macro"] = round(float(np.mean(list(row.values()))), 3)
    return row


def batch_dependence(engine_dir: Path | None = None, count: int = 1000) -> float:
    """Share of airline-dev labels that change when each text is scored alone instead of
    in batches with its neighbours (a deterministic engine: 0)."""
    texts, _ = _csv(DATASETS / "airline-sentiment" / "dev.csv")
    texts = texts[:count]
    batched = ModelEngine(engine_dir)
    alone = ModelEngine(engine_dir)
    together = batched.polarity(batched.embed(texts)).argmax(1)
    single = np.array([alone.polarity(alone.embed([t]))[0].argmax() for t in texts])
    return round(float((together != single).mean()), 4)


def short_messages() -> list[str]:
    """Unique customer messages of 15–25 words (airline dev; ~20 words, ~33 tokens)."""
    texts, _ = _csv(DATASETS / "airline-sentiment" / "dev.csv")
    return list(dict.fromkeys(t for t in texts if 15 <= len(t.split()) <= 25))[:SHORT_MESSAGES]


def long_email(words: int = LONG_WORDS) -> str:
    """A ~2,000-word e-mail made of SST-2 dev sentences."""
    texts, _ = _csv(DATASETS / "sst2" / "dev.csv")
    out: list[str] = []
    for text in texts:
        out += text.split()
        if len(out) >= words:
            break
    return " ".join(out[:words])


def _per_second(count: int, action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return count / (time.perf_counter() - started)


def _rates(
    count: int, prepare: Callable[[], Callable[[], object]], runs: int = RUNS
) -> list[float]:
    """``count`` / seconds of ``runs`` actions, each made by ``prepare`` (untimed: a fresh
    engine, so every run starts with a cold cache), sorted."""
    return sorted(_per_second(count, prepare()) for _ in range(runs))


def _spread(rates: Sequence[float], digits: int = 0) -> str:
    """The median and the range of ``rates``: single runs on shared cores vary by ±20 %."""
    low, mid, high = (
        round(x, digits or None) for x in (rates[0], float(np.median(rates)), rates[-1])
    )
    return f"{mid} ({low}–{high})"


def _baseline_per_second(texts: Sequence[str]) -> float | None:
    """fp32 torch MiniLM, one text at a time (what sentence-transformers' encode loop does)."""
    try:
        import torch
    except ImportError:
        return None
    from tokenizers import Tokenizer

    from crmsense.analysis.model.minilm import load_encoder
    from crmsense.analysis.model.train import base_model_dir

    torch.set_num_threads(2)
    encoder = load_encoder(base_model_dir() / "model.safetensors").eval()
    tokenizer = Tokenizer.from_file(str(base_model_dir() / "tokenizer.json"))

    def encode_all() -> None:
        with torch.no_grad():
            for text in texts:
                ids = tokenizer.encode(text).ids
                encoder(torch.tensor([ids]), torch.ones((1, len(ids)), dtype=torch.long))

    return _per_second(len(texts), encode_all)


def run() -> tuple[Row, list[Row], list[Row]]:
    """The speed/memory row of model.v1 (measured first: resident memory with one engine
    that has read the short messages and the long e-mail, then each speed figure as the
    median of :data:`RUNS` runs by fresh engines), the polarity accuracy rows and the
    crmsense-emotion rows (one per engine)."""
    import psutil

    short = short_messages()
    email = long_email()

    def fresh_engine() -> ModelEngine:
        engine = ModelEngine()
        engine.predict(["warm up"])  # load the session; the texts timed are new to it
        return engine

    def short_run() -> Callable[[], object]:
        engine = fresh_engine()
        return lambda: engine.predict(short)

    def email_run() -> Callable[[], object]:
        engine = fresh_engine()
        return lambda: [engine.predict([f"{email} ({i})"]) for i in range(3)]

    def analyzer_run() -> Callable[[], object]:
        analyzer, docs = Analyzer(fresh_engine()), [Document(text) for text in short]
        return lambda: analyzer.analyze(docs)

    engine = fresh_engine()
    engine.predict([*short, email])
    rss = psutil.Process().memory_info().rss / 2**20  # before other engines come and go
    cached_rate = _per_second(len(short), lambda: engine.predict(short))
    short_rates = _rates(len(short), short_run)
    long_rates = _rates(3, email_run)
    analyzer_rates = _rates(len(short), analyzer_run)
    short_rate = float(np.median(short_rates))
    vader = _vader_scorer()
    vader_rate = _per_second(len(short), lambda: vader(short)) if vader else None
    baseline = _baseline_per_second(short[:300])
    speed: Row = {
        "engine": f"model.v1 speed ({engine.model_version})",
        "int8 products": "u8×u8, no VNNI" if saturating_cpu() else "u8×s8",
        f"short msgs/s, median of {RUNS}": _spread(short_rates),
        "cached msgs/s": round(cached_rate),
        "2000-word emails/s": _spread(long_rates, 1),
        "crmsense.analyze msgs/s": _spread(analyzer_rates),
        "labels batch-dependent": batch_dependence(),
        "RSS MB": round(rss),
        "vs fp32 one-by-one": f"{short_rate / baseline:.1f}x" if baseline else "not installed",
        "vs VADER": f"{short_rate / vader_rate:.2f}x" if vader_rate else "not installed",
    }  # fmt: skip
    name = f"model.v1 ({engine.model_version})"
    model_row = _polarity_scores(name, _engine_scorer(engine))
    accuracy = [{**model_row, "goemotions_f1": goemotions_macro_f1(engine)},
                _polarity_scores(f"crmsense.analyze ({engine.model_version})",
                                 _analysis_scorer(engine))]  # fmt: skip
    emotions = [{"engine": name, **crm_emotion_f1(engine)}]
    rules = _rules_engine()
    if rules is None:
        accuracy.append({"engine": "rules.v1: n/a"})
    else:
        accuracy.append(_polarity_scores("rules.v1", _engine_scorer(rules)))
        emotions.append({"engine": "rules.v1", **crm_emotion_f1(rules)})
    accuracy.append(_polarity_scores("VADER", vader) if vader else {"engine": "VADER: n/a"})
    return speed, accuracy, emotions


def main() -> None:
    speed, accuracy, emotions = run()
    print(table([speed]))
    print()
    target: Row = {"engine": "target", "sst2_acc": 0.90, "tweeteval_recall": 0.70,
                   "airline_acc": 0.83, "goemotions_f1": 0.46}  # fmt: skip
    print(table([*accuracy, target]))
    print("\ncrmsense emotions on GoEmotions dev (F1, present at >= 0.5; gold: mapped labels)")
    print(table(emotions))


if __name__ == "__main__":
    main()
