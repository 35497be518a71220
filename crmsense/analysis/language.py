"""An offline language gate: is this text English enough to score?

English-only engines are confidently wrong on other languages, so non-English text is
left unscored. Two cheap signals, no model:

1. Script: when at least half of the letters are in a non-Latin script (Han, kana,
   Hangul, Cyrillic, Greek, Arabic, Hebrew, Devanagari, Thai) the text is that language;
   a Han, kana or Hangul character counts as three letters.
2. Latin text: counts of frequent function words per language (English, German, French,
   Spanish, Portuguese, Italian, Dutch) plus a few telltale letters (ß, ñ, ç …). Another
   language wins only with at least two hits and 1.5 times the English hits; short or
   ambiguous text ("Thanks!", "ok 👍") is taken as English.

Text with no letters at all (emoji, numbers) is ``"und"`` and still scorable.

>>> detect_language("Thanks, the renewal looks good to us.")
Language(code='en', english=True)
>>> detect_language("Wir sind mit dem Support leider nicht zufrieden.")
Language(code='de', english=False)
>>> detect_language("我们对你们的服务非常不满意")
Language(code='zh', english=False)
"""

from __future__ import annotations

__all__ = ["Language", "detect_language"]

import re
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Language:
    """``code``: ISO 639-1 guess or ``"und"``; ``english``: fine for an English engine."""

    code: str
    english: bool


def _words(words: str) -> frozenset[str]:
    return frozenset(words.split())


_STOPWORDS: dict[str, frozenset[str]] = {
    "en": _words(
        "the and of to is are was were be been it this that with for you your we our they "
        "have has had not but what which would could should there their from at by or can "
        "will just about if my me i do does did an please thanks thank no as so in on a all "
        "still now up out how when get got too very more"
    ),
    "de": _words(
        "der die das und ist nicht mit sich des dem den ein eine einer auch auf für von "
        "zu wir sie ich es sind haben hat wird werden bitte danke noch nur oder aber wie "
        "bei nach uns ihr ihre unser leider sehr schon kein keine können"
    ),
    "fr": _words(
        "le la les et est une des du pour pas que qui dans sur avec nous vous je il elle "
        "sont ont mais ou très merci bonjour votre notre cette ce au aux être avoir ne plus "
        "leur bien je ne rien aucun aucune depuis mon ma mes"
    ),
    "es": _words(
        "el los las y es una del por para con que no muy pero su sus nosotros ustedes yo "
        "está están gracias hola como más este esta estos ya hay le lo todo bien la de en se al "
        "nos mi tenemos nada"
    ),
    "pt": _words(
        "o os as e é um uma do da dos das para com que não muito mas seu sua nós vocês "
        "eu está obrigado obrigada olá como mais este esta isso já há bem de em na minha meu "
        "você vocês"
    ),
    "it": _words(
        "il lo gli le e è di un una del della per con che non molto ma suo sua noi voi "
        "io sono grazie ciao come più questo questa anche ci già bene la da al mio mia siamo "
        "nessuno"
    ),
    "nl": _words(
        "de het een en van niet met voor op dat die wij ze ik zijn heeft hebben maar ook "
        "nog bedankt alstublieft graag onze jullie wel geen naar ik je willen wil kunnen"
    ),
}
_LANGUAGES_OF: dict[str, tuple[str, ...]] = {}
for _lang, _words_of in _STOPWORDS.items():
    for _word in _words_of:
        _LANGUAGES_OF[_word] = (*_LANGUAGES_OF.get(_word, ()), _lang)
_TELLTALE = {"de": "ßäöü", "es": "ñ¿¡", "fr": "çèêàùœë", "pt": "ãõ", "it": "ìò"}
# (first, last, language) ranges of non-Latin scripts; kana before Han so Japanese wins.
_SCRIPTS = (
    (0x3040, 0x30FF, "ja"), (0x4E00, 0x9FFF, "zh"), (0x3400, 0x4DBF, "zh"),
    (0xF900, 0xFAFF, "zh"), (0xAC00, 0xD7AF, "ko"), (0x1100, 0x11FF, "ko"),
    (0x3130, 0x318F, "ko"), (0x0400, 0x04FF, "ru"), (0x0370, 0x03FF, "el"),
    (0x0600, 0x06FF, "ar"), (0x0750, 0x077F, "ar"), (0x0590, 0x05FF, "he"),
    (0x0900, 0x097F, "hi"), (0x0E00, 0x0E7F, "th"),
)  # fmt: skip
_WORD = re.compile(r"[^\W\d_]+")
_LETTER = re.compile(r"[^\W\d_]")
_NON_LATIN = re.compile(r"[^\x00-\u024f\u1e00-\u1eff]")
#: Characters of these scripts carry about as much as three Latin letters.
_DENSE = {"zh": 3, "ja": 3, "ko": 3}


def _script(ch: str) -> str:
    """The language of a non-Latin letter's script; ``"latin"`` or ``"und"`` otherwise."""
    code = ord(ch)
    if code < 0x250 or 0x1E00 <= code <= 0x1EFF:
        return "latin"
    for first, last, language in _SCRIPTS:
        if first <= code <= last:
            return language
    return "und"


def _script_language(head: str) -> str | None:
    """The language of a non-Latin script holding at least half of the letters, if any."""
    foreign = [ch for ch in _NON_LATIN.findall(head) if ch.isalpha()]
    if not foreign:
        return None
    scripts = Counter(_script(ch) for ch in foreign)
    weighted = {k: n * _DENSE.get(k, 1) for k, n in scripts.items()}
    letters = len(_LETTER.findall(head)) - len(foreign) + sum(weighted.values())
    best = max(weighted, key=lambda k: weighted[k])
    if weighted[best] * 2 < letters:
        return None
    return "ja" if "ja" in scripts else best


def detect_language(text: str, *, sample: int = 20_000) -> Language:
    """Guess the language of ``text`` (its first ``sample`` characters)."""
    head = text[:sample]
    if not _LETTER.search(head):
        return Language("und", True)
    if not head.isascii() and (script := _script_language(head)) is not None:
        return Language(script, False)
    lowered = head.lower()
    hits: dict[str, int] = {}
    for word in _WORD.findall(lowered):
        for lang in _LANGUAGES_OF.get(word, ()):
            hits[lang] = hits.get(lang, 0) + 1
    if not head.isascii():
        for lang, letters in _TELLTALE.items():
            hits[lang] = hits.get(lang, 0) + min(3, sum(lowered.count(ch) for ch in letters))
    english = hits.pop("en", 0)
    best, count = max(hits.items(), key=lambda kv: (kv[1], kv[0]), default=("en", 0))
    if count >= 2 and count > 1.5 * english:
        return Language(best, False)
    return Language("en", True)
