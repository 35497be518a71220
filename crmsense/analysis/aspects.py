"""Sentiment per topic: a default CRM taxonomy plus user-defined topics.

A topic is found by its keywords or phrases (case-insensitive, whole words, plural
``s``/``es`` allowed). Each mention is scored on its *clause* rather than its sentence:
sentences are cut before ``but``, ``however``, ``yet``, ``although``, ``whereas``, ``even
though``, ``;`` and before a ``, while`` / ``, though`` / ``, otherwise`` / ``, other than
that`` clause, and a leading ``Although …,`` or ``Despite …,`` clause ends at its comma.
So "The pricing is fair, but the implementation timeline keeps slipping" gives pricing one
reading and implementation/timeline the other. A clause that lists its topics
one per comma-separated piece ("Great product, terrible support.", "Support was quick,
billing was a mess.") is cut at its commas too, when every piece has two words or more and
a topic, and so is one whose every piece opens with its own verdict ("Love the reporting,
hate the new billing portal."); "The support team, which was great, fixed the billing
issue." is not.

>>> from crmsense.analysis.sentences import split_sentences
>>> finder = AspectFinder(topics=["data residency"])
>>> text = "The pricing is fair, but the onboarding timeline keeps slipping. Data residency?"
>>> [(m.aspect, m.clause.text) for m in finder.mentions(text, split_sentences(text))]
... # doctest: +NORMALIZE_WHITESPACE
[('pricing', 'The pricing is fair,'),
 ('implementation_onboarding', 'the onboarding timeline keeps slipping.'),
 ('timeline', 'the onboarding timeline keeps slipping.'),
 ('data residency', 'Data residency?')]
"""

from __future__ import annotations

__all__ = ["TAXONOMY", "AspectFinder", "Mention", "clauses", "summarize", "topic_terms"]

import bisect
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from crmsense.analysis.aggregate import aggregate, label_of, word_count
from crmsense.analysis.sentences import Sentence
from crmsense.analysis.types import AspectSentiment, Prediction

#: The default CRM taxonomy: aspect → keywords and phrases.
TAXONOMY: dict[str, tuple[str, ...]] = {
    "pricing": (
        "price", "pricing", "cost", "expensive", "cheap", "cheaper", "discount", "quote",
        "budget", "affordable", "overpriced", "value for money", "per seat", "license fee",
        "licence fee", "list price", "price increase",
    ),
    "billing": (
        "invoice", "invoicing", "billing", "billed", "bill", "charge", "charged",
        "overcharged", "double charged", "payment", "refund", "credit card", "receipt",
        "purchase order", "credit note",
    ),
    "contract_renewal": (
        "renewal", "renew", "renewing", "contract", "agreement", "cancel", "cancellation",
        "termination", "auto-renew", "notice period", "subscription", "churn", "upsell",
        "upgrade", "downgrade",
    ),
    "implementation_onboarding": (
        "implementation", "implement", "onboarding", "onboard", "rollout", "roll-out",
        "go-live", "go live", "setup", "set up", "deployment", "migration", "kickoff",
        "kick-off", "training", "configuration",
    ),
    "timeline": (
        "timeline", "deadline", "schedule", "delay", "delayed", "behind schedule", "on time",
        "eta", "due date", "milestone", "launch date", "target date", "slipped", "slipping",
        "taking too long", "turnaround",
    ),
    "support": (
        "support", "support team", "ticket", "helpdesk", "help desk", "customer service",
        "response time", "csm", "customer success", "account manager", "agent", "escalation",
        "escalate", "escalated",
    ),
    "product_quality": (
        "bug", "defect", "glitch", "broken", "crash", "crashed", "crashing", "error",
        "feature", "quality", "product", "regression", "workaround", "buggy", "glitchy",
        "freezes", "freezing", "froze", "frozen",
    ),
    "reliability_performance": (
        "outage", "downtime", "went down", "is down", "was down", "slow to load", "slowness",
        "sluggish", "load time", "loading", "load slowly", "loads slowly", "runs slowly", "crawls",
        "latency", "performance", "uptime", "reliability", "reliable", "unreliable",
        "timeout", "timed out", "lag", "laggy", "speed", "unavailable", "sla", "unstable",
        "flaky", "painfully slow", "slowed down", "slows down", "slowing down",
    ),
    "usability": (
        "usability", "easy to use", "hard to use", "user-friendly", "user friendly",
        "intuitive", "unintuitive", "confusing", "interface", "ui", "ux", "navigation",
        "clunky", "learning curve", "dashboard", "workflow",
    ),
    "integrations": (
        "integration", "integrate", "api", "webhook", "sync", "syncing", "connector",
        "sso", "single sign-on", "plugin", "plug-in", "import", "export", "zapier",
        "rate limit",
    ),
    "competitor": (
        "competitor", "competition", "alternative", "other vendor", "another vendor",
        "other provider", "another provider", "switch to", "switching to", "moving to",
        "cheaper option",
    ),
}  # fmt: skip

_CONTRAST = re.compile(
    r"\b(?:but|however|yet|nevertheless|nonetheless|on the other hand|whereas|although"
    r"|even though)\b"
    r"|(?<=[,;])\s*\b(?:while|though|except|otherwise|other than that|apart "
    r"from that)\b|;",
    re.IGNORECASE,
)
_SUBORDINATE = re.compile(
    r"\s*(?:while|whereas|although|though|even though|despite|in spite of)\b", re.IGNORECASE
)
#: "The setup, however, is …": a connective between commas before a verb is an aside.
_ASIDE = re.compile(
    r"\s*,\s*(?:is|are|was|were|has|have|had|does|did|do|will|would|can|could|should|seems?"
    r"|looks?|remains?|keeps?|feels?|still)\b",
    re.IGNORECASE,
)
#: "The integration however keeps dropping records": "however" before a verb, no commas.
_BARE_ASIDE = re.compile(
    r"\s+(?:is|are|was|were|has|have|had|does|did|do|will|would|can|could|should|seems?"
    r"|looks?|remains?|keeps?|kept|feels?|still|never|often|always|only)\b",
    re.IGNORECASE,
)
_LEADING = re.compile(
    r"(?:but|however|yet|nevertheless|nonetheless|on the other hand|while|whereas|although"
    r"|even though|though|except|otherwise|other than that|apart from that)\b[\s,;:]*",
    re.IGNORECASE,
)
_STOP = frozenset({
    "the", "a", "an", "and", "or", "of", "to", "for", "with", "our", "your", "their", "my",
    "in", "on", "at", "is", "are",
})  # fmt: skip


_TOKEN = re.compile(r"\w+")
#: "is down 40%", "was down to two days": a figure that went down, no outage (eighth session:
#: "time-to-invoice is down 40%" was a reliability_performance topic).
_A_FIGURE_DOWN = re.compile(r"(?:is|was) down\s+(?:by\s+|to\s+|from\s+)?[\d$£€]", re.IGNORECASE)
_COMMA = re.compile(r",(?!\d)\s*")  # not in "1,200"
#: A piece that opens with its own verdict: "Love the reporting, hate the billing portal."
_VERDICT = re.compile(
    r"\W*(?:(?:i|we) )?(?:love[sd]?|hate[sd]?|like[sd]?|dislike[sd]?|great|terrible|awful"
    r"|excellent|poor|good|bad|amazing|horrible|fantastic|lousy|solid|weak|nice|not a fan of)\b",
    re.IGNORECASE,
)
Tokens = list[tuple[str, int]]


def _tokens(text: str) -> Tokens:
    """Lower-cased words of ``text`` with their offsets."""
    return [(m.group().lower(), m.start()) for m in _TOKEN.finditer(text)]


class _Index:
    """Phrases as word sequences → aspect, looked up by their first word.

    Matching is by whole words, case-insensitive, hyphens and spaces alike ("roll-out" =
    "roll out"), with a plural ``s``/``es`` allowed on the last word. One pass over the
    words of a text, whatever the number of phrases.
    """

    def __init__(self, terms: Mapping[str, Iterable[str]]) -> None:
        self.by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for aspect, words in terms.items():
            for term in words:
                phrase = tuple(w for w, _ in _tokens(term))
                if phrase:
                    self.by_first.setdefault(phrase[0], []).append((phrase, aspect))

    def find(self, tokens: Tokens) -> Iterable[tuple[str, int]]:
        """(aspect, offset) of every phrase found in ``tokens``."""
        get = self.by_first.get
        for i, (token, start) in enumerate(tokens):
            candidates = get(token, [])
            if token.endswith("s"):  # "prices" → "price", "taxes" → "tax"
                candidates = candidates + get(token[:-1], []) + get(token[:-2], [])
            for phrase, aspect in candidates:
                if _matches(tokens, i, phrase):
                    yield aspect, start


def _matches(tokens: Tokens, i: int, phrase: tuple[str, ...]) -> bool:
    if i + len(phrase) > len(tokens):
        return False
    last = len(phrase) - 1
    for k, word in enumerate(phrase):
        token = tokens[i + k][0]
        if token != word and not (k == last and token in (word + "s", word + "es")):
            return False
    return True


@lru_cache(maxsize=4096)
def _topic_index(topic: str) -> _Index:
    return _Index({topic: topic_terms(topic)})


def topic_terms(topic: str) -> tuple[str, ...]:
    """What counts as a mention of a user topic.

    The phrase itself; a taxonomy name ("pricing", "contract renewal") or keyword
    ("price", "invoice") brings that aspect's keywords; a phrase of several words also
    matches its content words.

    >>> topic_terms("API rate limits")
    ('API rate limits', 'api', 'rate', 'limits')
    >>> "expensive" in topic_terms("price") and "invoice" in topic_terms("Billing")
    True
    """
    lowered = topic.strip().lower()
    key = re.sub(r"[\s/&-]+", "_", lowered)
    aspect = (
        key
        if key in TAXONOMY
        else next((name for name, words in TAXONOMY.items() if lowered in words), None)
    )
    if aspect is not None:
        return (topic, *TAXONOMY[aspect])
    words = [w for w in re.findall(r"\w+", lowered) if len(w) > 2 and w not in _STOP]
    return (topic, *words) if len(words) > 1 else (topic,)


def _follows_comma(text: str, position: int) -> bool:
    """Whether the last non-space character before ``position`` is a comma (scanned
    backwards: copying the text before every contrast word was quadratic on huge text)."""
    i = position - 1
    while i >= 0 and text[i].isspace():
        i -= 1
    return i >= 0 and text[i] == ","


def clauses(text: str, sentence: Sentence) -> list[Sentence]:
    """``sentence`` cut into clauses at contrast words, offsets into ``text``."""
    cuts = [sentence.start]
    for match in _CONTRAST.finditer(text, sentence.start, sentence.end):
        if _follows_comma(text, match.start()):
            aside = _ASIDE.match(text, match.end()) is not None
        else:
            aside = (
                match[0].lower() == "however" and _BARE_ASIDE.match(text, match.end()) is not None
            )
        if match.start() > cuts[-1] and not aside:
            cuts.append(match.start())
    if _SUBORDINATE.match(text, sentence.start):
        comma = text.find(",", sentence.start, cuts[1] if len(cuts) > 1 else sentence.end)
        if comma != -1:
            cuts.insert(1, comma + 1)
    cuts.append(sentence.end)
    out = []
    for lo, hi in itertools.pairwise(cuts):
        while lo < hi and (text[lo].isspace() or text[lo] in ",;"):
            lo += 1
        connective = _LEADING.match(text, lo, hi)
        if connective and connective.end() < hi:
            lo = connective.end()
        while hi > lo and text[hi - 1].isspace():
            hi -= 1
        if any(ch.isalnum() for ch in text[lo:hi]):
            out.append(Sentence(lo, hi, text[lo:hi]))
    return out


@dataclass(frozen=True, slots=True)
class Mention:
    """A topic found in a clause (``clause`` offsets are into the document text)."""

    aspect: str
    clause: Sentence


class AspectFinder:
    """Finds taxonomy aspects and user topics; competitor names join the competitor aspect."""

    def __init__(self, *, topics: Iterable[str] = (), competitors: Iterable[str] = ()) -> None:
        terms = {name: list(words) for name, words in TAXONOMY.items()}
        terms["competitor"].extend(competitors)
        for topic in topics:
            terms.setdefault(topic, list(topic_terms(topic)))
        self.index = _Index(terms)
        self.order = {name: i for i, name in enumerate(terms)}

    def mentions(
        self, text: str, sentences: Sequence[Sentence], topics: Iterable[str] = ()
    ) -> list[Mention]:
        """Mentions in ``text`` of every aspect plus the per-document ``topics``."""
        tokens = _tokens(text)
        hits = [hit for hit in self.index.find(tokens) if not _A_FIGURE_DOWN.match(text, hit[1])]
        order = dict(self.order)
        for topic in topics:
            if topic not in order:
                order[topic] = len(order)
                hits += _topic_index(topic).find(tokens)
        starts = [s.start for s in sentences]
        split: dict[int, list[Sentence]] = {}
        in_clause: dict[Sentence, list[tuple[str, int]]] = {}
        for aspect, offset in hits:
            index = bisect.bisect_right(starts, offset) - 1
            if index < 0 or offset >= sentences[index].end:
                continue
            parts = split.setdefault(index, clauses(text, sentences[index]))
            clause = next((c for c in reversed(parts) if c.start <= offset), parts[0])
            in_clause.setdefault(clause, []).append((aspect, offset))
        found: dict[tuple[str, int], Mention] = {}
        for clause, group in in_clause.items():
            pieces = _listed(text, clause, [offset for _, offset in group])
            for aspect, offset in group:
                part = next((p for p in reversed(pieces) if p.start <= offset), pieces[0])
                found.setdefault((aspect, part.start), Mention(aspect, part))
        return sorted(found.values(), key=lambda m: (order[m.aspect], m.clause.start))


def _listed(text: str, clause: Sentence, offsets: Sequence[int]) -> list[Sentence]:
    """``clause`` cut at its commas when it lists its topics one per piece ("Great product,
    terrible support."): every piece has at least two words and a mention at ``offsets``,
    and there are mentions in two pieces at least; or when every piece of two words or
    more opens with its own verdict ("Love the reporting, hate the new billing portal.",
    whose reporting is no topic); otherwise ``[clause]``."""
    if "," not in clause.text:
        return [clause]
    pieces, lo = [], clause.start
    for match in _COMMA.finditer(text, clause.start, clause.end):
        pieces.append((lo, match.start()))
        lo = match.end()
    pieces.append((lo, clause.end))
    if len(pieces) < 2 or any(len(_TOKEN.findall(text, a, b)) < 2 for a, b in pieces):
        return [clause]
    listed = len(offsets) >= 2 and all(any(a <= o < b for o in offsets) for a, b in pieces)
    if not listed and not all(_VERDICT.match(text, a, b) for a, b in pieces):
        return [clause]
    return [Sentence(a, b, text[a:b]) for a, b in pieces]


def summarize(
    mentions: Sequence[Mention], scored: Mapping[str, Prediction]
) -> list[AspectSentiment]:
    """One :class:`AspectSentiment` per aspect from its clauses' predictions.

    Several clauses of one aspect are combined by :func:`aggregate`; the evidence is the
    clause that pulls hardest in the combined direction.
    """
    by_aspect: dict[str, list[Mention]] = {}
    for mention in mentions:
        by_aspect.setdefault(mention.aspect, []).append(mention)
    out = []
    for aspect, group in by_aspect.items():
        combined = aggregate([(word_count(m.clause.text), scored[m.clause.text]) for m in group])
        sign = 1.0 if combined.score >= 0 else -1.0
        best = max(group, key=lambda m: sign * scored[m.clause.text].score)
        out.append(AspectSentiment(
            aspect=aspect, label=label_of(combined.probs), score=round(combined.score, 4),
            evidence=best.clause.text, start=best.clause.start, end=best.clause.end,
        ))  # fmt: skip
    return out
