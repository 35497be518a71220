"""``model.v1``: crmsense's own fine-tuned MiniLM, run with onnxruntime + tokenizers only.

A model directory holds ``model.onnx`` (the int8 encoder; output: the mean-pooled sentence
embedding), ``tokenizer.json``, ``heads.npz`` (numpy polarity, GoEmotions, message-kind and
reply-intent heads) and
``config.json`` (version, calibration temperature, training summary). The shipped one is
``crmsense/analysis/model/data``; ``crmsense train --data …`` writes tuned ones, loaded with
``Settings.model_dir`` (``CRMSENSE_MODEL_DIR``) or ``ModelEngine(model_dir)``.

Texts longer than one 128-token window are split into windows whose embeddings are averaged
(weighted by tokens), so nothing is truncated. Nothing is loaded until first use.
"""

from __future__ import annotations

__all__ = [
    "BLENDED_EMOTIONS",
    "EMOTION_MAP",
    "GOEMOTIONS",
    "MODEL_FILES",
    "ModelConfig",
    "ModelEngine",
    "OnnxEncoder",
    "default_model_dir",
    "strip_handles",
    "without_laughter",
    "write_config",
]

import json
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from crmsense.analysis.model.heads import ComplaintBias, Heads, LinearHead, sigmoid, softmax
from crmsense.analysis.model.int8 import saturating_cpu, unsigned_weights
from crmsense.analysis.rules.engine import RuleEngine
from crmsense.analysis.types import (
    EMOTION_MAP,
    EMOTIONS,
    INTENTS,
    KINDS,
    LABELS,
    Evidence,
    Prediction,
)
from crmsense.errors import ModelError

GOEMOTIONS: tuple[str, ...] = (
    "admiration", "amusement", "anger", "annoyance", "approval", "caring", "confusion",
    "curiosity", "desire", "disappointment", "disapproval", "disgust", "embarrassment",
    "excitement", "fear", "gratitude", "grief", "joy", "love", "nervousness", "optimism",
    "pride", "realization", "relief", "remorse", "sadness", "surprise", "neutral",
)  # fmt: skip
_LEXICAL_EMOTIONS = tuple(name for name, labels in EMOTION_MAP.items() if not labels)
BLENDED_EMOTIONS = ("frustration", "anger", "confusion")
"""Emotions read by the network and the rule lexicon together (noisy-or): the lexicon knows
CRM phrases ("still waiting", "third time I've asked") the network never saw. Chosen on the
training mix's held-out GoEmotions rows, where blending raised these three and lowered the
others' F1 (``python -m benchmarks model`` reports the mapped figures on GoEmotions dev)."""
MODEL_VERSION = "minilm-l6-crm.7"
_RULE_EMOTIONS = _LEXICAL_EMOTIONS + BLENDED_EMOTIONS
MODEL_FILES = ("model.onnx", "tokenizer.json", "heads.npz", "config.json")
MAX_TOKENS = 128
TOKEN_BUDGET = 384  # tokens per onnxruntime call: small batches stay in cache
CACHE_SIZE = 8192
SLOW_FUSIONS = ("SkipLayerNormFusion",)
"""onnxruntime graph fusions left off: its fused ``SkipLayerNormalization`` kernel took
0.7 ms where the plain ``Add`` + ``LayerNormalization`` it replaces take 0.16 ms (12 × 32
tokens, one thread, onnxruntime 1.32), about a tenth of the whole network's time; left
off, the engine ran 12.8 % faster (interleaved, 2026-12-04) and the embeddings moved by
≤ 0.005. An unknown name is ignored, so other onnxruntime versions are safe."""


_HANDLES_AND_LINKS = re.compile(r"https?://\S+|www\.\S+|(?<![\w.])@\w+")


def strip_handles(text: str) -> str:
    """Drop @handles and links, which carry no sentiment but teach shortcuts (training and
    scoring both apply this).

    >>> strip_handles("@AcmeAir my bag is lost https://t.co/x - mail jo@example.com")
    'my bag is lost - mail jo@example.com'
    """
    return " ".join(_HANDLES_AND_LINKS.sub(" ", text).split())


_LAUGHTER = re.compile(
    r"(?<![\w'’])(?:lol+|lmf?ao+|rofl|lulz?|(?:ha){2,}h?|(?:he){2,}|(?:ja){2,})(?![\w'’])",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]{2}")


def without_laughter(text: str) -> str:
    """Drop chat laughter ("lol", "haha", "lmao") from a text that says something besides.

    The network learnt laughter from tweets, where it mostly comes with good news, and
    read it as praise even beside a complaint ("lol the dashboard is broken again" +0.49,
    "haha the export crashed again" +0.44); in a complaint it is sardonic, in good news
    the rest of the text says so. Laughter alone is kept. ``model.v1`` reads polarity and
    emotions without it when scoring (the network was trained with it, and the kind and
    intent heads, for which laughter marks a person writing informally, keep it). Measured
    through the whole analysis (2026-12-07): airline dev 0.7502 → 0.7522, TweetEval's
    held-out half 0.6702 → 0.6723; SST-2, reviews, verbatims and customer messages
    unchanged.

    >>> without_laughter("lol the dashboard is broken again")
    'the dashboard is broken again'
    >>> without_laughter("Haha")
    'Haha'
    """
    rest = " ".join(_LAUGHTER.sub(" ", text).split())
    return rest if _WORD.search(rest) else text


def default_model_dir() -> Path:
    """The model shipped inside the package."""
    return Path(__file__).parent / "data"


def _check_dir(directory: Path, files: Sequence[str] = MODEL_FILES) -> Path:
    missing = [name for name in files if not (directory / name).is_file()]
    if missing:
        shipped = directory.resolve() == default_model_dir().resolve()
        fix = (
            "reinstall crmsense, or rebuild it with `crmsense train`"
            if shipped
            else "point --model-dir / CRMSENSE_MODEL_DIR at a directory written by "
            "`crmsense train --data …`"
        )
        raise ModelError(
            f"model directory {directory} lacks {', '.join(missing)}; {fix}", code="E301"
        )
    return directory


@dataclass(frozen=True)
class ModelConfig:
    """``config.json`` of a model directory."""

    model_version: str
    temperature: float
    training: dict[str, Any]
    complaint_bias: ComplaintBias = field(default_factory=ComplaintBias)
    """Applied to the polarity logits before the temperature (none in directories written
    before ``crm.7``, whose offset is in the head's bias)."""

    @classmethod
    def read(cls, directory: Path) -> ModelConfig:
        try:
            raw = json.loads((_check_dir(directory) / "config.json").read_text(encoding="utf-8"))
            bias = ComplaintBias(**raw.get("complaint_bias", {}))
            return cls(raw["model_version"], float(raw["temperature"]), raw.get("training", {}),
                       bias)  # fmt: skip
        except (ValueError, KeyError, TypeError) as exc:
            raise ModelError(
                f"{directory / 'config.json'} is unreadable ({exc}); rebuild the model "
                "with `crmsense train`",
                code="E302",
            ) from exc


def write_config(
    directory: Path, *, model_version: str, temperature: float, training: dict[str, Any],
    complaint_bias: ComplaintBias,
) -> None:  # fmt: skip
    """Write ``config.json`` (the counterpart of :meth:`ModelConfig.read`)."""
    config = {
        "name": "model.v1",
        "model_version": model_version,
        "temperature": temperature,
        "complaint_bias": asdict(complaint_bias),
        "labels": list(LABELS),
        "goemotions": list(GOEMOTIONS),
        "emotion_map": {k: list(v) for k, v in EMOTION_MAP.items()},
        "max_tokens": MAX_TOKENS,
        "training": training,
    }
    (directory / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")


class OnnxEncoder:
    """Texts → mean-pooled embeddings (float32, one row per text).

    Windows of ≤ 128 tokens are sorted by length and run in small batches (dynamic
    padding); embeddings of repeated texts come from a bounded cache. Each batch runs on
    one thread and ``threads`` batches (default: the cores, at most 8) run at once on one
    shared session. On 2 cores, interleaved in one process against one two-threaded run
    per batch (whose threads wait on each other after every small operator), that scored
    short messages 4–10 % faster and whole analyses 24 % faster. Every batch is computed
    alone, so the result does not depend on the thread count. On x86 CPUs without VNNI the
    int8 weights are loaded as uint8, so that the products are exact there too and the
    readings the same as on every other CPU (:mod:`~crmsense.analysis.model.int8`).
    """

    def __init__(self, directory: Path, *, threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        directory = _check_dir(directory, ("model.onnx", "tokenizer.json"))
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        try:
            model = (directory / "model.onnx").read_bytes()
            self._session = ort.InferenceSession(
                unsigned_weights(model) if saturating_cpu() else model,
                options,
                providers=["CPUExecutionProvider"],
                disabled_optimizers=list(SLOW_FUSIONS),
            )
            self._tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        except Exception as exc:  # onnxruntime and tokenizers raise their own types
            raise ModelError(
                f"cannot load the model in {directory}: {exc}; rebuild it with `crmsense train`",
                code="E303",
            ) from exc
        self._tokenizer.no_truncation()
        self._tokenizer.no_padding()
        cls, sep = self._tokenizer.token_to_id("[CLS]"), self._tokenizer.token_to_id("[SEP]")
        if cls is None or sep is None:
            raise ModelError(f"{directory / 'tokenizer.json'} lacks [CLS]/[SEP]", code="E303")
        self._cls, self._sep = cls, sep
        self.dim = int(self._session.get_outputs()[0].shape[-1])
        self.threads = threads or min(os.cpu_count() or 1, 8)
        self._pool: tuple[int, ThreadPoolExecutor] | None = None  # (owning pid, pool)
        self._pool_lock = threading.Lock()  # requests share an engine: one pool, not two
        self._cache: OrderedDict[str, NDArray[np.float32]] = OrderedDict()

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        todo: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            hit = self._cache.get(text)
            if hit is None:
                todo.setdefault(text, []).append(i)
            else:
                out[i] = hit
        if todo:
            fresh = self._embed_uncached(list(todo))
            for (text, rows), vector in zip(todo.items(), fresh, strict=True):
                out[rows] = vector
                self._cache[text] = vector
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return out

    def _embed_uncached(self, texts: list[str]) -> NDArray[np.float32]:
        width = MAX_TOKENS - 2
        windows: list[tuple[int, list[int]]] = []
        clean = [strip_handles(text) for text in texts]
        for i, encoding in enumerate(self._tokenizer.encode_batch(clean, add_special_tokens=False)):
            ids = encoding.ids
            windows += [
                (i, [self._cls, *ids[start : start + width], self._sep])
                for start in range(0, max(len(ids), 1), width)
            ]
        tokens = sum(len(ids) for _, ids in windows)  # a small call still uses every thread
        budget = min(TOKEN_BUDGET, -(-tokens // self.threads))
        batches = _batches(sorted(windows, key=lambda window: len(window[1])), budget)
        sums = np.zeros((len(texts), self.dim), dtype=np.float64)
        weights = np.zeros(len(texts), dtype=np.float64)
        for batch, pooled in zip(batches, self._run(batches), strict=True):
            for row, (text, ids) in enumerate(batch):
                sums[text] += pooled[row] * len(ids)
                weights[text] += len(ids)
        return (sums / weights[:, None]).astype(np.float32)

    def _run(self, batches: list[list[tuple[int, list[int]]]]) -> list[NDArray[np.float32]]:
        """Pooled embeddings of each batch's windows; up to ``threads`` batches at once."""
        if len(batches) == 1 or self.threads == 1:
            return [self._infer(batch) for batch in batches]
        with self._pool_lock:
            if self._pool is None or self._pool[0] != os.getpid():  # threads die with a fork
                self._pool = (os.getpid(), ThreadPoolExecutor(self.threads, "crmsense-encoder"))
            pool = self._pool[1]
        return list(pool.map(self._infer, batches))

    def _infer(self, batch: list[tuple[int, list[int]]]) -> NDArray[np.float32]:
        length = max(len(ids) for _, ids in batch)
        input_ids = np.zeros((len(batch), length), dtype=np.int64)
        mask = np.zeros((len(batch), length), dtype=np.int64)
        for row, (_, ids) in enumerate(batch):
            input_ids[row, : len(ids)] = ids
            mask[row, : len(ids)] = 1
        (pooled,) = self._session.run(None, {"input_ids": input_ids, "attention_mask": mask})
        return np.asarray(pooled, dtype=np.float32)


def _batches(
    windows: list[tuple[int, list[int]]], budget: int
) -> list[list[tuple[int, list[int]]]]:
    """Consecutive runs of length-sorted ``windows`` holding at most ``budget`` tokens once
    padded (a longer window is a batch of its own)."""
    out: list[list[tuple[int, list[int]]]] = []
    for window in windows:
        if out and (len(out[-1]) + 1) * len(window[1]) <= budget:
            out[-1].append(window)
        else:
            out.append([window])
    return out


class ModelEngine:
    """The default engine: polarity (calibrated), crmsense emotions, message kind and reply
    intent (when the directory has those heads). Urgency and word-level evidence come from
    the rule engine's lexicon (see :func:`_agreeing`), which also reads
    :data:`BLENDED_EMOTIONS` together with the network. Emoji are ``[UNK]`` in the
    network's vocabulary, so the polarity of a text is the mixture of the network's and the
    lexicon's readings, the lexicon's weight being the emoji share of its words and emoji
    ("👍" alone is the lexicon's reading, "still broken 😡" a third of it; on the 135
    airline-dev tweets with emoji, accuracy 0.674 → 0.704). Mixing the emotions alike
    lowered their F1 on GoEmotions dev's emoji texts, so they stay the network's.

    ``model_dir`` defaults to ``Settings.model_dir``, then to the shipped model. Loading the
    ONNX session waits for the first prediction.
    """

    name: ClassVar[str] = "model.v1"

    def __init__(self, model_dir: Path | None = None, *, threads: int | None = None) -> None:
        if model_dir is None:
            from crmsense.settings import get_settings

            model_dir = get_settings().model_dir or default_model_dir()
        self.model_dir = Path(model_dir)
        self.config = ModelConfig.read(self.model_dir)
        self.model_version = self.config.model_version
        self._threads = threads
        self._encoder: OnnxEncoder | None = None
        self._heads: Heads | None = None
        self._rules: RuleEngine | None = None
        self._load_lock = threading.Lock()  # concurrent first requests load the model once

    @property
    def encoder(self) -> OnnxEncoder:
        if self._encoder is None:
            with self._load_lock:
                if self._encoder is None:
                    self._encoder = OnnxEncoder(self.model_dir, threads=self._threads)
        return self._encoder

    @property
    def heads(self) -> Heads:
        if self._heads is None:
            with self._load_lock:
                if self._heads is None:
                    self._heads = Heads.load(self.model_dir / "heads.npz")
        return self._heads

    @property
    def rules(self) -> RuleEngine:
        """The rule engine, for the emotions without public training data (urgency) and
        word-level evidence."""
        if self._rules is None:
            self._rules = RuleEngine()
        return self._rules

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Pooled sentence embeddings, one row per text."""
        return self.encoder.embed(texts)

    def polarity(self, embeddings: NDArray[np.float32]) -> NDArray[np.float64]:
        """Calibrated (negative, neutral, positive) probabilities of embedded texts."""
        logits = self.config.complaint_bias.apply(self.heads.polarity.logits(embeddings))
        return softmax(logits, self.config.temperature)

    def goemotions(self, embeddings: NDArray[np.float32]) -> NDArray[np.float64]:
        """The 28 raw GoEmotions probabilities (columns in :data:`GOEMOTIONS` order)."""
        return sigmoid(self.heads.emotions.logits(embeddings))

    def _without_laughter(
        self, texts: Sequence[str], embeddings: NDArray[np.float32]
    ) -> NDArray[np.float32]:
        """``embeddings`` with those of texts that laugh beside other words replaced by the
        embeddings of the texts without the laughter (:func:`without_laughter`), for the
        polarity and emotion heads; the kind and intent heads keep the laughter, a sign of
        a person writing informally, as they were fitted."""
        laughing: dict[int, str] = {}
        for i, text in enumerate(texts):
            if _LAUGHTER.search(text):  # most texts: no handles to strip
                handled = strip_handles(text)
                if (plain := without_laughter(handled)) != handled:
                    laughing[i] = plain
        if not laughing:
            return embeddings
        read = embeddings.copy()
        read[list(laughing)] = self.embed(list(laughing.values()))
        return read

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """One :class:`Prediction` per text, in order; deterministic."""
        if not texts:
            return []
        embeddings = self.embed(texts)
        read = self._without_laughter(texts, embeddings)
        probs = self.polarity(read)
        emotions = _crm_emotions(self.goemotions(read))
        kinds = _task_probs(self.heads.kind, embeddings, KINDS)
        intents = _task_probs(self.heads.intent, embeddings, INTENTS)
        rules = self.rules
        out = []
        for i, (text, p) in enumerate(zip(texts, probs, strict=True)):
            trace = rules.trace(text)
            # emoji are [UNK] to the network: the lexicon reads them; and a text of emoticons
            # alone (":)" read +0.10, neutral), which the network has too few tokens to read
            unread = trace.emoji_share or float(not trace.words and bool(trace.weights))
            if unread:
                p = (1.0 - unread) * p + unread * np.array(rules.probabilities(trace))
            scores = {name: float(emotions[i, k]) for k, name in enumerate(EMOTIONS)}
            lexical = rules.emotions(trace, _RULE_EMOTIONS)
            for name in BLENDED_EMOTIONS:
                scores[name] = 1.0 - (1.0 - scores[name]) * (1.0 - lexical.pop(name))
            scores |= lexical
            score = float(np.clip(p[2] - p[0], -1.0, 1.0))
            evidence = _agreeing(rules.evidence(text, trace), score)
            out.append(Prediction(probs=(float(p[0]), float(p[1]), float(p[2])), score=score,
                                  emotions=scores, evidence=evidence,
                                  kind=kinds[i] if kinds else None,
                                  intent=intents[i] if intents else None))  # fmt: skip
        return out


def _agreeing(spans: Sequence[Evidence], score: float) -> list[Evidence]:
    """The rule lexicon's spans that push the way the model reads the text, rescaled to
    share the model's score: word-level evidence for a model that has none of its own.
    None agree: no spans, and the Analyzer cites the whole sentence."""
    agree = [e for e in spans if e.weight * score > 0]
    total = sum(abs(e.weight) for e in agree)
    return [Evidence(e.start, e.end, e.text, e.weight / total * abs(score)) for e in agree]


def _task_probs(
    head: LinearHead | None, embeddings: NDArray[np.float32], classes: Sequence[str]
) -> list[dict[str, float]]:
    """Per text, class → probability from a calibrated softmax head (none: no head)."""
    if head is None:
        return []
    return [
        {name: float(p) for name, p in zip(classes, row, strict=True)}
        for row in softmax(head.logits(embeddings))
    ]


def _crm_emotions(goemotions: NDArray[np.float64]) -> NDArray[np.float64]:
    """Columns in :data:`EMOTIONS` order, each the noisy-or of its GoEmotions labels."""
    out = np.zeros((len(goemotions), len(EMOTIONS)))
    for k, name in enumerate(EMOTIONS):
        columns = [GOEMOTIONS.index(label) for label in EMOTION_MAP[name]]
        if columns:
            out[:, k] = 1.0 - np.prod(1.0 - goemotions[:, columns], axis=1)
    return out
