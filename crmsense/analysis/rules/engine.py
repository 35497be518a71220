"""``rules.v1``: a lexicon scorer that explains every score token by token.

How a text is scored (all weights on the −4…4 valence scale of the lexicons):

1. One regex pass splits it into words, emoji, emoticons and punctuation (URLs, e-mail
   addresses and @mentions are skipped). The longest lexicon phrase wins at each token.
2. Each sentiment term contributes its valence, changed by what precedes it: a negator
   (not, no, never, n't, without, nothing, hardly, lack of) within three words ("a",
   "the", "any" … not counted) of the same clause flips it (×−0.74, or the term's own
   negated valence: "working" is neutral, "not working" −2.0); a booster or dampener
   ("very" ×1.3, "slightly" ×0.6) scales it; ALL-CAPS (in a text that is not all caps)
   and elongation ("sooo") add 30%. "but", "however", "yet", "although", "though" halve
   what came before in the sentence and weigh what follows ×1.5; a sentence-initial
   "although …," clause is the half-weight one. Up to four "!" add 8% each. Emotion
   terms add to their emotion unless negated ("not happy" adds to disappointment).
3. Each contribution is kept as :class:`Evidence` (offsets into the text, final weight),
   so ``sum(e.weight for e in evidence)`` is the raw score.
4. ``score = tanh(raw / (hits + 1) / 2)``: the mean contribution, squashed. It does not
   grow with length, so a long mixed e-mail does not saturate at ±1.
5. ``probs = softmax(W · [1, score, ln(1+pos), ln(1+neg)])`` where pos/neg are the
   summed positive and negative contributions and ``W`` (``calibration.tsv``) is a
   multinomial logistic fit on train-licensed data (see ``build.py``); emotion
   probabilities are logistic in the emotion lexicon sum and the sentiment masses.

>>> engine = RuleEngine()
>>> [p.probs.index(max(p.probs)) for p in engine.predict(["No complaints!", "It isn't working"])]
[2, 0]
>>> [e.text for e in engine.predict(["Not bad at all"])[0].evidence]
['Not bad']
"""

from __future__ import annotations

__all__ = ["RuleEngine", "Trace"]

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from crmsense.analysis.rules.lexicon import (
    EMOJI,
    NEGATION_FACTOR,
    REPEAT,
    ROLE_BOOST,
    ROLE_CONCEDE,
    ROLE_CONTRAST,
    ROLE_END,
    ROLE_NEGATE,
    ROLE_NONE,
    ROLE_PAUSE,
    TOKEN,
    Entry,
    load_lexicon,
    mask,
    normalise,
    squeeze,
)
from crmsense.analysis.types import EMOTIONS, Evidence, Prediction

_NEGATION_SCOPE = 3  # words after a negator that it can reach, not counting fillers
_FILLERS = frozenset(
    ("a", "an", "the", "any", "some", "my", "our", "your", "their", "its", "this", "that", "of",
     "single")
)  # fmt: skip
_BOOST_SCOPE = 2
_EMPHASIS = 1.3  # ALL-CAPS or elongated word
_EXCLAIM = 0.08  # per "!", up to four
_SHOUT = 1.15  # the whole text in capitals
_BEFORE_CONTRAST, _AFTER_CONTRAST = 0.5, 1.5
_SENTENCE_END = frozenset(".!?;…")  # a contrast word before these has nothing to weigh
_CAPITALS = re.compile(r"[A-Z]{2}")  # worth checking words for ALL-CAPS emphasis
_SKIN_TONES = ("\U0001f3fb", "\U0001f3ff")  # modifiers of the emoji before them, not emoji
_EMOTION_INDEX = {name: k for k, name in enumerate(EMOTIONS)}
_DISAPPOINTMENT = EMOTIONS.index("disappointment")
_CONFUSION = EMOTIONS.index("confusion")
_SATISFACTION = EMOTIONS.index("satisfaction")
_ANGER = EMOTIONS.index("anger")
_FRUSTRATION = EMOTIONS.index("frustration")


@dataclass(slots=True)
class Trace:
    """Everything the engine read in one text, before the mapping to probabilities.

    Contribution ``k`` covers ``spans[k]`` and pushed the score by ``weights[k]``;
    ``emotions`` holds the emotion lexicon sums in EMOTIONS order; ``words`` and
    ``emoji`` count those tokens in the text.
    """

    spans: list[tuple[int, int]] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    emotions: list[float] = field(default_factory=lambda: [0.0] * len(EMOTIONS))
    words: int = 0
    emoji: int = 0

    @property
    def emoji_share(self) -> float:
        """The share of the text's words and emoji that are emoji (0 with neither)."""
        return self.emoji / (self.words + self.emoji) if self.emoji else 0.0

    def summary(self) -> tuple[float, float, float]:
        """(positive mass, negative mass, score): the score is the mean contribution,
        squashed into [−1, 1], so it does not grow with the length of the text."""
        pos = neg = 0.0
        for weight in self.weights:
            if weight > 0:
                pos += weight
            else:
                neg -= weight
        score = math.tanh((pos - neg) / (len(self.weights) + 1) / 2) if self.weights else 0.0
        return pos, neg, score


class RuleEngine:
    """Fast, deterministic, explainable sentiment and emotions from shipped lexicons."""

    name: ClassVar[str] = "rules.v1"

    def __init__(self) -> None:
        self._lexicon = load_lexicon()
        self.model_version = f"rules.v1+{self._lexicon.version}"

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """One prediction per text: probabilities, score, emotions and evidence."""
        return [self._prediction(text, self.trace(text)) for text in texts]

    def _prediction(self, text: str, trace: Trace) -> Prediction:
        pos, neg, score = trace.summary()
        lp, ln = math.log1p(pos), math.log1p(neg)
        return Prediction(probs=self._probs(score, lp, ln), score=score,
                          emotions=self._emotions(trace, lp, ln),
                          evidence=self.evidence(text, trace))  # fmt: skip

    def probabilities(self, trace: Trace) -> tuple[float, float, float]:
        """The (negative, neutral, positive) probabilities of a traced text."""
        pos, neg, score = trace.summary()
        return self._probs(score, math.log1p(pos), math.log1p(neg))

    def _probs(self, score: float, lp: float, ln: float) -> tuple[float, float, float]:
        logits = [w[0] + w[1] * score + w[2] * lp + w[3] * ln for w in self._lexicon.polarity]
        top = max(logits)
        exps = [math.exp(x - top) for x in logits]
        total = exps[0] + exps[1] + exps[2]
        return exps[0] / total, exps[1] / total, exps[2] / total

    def emotions(self, trace: Trace, names: Sequence[str] = EMOTIONS) -> dict[str, float]:
        """The probabilities of the emotions ``names`` in a traced text."""
        pos, neg, _ = trace.summary()
        return self._emotions(trace, math.log1p(pos), math.log1p(neg), names)

    def _emotions(
        self, trace: Trace, lp: float, ln: float, names: Sequence[str] = EMOTIONS
    ) -> dict[str, float]:
        out = {}
        for name in names:
            k = _EMOTION_INDEX[name]
            w = self._lexicon.emotion[k]
            x = trace.emotions[k]
            out[name] = 1.0 / (1.0 + math.exp(-(w[0] + w[1] * x + w[2] * ln + w[3] * lp)))
        return out

    @staticmethod
    def evidence(text: str, trace: Trace) -> list[Evidence]:
        """Each contribution of a traced ``text`` as a span of it and its weight."""
        return [
            Evidence(start, end, text[start:end], weight)
            for (start, end), weight in zip(trace.spans, trace.weights, strict=True)
        ]

    def trace(self, text: str) -> Trace:
        """Read ``text`` token by token (see the module docstring for the rules)."""
        entries = self._lexicon.entries
        lows: list[str] = []
        spans: list[tuple[int, int]] = []
        emphasis: dict[int, float] = {}
        scan = mask(normalise(text))
        shouting = text.isupper()
        capitals = not shouting and _CAPITALS.search(text) is not None
        elongated = REPEAT.search(scan) is not None
        end = words = emoji = 0
        for low in TOKEN.findall(scan):
            start = scan.find(low, end)
            end = start + len(low)
            first = low[0]
            if first.isalnum():
                words += 1
                if capitals and end - start > 1 and text[start:end].isupper():
                    emphasis[len(lows)] = _EMPHASIS
                if elongated and low not in entries:
                    form = _unstretch(low, entries)
                    if form != low:
                        low = form
                        emphasis[len(lows)] = _EMPHASIS
            elif first in "!?.":
                low = first
            elif EMOJI.match(first) and not _SKIN_TONES[0] <= first <= _SKIN_TONES[1]:
                emoji += 1
            lows.append(low)
            spans.append((start, end))
        trace = Trace(words=words, emoji=emoji)
        self._score(trace, lows, spans, emphasis, entries)
        if trace.weights:
            exclaim = 1.0 + _EXCLAIM * min(text.count("!"), 4)
            if shouting:
                exclaim *= _SHOUT
            if exclaim != 1.0:
                trace.weights = [w * exclaim for w in trace.weights]
        if shouting and len(lows) > 2:
            trace.emotions[_ANGER] += 0.5
            trace.emotions[_FRUSTRATION] += 0.5
        questions = text.count("?")
        if questions:
            trace.emotions[_CONFUSION] += 0.3 * min(questions, 3)
        return trace

    @staticmethod
    def _score(
        trace: Trace,
        lows: list[str],
        spans: list[tuple[int, int]],
        emphasis: dict[int, float],
        entries: dict[str, Entry],
    ) -> None:
        hit_spans = trace.spans
        weights = trace.weights
        emotions = trace.emotions
        count = len(lows)
        neg_left = boost_left = 0
        neg_factor = boost = clause = 1.0
        neg_start = boost_start = 0
        # contribution indexes: where this sentence starts, the previous one, the last contrast
        sentence = previous = floor = 0
        first = True  # no word yet in this sentence
        concede = False  # in a sentence-initial "although …" clause
        i = 0
        while i < count:
            low = lows[i]
            entry = entries.get(low)
            if entry is None:
                if low.endswith("n't"):
                    neg_left, neg_factor, neg_start = _NEGATION_SCOPE, NEGATION_FACTOR, spans[i][0]
                elif low not in _FILLERS:
                    neg_left -= neg_left > 0
                    boost_left -= boost_left > 0
                first = False
                i += 1
                continue
            role = entry.role
            if role >= ROLE_PAUSE:
                neg_left = boost_left = 0
                if role == ROLE_END:
                    previous, sentence = sentence, len(weights)
                    clause, concede, first = 1.0, False, True
                elif concede:
                    clause, concede = _AFTER_CONTRAST, False
                i += 1
                continue
            nxt = i + 1
            for rest, found in entry.phrases:
                if tuple(lows[nxt : nxt + len(rest)]) == rest:
                    entry, nxt = found, nxt + len(rest)
                    role = entry.role
                    break
            if role == ROLE_BOOST and nxt < count and _is_term(lows[nxt], entries):
                boost = boost * entry.factor if boost_left else entry.factor
                if not boost_left:
                    boost_start = spans[i][0]
                boost_left = _BOOST_SCOPE
                for index, value in entry.emotions:
                    emotions[index] += value
                first = False
                i = nxt
                continue
            if role in (ROLE_CONTRAST, ROLE_CONCEDE):
                neg_left = boost_left = 0
                if nxt < count and lows[nxt] not in _SENTENCE_END:
                    if role == ROLE_CONCEDE and (first or not entry.factor):
                        clause, concede = 0.5, first
                    else:
                        base = max(previous if first else sentence, floor)
                        for k in range(base, len(weights)):
                            weights[k] *= _BEFORE_CONTRAST
                        floor, clause = len(weights), _AFTER_CONTRAST
                first = False
                i = nxt
                continue
            start, end = spans[i][0], spans[nxt - 1][1]
            negated = False
            if role == ROLE_NEGATE:
                weight = entry.valence
                neg_left, neg_factor, neg_start = _NEGATION_SCOPE, entry.factor, start
            elif neg_left and (entry.valence or entry.negated):
                weight = entry.negated * (neg_factor / NEGATION_FACTOR)
                negated, start, neg_left = True, neg_start, 0
            else:
                weight = entry.valence
                neg_left -= neg_left > 0
            if weight:
                if boost_left:
                    # "not very good" is milder than "good"; "still not working" is not
                    if negated and boost > 1 and boost_start > neg_start:
                        weight /= boost
                    else:
                        weight *= boost
                    start = min(start, boost_start)
                    boost_left = 0
                hit_spans.append((start, end))
                weights.append(weight * emphasis.get(i, 1.0) * clause)
            if negated:
                side = _DISAPPOINTMENT if entry.valence > 0 else _SATISFACTION
                emotions[side] += 0.4 * abs(entry.valence)
            else:
                for index, value in entry.emotions:
                    emotions[index] += value
            first = False
            i = nxt


def _is_term(low: str, entries: dict[str, Entry]) -> bool:
    """Whether a booster before ``low`` has something to boost."""
    entry = entries.get(low)
    if entry is None:
        return low.endswith("n't")
    return bool(entry.valence or entry.negated or entry.phrases) or (
        ROLE_NONE < entry.role < ROLE_PAUSE
    )


def _unstretch(low: str, entries: dict[str, Entry]) -> str:
    """The lexicon form of an elongated word ("gooood" → "good"), else the word itself."""
    for form in squeeze(low):
        if form in entries:
            return form
    return low
