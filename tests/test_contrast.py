"""A complaint after "but" decides the reading of praise or thanks before it."""

from __future__ import annotations

import pytest
from child import run_python

from crmsense.analysis.analyzer import Analyzer
from crmsense.analysis.api import load_engine
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
from crmsense.analysis.types import Document, Evidence, Prediction

WITH_CLAUSE = [
    ("Thanks for the update, but we're still unable to log in.", "we're still unable to log in."),
    ("Thank you for your response, however the invoice is still wrong.",
     "the invoice is still wrong."),
    ("Thanks, but that workaround doesn't work for us.", "that workaround doesn't work for us."),
    ("Great onboarding, but the reporting module keeps crashing.",
     "the reporting module keeps crashing."),
    ("Thanks for looking into it, but honestly this is getting ridiculous.",
     "honestly this is getting ridiculous."),
    ("Hi Sam, I appreciate the help. Unfortunately the export is still failing.",
     "the export is still failing."),
    ("Support was friendly, although the sync has been down since Monday.",
     "the sync has been down since Monday."),
    ("Love the new reports, yet the dashboard is too slow to use.",
     "the dashboard is too slow to use."),
    ("I know it's not your fault but our team is losing patience.",
     "our team is losing patience."),
    ("Appreciate the effort. That said, we've had four outages this quarter.",
     "we've had four outages this quarter."),
    ("Support has been responsive, nevertheless the sync keeps failing every night.",
     "the sync keeps failing every night."),
    ("We're happy with the product but the renewal price is too high.",
     "the renewal price is too high."),
    ("We love the product but the budget just isn't there this year.",
     "the budget just isn't there this year."),
    ("Great product, but we simply can't afford it after the budget cuts.",
     "we simply can't afford it after the budget cuts."),
    # the point named after a comma (eighth session): no problem word needed
    ("The product itself is fine, the problem is your support.", "the problem is your support."),
    ("I like the tool, my issue is with the onboarding, which has taken four months.",
     "my issue is with the onboarding, which has taken four months."),
    ("Honestly the product is great, it's your billing team that is a nightmare.",
     "it's your billing team that is a nightmare."),
    # or in a sentence of its own (ninth session)
    ("The tool itself is fine. Our problem is that nobody at your company owns our account.",
     "Our problem is that nobody at your company owns our account."),
]  # fmt: skip
WITHOUT_CLAUSE = [
    "Great onboarding, but the reports are a little plain.",  # no problem, no courtesy
    "Not only fast but also cheap.",
    "But the sync still fails.",  # nothing before the contrast
    "Thanks, but no.",  # too short a clause to decide
    "The export is slow, though.",
    "The sync has been down all week.",  # no contrast word
    "The problem is your support.",  # nothing before the point
    "We fixed it, the problem was on our side anyway and it's sorted.",
    "Thanks for the quick fix. Our main problem is now solved.",
]


@pytest.mark.parametrize(("text", "clause"), WITH_CLAUSE)
def test_the_clause_after_the_last_contrast_word(text: str, clause: str) -> None:
    found = contrast_clause(text)
    assert found is not None and found.text == clause
    assert text[found.start :].rstrip() == clause


@pytest.mark.parametrize("text", WITHOUT_CLAUSE)
def test_no_clause_to_decide(text: str) -> None:
    assert contrast_clause(text) is None


POSITIVE = Prediction((0.1, 0.2, 0.7), 0.6, {"satisfaction": 0.8, "frustration": 0.1},
                      [Evidence(0, 6, "Thanks", 0.9)])  # fmt: skip
COMPLAINT = Prediction((0.85, 0.1, 0.05), -0.8, {"frustration": 0.7},
                       [Evidence(6, 11, "still", -0.6)])  # fmt: skip
CLAUSE = Clause(22, "it's still down.")


def test_a_negative_clause_decides_a_positive_reading() -> None:
    turned = contrasted(POSITIVE, CLAUSE, COMPLAINT)
    assert turned.probs == COMPLAINT.probs and turned.score == -0.8
    assert turned.emotions == {"satisfaction": 0.8, "frustration": 0.7}
    assert turned.evidence == [Evidence(28, 33, "still", -0.6)]  # offsets in the whole text


def test_only_a_positive_reading_gives_way_to_a_stronger_or_a_problem_clause() -> None:
    neutral = Prediction((0.2, 0.6, 0.2), 0.0)
    assert contrasted(neutral, CLAUSE, COMPLAINT) is neutral
    mild = Prediction((0.5, 0.2, 0.3), -0.2)  # reads negative, but less than the text's +0.6
    courtesy = Clause(22, "no need to rush the rest.")  # no problem word
    assert contrasted(POSITIVE, courtesy, mild) is POSITIVE
    # a clause that reports a problem decides however weakly it reads (ninth session)
    assert contrasted(POSITIVE, CLAUSE, mild).probs == mild.probs
    assert contrasted(POSITIVE, CLAUSE, Prediction((0.2, 0.6, 0.2), 0.0)) is POSITIVE


def test_praise_then_a_price_complaint_reads_negative() -> None:
    """model.v1 read these as +0.50, +0.33 and +0.56 before (2026-12-07): a price that is
    too high was not a problem the clause could report."""
    texts = [
        "We're happy with the product but the renewal price is too high.",
        "The team is great but the pricing is too steep for a company our size.",
        "Great product, though a bit too expensive for us.",
    ]
    analyses = Analyzer(load_engine("model.v1")).analyze([Document(t) for t in texts])
    assert [a.label for a in analyses] == ["negative"] * 3
    assert [(s.aspect, s.label) for s in analyses[0].aspects if s.aspect == "pricing"] == [
        ("pricing", "negative")
    ]


def test_praise_then_no_budget_reads_negative() -> None:
    """model.v1 read the first as +0.41 before (fifth session, 2026-12-07): a budget that
    is not there was not a problem the clause could report."""
    texts = [
        "We love the product but the budget just isn't there this year.",
        "Great product, but we simply can't afford it after the budget cuts.",
    ]
    analyses = Analyzer(load_engine("model.v1")).analyze([Document(t) for t in texts])
    assert [a.label for a in analyses] == ["negative"] * 2


def test_the_analyzer_reads_polite_complaints_as_negative() -> None:
    """model.v1 read these as positive (+0.32, +0.60, +0.14, +0.04, +0.69, +0.12, +0.56 and
    +0.36) before (2026-12-07); the sentences whose clause is not a complaint stay
    positive."""
    complaints = [
        "Thanks for the update, but we're still unable to log in.",
        "Thank you for your response, however the invoice is still wrong.",
        "Appreciate the quick reply, but the same error came back this morning.",
        "Thanks, but that workaround doesn't work for us.",
        "Thanks for looking into it, but honestly this is getting ridiculous.",
        "The product is fine I guess, but support has been really slow lately.",
        "Thanks for the update. However, we're still unable to log in.",
        "Appreciate the effort from your support team. That said, we've had four outages "
        "this quarter and our leadership is questioning the renewal.",
        # eighth session: +0.19 before
        "Honestly the product is great, it's your billing team that is a nightmare - we "
        "were invoiced twice in March.",
        # ninth session: +0.32 before
        "The tool itself is fine. Our problem is that nobody at your company seems to own "
        "our account.",
        # ninth session: +0.56, its clause −0.50 (weaker) but a problem
        "Your support team is fantastic, but the reports still take ages to load.",
    ]
    praise = [
        "Thanks for the quick turnaround, but no need to rush the rest.",
        "Thanks so much, but please don't worry about the delay, it all worked out.",
        "The export was slow at first, but it has been fine since the patch.",
    ]
    analyzer = Analyzer(load_engine("model.v1"))
    analyses = analyzer.analyze([Document(t) for t in complaints + praise])
    assert [a.label for a in analyses] == ["negative"] * 11 + ["positive"] * 3
    # the clause's evidence points into the message
    first = analyses[0]
    assert all(complaints[0][e.start : e.end] == e.text for e in first.evidence)
    # a message whose sentence gave way is read from its sentences
    email = analyzer.analyze([Document(complaints[0] + " Can you escalate?")])[0]
    assert email.label == "negative" and email.sentences[0].label == "negative"


def test_a_huge_text_is_read_in_linear_time() -> None:
    code = (
        "from crmsense.analysis.contrast import contrast_clause\n"
        "print(contrast_clause('Thanks, but ' * 100000 + 'it is still broken.'),\n"
        "      contrast_clause('but ' * 200000))\n"
    )
    out = run_python(code).strip()
    assert out.split("\n")[0].startswith("Clause(")
    assert out.endswith("text='it is still broken.') None")  # the last clause; no clause


def test_the_clause_is_read_once_and_cached() -> None:
    from test_analyzer import KeywordEngine

    engine = KeywordEngine()
    analyzer = Analyzer(engine)
    text = "Thanks and love it, so helpful, but it is broken."  # keywords: +0.6, clause -0.8
    [analysis] = analyzer.analyze([Document(text)])
    assert analysis.label == "negative" and analysis.score == -0.8
    read = [t for call in engine.calls for t in call]
    assert sorted(read) == sorted({text, "it is broken."})  # each text read once
    assert [(e.text, text[e.start : e.end]) for e in analysis.evidence] == [("broken", "broken")]
    assert analysis.emotions["satisfaction"] == 0.8  # the text's own emotions are kept
    calls = len(engine.calls)
    analyzer.analyze([Document(text)])
    assert len(engine.calls) == calls  # both readings come from the cache
    [turned] = analyzer.analyze([Document("Great, love it, but it is broken.")])
    assert turned.label == "negative"  # +0.9, but the clause reports a problem


@pytest.mark.parametrize(
    ("sentences", "rest"),
    [
        (["Hi team, hope you're well.", "The sync still fails every night.", "Thanks, Raj"],
         [1]),
        (["Thanks for the call.", "I appreciate it.", "Unfortunately the invoices are still wrong.",
          "Any ETA?"], [2, 3]),
        (["Good morning.", "The dashboard has been down since 8am.",
          "Thanks in advance for looking into it."], [1]),
        (["Thanks for getting back to me.", "The export is still timing out."], [1]),
        (["Thanks for jumping on the call.", "As discussed, we'll need the SSO fix by end of "
          "month or we can't roll out to the wider team."], [1]),
        (["Thanks for your time yesterday.", "The import is still failing."], [1]),
        (["Thanks for meeting with us today.", "The import is still failing."], [1]),
    ],
)  # fmt: skip
def test_the_part_around_the_formalities(sentences: list[str], rest: list[int]) -> None:
    assert complaint_part(sentences) == rest


@pytest.mark.parametrize(
    "sentences",
    [
        # thanks for something done is sentiment, not a formality
        ["Thanks for fixing the export so fast!", "The import still fails."],
        # a sign-off only at the end: "Thanks, internet!" is the point here
        ["Boy, nobody replied for days.", "Thanks, internet!", "I feel less alone."],
        # no problem reported around the formalities
        ["Hi Sarah, thanks for the update.", "We'll review the quote on Monday.", "Best, Mike"],
        # nothing but formalities, or none at all
        ["Hi Sam,", "Thanks for the update."],
        ["The sync still fails.", "The export is slow too."],
        # emoji alone are no formality
        ["The sync still fails.", "😡"],
    ],
)
def test_no_part_to_read(sentences: list[str]) -> None:
    assert complaint_part(sentences) is None


def test_the_analyzer_reads_courtesies_around_a_complaint_as_negative() -> None:
    """model.v1 read these e-mails whole as positive (+0.82, +0.57, +0.82) before
    (2026-12-07): the greetings and thanks were their loudest words. E-mails whose
    sentences besides the formalities are not a complaint keep their readings."""
    complaints = [
        "Thanks for the call. I appreciate it. Unfortunately the invoices are still wrong. "
        "Any ETA?",
        # +0.80 before the fifth session of 2026-12-07
        "Thanks for jumping on the call. As discussed, we'll need the SSO fix by end of month "
        "or we can't roll out to the wider team.",
        "Hi team, hope you're well. We're still seeing the sync fail every night and our reps "
        "are entering data twice. Please advise. Thanks, Raj",
        "Good morning. I wanted to flag that the dashboard has been down since 8am. Thanks in "
        "advance for looking into it.",
    ]
    others = [
        "Thanks so much for the help, everything works now. Have a great weekend!",
        "Great call today, looking forward to the proposal. Thanks, Jen",
    ]
    analyzer = Analyzer(load_engine("model.v1"))
    analyses = analyzer.analyze([Document(t, channel="email") for t in complaints + others])
    assert [a.label for a in analyses] == ["negative"] * 4 + ["positive"] * 2
    # the evidence comes from the complaint, not from the thanks
    third = analyses[2]
    assert third.evidence and all(e.start >= complaints[2].index("We're") for e in third.evidence)
    assert all(complaints[2][e.start : e.end] == e.text for e in third.evidence)


def test_the_complaint_part_decides_with_any_engine() -> None:
    from test_analyzer import KeywordEngine

    # the toy engine reads "thanks" and "great" +, "broken" −: the whole reads +1.0
    text = (
        "Hi Sam, thanks for the update. Hope you're well. The sync is broken. Thanks in "
        "advance for a great fix. Thanks, Jo"
    )
    [analysis] = Analyzer(KeywordEngine()).analyze([Document(text)])
    assert analysis.label == "negative" and analysis.score == -0.8
    assert [e.text for e in analysis.evidence] == ["broken"]


@pytest.mark.parametrize(
    ("text", "clause"),
    [
        ("I was dreading the CRM migration, but your team made it painless.",
         "your team made it painless."),
        ("Hate to admit it, but the new approval flow saves us hours.",
         "the new approval flow saves us hours."),
        ("tbh i was skeptical about switching but the import took twenty minutes",
         "the import took twenty minutes"),
        ("Can't say I expected much from a chatbot, but it sorted my direct debit in minutes.",
         "it sorted my direct debit in minutes."),
        # a concession first (eighth session: -0.83 before)
        ("Not perfect, but I wouldn't go back to spreadsheets for anything.",
         "I wouldn't go back to spreadsheets for anything."),
        ("It has its quirks, but the team loves it.", "the team loves it."),
    ],
)  # fmt: skip
def test_a_worry_then_what_it_came_to(text: str, clause: str) -> None:
    found = relief_clause(text)
    assert found is not None and found.text == clause
    assert text[found.start :] == clause


@pytest.mark.parametrize(
    "text",
    [
        "The migration was painful, but the team was helpful.",  # no worry first
        "I was dreading the renewal call.",  # no "but"
        "Hate to admit it, but no.",  # too short to decide
    ],
)
def test_no_relief_clause(text: str) -> None:
    assert relief_clause(text) is None


def test_a_clause_that_reads_positive_decides_a_worried_reading() -> None:
    worried = Prediction((0.9, 0.05, 0.05), -0.85, {"confusion": 0.7})
    relief = Prediction((0.05, 0.1, 0.85), 0.8, {"satisfaction": 0.9})
    clause = Clause(40, "your team made it painless.")
    assert relieved(worried, clause, relief).probs == relief.probs
    assert relieved(worried, clause, relief).emotions == relief.emotions
    still_bad = Prediction((0.7, 0.2, 0.1), -0.6)
    assert relieved(worried, clause, still_bad) is worried
    glad = Prediction((0.1, 0.1, 0.8), 0.7)
    assert relieved(glad, clause, relief) is glad


def test_the_analyzer_reads_relief_as_positive() -> None:
    """model.v1 read the first −0.95 (2026-12-07): the dread is its loudest part."""
    texts = [
        "I was dreading the data migration after our last vendor, but your team made the "
        "whole thing completely painless.",
        "Hate to admit it, but the new approval workflow cut our month-end close by two days.",
        "I was worried about the renewal, but the new quote is even higher.",
    ]
    analyses = Analyzer(load_engine("model.v1")).analyze([Document(t) for t in texts])
    assert [a.label for a in analyses] == ["positive", "positive", "negative"]


@pytest.mark.parametrize(
    ("sentences", "index"),
    [
        (["Some parts are great, others need work.", "Overall about average."], 1),
        (["Setup took ages.", "All in all, a solid release.", "Thanks!"], 1),
        (["Slow start.", "On balance: worth it.", "Bottom line, we renew."], 2),
        (["Overall the rollout went well.", "Support was slow though."], None),  # opens
        (["Support was slow.", "Overall, fine."], None),  # one word is no verdict
        (["Support was slow.", "The overall score dropped."], None),
    ],
)
def test_the_sentence_that_sums_a_message_up(sentences: list[str], index: int | None) -> None:
    assert verdict(sentences) == index


def test_the_writers_summary_decides_the_message() -> None:
    """Eighth session: the first read +0.94 whole, the second, with the other engine, as
    the roll-up of its sentences."""
    texts = [
        "Some parts are great, others need work. Overall about average.",
        "The product is great. Overall, a disappointing quarter for us with all the outages.",
        "Support was slow and the setup took ages. Overall though, we are very happy.",
    ]
    for engine in ("model.v1", "rules.v1"):
        analyses = Analyzer(load_engine(engine)).analyze([Document(t) for t in texts])
        assert [a.label for a in analyses] == ["neutral", "negative", "positive"], engine
        start = texts[1].index("Overall")  # the evidence quotes the summary
        assert analyses[1].evidence and all(e.start >= start for e in analyses[1].evidence)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [("Best,", True), ("Hi Jordan,", True), ("Kind regards, Jo", True), ("Thanks, Raj", True),
     ("Hope you're well.", True), ("Cheers!", True),
     ("Thanks for fixing it so fast!", False), ("Best product we've used.", False),
     ("The export failed again.", False)],
)  # fmt: skip
def test_a_salutation(sentence: str, expected: bool) -> None:
    assert is_salutation(sentence) is expected


def test_a_sign_off_lends_a_complaint_no_satisfaction() -> None:
    """Ninth session: "Best," read satisfaction 0.97, and a message's emotions are the
    strongest of its sentences', so this complaint showed satisfaction 0.97."""
    text = (
        "Hi Jordan,\n\nThe export has failed three nights in a row and we have lost a day "
        "of work.\n\nBest,\nMaria"
    )
    (analysis,) = Analyzer(load_engine("model.v1")).analyze([Document(text, channel="email")])
    assert analysis.label == "negative"
    assert analysis.emotions["satisfaction"] < 0.3
    assert analysis.emotions["disappointment"] > 0.5
    (thanks,) = Analyzer(load_engine("model.v1")).analyze([Document("Thanks, Raj")])
    assert thanks.emotions["satisfaction"] > 0.5  # a salutation alone keeps its own reading
