"""The rule engine's lexicons: TSV files shipped under ``data/``, merged into one table.

Every file is ``term<TAB>…`` with ``#`` comments; a term is one or more tokens separated
by spaces, written as :func:`tokens` would produce them (lower case, ``'`` apostrophes).
Later files override earlier ones, so ``business.tsv`` corrects ``general.tsv``:

- ``general.tsv``   term, valence (−4…4), source — general sentiment words
- ``emoji.tsv``     term, valence, description — emoji and emoticons
- ``business.tsv``  term, valence, negated valence (optional), note — CRM language
- ``modifiers.tsv`` term, role (boost, negate, contrast, concede), factor
- ``emotions.tsv``  term, emotion, weight
- ``calibration.tsv`` name, target, parameters… — fitted mappings to probabilities

A phrase without its own valence or emotions inherits the sum of its words', so adding
``how do i`` for confusion keeps every word's sentiment.

>>> lex = load_lexicon()
>>> lex.entries["unacceptable"].valence < 0 < lex.entries["seamless"].valence
True
>>> lex.entries["invoice"].valence
0.0
>>> tokens("We DON'T love it :)")
['we', "don't", 'love', 'it', ':)']
"""

from __future__ import annotations

__all__ = [
    "NEGATION_FACTOR",
    "REPEAT",
    "ROLE_BOOST",
    "ROLE_CONCEDE",
    "ROLE_CONTRAST",
    "ROLE_END",
    "ROLE_NEGATE",
    "ROLE_NONE",
    "ROLE_PAUSE",
    "SKIP",
    "TOKEN",
    "Entry",
    "Lexicon",
    "load_lexicon",
    "mask",
    "normalise",
    "squeeze",
    "tokens",
]

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from importlib import resources

from crmsense.analysis.types import EMOTIONS, LABELS
from crmsense.errors import ModelError
from crmsense.text.patterns import EMOTICON

ROLE_NONE, ROLE_BOOST, ROLE_NEGATE, ROLE_CONTRAST, ROLE_CONCEDE, ROLE_PAUSE, ROLE_END = range(7)
"""What a term does; PAUSE (, :) and END (. ! ? ; …) are punctuation."""
_ROLES = {"boost": ROLE_BOOST, "negate": ROLE_NEGATE, "contrast": ROLE_CONTRAST,
          "concede": ROLE_CONCEDE}  # fmt: skip
NEGATION_FACTOR = -0.74
"""A negated word's valence times this, unless the lexicon gives its negated valence."""

_EMOJI = (
    "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u203c\u2049\u2122\u2139\u2194-\u21aa"
    "\u231a-\u23ff"
)
TOKEN = re.compile(
    r"[^\W_]+(?:'[^\W_]+)*"  # word (digits too; a hashtag's '#' is skipped)
    rf"|{EMOTICON}"  # emoticon, lower case
    r"|[!?]+|\.\.+|[.;:,…]"  # punctuation: ends negation and booster scope
    rf"|[{_EMOJI}]"  # emoji (a variation selector after it is skipped)
)
"""Tokens of lower-cased text with ASCII apostrophes, each one a lexicon lookup."""
EMOJI = re.compile(rf"[{_EMOJI}]")
"""One emoji (or pictographic symbol) character: a token of its own."""
SKIP = re.compile(r"https?://\S+|www\.\S+|(?<![\w.+-])[\w.+-]*@\w[\w.-]*")
"""URLs, e-mail addresses and @mentions: never sentiment."""
REPEAT = re.compile(r"([^\W\d_])\1{2,}")
"""Three or more of the same letter: an elongated word ("sooo")."""


def normalise(text: str) -> str:
    """Lower case with ASCII apostrophes, every character kept at its offset.

    >>> normalise("Don’t")
    "don't"
    """
    low = text.lower()
    if len(low) != len(text):  # e.g. "İ" lower-cases to two characters
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return low.replace("’", "'") if "’" in low else low


def mask(low: str) -> str:
    """Blank out URLs, e-mail addresses and @mentions, keeping offsets.

    >>> mask("ping @ana at https://x.io now")
    'ping      at              now'
    """
    if "@" in low or "://" in low or "www." in low:
        return SKIP.sub(lambda m: " " * (m.end() - m.start()), low)
    return low


def squeeze(token: str) -> tuple[str, str]:
    """The two readings of an elongated word: letters run to two, and to one.

    >>> squeeze("soooo")
    ('soo', 'so')
    """
    return REPEAT.sub(r"\1\1", token), REPEAT.sub(r"\1", token)


def tokens(text: str) -> list[str]:
    """The normalised tokens the engine looks up (URLs, e-mails, @mentions dropped)."""
    return TOKEN.findall(mask(normalise(text)))


@dataclass(slots=True)
class Entry:
    """What one term does. ``emotions`` pairs an index into EMOTIONS with a weight;
    ``phrases`` lists the longer terms starting with this token: (rest, entry), longest
    first."""

    valence: float = 0.0
    negated: float = 0.0
    role: int = ROLE_NONE
    factor: float = 1.0
    emotions: tuple[tuple[int, float], ...] = ()
    phrases: tuple[tuple[tuple[str, ...], Entry], ...] = ()


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The merged table, one entry per token (phrases hang off their first token).

    ``polarity`` holds the softmax weights per label (bias, score, ln(1+pos), ln(1+neg));
    ``emotion`` holds per emotion (bias, lexicon weight, ln(1+negative mass),
    ln(1+positive mass)).
    """

    entries: dict[str, Entry]
    polarity: tuple[tuple[float, ...], ...]
    emotion: tuple[tuple[float, ...], ...]
    version: str


def _read(name: str, blob: bytearray, handle: Callable[[list[str]], None]) -> None:
    """Feed each row of a data file to ``handle``; a bad row is a ModelError naming it."""
    try:
        raw = resources.files("crmsense.analysis.rules").joinpath("data", name).read_bytes()
    except OSError as exc:
        raise ModelError(
            f"rule lexicon {name} is missing from the installed package; reinstall crmsense",
            code="E301",
        ) from exc
    blob.extend(raw)
    for number, line in enumerate(raw.decode("utf-8").splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            try:
                handle(line.split("\t"))
            except (IndexError, KeyError, ValueError) as exc:
                raise ModelError(
                    f"rule lexicon {name} line {number} is malformed ({exc!r}); fix it and "
                    "rerun python -m crmsense.analysis.rules.build",
                    code="E302",
                ) from exc


def _entry(table: dict[str, Entry], term: str) -> Entry:
    found = table.get(term)
    if found is None:
        found = table[term] = Entry()
    return found


@cache
def load_lexicon() -> Lexicon:
    """Read and merge the shipped data files (once per process)."""
    blob = bytearray()
    table: dict[str, Entry] = {}
    has_valence: set[str] = set()
    has_negated: set[str] = set()

    def valence(row: list[str], negated_column: bool = False) -> None:
        entry = _entry(table, row[0])
        entry.valence = float(row[1])
        has_valence.add(row[0])
        if negated_column and len(row) > 2 and row[2]:
            entry.negated = float(row[2])
            has_negated.add(row[0])

    _read("general.tsv", blob, valence)
    _read("emoji.tsv", blob, valence)
    _read("business.tsv", blob, partial(valence, negated_column=True))

    def modifier(row: list[str]) -> None:
        entry = _entry(table, row[0])
        entry.role, entry.factor = _ROLES[row[1]], float(row[2])

    _read("modifiers.tsv", blob, modifier)
    emotion_index = {name: i for i, name in enumerate(EMOTIONS)}
    emotions: dict[str, dict[int, float]] = {}

    def emotion_term(row: list[str]) -> None:
        emotions.setdefault(row[0], {})[emotion_index[row[1]]] = float(row[2])

    _read("emotions.tsv", blob, emotion_term)
    for term, weights in emotions.items():
        _entry(table, term).emotions = tuple(sorted(weights.items()))
    fitted: dict[tuple[str, str], tuple[float, ...]] = {}

    def parameters(row: list[str]) -> None:
        fitted[row[0], row[1]] = tuple(float(x) for x in row[2:6])

    _read("calibration.tsv", blob, parameters)
    for term, entry in table.items():
        if term not in has_negated:
            entry.negated = entry.valence * NEGATION_FACTOR
    for term, entry in table.items():
        if " " in term:
            _inherit(term, entry, table, term in has_valence, term in has_negated)
    phrases: dict[str, list[tuple[tuple[str, ...], Entry]]] = {}
    singles: dict[str, Entry] = {}
    for term, entry in table.items():
        first, *rest = term.split(" ")
        if rest:
            phrases.setdefault(first, []).append((tuple(rest), entry))
        else:
            singles[term] = entry
    for first, found in phrases.items():
        head = singles.get(first)
        if head is None:  # a phrase head that is no term of its own, e.g. "how" (do i)
            head = singles[first] = Entry()
            if first.endswith("n't"):
                head.role, head.factor = ROLE_NEGATE, NEGATION_FACTOR
        head.phrases = tuple(sorted(found, key=lambda p: -len(p[0])))
    for mark in ".!?;…":
        singles[mark] = Entry(role=ROLE_END)
    for mark in ",:":
        singles[mark] = Entry(role=ROLE_PAUSE)
    try:
        polarity = tuple(fitted["polarity", label] for label in LABELS)
        emotion = tuple(fitted["emotion", name] for name in EMOTIONS)
    except KeyError as exc:
        raise ModelError(
            f"calibration.tsv lacks {exc}; rerun python -m crmsense.analysis.rules.build",
            code="E302",
        ) from exc
    return Lexicon(
        entries=singles,
        polarity=polarity,
        emotion=emotion,
        version=hashlib.sha256(blob).hexdigest()[:12],
    )


def _inherit(
    term: str, entry: Entry, table: dict[str, Entry], own_valence: bool, own_negated: bool
) -> None:
    """Give a phrase the summed valence/emotions of its words where it has none of its own."""
    words = [table.get(w) for w in term.split(" ")]
    parts = [w for w in words if w is not None and w.role == ROLE_NONE]
    if not own_valence:
        entry.valence = sum(w.valence for w in parts)
        if not own_negated:
            entry.negated = sum(w.negated for w in parts)
    if not entry.emotions:
        summed: dict[int, float] = {}
        for w in parts:
            for index, weight in w.emotions:
                summed[index] = summed.get(index, 0.0) + weight
        entry.emotions = tuple(sorted(summed.items()))
