"""Splitting text into sentences with character offsets into the original text.

Rules, in order:

1. Lines: a blank line, a bullet (``-``, ``*``, ``•``, ``1.``, ``2)``) or a line that does
   not start with a lower-case letter starts a new block; a line starting lower-case
   continues a hard-wrapped line.
2. Inside a block, a run of ``.``, ``!``, ``?`` or ``…`` (``"!!!"`` and ``"?!"`` included)
   followed by white space ends a sentence, except after abbreviations: ``e.g.``, ``i.e.``,
   ``Mr.``, ``vs.`` never end one, nor ``No.`` before a number; ``etc.``, ``Inc.``,
   ``U.S.``, ``...`` only before an upper-case letter. Decimals, versions (``v2.1``),
   URLs and e-mail addresses have no white space after their dots, so they never split.
3. Sentences are trimmed (bullet markers too); pieces with no letter, digit or emoji are
   dropped; a sentence longer than ``max_chars`` is cut at white space, so nothing is ever
   truncated downstream.

>>> text = "Hi Sam, e.g. v2.1 costs $3.50 at acme.com. Wow!!! Really?! ok"
>>> [s.text for s in split_sentences(text)]
['Hi Sam, e.g. v2.1 costs $3.50 at acme.com.', 'Wow!!!', 'Really?!', 'ok']
>>> s = split_sentences("First line\\n- bullet one\\n- bullet two")[1]
>>> s.text, s.start, s.end
('bullet one', 13, 23)
"""

from __future__ import annotations

__all__ = ["Sentence", "preceding", "sentence_texts", "split_sentences", "statement_match"]

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from crmsense.text.patterns import EMOTICON


@dataclass(frozen=True, slots=True)
class Sentence:
    """``text == original[start:end]``."""

    start: int
    end: int
    text: str


_BULLET = re.compile(r"[ \t]*(?:(?:[-*•·▪►>]+|\d{1,3}[.)])[ \t]+)+")
_TERMINAL = re.compile(r"([.!?…]+)([\"'”’)\]]*)\s+")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
#: Abbreviations after which a period never ends a sentence.
_HARD = frozenset({
    "e.g", "i.e", "mr", "mrs", "ms", "dr", "prof", "vs", "cf", "approx", "incl", "esp",
    "a.k.a", "fig", "sr", "jr", "st", "ca", "ext", "tel", "viz",
})  # fmt: skip
#: Abbreviations that end a sentence only when an upper-case letter follows.
_SOFT = frozenset({
    "etc", "inc", "ltd", "co", "corp", "llc", "plc", "gmbh", "dept", "est", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue",
    "wed", "thu", "fri", "sat", "sun",
})  # fmt: skip
_INITIALS = re.compile(r"(?:[a-z]\.)+[a-z]")
_EMOTICON = re.compile(EMOTICON)


def _keeps(text: str) -> bool:
    """A sentence needs a letter, a digit, a pictograph (emoji) or an emoticon (":(": a
    customer's whole answer, which was read as empty until 2026-12-07)."""
    return any(ch.isalnum() or unicodedata.category(ch) == "So" for ch in text) or bool(
        _EMOTICON.search(text.lower())
    )


def _blocks(text: str) -> list[tuple[int, int]]:
    """(start, end) of line blocks: paragraphs, bullets and lines that start a thought."""
    blocks: list[tuple[int, int]] = []
    pos = 0
    current: tuple[int, int] | None = None
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        stripped = line.strip()
        if not stripped:
            current = None
            continue
        bullet = _BULLET.match(line)
        if bullet and bullet.end() < len(line):
            start += bullet.end()
        continues = current is not None and not bullet and stripped[0].islower()
        if continues and current is not None:
            current = (current[0], end)
            blocks[-1] = current
        else:
            current = (start, end)
            blocks.append(current)
    return blocks


def _ends_sentence(text: str, punct: str, before: int, after: int) -> bool:
    """Whether the terminal run ``punct`` (ending at ``before``) ends a sentence."""
    following = text[after] if after < len(text) else ""
    if punct != ".":
        return punct not in ("...", "…") or following.isupper()
    match = _WORD_BEFORE.search(text, max(0, before - 12), before - 1)
    word = match.group(1).lower() if match else ""
    if word in _HARD:
        return False
    if word in ("no", "nr"):  # "No. 5" but "we said no. Then"
        return not following.isdigit()
    if word in _SOFT or _INITIALS.fullmatch(word):
        return following.isupper()
    return True


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out = []
    cursor = start
    for match in _TERMINAL.finditer(text, start, end):
        if _ends_sentence(text, match.group(1), match.end(1), match.end()):
            out.append((cursor, match.end(2)))
            cursor = match.end()
    out.append((cursor, end))
    return out


def _chunks(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    out = []
    while end - start > max_chars:
        cut = text.rfind(" ", start + max_chars // 2, start + max_chars)
        cut = cut if cut > start else start + max_chars
        out.append((start, cut))
        start = cut
    out.append((start, end))
    return out


def split_sentences(text: str, *, max_chars: int = 1000) -> list[Sentence]:
    """Sentences of ``text`` in order, each with offsets such that ``text[start:end]``."""
    sentences = []
    for block_start, block_end in _blocks(text):
        for piece_start, piece_end in _pieces(text, block_start, block_end):
            for lo, hi in _chunks(text, piece_start, piece_end, max_chars):
                while lo < hi and text[lo].isspace():
                    lo += 1
                while hi > lo and text[hi - 1].isspace():
                    hi -= 1
                if _keeps(text[lo:hi]):
                    sentences.append(Sentence(lo, hi, text[lo:hi]))
    return sentences


def sentence_texts(text: str) -> list[str]:
    """The sentences of ``text`` as strings: what the analyzer's correction patterns
    (negation, sarcasm, resolution, routine requests, defection) read, split as the
    analyzer splits, so "Ms. Achterberg" or "you vs. Zendesk" stays one sentence.

    >>> sentence_texts("We compared you vs. Zendesk. Thanks!")
    ['We compared you vs. Zendesk.', 'Thanks!']
    """
    return [sentence.text for sentence in split_sentences(text)]


def preceding(text: str, match: re.Match[str], chars: int) -> str:
    """Up to ``chars`` characters of ``text`` just before ``match``: the window the
    corrections search for a negation or a hedge before what they found (bounded, so the
    search stays linear on huge text).

    >>> preceding("we will not escalate", re.search("escalate", "we will not escalate"), 8)
    'ill not '
    """
    return text[max(0, match.start() - chars) : match.start()]


def statement_match(
    text: str, pattern: re.Pattern[str], keep: Callable[[str, re.Match[str]], bool]
) -> tuple[int, int] | None:
    """Where in ``text`` the first match of ``pattern`` (which reads lower-cased text) lies
    in a sentence that asks nothing and ``keep(sentence, match)`` accepts it (the lower-cased
    sentence: say, no negation just before the match); ``None`` if nowhere. The shared
    search of the threat and price-objection corrections.

    >>> statement_match("Can we talk? We will escalate.", re.compile(r"escalate"),
    ...                 lambda sentence, match: True)
    (21, 29)
    """
    for sentence in split_sentences(text):
        lowered = sentence.text.lower()
        if "?" in lowered:  # "Can I speak to your manager about the partner programme?"
            continue
        for match in pattern.finditer(lowered):
            if keep(lowered, match):
                return sentence.start + match.start(), sentence.start + match.end()
    return None
