"""Sarcastic praise is read as the complaint it is; real praise is left alone."""

from __future__ import annotations

import pytest

import crmsense
from crmsense.analysis.analyzer import Analyzer
from crmsense.analysis.api import load_engine
from crmsense.analysis.sarcasm import is_sarcastic, unsarcastic
from crmsense.analysis.types import Document, Evidence, Prediction

SARCASTIC = [
    "I love how the new release broke everything.",
    "Thanks for finally replying, only took nine days.",
    "Nice of you to respond at last.",
    "Appreciate the canned reply.",
    "Good to know our support contract means nothing.",
    "I would appreciate it if somebody could actually look at the logs.",
    "Thanks for the fix, such as it is.",
    "Great, another outage. Exactly what we needed.",
    "Thanks for nothing.",
    "Oh wonderful, the export failed again.",
    "Fantastic support, only took three weeks to get a reply.",
    "Love waiting on hold for 45 minutes.",
    "Wow, what a great experience, my account got locked twice today.",
    "Gotta love how the invoice charged us twice.",
    "Love how I have to re-enter my card every month.",
    "Love having to explain the same issue to three different agents.",
    "I love that we still need to call support to change a user's email.",
    "Nice to see the price went up again without notice.",
    # bare praise after trouble (2026-12-07)
    "Your app has been down for 2 hours and nobody is answering support. Great job.",
    "The sync failed again last night. Perfect.",
    "Third invoice error this quarter. Well done, team!",
    # thanks for the harm itself (2026-12-07)
    "Thanks for the useless answer.",
    "Thank you for making this the worst renewal we've had.",
    "Thanks for losing our data.",
    "Thanks so much for charging us twice!",
    "Thanks for the three-week wait.",
    "Thanks for keeping me on hold for an hour.",
    "thx for wasting another afternoon of my team's time",
    # thanks for a fix that isn't (fifth session; model.v1 +0.69 and +0.91 before)
    "Thanks for fixing the bug? It's still there.",
    "Thanks for fixing the bug, now we have two more.",
    # a price rise, and star ratings of a harm (2026-12-07; model.v1 +0.61, +0.96 before)
    "Fantastic, another price increase.",
    "Great, you raised the prices again.",
    "5 stars for the three-hour outage",
    # giving up on help (2026-12-07; +0.73 and +0.36 before)
    "It's fine, we'll figure it out ourselves.",
    "Never mind, don't bother.",
    # grudging thanks, mock compliance, a "love how … apparently" (2026-12-07)
    "Thanks, I guess.",
    "Oh sure, I'll just wait another week then.",
    "Love how the premium plan apparently means a four-day response time.",
    "Love that the status page said all green while we couldn't log in.",
    # sarcasm said outright (seventh session): +0.81 before
    "booked a sea view room, got a view of the car park and the bins. lovely 🙃",
    "Love the new pricing page 🙄",
    "best support team ever /s",
    "Another great day with this app #not",
    # (eighth session; airline tweets read positive)
    "Never fails to disappoint.",
    "Thanks for the standard reply.",
    "Thanks for patronizing.",
    "Thank you for blowing my vacation.",
    "thank you for 7 hrs at terminal D",
    "Thanks for wrecking our launch week.",
    "great, a £75 admin fee to change my car reg on the policy. really earning that money",
    "buffering every 30 seconds during the final. on 500mb fibre btw. hilarious",
    "The portal has been down for two days now. Classic.",
    "great, so my data from last month is just gone?",
    # ninth session: +0.54 before
    "Day 3 of waiting for @AcmeCRM to reply to my ticket. Cool cool cool.",
    "The sync failed again. Cool.",
]
SINCERE = [
    "Great job on the migration, everything went smoothly!",
    "Thanks for finally adding dark mode, the team is thrilled!",
    "I'd appreciate it if you could send the slides.",
    "Nice of you to send the recap, very helpful.",
    "I love how easy the new dashboard is.",
    "Thanks so much for the quick fix!",
    "Great, thanks, that works.",
    "Thanks for fixing the outage so quickly.",
    "Thanks for fixing the export, now it works perfectly.",
    "Thank you for your patience while the service was down.",
    "Love the new reports, but the export failed twice this week.",
    "Thanks again for the help with the onboarding.",
    "Great news: the login bug you reported is resolved.",
    "The rollout went without a single hiccup.",
    "I love how we get to try every feature before it ships.",
    "Love that you had the team ready on day one.",
    "Great to see prices unchanged for another year.",
    "The outage was resolved quickly. Great job.",
    "Migration done, zero errors. Great job.",
    "We lost two hours of data yesterday. Great work on the recovery, team.",
    "The export fails on row 2000. Thanks!",  # thanks in advance
    "The flight was delayed, but tailwinds will make up for it. Good news!",
    "Great job.",
    "Thanks for fixing that awful bug.",
    "Thanks for the update on the delayed shipment.",
    "Thanks for not losing our data this time.",
    "Thank you for your help with the terrible week we had.",
    "Thanks for cancelling my subscription so quickly.",
    "Thanks for the info about the outage.",
    "Great news: no price increase this year!",
    "Great, you haven't raised the prices for once.",
    "Five stars, the outage was fixed in minutes.",
    "Thanks for the docs, we'll figure it out ourselves from here!",
    "Don't bother sending the invoice, we'll pay by card.",
    "Sure, I'll just send it over then.",  # no burden accepted: a plain yes
    "This release never fails to impress.",
    "Thanks for the quick reply.",
    "Thanks for two days in Lisbon, the team loved it!",
    "Thanks for blowing us away with the new dashboard.",
    "The new dashboard is hilarious, our team loves the animations.",
    "The onboarding call was great. Classic.",  # no trouble before it
    "Got it, I'll restart the import. Cool, thanks!",
    "We're still waiting for the contract to come back from legal. Cool, I'll chase them.",
    "Great, the old bugs are all gone since the patch!",  # a fix
    "The new automation rules are really earning their keep.",
    "I love how you apparently read my mind.",
    "I love the /settings page, and #nothing beats it.",
]


@pytest.mark.parametrize("text", SARCASTIC)
def test_sarcastic_praise_is_recognised(text: str) -> None:
    assert is_sarcastic(text)


@pytest.mark.parametrize("text", SINCERE)
def test_sincere_praise_and_mixed_messages_are_not_sarcasm(text: str) -> None:
    assert not is_sarcastic(text)


def test_only_a_positive_reading_is_mirrored() -> None:
    text = "Great, another outage."
    praise = Prediction((0.1, 0.2, 0.7), 0.6, {"satisfaction": 0.8, "frustration": 0.1},
                        [Evidence(0, 5, "Great", 0.9)])  # fmt: skip
    turned = unsarcastic(text, praise)
    assert turned.probs == (0.7, 0.2, 0.1) and turned.score == -0.6
    assert turned.evidence[0].weight == -0.9
    assert turned.emotions["frustration"] == 0.8 and turned.emotions["satisfaction"] == 0.1
    complaint = Prediction((0.8, 0.1, 0.1), -0.7)
    assert unsarcastic(text, complaint) is complaint
    assert unsarcastic("Great, it works.", praise) is praise


@pytest.mark.parametrize("engine", ["rules.v1", "model.v1"])
def test_the_analysis_reads_sarcasm_as_negative_and_flags_the_sentence(engine: str) -> None:
    mixed = ("Hi team, thanks for the call on Monday. Fantastic support, only took three "
             "weeks to get a reply about the SSO bug.")  # fmt: skip
    sarcastic, sincere, message = crmsense.analyze(
        ["Wow, what a great experience, my account got locked twice today.",
         "Great job on the migration, everything went smoothly!", mixed],
        engine=engine,
    )  # fmt: skip
    assert sarcastic.label == "negative" and sarcastic.sentences[0].sarcastic
    assert sincere.label == "positive" and not sincere.sentences[0].sarcastic
    assert [s.sarcastic for s in message.sentences] == [False, True]
    assert message.sentences[-1].label == "negative"


def test_sarcasm_read_negative_keeps_no_praise_emotion() -> None:
    """model.v1 read "Thanks for nothing." −0.19 with satisfaction 0.96 (2026-12-07)."""
    emotions = {"satisfaction": 0.96, "enthusiasm": 0.2, "frustration": 0.1}
    said = Prediction(probs=(0.5, 0.2, 0.3), score=-0.2, emotions=emotions)
    read = unsarcastic("Thanks for nothing.", said)
    assert read.probs == said.probs
    assert read.emotions["frustration"] == 0.96 and read.emotions["satisfaction"] == 0.1
    plain = Prediction(probs=(0.5, 0.2, 0.3), score=-0.2, emotions={"satisfaction": 0.9})
    assert unsarcastic("Thanks for the quick fix.", plain) is plain


def test_bare_praise_after_trouble_reads_negative() -> None:
    """model.v1 read these as +0.20 and +0.68 before (2026-12-07)."""
    texts = [
        "@acme your app has been down for 2 hours and nobody is answering support. Great job.",
        "Third invoice error this quarter. Well done, team!",
    ]
    analyses = Analyzer(load_engine("model.v1")).analyze([Document(t) for t in texts])
    assert [a.label for a in analyses] == ["negative"] * 2


def test_passive_aggressive_thanks_reads_negative() -> None:
    """model.v1 read these as +0.60, +0.79, +0.36 and +0.77 before (2026-12-05)."""
    texts = [
        "I'd appreciate it if someone could actually read my emails.",
        "Thanks for finally getting back to me.",
        "Nice of you to reply after two weeks.",
        "Appreciate the canned response.",
    ]
    analyses = Analyzer(load_engine("model.v1")).analyze([Document(t) for t in texts])
    assert [a.label for a in analyses] == ["negative"] * 4


def test_thanks_for_a_harm_reads_negative_and_for_news_of_one_does_not() -> None:
    """model.v1 read the first three as +0.93, +0.20 and +0.67, and the last (rule 2:
    thanks around "delayed") as −0.68 before (2026-12-07)."""
    texts = [
        "Thanks for a subpar onboarding experience, and it's not even over yet.",
        "Thank you for making this the worst renewal we've had.",
        "Thanks for the vague canned response that doesn't address the issue!",
        "Thanks for the update on the delayed shipment.",
    ]
    analyses = Analyzer(load_engine("model.v1")).analyze([Document(t) for t in texts])
    assert [a.label for a in analyses] == ["negative"] * 3 + ["positive"]


def test_thanks_for_a_fix_that_isnt_reads_negative() -> None:
    """model.v1 read the first two +0.69 and +0.91 (fifth session, 2026-12-07); the
    second is also no resolution, which would have turned the mirrored reading back."""
    texts = [
        "Thanks for fixing the bug? It's still there.",
        "Thanks for fixing the bug, now we have two more.",
        "Thanks for fixing the export, now it works perfectly.",
    ]
    analyses = Analyzer(load_engine("model.v1")).analyze([Document(t) for t in texts])
    assert [a.label for a in analyses] == ["negative"] * 2 + ["positive"]


def test_sarcasm_said_outright_reads_negative() -> None:
    """model.v1 read these +0.81 and +0.77 (seventh session)."""
    analyses = crmsense.analyze([
        "@CasaHotels booked a sea view room, got a view of the car park and the bins. lovely 🙃",
        "Love the new pricing page 🙄",
    ])  # fmt: skip
    assert [a.label for a in analyses] == ["negative", "negative"]
