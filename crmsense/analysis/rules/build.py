"""Rebuild the data-derived rule files: ``general.tsv`` and ``calibration.tsv``.

    python -m crmsense.analysis.rules.build --datasets ../shared/datasets

Only train-licensed splits are read: SST-2 train, GoEmotions train (group labels for
polarity, original labels for emotions) and TweetEval-emotion train. Never an
evaluation-only set, never a dev split.

``general.tsv``: VADER's lexicon words (MIT licence, read from the ``vaderSentiment``
package, ``pip install 'crmsense[bench]'``) blended with a smoothed log-odds valence
measured on those corpora, plus data-only words that are frequent, clearly polar and
approved by hand (``_DATA_WORDS``). Terms set by hand in ``business.tsv``, ``emoji.tsv``
or ``modifiers.tsv`` are left to those files.

``calibration.tsv``: the polarity softmax and the emotion logistics, fitted by Newton's
method on the engine's own traces of the same corpora.
"""

from __future__ import annotations

__all__ = [
    "Corpus",
    "derive_general",
    "fit_calibration",
    "load_corpora",
    "main",
    "write_calibration",
    "write_general",
]

import argparse
import csv
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from crmsense.analysis.rules.lexicon import ROLE_NEGATE, load_lexicon, tokens
from crmsense.analysis.types import EMOTION_MAP, EMOTIONS, LABELS
from crmsense.errors import InputError, require_extra

DATA = Path(__file__).parent / "data"
MIN_COUNT = 15  # documents a data-only word must occur in
MIN_Z = 3.0  # and how clearly polar it must be
DATA_SHRINK = 0.6  # data-only valences count less than rated ones
VADER_WEIGHT = 0.3  # blend: this much VADER rating, the rest measured log-odds
LOG_ODDS_SCALE = 1.2  # log-odds → valence
SMOOTHING = 1.0

# GoEmotions labels behind each of our emotions, the same for both engines (emotions absent
# there keep hand weights)
EMOTION_SOURCES = {name: labels for name, labels in EMOTION_MAP.items() if labels}
URGENCY = (-3.0, 1.4, 0.2, -0.3)  # no train-licensed labels for urgency: set by hand

# Data-only words, approved by hand from the log-odds candidates: evaluative words whose
# polarity does not depend on the topic. Names, topic nouns ("product", "website",
# "fees"), movie vocabulary and words that flip in business text ("unexpected",
# "transparent", "flat") were left out.
_APPROVED = """
    abomination absurd absurdities afraid aimless aimlessly amateur amateurish arbitrary
    asshole atrocious banal banality bilked bland blandness blatant bleak bogus cheap cheesy
    choppy cringe creepy cliche cliched cliches cliché clichéd clichés clumsily clumsy
    cobbled condescending contrived corny crass crummy delusional demented depraved devoid
    devolves disposable distasteful doofus dopey dreck drivel dysfunctional exploitative
    facile false farcical flaccid flailing flimsy fluff forgettable formulaic foul fuckin
    garbage generic graceless gratuitous hackneyed hastily hideously histrionics hokey hokum
    hollow idiocy idiots immature implausible inane inappropriate inauthentic incessant
    incoherence incoherent incomprehensible inconsequential inconsistent indulgent inept
    inexplicable interminable irrelevant irreparable junk juvenile labored lackluster leaden
    leaky lifeless limitations limp listless loathsome maddeningly manipulative maudlin
    meandering mediocre mere merely misfire monotonous muddle muddled murky mushy
    nonexistent nonsensical nope overbearing overcooked overlong overwrought perfunctory
    phony plodding pointless pompous ponderous poorly preachy predictable preposterous
    pretentious puerile rambling recycled redundant refuses rehash repeatedly retread rote
    rushed scum shabby shallow shapeless shoddy shrill simplistic sloppily sloppy soggy
    sophomoric sordid soulless sour squanders stale stereotypical stiff stilted suffocating
    superficial tacky tedious tediously tepid threadbare tiresome trash tripe turd turgid
    unbearable unconvincing undercut uneven unfulfilling unfunny unimaginative uninspired
    unintentionally uninteresting unlikable unmemorable unnecessary unoriginal unrewarding
    unsatisfying unsympathetic untalented unwatchable vapid vulgar wannabe wastes whiny
    witless wooden yelling absorbing affecting amazingly aplomb appealing artful artistic
    astonishing balanced believable breakthrough breathtakingly captivating captures
    charismatic colorful consistently crafted crisp dazzling deft deftly delivers
    distinctive eloquent embraces endearing enduring engrossing enthralling evocative
    exceptional exquisite extraordinary favourite feat finely finest flair fluid freshness
    gem genuine genuinely gifted gripping handled helped impeccable imaginative immensely
    informative ingenious insightful intoxicating intriguing inventive layered likable lush
    masterful masterfully mesmerizing nuanced originality patient pertinent poignant
    polished potent profound recommendation refreshing refreshingly resonant resourceful
    riveting soulful spectacular stirring striking stylish subtle subtly sumptuous tasteful
    tender timeless timely touched touching transcends tremendous uncanny uncommonly
    undeniable undeniably unflinching unforced uplifting vivid vividly wholesome witty
    wonders wry
"""
_DATA_WORDS = frozenset(_APPROVED.split())


@dataclass(frozen=True, slots=True)
class Corpus:
    """Labelled train texts: polarity in LABELS order (−1 unknown) and emotion labels."""

    texts: list[str]
    polarity: list[int]
    emotions: list[frozenset[str]]
    source: list[str]


def load_corpora(datasets: Path) -> Corpus:
    """The train-licensed splits, with polarity labels (and GoEmotions emotions)."""
    texts: list[str] = []
    polarity: list[int] = []
    emotions: list[frozenset[str]] = []
    source: list[str] = []
    label: dict[str, int] = {name: i for i, name in enumerate(LABELS)}

    def add(text: str, pol: int, emo: frozenset[str], src: str) -> None:
        texts.append(text)
        polarity.append(pol)
        emotions.append(emo)
        source.append(src)

    try:
        for row in _csv(datasets / "sst2" / "train.csv"):
            add(row["text"], label[row["label"]], frozenset(), "sst2")
        joyful = {"joy", "optimism"}
        for row in _csv(datasets / "tweeteval-emotion" / "train.csv"):
            add(row["text"], 2 if row["label"] in joyful else 0, frozenset(), "tweeteval")
        groups = _labels(datasets / "goemotions" / "group" / "labels.txt")
        names = _labels(datasets / "goemotions" / "original" / "labels.txt")
        group_rows = _tsv(datasets / "goemotions" / "group" / "train.tsv")
        original_rows = _tsv(datasets / "goemotions" / "original" / "train.tsv")
    except OSError as exc:
        raise InputError(f"cannot read the train corpora: {exc}; pass --datasets") from exc
    for (text, group_ids), (_, ids) in zip(group_rows, original_rows, strict=True):
        found = {groups[i] for i in group_ids} - {"ambiguous"}
        pol = label[found.pop()] if len(found) == 1 else -1
        add(text, pol, frozenset(names[i] for i in ids), "goemotions")
    return Corpus(texts, polarity, emotions, source)


def _csv(path: Path) -> Iterable[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f)


def _tsv(path: Path) -> list[tuple[str, list[int]]]:
    rows = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            text, ids, _ = line.rstrip("\n").split("\t")
            rows.append((text, [int(i) for i in ids.split(",")]))
    return rows


def _labels(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split()


def _vader_lexicon() -> dict[str, float]:
    vader = require_extra("vaderSentiment", "bench")
    text = resources.files(vader).joinpath("vader_lexicon.txt").read_text(encoding="utf-8")
    lexicon: dict[str, float] = {}
    for line in text.splitlines():
        term, valence = line.split("\t")[:2]
        low = term.lower()
        if low.replace("'", "").isalpha() and tokens(low) == [low]:
            lexicon.setdefault(low, float(valence))
    return lexicon


def _hand_set() -> set[str]:
    """Terms owned by the hand-written files (and phrase heads)."""
    owned: set[str] = set()
    for name in ("business.tsv", "emoji.tsv", "modifiers.tsv"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                owned.add(line.split("\t")[0])
    return owned


def _polar_counts(corpus: Corpus) -> tuple[Counter[str], Counter[str], int, int]:
    """Per word, documents in positive and negative texts, words after a negator skipped."""
    negators = {t for t, e in load_lexicon().entries.items() if e.role == ROLE_NEGATE}
    pos: Counter[str] = Counter()
    neg: Counter[str] = Counter()
    for text, pol in zip(corpus.texts, corpus.polarity, strict=True):
        if pol not in (0, 2):
            continue
        seen = set()
        skip = 0
        for tok in tokens(text):
            if tok in negators or tok.endswith("n't"):
                skip = 3
            elif skip:
                skip -= 1
            else:
                seen.add(tok)
        (pos if pol == 2 else neg).update(seen)
    return pos, neg, corpus.polarity.count(2), corpus.polarity.count(0)


def derive_general(corpus: Corpus) -> list[tuple[str, float, str]]:
    """(word, valence, source) rows for ``general.tsv``."""
    vader = _vader_lexicon()
    owned = _hand_set()
    pos, neg, n_pos, n_neg = _polar_counts(corpus)
    rows: list[tuple[str, float, str]] = []
    for word in sorted(set(vader) | set(pos) | set(neg)):
        if word in owned:
            continue
        p, n = pos[word], neg[word]
        log_odds = math.log((p + SMOOTHING) / n_pos) - math.log((n + SMOOTHING) / n_neg)
        z = log_odds / math.sqrt(1 / (p + SMOOTHING) + 1 / (n + SMOOTHING))
        measured = max(-3.5, min(3.5, LOG_ODDS_SCALE * log_odds))
        if word in vader and p + n >= MIN_COUNT:
            valence, src = VADER_WEIGHT * vader[word] + (1 - VADER_WEIGHT) * measured, "vader+data"
        elif word in vader:
            valence, src = vader[word], "vader"
        elif word in _DATA_WORDS and p + n >= MIN_COUNT and abs(z) >= MIN_Z:
            valence, src = DATA_SHRINK * measured, "data"
        else:
            continue
        if abs(valence) >= 0.1:
            rows.append((word, round(valence, 2), src))
    return rows


def write_general(rows: Sequence[tuple[str, float, str]]) -> None:
    header = (
        "# General sentiment words: term<TAB>valence (-4..4)<TAB>source. Generated by\n"
        "# python -m crmsense.analysis.rules.build (see build.py); edit business.tsv instead.\n"
        "# vader: rating from VADER's lexicon (C.J. Hutto, vaderSentiment 3.3.2, MIT licence);\n"
        "# data: smoothed log-odds on SST-2 train, GoEmotions train, TweetEval-emotion train;\n"
        "# vader+data: a blend of both.\n"
    )
    lines = [f"{w}\t{v}\t{s}\n" for w, v, s in rows]
    (DATA / "general.tsv").write_text(header + "".join(lines), encoding="utf-8")


def _newton(x: np.ndarray, y: np.ndarray, weights: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """Softmax regression by Newton's method; class 0 is the reference (logit 0).

    ``allowed[i]`` marks the classes row ``i`` chose among: a binary-labelled row (no
    neutral option) is fitted on p(label | negative or positive), so it says nothing
    about how much neutral there is.
    """
    n, d = x.shape
    classes = allowed.shape[1]
    k = classes - 1
    beta = np.zeros((k, d))
    target = np.zeros((n, classes))
    target[np.arange(n), y] = 1.0
    for _ in range(50):
        logits = np.concatenate([np.zeros((n, 1)), x @ beta.T], axis=1)
        logits = np.where(allowed, logits, -np.inf)
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        grad = ((target[:, 1:] - p[:, 1:]) * weights[:, None]).T @ x - 1e-3 * beta
        hess = np.zeros((k * d, k * d))
        for a in range(k):
            for b in range(k):
                c = p[:, 1 + a] * ((a == b) - p[:, 1 + b]) * weights
                hess[a * d : (a + 1) * d, b * d : (b + 1) * d] = (x * c[:, None]).T @ x
        hess += 1e-3 * np.eye(k * d)
        step = np.linalg.solve(hess, grad.reshape(-1)).reshape(k, d)
        beta += step
        if np.abs(step).max() < 1e-8:
            break
    return beta


def fit_calibration(corpus: Corpus) -> list[tuple[str, str, list[float]]]:
    """Fit the polarity softmax and the emotion logistics on the engine's traces."""
    from crmsense.analysis.rules.engine import RuleEngine

    engine = RuleEngine()
    traces = [engine.trace(text) for text in corpus.texts]
    pos, neg, score = np.array([t.summary() for t in traces]).T
    ones = np.ones(len(traces))
    x = np.stack([ones, score, np.log1p(pos), np.log1p(neg)], axis=1)
    pol = np.array(corpus.polarity)
    known = pol >= 0
    # every source weighs the same in total, whatever its size, and within a source every
    # label does: probabilities are calibrated for a uniform prior over the labels
    src = np.array(corpus.source)
    weights = np.zeros(len(traces))
    for name in set(corpus.source):
        in_source = known & (src == name)
        labels = set(pol[in_source])
        for value in labels:
            rows = in_source & (pol == value)
            weights[rows] = 1.0 / rows.sum() / len(labels)
    weights *= known.sum() / weights.sum()
    order = [1, 0, 2]  # neutral is the reference class
    allowed = np.ones((len(traces), 3), dtype=bool)
    allowed[src != "goemotions", 0] = False  # SST-2 and TweetEval-emotion have no neutral
    y = np.array([order.index(v) for v in pol[known]])
    beta = _newton(x[known], y, weights[known], allowed[known])
    rows_out: list[tuple[str, str, list[float]]] = [("polarity", "neutral", [0.0] * 4)]
    for label, coef in zip(("negative", "positive"), beta, strict=True):
        rows_out.append(("polarity", label, [round(float(c), 4) for c in coef]))
    goemotions = src == "goemotions"
    for index, name in enumerate(EMOTIONS):
        if name not in EMOTION_SOURCES:
            rows_out.append(("emotion", name, list(URGENCY)))
            continue
        lex = np.array([t.emotions[index] for t in traces])
        xe = np.stack([ones, lex, np.log1p(neg), np.log1p(pos)], axis=1)[goemotions]
        labels = set(EMOTION_SOURCES[name])
        ye = np.array(
            [int(bool(e & labels)) for e, g in zip(corpus.emotions, goemotions, strict=True) if g]
        )
        coef = _newton(xe, ye, np.ones(len(ye)), np.ones((len(ye), 2), dtype=bool))[0]
        rows_out.append(("emotion", name, [round(float(c), 4) for c in coef]))
    return rows_out


def write_calibration(rows: Sequence[tuple[str, str, Sequence[float]]]) -> None:
    header = (
        "# Fitted mappings, generated by python -m crmsense.analysis.rules.build.\n"
        "# polarity<TAB>label<TAB>bias, score, ln(1+positive mass), ln(1+negative mass):\n"
        "#   probs = softmax over labels (multinomial logistic, neutral is the reference).\n"
        "# emotion<TAB>name<TAB>bias, lexicon sum, ln(1+negative mass), ln(1+positive mass):\n"
        "#   p = logistic; fitted on GoEmotions train, urgency set by hand (no labelled data).\n"
    )
    lines = ["\t".join([a, b, *(str(v) for v in vals)]) + "\n" for a, b, vals in rows]
    (DATA / "calibration.tsv").write_text(header + "".join(lines), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> None:
    """Rebuild ``general.tsv``, then fit and write ``calibration.tsv``."""
    parser = argparse.ArgumentParser(description="Rebuild the rule engine's data files.")
    parser.add_argument("--datasets", type=Path, default=Path("../shared/datasets"))
    args = parser.parse_args(argv)
    corpus = load_corpora(args.datasets)
    write_general(derive_general(corpus))
    load_lexicon.cache_clear()
    write_calibration(fit_calibration(corpus))
    load_lexicon.cache_clear()


if __name__ == "__main__":
    main()
