"""The analyzer: everything in an :class:`Analysis` that does not depend on the engine.

An engine only reads short texts (:class:`Prediction`). The analyzer splits documents
into sentences, sends *all* sentences and aspect clauses of *all* documents to the
engine in a few large ``predict`` calls (each distinct text once — customer text repeats
a lot — with a cache kept across calls), and assembles the rest:

- ``label``/``score``/``probabilities`` (the message-level reading): a message of up to
  ``whole_chars`` (1,000) characters is also read whole, so the engine keeps the context
  across its sentences ("No problems. Not at all!"); a longer one — and a call's customer
  side — is the combination of its sentences by
  :func:`crmsense.analysis.aggregate.aggregate` (weight ``sqrt(words) * (0.1 + |score|)``:
  long and intense sentences count more, and nothing is truncated). A calibrator, when
  given, maps the probabilities; ``confidence`` is the largest of them. A label that a
  correction below decided is at least 0.88 probable (the corrections' precision on
  development messages), not as unsure as the engine's reading it overturned; so is a
  negative message with a risk (``risks``).
- ``sentences``: every sentence (or call segment) with its own reading, so mixed messages
  show. Sarcastic praise ("Great, another outage.") is read as the complaint it is and
  flagged ``sarcastic`` (:mod:`~crmsense.analysis.sarcasm`): every engine's positive reading
  of a sarcastic text is mirrored before anything else uses it, and so is a negative reading
  of a plain negated complaint ("Not bad at all.", :mod:`~crmsense.analysis.negation`). A
  customer saying they are leaving for a competitor ("We're evaluating other vendors") is
  never read as positive or neutral, and one saying they are not is not read as negative
  (:mod:`~crmsense.analysis.defection`). A routine request or notice — moving a meeting,
  adding users or seats, a password reset code — is never read as negative
  (:mod:`~crmsense.analysis.routine`), nor is a reply that only hands the conversation to
  someone else (:mod:`~crmsense.analysis.referral`: "Wrong person, sorry. Our sales director
  is Andrew."); a positive reading of a polite decline turns neutral
  (:mod:`~crmsense.analysis.decline`), a negative reading of a resolved problem ("The outage
  is over.") is mirrored (:mod:`~crmsense.analysis.resolution`), and so is one of a result
  reported in the words of decline ("Churn fell from 8% to 5%.",
  :mod:`~crmsense.analysis.improvement`; a positive reading of a setback too: "Our ticket
  volume doubled."), praise idioms ("went above and beyond", "hats off to") are not read as
  neutral (:mod:`~crmsense.analysis.praise`), nor are threats to escalate or chasing again
  ("I want to speak to your manager.", :mod:`~crmsense.analysis.threat`); a price objection
  ("The price is higher than we budgeted.") is never read as positive
  (:mod:`~crmsense.analysis.price`), nor is one that names a deal breaker ("The timeline is
  a deal breaker for us.", :mod:`~crmsense.analysis.blocker`). Last, a positive reading of
  a polite complaint ("Thanks for the update, but we're still unable to log in.") gives way
  to the reading of its clause after "but" (:mod:`~crmsense.analysis.contrast`), a message
  whose greetings, thanks and sign-off wrap a complaint is read from the complaint, and one
  that sums itself up ("… Overall about average.") from its summary.
- ``unscored``: ``"empty"`` (nothing to read), ``"no_content"`` (a non-answer such as
  "Nothing to add." or "N/A", :mod:`~crmsense.analysis.nonanswer`; the engine is never
  asked), ``"not_english"`` (language gate; the engine is never asked), ``"too_uncertain"``
  (confidence below ``min_confidence``, unless a correction decided the label) or
  ``"auto_reply"`` (flagged or worded as an auto-reply, kind rule 1: an out-of-office
  note's "limited access" is nobody's mood). An unscored analysis is neutral with score
  0; its confidence is 0 when the engine never saw the text.
- ``emotions``: the strongest reading of each over the sentences (and the whole message),
  salutations left out ("Best," read satisfaction 0.97); every name in ``EMOTIONS`` is
  present.
- ``evidence``: the engine's spans (or, for engines without spans, whole sentences),
  weighted by their part's share of the reading, mapped to document offsets; the five
  strongest that push towards the label. A reading that a correction turned cites the
  words it recognised instead ("Hats off to", "we expected more", "revisit our renewal",
  "outage is over", "price is too high"; negation, praise, resolution, threat and price
  objections since the seventh session), or its sentence.
- ``kind`` and ``reply_intent`` combine rules with the engine's kind/intent readings (when
  it has them) of the message or its opening sentences, without another engine pass.
- ``aspects``, ``competitors``, ``call``, ``language``: see
  :mod:`~crmsense.analysis.aspects`, :mod:`~crmsense.analysis.competitors`,
  :mod:`~crmsense.analysis.calls`, :mod:`~crmsense.analysis.language` (and
  :mod:`~crmsense.analysis.kind`, :mod:`~crmsense.analysis.intent`). For a call the text
  is the segments joined by newlines, ``sentences`` holds one entry per segment and the
  call's label is its customer side's.

``reply_intent`` is None for outbound messages, calls, survey comments, support tickets,
notes and social posts: none of them answers sales outreach.
"""

from __future__ import annotations

__all__ = ["ANALYZER_VERSION", "Analyzer", "Calibrator"]

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from crmsense.analysis.aggregate import aggregate, label_of, strongest, weight, word_count
from crmsense.analysis.aspects import AspectFinder, Mention, summarize
from crmsense.analysis.blocker import blocker_reading
from crmsense.analysis.calls import call_text, customer_side, is_sympathy, summarize_call
from crmsense.analysis.competitors import CompetitorFinder, normalized
from crmsense.analysis.complaint import complaint_reading
from crmsense.analysis.contrast import (
    Clause,
    complaint_part,
    contrast_clause,
    contrasted,
    is_salutation,
    relief_clause,
    relieved,
    verdict,
)
from crmsense.analysis.decline import decline_reading
from crmsense.analysis.defection import DEPARTING, Defection
from crmsense.analysis.departure import is_departure
from crmsense.analysis.engines import Engine
from crmsense.analysis.improvement import improvement_reading
from crmsense.analysis.intent import has_objection, reply_intent
from crmsense.analysis.kind import classify_kind, is_automatic
from crmsense.analysis.language import Language, detect_language
from crmsense.analysis.negation import unnegated
from crmsense.analysis.nonanswer import is_non_answer
from crmsense.analysis.praise import praise_reading
from crmsense.analysis.price import price_reading
from crmsense.analysis.rating import rating_reading
from crmsense.analysis.referral import referral_reading
from crmsense.analysis.resolution import resolution_reading
from crmsense.analysis.routine import routine_reading
from crmsense.analysis.sarcasm import is_sarcastic, unsarcastic
from crmsense.analysis.sentences import Sentence, split_sentences
from crmsense.analysis.threat import is_threat, threat_reading
from crmsense.analysis.types import (
    EMOTIONS,
    INTENTS,
    KINDS,
    LABELS,
    Analysis,
    AspectSentiment,
    CallSummary,
    Document,
    EvidenceSpan,
    Intent,
    Kind,
    Label,
    Prediction,
    Risk,
    RiskMention,
    SentenceSentiment,
    TopicSentiment,
)
from crmsense.errors import ModelError
from crmsense.text.autoreply import is_undelivered
from crmsense.text.clean import text_hash

Probs = tuple[float, float, float]
Calibrator = Callable[[Probs], Probs]
"""Maps combined (negative, neutral, positive) probabilities to calibrated ones."""
_Decide = Callable[[Prediction, Clause, Prediction], Prediction]
"""How a text's reading and its clause's decide the text's (``contrasted``, ``relieved``)."""
Source = tuple[Sentence, Prediction, float]
"""A part a reading comes from: the part, its prediction and its share of the reading."""

ANALYZER_VERSION = 39
"""The version of everything around the engine (sentences, roll-up, aspects, kind, intent,
and the corrections of :meth:`Analyzer._corrected`). Raise it when a change alters what
stored analyses hold: every stored analysis by an older one is then recomputed
(:mod:`~crmsense.analysis.stored`). 2: defection, kind's frustration/anger and
product-question rules (2026-12-04). 3: routine requests and notices, resolved problems
(2026-12-04). 4: polite declines. 5: "painless" as a negated complaint. 6: the sentence
roll-up of a message whose sentence a correction undid. 7–22 (2026-12-05, one step per
landed change): referrals; kind rule 4's person test; "it's not for us"; unattended
mailboxes; feature requests; praise idioms and negated praise; non-renewal as leaving;
threats; passive-aggressive thanks; slow-reply apologies; "stable since the patch" and
price pushback; "would recommend"; faded praise; vendor reviews; buying signals; chasing
with the issue named. 23 (2026-12-07): bounces' reply intent is ``other``. 24: how-to
questions are routine. 25: polite complaints (contrast), loving a chore as sarcasm. 26:
the kind head's auto-replies need an auto-reply cue and no chasing. 27: unmet
expectations. 28: questions that chase ("Is anyone actually going to respond?"). 29:
auto-replies are unscored. 30: tickets and notes have no reply intent. 31: renewing or
growing with you is interest. 32: courtesies around a complaint, non-answers unscored
(``no_content``), comma-listed aspects, sentences as the evidence of a spanless whole
reading, a corrected label never ``too_uncertain``, and more CRM shapes (ultimatums, bill
shock, scaling back, follow-ups, bare praise after trouble). 33: thanks for a harm is
sarcasm ("thanks for losing our data"), thanks for news about one is not; ``risks`` (the
sentences that say the customer is leaving or threaten), which make a message
conversational; asking to cancel is leaving, a bare "we will cancel" an ultimatum; a rep's
sympathy in a call is neutral; a price that is too high is a problem (contrast), unchanged
details are routine; lukewarm praise is neutral; a ticket's status and asking for a fix are
conversational; asking for a demo or trial is interest; a survey comment is conversational;
"customer success" is the support topic; a suggestion read as negative is neutral, a
complaint wished away ("it would be nice if it actually worked") negative. 34: a customer
weighing alternatives (evaluating a competitor, a hedged move, the renewal in doubt) is a
``weighing`` risk, no longer ``leaving``. 35: doubting the fit ("not a fit for us
anymore") is weighing; a text with a risk is never ``too_uncertain``; no budget is a
problem (contrast); thanks for someone's time is a formality; "it's okay" alone is
lukewarm, "does what it says on the tin" praise; saying how long one has waited ("It's
been a week.") is a threat; a price objection never reads positive; thanks for a fix is a
resolution, thanks for a fix that isn't sarcasm; a competitor's offer is weighing;
renewing with you is praise; ", otherwise" ends an aspect clause; undecided about the
renewal is weighing; a corrected reading caps the emotions of the side it turned from.
36: ``model.v1`` reads chat laughter beside other words as nothing ("lol the dashboard is
broken again"); a rating in the text ("10/10", "zero stars") decides its side; a long time
on hold, or asking after something requested weeks ago, is a threat; a price rise is a bad
event for sarcasm, and sarcasm read negative keeps no praise emotion; staying with the
current provider, or being locked into a contract, in-house or covered already, is a
decline; "the quote came in 40% higher" a price objection; the intent head's
``out_of_office`` needs an away word; only a correction that changes the label counts as
one (for ``too_uncertain`` and whole readings); "Hard to say." and "Not sure." are survey
non-answers; "Used to love it, not anymore." is faded praise, "Could be better." lukewarm,
"Don't change a thing." negated praise, "Keep up the good work" and "a rockstar" praise;
"It's fine, we'll figure it out ourselves." sarcasm; "We're reviewing our options for next
year." weighing; confirming a meeting transactional; a verdict per comma piece ends an
aspect clause; relief ("I was dreading …, but") takes the clause's reading; "NPS 3" is a
rating; "should just work" is an unmet expectation; "Thanks, I guess.", mock compliance
and "love how … apparently means" are sarcasm, not logging in a bad event; "Still no
refund." a threat; "Haven't used it enough to say." a non-answer; "Never going back to
spreadsheets" praise; "Couldn't have asked for a smoother handover.", "Zero tickets from
the floor" and "expected it to be more painful than it was" negated complaints; "we don't
think it's the right time" a decline; "less than ideal" an unmet expectation; "DAY 9.",
"This is my fifth chat." and "exactly what I was told last Tuesday" threats; "I was told
it would ship on Monday" an unmet expectation; "reviewing alternatives at renewal"
weighing; a resolution read neutral turns positive too; "Otherwise we're done." is an
ultimatum. An emoticon is a sentence (":(" was ``empty``), and a text of emoticons alone
is the lexicon's reading with ``model.v1``. 37 (seventh session of 2026-12-07): the language
gate knows "no", "as" and other English words (it took "Still no SSO, no audit log" for
Spanish and left it unscored); a recommendation withheld is faded praise, "couldn't
recommend them more" and "never had to contact support" negated praise, "will def book
again" and "hard to imagine running the shop without it" praise; 🙃, 🙄, "/s" and
"#sarcasm" are sarcasm; a competitor "miles ahead" is weighing; a negative chat or social
post, a pointed question, an @-address or a hashtag is never transactional; questions
about how the product behaves, admin of keys and environments, and a problem put down to
the writer's own side are routine; persistence ("keeps locking us out") is a problem; "load
slowly" is performance; a concern named is an objection; "following up for the third
time", "revisit our renewal if" and "what we heard last week too" are threats; a problem
that "disappeared", "All good now" and "back in sync" are resolutions, and "back in sync"
no auto-reply cue; a reading a correction turned cites the words it recognised. 38 (eighth
session, 2026-12-07): a label a correction decided, and a negative message with a risk, is
at least 0.88 probable; "never fails to disappoint" and thanks for a canned answer, a ruined
trip or hours at a gate are sarcasm; "you can do better", "hoped … by now" and "would love
to see some seriousness" are unmet expectations; the intent head's unsubscribe needs a word
of stopping contact; "although", "whereas" and "even though" end an aspect clause without a
comma, a leading "Despite …," clause at its comma, "however" before a verb is an aside;
"buggy", "freezing", "flaky", "slowed down" and "rate limit" are topics; the point named
after a comma ("…, the problem is your support.") is a contrast clause; users' pain relayed
with a request for an option ("Our clients complain about long forms. Can we shorten the
survey?") is routine; a message's closing summary ("Overall about average.") decides it;
"really earning that money" is sarcasm, and "hilarious" or "classic" after trouble; a
measure getting better in words of decline ("Churn fell from 8% to 5%.") is good news, one
getting worse ("Our ticket volume doubled.") bad news; a call's objection answered within
its closing third is resolved; the intent head's referral needs someone to hand over to; a
bare "Solid." is praise; "Not perfect, but …" is relief, "you said that yesterday too" a
threat, "wouldn't go back to spreadsheets" praise, data "just gone" a bad event; "is down
40%" is no outage topic. 39 (ninth session, 2026-12-08): a deal breaker named is negative
and one ruled out is not; a fair price and "can't believe how easy" are praise; the renewal
on hold, "considered leaving" and a vendor weighed "alongside you" are weighing; a contact
leaving their company is a ``contact_leaving`` risk; someone above re-opening the numbers
is an objection, and objection language is never paperwork; the point named in a sentence
of its own ("… Our problem is …") is a contrast clause, and a contrast clause that reports
a problem decides however weakly it reads negative; complaint idioms ("dropped the ball",
"took forever") are negative; "Cool cool cool." after waiting is sarcasm; a problem that
"could derail" the renewal is weighing; a call's objection is not resolved by a hedge
("No promises though."); salutations lend a message no emotions; social posts have no
reply intent."""

_UNIFORM: Probs = (1 / 3, 1 / 3, 1 / 3)
_NOT_REPLIES = frozenset({"survey", "ticket", "note", "social"})
"""Channels whose texts are never replies to sales outreach: no ``reply_intent``."""
_HEAD_CHARS = 1000
_PREDICT_CHUNK = 4096
_CACHE_LIMIT = 200_000
_EVIDENCE = 5
_MOOD_RISKS: frozenset[Risk] = frozenset({"leaving", "weighing", "threat"})
"""The risks that decide a message's mood, unlike a contact leaving their company."""
# the probability of a label a correction decided (Prediction.assured): the share of
# corrected labels that were right on the development sweeps (44 of 50,
# tests/fixtures/analysis/dev/); the held-out sets measure it (docs/analysis.md)
_DECIDED = 0.88


@dataclass
class _Plan:
    """A document prepared for scoring."""

    doc: Document
    text: str
    language: Language
    sentences: list[Sentence]
    competitors: list[str]
    mentions: list[Mention] = field(default_factory=list)
    segment_of: list[int] = field(default_factory=list)
    segment_spans: list[tuple[int, int]] = field(default_factory=list)
    whole: Sentence | None = None
    unscored: str | None = None

    @property
    def is_call(self) -> bool:
        return bool(self.doc.segments)

    @cached_property
    def words(self) -> list[int]:
        """Word count of each sentence."""
        return [word_count(s.text) for s in self.sentences]


def _r(value: float) -> float:
    return round(value, 4)


class Analyzer:
    """Turns documents into analyses with one engine.

    ``competitors`` are names to report (and to count as competitor aspect mentions);
    ``topics`` are user-defined aspects given as keywords or phrases; ``calibrator`` maps
    combined probabilities; below ``min_confidence`` a text is unscored as too uncertain;
    messages of several sentences up to ``whole_chars`` characters are also read whole for
    the message-level reading (0: always combine sentences).
    """

    def __init__(
        self, engine: Engine, *, competitors: Iterable[str] = (), topics: Iterable[str] = (),
        calibrator: Calibrator | None = None, min_confidence: float = 0.4,
        max_sentence_chars: int = 1000, whole_chars: int = 1000,
    ) -> None:  # fmt: skip
        competitors, topics = list(competitors), list(topics)
        self.fingerprint = _fingerprint(
            competitors, topics, min_confidence=min_confidence,
            max_sentence_chars=max_sentence_chars, whole_chars=whole_chars,
        )  # fmt: skip
        """What stored analyses remember of this analyzer: :data:`ANALYZER_VERSION` and a
        digest of the settings that change an analysis (competitor names and topics, case
        and order aside; the thresholds). A stored analysis with another fingerprint is
        out of date, like one by another model version (:mod:`~crmsense.analysis.stored`).
        """
        self.engine = engine
        self.calibrator = calibrator
        self.min_confidence = min_confidence
        self.max_sentence_chars = max_sentence_chars
        self.whole_chars = whole_chars
        self.aspects = AspectFinder(topics=topics, competitors=competitors)
        self.competitors = CompetitorFinder(competitors)
        self.defection = Defection(competitors)
        self._cache: dict[str, Prediction] = {}
        self._misread: dict[str, Label] = {}  # text → the label a correction undid

    # -- public ---------------------------------------------------------------------------

    def analyze(self, docs: Sequence[Document]) -> list[Analysis]:
        """One analysis per document, in order."""
        plans = [self._plan(doc) for doc in docs]
        scorable = [p for p in plans if p.unscored is None]
        texts = [s.text for p in scorable for s in p.sentences]
        texts += [m.clause.text for p in scorable for m in p.mentions]
        texts += [p.whole.text for p in scorable if p.whole is not None]
        scored = self._predict(texts)
        return [self._compose(plan, scored) for plan in plans]

    # -- planning and scoring -------------------------------------------------------------

    def _plan(self, doc: Document) -> _Plan:
        if doc.segments:
            text, spans = call_text(doc.segments)
            sentences, segment_of = [], []
            for index, (lo, hi) in enumerate(spans):
                for s in split_sentences(text[lo:hi], max_chars=self.max_sentence_chars):
                    sentences.append(Sentence(lo + s.start, lo + s.end, s.text))
                    segment_of.append(index)
        else:
            text, spans, segment_of = doc.text, [], []
            sentences = split_sentences(text, max_chars=self.max_sentence_chars)
        language = detect_language(text)
        plan = _Plan(doc, text, language, sentences, self.competitors.find(text),
                     segment_of=segment_of, segment_spans=spans)  # fmt: skip
        if not sentences:
            plan.unscored = "empty"
        elif not doc.segments and is_non_answer(text, doc.channel):
            plan.unscored = "no_content"
        elif not language.english:
            plan.unscored = "not_english"
        else:
            plan.mentions = self.aspects.mentions(text, sentences, doc.topics)
            first, last = sentences[0], sentences[-1]
            if (
                not doc.segments
                and len(sentences) > 1
                and last.end - first.start <= self.whole_chars
            ):
                plan.whole = Sentence(first.start, last.end, text[first.start : last.end])
        return plan

    def _predict(self, texts: Sequence[str]) -> dict[str, Prediction]:
        """Predictions for the distinct ``texts``, from the cache or the engine, with the
        misreadings every engine makes undone (:meth:`_corrected`, then :meth:`_contrast`)."""
        # one lookup per text: another thread (API requests share an Analyzer) may clear
        # the cache between a membership test and a read
        found = {t: p for t in texts if (p := self._cache.get(t)) is not None}
        missing = sorted({t for t in texts if t not in found}, key=len)
        if len(self._cache) + len(missing) > _CACHE_LIMIT:  # before the corrections record
            self._cache.clear()  # what they undid in _misread
            self._misread.clear()
        fresh: dict[str, Prediction] = {}
        undone: dict[str, Label] = {}  # text → the label a correction undid
        for start in range(0, len(missing), _PREDICT_CHUNK):
            chunk = missing[start : start + _PREDICT_CHUNK]
            predictions = self.engine.predict(chunk)
            if len(predictions) != len(chunk):
                raise ModelError(
                    f"engine {self.engine.name!r} returned {len(predictions)} predictions for "
                    f"{len(chunk)} texts; the engine is broken, report it or use another",
                    code="E303",
                )
            for text, said in zip(chunk, predictions, strict=True):
                corrected = self._corrected(text, said)
                if label_of(corrected.probs) != label_of(said.probs):
                    undone[text] = label_of(said.probs)
                    corrected = corrected.assured(_DECIDED)
                fresh[text] = corrected
        self._contrast(fresh, undone)
        self._cache.update(fresh)
        self._misread.update(undone)
        return found | fresh

    def _corrected(self, text: str, prediction: Prediction) -> Prediction:
        """The engine's reading of ``text`` with the misreadings every engine makes undone:
        negated complaints, praise and complaint idioms, ratings ("10/10"), sarcasm,
        resolved problems, improvements ("churn fell"), routine requests and notices,
        referrals, polite declines, price objections, deal breakers, threats, defection.
        Praise and ratings
        come before sarcasm, which has the last word on a positive reading ("5 stars for
        the three-hour outage"). Sarcasm comes before resolution: "Great, the outage is
        over!" has the shape of sarcastic praise, and its resolution turns a mirrored
        reading back. A decline comes before price objections and deal breakers ("Thanks,
        but it's too expensive for us, we'll pass." is a polite no: neutral), threats and
        defection, so "we decided to go with Zendesk, thanks" ends negative, not neutral."""
        p = praise_reading(text, unnegated(text, prediction))
        p = rating_reading(text, complaint_reading(text, p))
        p = unsarcastic(text, p)
        p = improvement_reading(text, resolution_reading(text, p))
        p = referral_reading(text, routine_reading(text, p))
        p = blocker_reading(text, price_reading(text, decline_reading(text, p)))
        return self.defection.correct(text, threat_reading(text, p))

    def _contrast(self, readings: dict[str, Prediction], undone: dict[str, Label]) -> None:
        """Positive ``readings`` of texts whose contrast clause reads negative, and other
        readings of texts whose relief clause reads positive, given way to the clause
        (:mod:`~crmsense.analysis.contrast`); the clauses not in ``readings`` are read like
        any text (cached, corrected, and contrasted in turn), in one more engine call."""
        deciding: dict[str, tuple[Clause, _Decide]] = {}
        for text, p in readings.items():
            # praise before a complaint, or a worry before what it came to
            positive = p.reads("positive")
            clause = contrast_clause(text) if positive else relief_clause(text)
            if clause is not None:
                deciding[text] = (clause, contrasted if positive else relieved)
        if not deciding:
            return
        # a clause is often a sentence or an aspect clause of this very batch
        rest = [c.text for c, _ in deciding.values() if c.text not in readings]
        read = readings | (self._predict(rest) if rest else {})
        for text, (clause, decide) in deciding.items():
            p = decide(readings[text], clause, read[clause.text])
            if p is not readings[text]:
                undone.setdefault(text, label_of(readings[text].probs))  # what the engine said
                readings[text] = p

    def _calibrate(self, probs: Probs) -> Probs:
        if self.calibrator is None:
            return probs
        a, b, c = (min(1.0, max(0.0, x)) for x in self.calibrator(probs))
        return a, b, c

    # -- assembling -----------------------------------------------------------------------

    def _compose(self, plan: _Plan, scored: dict[str, Prediction]) -> Analysis:
        doc = plan.doc
        preds = [scored[s.text] for s in plan.sentences] if plan.unscored is None else []
        sentences: list[SentenceSentiment] = []
        aspects: list[AspectSentiment] = []
        evidence: list[EvidenceSpan] = []
        call: CallSummary | None = None
        probs, score, confidence = _UNIFORM, 0.0, 0.0
        emotions: dict[str, float] = {}
        risks = self._risks(plan)
        if preds:
            if plan.is_call:
                readings = self._segment_readings(plan, preds)
                call = summarize_call(doc.segments, readings, objection=self._objection)
                sentences = self._segment_entries(plan, readings)
            else:
                sentences = [self._entry(s, p) for s, p in zip(plan.sentences, preds, strict=True)]
            reading, sources = self._reading(plan, preds, scored)
            moody = [r for r in risks if r.kind in _MOOD_RISKS]
            if moody and label_of(reading.probs) == "negative":
                # a customer leaving or threatening, read negative, is as sure as a
                # correction (81 of 81 such held-out messages were negative)
                reading = reading.assured(_DECIDED)
            probs = self._calibrate(reading.probs)
            score, emotions, confidence = reading.score, reading.emotions, max(probs)
            evidence = _evidence(plan.text, self._cited(plan, preds, sources), label_of(probs))
            aspects = summarize(plan.mentions, scored)
            # a label a correction decided (a threat, a decline, sarcasm, …) is the rule's,
            # not the engine's guess: "Still waiting. Please escalate if you can't help."
            # read (0.22, 0.40, 0.38), and its threat turned it (0.40, 0.22, 0.38); so is
            # one a risk decides, whose quote must not be lost: "Honestly not sure the
            # product is a fit for us anymore." read (0.40, 0.27, 0.33) as it was
            corrected = bool(moody) or any(part.text in self._misread for part, _, _ in sources)
            if confidence < self.min_confidence and not corrected:
                plan.unscored = "too_uncertain"
        if plan.unscored is not None:
            score = 0.0
        kind_votes, intent_votes = _head_votes(plan, preds, scored) if preds else (None, None)
        upset = max(emotions.get("frustration", 0.0), emotions.get("anger", 0.0))
        # a customer leaving or threatening is never paperwork: "We have decided not to
        # renew … Please send the final invoice." had read transactional with rules.v1
        kind: Kind = (
            "conversational"
            if plan.is_call or risks
            else classify_kind(doc, len(plan.sentences), score, kind_votes, upset=upset)
        )
        # an auto-reply says nothing of anyone's mood; not one the head only took for one,
        # whose mistakes would hide a complaint's reading
        if kind == "auto_reply" and plan.unscored is None and is_automatic(doc):
            plan.unscored, score = "auto_reply", 0.0
        label: Label = label_of(probs) if plan.unscored is None else "neutral"
        return Analysis(
            label=label, score=_r(score), confidence=_r(confidence), unscored=plan.unscored,
            probabilities={name: _r(p) for name, p in zip(LABELS, probs, strict=True)},
            sentences=sentences,
            emotions={name: _r(v) for name, v in ({e: 0.0 for e in EMOTIONS} | emotions).items()},
            aspects=aspects,
            kind=kind, reply_intent=self._intent(plan, intent_votes, kind, risks),
            competitors=plan.competitors, risks=risks, evidence=evidence, call=call,
            topic_sentiment=_topic(doc, aspects, label, score),
            language=plan.language.code, engine=self.engine.name,
            model_version=self.engine.model_version,
        )  # fmt: skip

    def _risks(self, plan: _Plan) -> list[RiskMention]:
        """The sentences (of a call, the customer side's) that say the customer is leaving or
        threaten, or that a contact is leaving their company; none in a text that is not
        scored (an auto-reply, a non-answer)."""
        if plan.unscored is not None:
            return []
        side = set(customer_side(plan.doc.segments)) if plan.is_call else None
        risks = []
        for i, sentence in enumerate(plan.sentences):
            if side is not None and plan.segment_of[i] not in side:
                continue
            text = sentence.text
            risk: Risk | None = (
                self.defection.risk(text)
                or ("threat" if is_threat(text) else None)
                or ("contact_leaving" if is_departure(text) else None)
            )
            if risk is not None:
                risks.append(RiskMention(kind=risk, text=text, start=sentence.start,
                                         end=sentence.end))  # fmt: skip
        return risks

    def _reading(
        self, plan: _Plan, preds: list[Prediction], scored: dict[str, Prediction]
    ) -> tuple[Prediction, list[Source]]:
        """The document-level prediction and the parts its evidence comes from: the whole
        message's reading, or the roll-up of its sentences (long texts, calls, and a message
        whose whole reading shares a misreading that a correction undid in one of its
        sentences: most corrections apply to one sentence at a time, so "Setup was
        painless. The only gripe: exports are slow." read −0.91 whole). A message that
        sums itself up is read from its summary (:func:`~crmsense.analysis.contrast.verdict`).
        A message whose reading is not negative is read from the sentences around its
        courtesies when those read negative
        (:func:`~crmsense.analysis.contrast.complaint_part`)."""
        if not plan.is_call and len(preds) > 1:
            summed = verdict([s.text for s in plan.sentences])
            if summed is not None:
                return self._rollup(plan, preds, [summed])
            reading, sources = self._message_reading(plan, preds, scored)
            if reading.reads("negative"):
                return reading, sources
            rest = complaint_part([s.text for s in plan.sentences])
            if rest is not None:
                polite = self._rollup(plan, preds, rest)
                if polite[0].reads("negative"):
                    return polite
            return reading, sources
        indices = list(range(len(preds)))
        if plan.is_call:
            side = set(customer_side(plan.doc.segments))
            indices = [i for i in indices if plan.segment_of[i] in side]
        return self._rollup(plan, preds, indices)

    def _message_reading(
        self, plan: _Plan, preds: list[Prediction], scored: dict[str, Prediction]
    ) -> tuple[Prediction, list[Source]]:
        """A message's whole reading, or the roll-up of its sentences (see :meth:`_reading`)."""
        if plan.whole is not None:
            whole = scored[plan.whole.text]
            if not self._shares_misreading(plan, plan.whole.text, whole):
                emotions = strongest([whole.emotions, _felt(plan, preds, range(len(preds)))])
                reading = Prediction(whole.probs, whole.score, emotions)
                return reading, [(plan.whole, whole, 1.0)]
        return self._rollup(plan, preds, range(len(preds)))

    def _cited(self, plan: _Plan, preds: list[Prediction], sources: list[Source]) -> list[Source]:
        """The parts the evidence quotes: ``sources``, except that a whole reading without
        word spans cites its sentences (by their roll-up share), not the whole message."""
        if len(sources) == 1 and sources[0][0] is plan.whole and not sources[0][1].evidence:
            return self._rollup(plan, preds, range(len(preds)))[1]
        return sources

    @staticmethod
    def _rollup(
        plan: _Plan, preds: list[Prediction], indices: Iterable[int]
    ) -> tuple[Prediction, list[Source]]:
        """The roll-up of the sentences at ``indices`` and each one's share of it; its
        emotions are the strongest of the sentences that are not salutations."""
        weights = {i: weight(plan.words[i], preds[i]) for i in indices}
        total = sum(weights.values())
        sources = [(plan.sentences[i], preds[i], w / total) for i, w in weights.items()]
        rolled = aggregate([(plan.words[i], preds[i]) for i in weights])
        return replace(rolled, emotions=_felt(plan, preds, weights)), sources

    def _shares_misreading(self, plan: _Plan, text: str, whole: Prediction) -> bool:
        """Whether a sentence of ``plan`` was corrected away from the label that the whole
        reading of ``text``, itself uncorrected, still has."""
        if text in self._misread:
            return False
        said = label_of(whole.probs)
        return any(self._misread.get(s.text) == said for s in plan.sentences)

    def _entry(
        self, sentence: Sentence, p: Prediction, speaker: str | None = None,
        role: str | None = None,
    ) -> SentenceSentiment:  # fmt: skip
        probs = self._calibrate(p.probs)
        return SentenceSentiment(
            text=sentence.text,
            start=sentence.start,
            end=sentence.end,
            label=label_of(probs),
            score=_r(p.score),
            confidence=_r(max(probs)),
            speaker=speaker,
            role=role,
            sarcastic=is_sarcastic(sentence.text),
        )

    def _segment_readings(self, plan: _Plan, preds: list[Prediction]) -> list[Prediction | None]:
        """Each segment's reading: its sentences' roll-up, a rep's sympathy read as neutral
        (:func:`~crmsense.analysis.calls.is_sympathy`)."""
        parts: dict[int, list[tuple[int, Prediction]]] = {}
        for sentence, words, seg, p in zip(
            plan.sentences, plan.words, plan.segment_of, preds, strict=True
        ):
            if (
                plan.doc.segments[seg][1] == "rep"
                and p.reads("negative")
                and is_sympathy(sentence.text)
            ):
                p = p.swapped("negative", "neutral")
            parts.setdefault(seg, []).append((words, p))
        return [aggregate(parts[i]) if i in parts else None
                for i in range(len(plan.doc.segments))]  # fmt: skip

    def _segment_entries(
        self, plan: _Plan, readings: list[Prediction | None]
    ) -> list[SentenceSentiment]:
        out = []
        for (speaker, role, text), (lo, hi), reading in zip(
            plan.doc.segments, plan.segment_spans, readings, strict=True
        ):
            if reading is not None:
                out.append(self._entry(Sentence(lo, hi, text), reading, speaker, role))
        return out

    def _objection(self, text: str) -> bool:
        """Objection language in a call segment, a competitor threat included."""
        return has_objection(text) or self.defection.risk(text) is not None

    def _intent(
        self, plan: _Plan, votes: dict[str, float] | None, kind: Kind, risks: list[RiskMention]
    ) -> Intent | None:
        """The reply intent of the message's first 3,000 characters; a leaving or weighing
        risk there (already found for ``risks``, not searched for again) is an objection."""
        doc = plan.doc
        if plan.is_call or doc.direction == "outbound" or doc.channel in _NOT_REPLIES:
            return None
        head = plan.text[:3000]
        leaving = any(r.kind in DEPARTING and r.start < len(head) for r in risks)
        automatic = kind == "auto_reply"
        undelivered = automatic and is_undelivered(doc.subject or "", head)
        return reply_intent(head, votes, auto_reply=automatic, undelivered=undelivered,
                            leaving=leaving)  # fmt: skip


def _felt(plan: _Plan, preds: list[Prediction], indices: Iterable[int]) -> dict[str, float]:
    """Each emotion at its strongest over the sentences at ``indices`` that are not
    salutations (:func:`~crmsense.analysis.contrast.is_salutation`: a complaint signed
    "Best," had read satisfaction 0.97 from its sign-off), or over all of them when
    every one is."""
    chosen = list(indices)
    felt = [preds[i].emotions for i in chosen if not is_salutation(plan.sentences[i].text)]
    return strongest(felt or [preds[i].emotions for i in chosen])


def _fingerprint(competitors: Iterable[str], topics: Iterable[str], **thresholds: float) -> str:
    """``Analyzer.fingerprint``: ``v<ANALYZER_VERSION>-<digest of the settings>``."""
    settings = {
        "competitors": normalized(competitors),
        "topics": normalized(topics),
        **thresholds,
    }
    return f"v{ANALYZER_VERSION}-{text_hash(json.dumps(settings, sort_keys=True))[:12]}"


def _head_votes(
    plan: _Plan, preds: list[Prediction], scored: dict[str, Prediction]
) -> tuple[dict[str, float] | None, dict[str, float] | None]:
    """The engine's kind and intent readings of the message, or of its opening.

    A message read whole gives its own. Otherwise, over the sentences of the first 1,000
    characters — kind: the length-weighted mean; intent: each intent its strongest
    sentence, ``other`` its weakest (one sentence that unsubscribes or objects is enough).
    """
    if plan.whole is not None:
        whole = scored[plan.whole.text]
        return whole.kind, whole.intent
    first = plan.sentences[0].start
    head = [(w, p) for s, w, p in zip(plan.sentences, plan.words, preds, strict=True)
            if s.end - first <= _HEAD_CHARS] or [(1, preds[0])]  # fmt: skip
    kinds = [(w, p.kind) for w, p in head if p.kind]
    intents = [p.intent for _, p in head if p.intent]
    kind: dict[str, float] | None = None
    if kinds:
        total = sum(w for w, _ in kinds)
        kind = {k: sum(w * d.get(k, 0.0) for w, d in kinds) / total for k in KINDS}
    intent: dict[str, float] | None = None
    if intents:
        intent = {i: max(d.get(i, 0.0) for d in intents) for i in INTENTS if i != "other"}
        intent["other"] = min(d.get("other", 0.0) for d in intents)
    return kind, intent


def _evidence(text: str, sources: list[Source], label: Label) -> list[EvidenceSpan]:
    """The strongest spans pushing towards ``label`` (any direction when neutral).

    ``sources`` are (part, its prediction, its share of the whole); an engine's spans are
    weighted by that share, and a part without spans stands for itself.
    """
    spans: list[tuple[int, int, float]] = []
    for part, prediction, share in sources:
        if prediction.evidence:
            spans += [(part.start + e.start, part.start + e.end, e.weight * share)
                      for e in prediction.evidence]  # fmt: skip
        else:
            spans.append((part.start, part.end, prediction.score * share))
    direction = {"negative": -1.0, "positive": 1.0}.get(label, 0.0)
    spans = [s for s in spans if s[2] != 0 and s[1] > s[0]]
    toward = [s for s in spans if s[2] * direction > 0] or spans
    toward.sort(key=lambda s: (-abs(s[2]), s[0]))
    return [EvidenceSpan(start=lo, end=hi, text=text[lo:hi], weight=_r(w))
            for lo, hi, w in toward[:_EVIDENCE]]  # fmt: skip


def _topic(
    doc: Document, aspects: list[AspectSentiment], label: Label, score: float
) -> TopicSentiment | None:
    """The document's first topic: its aspect reading, or the whole text's when unmentioned."""
    if not doc.topics:
        return None
    topic = doc.topics[0]
    found = next((a for a in aspects if a.aspect == topic), None)
    if found is not None:
        return TopicSentiment(
            topic=topic, label=found.label, score=found.score, evidence=found.evidence
        )
    return TopicSentiment(topic=topic, label=label, score=_r(score))
