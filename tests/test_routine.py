"""Routine requests and notices (moving a meeting, administering an account, a reset code)
are never read as negative."""

from __future__ import annotations

import pytest
from child import run_python

from crmsense.analysis.analyzer import Analyzer
from crmsense.analysis.api import load_engine
from crmsense.analysis.routine import is_routine, is_suggestion, routine_reading
from crmsense.analysis.types import Document, Evidence, Prediction

ROUTINE = [
    "Need to shift our monthly review back an hour, 15:00 instead of 14:00.",
    "Can we move Thursday's demo to 3pm?",
    "Could we push tomorrow's training to Friday morning?",
    "Please move our call to 4pm, I have a clash.",
    "i need to reschedule our call, does monday work instead",
    "Rescheduling: could we do Friday 9:30 instead of Wednesday?",
    "Running 10 minutes late to our call, sorry!",
    "Sorry, running late - can we start at 10:15?",
    "Could we make next month's review 45 minutes instead of 30?",
    "Please add these five users to our workspace: list attached.",
    "Can you grant read-only access to our auditor for two weeks?",
    "Can you grant read-only access to our external auditor, Ms. Achterberg, for two weeks?",
    "Please deactivate the three licences listed below at the end of this billing cycle.",
    "We'd like to transfer account ownership from Tom Avery to Claire Lund.",
    # account notices
    "Your verification code is 482913. It expires in 10 minutes.",
    "Your password reset code is 448812. It expires in 15 minutes. If you did not request a "
    "password reset, ignore this email.",
    "Reset your password: click the link below to choose a new password.",
    # courtesies around the request
    "Hi Lena, something came up on our side. Could we push tomorrow's training to Friday "
    "morning? Sorry for the short notice.",
    "Hello Sam, can we bump our demo to Thursday? Thanks! Best, Priya",
    # apologies for a slow reply (2026-12-05)
    "Sorry for the delay in getting back to you!",
    "Hi Ola, my apologies for the late reply. Thanks, Ken",
    "Sorry it's taken me so long.",
    "Apologies for not getting back sooner, it has been a hectic month.",
    # how-to questions (2026-12-07): their problem words are hypothetical
    "How do I roll back a failed import?",
    "What happens if a scheduled payment fails?",
    "Hi team, is there a way to restore a deleted deal? Thanks!",
    "Who should we contact when the sync errors out overnight?",
    "What's the process if an invoice is disputed?",
    "how do i report a bug in the mobile app?",
    # invoices and passwords (2026-12-07; model.v1: -0.43, -0.35)
    "Please reissue invoice INV-2291 with our PO number 450012 on it; our system rejects "
    "invoices without one.",
    "Please reset the password for our new analyst, she never received the activation e-mail.",
    "Hi, please find our purchase order attached. Thanks!",
    # not making it to a meeting (model.v1: -0.61), and well-wishing around a request
    "Unfortunately I won't be able to make Thursday's session. Could we move it to Friday?",
    "I'm afraid we can't make tomorrow's demo. Hope that's OK.",
    "Hi Lena, hope you're well. Could we push tomorrow's training to Friday? Have a great day!",
    # details that stay as they were (model.v1: the first -0.69, 2026-12-07)
    "Please find our purchase order attached. Billing address unchanged.",
    "Our bank details remain the same as before.",
    "No change to our billing information this year.",
    # how the product behaves, and admin of keys and environments (seventh session;
    # model.v1: -0.64, -0.51, -0.46, -0.87, -0.56)
    "What does the stale flag on a report mean exactly, and when does it get cleared?",
    "Can an admin recover a dashboard someone deleted, and if so, for how many days?",
    "Compliance wants to know how long deleted records stay in backups before they're purged.",
    "Our auditors want to know whether failed logins are kept for a year.",
    "For dunning, how many failed payment attempts happen before an account is marked as past due?",
    "Kindly revoke the API key ending in 7f3a, it belonged to a contractor who has left.",
    "Please delete the sandbox environment named test-q1-2023; nobody uses it anymore.",
    # a problem put down to the writer's own side (seventh session; -0.41, -0.69, -0.60)
    "The broken links in the onboarding emails came from our own template edit, and we've "
    "corrected them.",
    "We were charged twice for September because of a card update on our side; please refund "
    "one of the charges.",
    "Please disregard PO 88-4412; it was raised in error on our end.",
    "Our bad, the failed import was a typo in our file.",  # every own-side hint gated in
    # what the writer's own users feel, passed on with a request (eighth session; model.v1
    # -0.75, -0.42, -0.75)
    "Tenants in our portfolio get upset when late-fee notices arrive on weekends. Can we "
    "restrict sending to business days?",
    "Our clients complain a lot about long forms. Can we shorten the onboarding survey?",
    "Our agents say callers get annoyed when they have to repeat their account number. Can "
    "the chat widget pass it through automatically?",
    "Hi team, a few of our end users find the password rules confusing. Is there a setting "
    "for the helper text? Thanks, Ana",
]
NOT_ROUTINE = [
    # a problem anywhere
    "Can we move the call? The export is still broken.",
    "We had to postpone the go-live because the sync keeps failing.",
    "Please move our call, we're frustrated that nothing has been fixed.",
    "Can you remove the duplicate users? They were created by your import bug.",
    "Payment failed: your card was declined. No action is needed once you update it.",
    "Your account was locked. If you did not request this, contact support.",
    "The link below is broken, please resend.",
    # relayed pain that is a fault, urgent, or asks for a fix, or no request at all
    "Our customers say the portal has been down since this morning. Can you fix it?",
    "Our customers keep getting errors at checkout. Can we get someone on this?",
    "Our users complain that reports load slowly since the update. Is there a workaround?",
    "Our clients complain a lot about long forms.",
    "Our agents hate the new layout. Can you roll it back ASAP?",
    # another sentence that is not a courtesy
    "Can we move our call to Friday? I'm not sure this project is worth continuing.",
    # not a request: news and statements
    "The company plans to increase its ownership in core business holdings.",
    "I shouldn't absorb a fee for rescheduling a flight.",
    "The board granted licences for two reactors.",
    # requests about other things
    "Please remove the duplicate contacts you created.",
    "Please move our renewal date to align with our fiscal year.",
    "",
    "Sorry for the delay, the sync is still broken.",
    "Sorry for the slow reply. The new pricing is unacceptable to us.",
    "Why the delay in getting back to us?",
    # how-to questions that complain, or that lead somewhere else
    "How do I roll back the import you broke again?",
    "Why does the import keep failing? How do I roll it back?",
    "How do I get a refund for the broken blender you sent me?",
    "How can I cancel my subscription?",
    "How do I roll back a failed import!",
    "How do I roll back a failed import? This is the third outage this month.",
    "We can't log in. How do we reset the admin password?",
    "Please reissue invoice INV-2291, you charged us twice.",
    "I'm locked out again. Could you reset my account?",
    # regret about a meeting does not excuse a problem beside it
    "Unfortunately we can't make Thursday's review because the sync is still down.",
    "Unfortunately I won't be able to make the renewal work at this price.",
    "How is this still broken?",
    "The bug is the same as before, still broken.",
    # persistence, and a problem that only shows on the writer's side (seventh session)
    "Please disable SSO, it keeps locking everyone out.",
    "The export is still broken on our side.",
    "This was not our mistake, the sync deleted the records.",
    "The sync failed because of a change on our side? No, it's your bug.",
    "Can an admin recover the dashboard your migration deleted?",
    "So the fact that the computer does not work on the 24th day is my fault.",  # irony
    "For the third time, how do I stop the sync failing?",
]


@pytest.mark.parametrize("text", ROUTINE)
def test_routine(text: str) -> None:
    assert is_routine(text)


@pytest.mark.parametrize("text", NOT_ROUTINE)
def test_not_routine(text: str) -> None:
    assert not is_routine(text)


def test_a_negative_reading_becomes_neutral_with_the_same_confidence() -> None:
    negative = Prediction(probs=(0.8, 0.15, 0.05), score=-0.75,
                          evidence=[Evidence(0, 4, "Need", -0.75)])  # fmt: skip
    corrected = routine_reading(ROUTINE[0], negative)
    assert corrected.probs == (0.15, 0.8, 0.05)
    assert corrected.score == pytest.approx(-0.1)
    assert corrected.evidence == []  # the spans pushed towards the reading undone


def test_other_readings_and_other_texts_are_left_alone() -> None:
    neutral = Prediction(probs=(0.3, 0.6, 0.1), score=-0.2)
    positive = Prediction(probs=(0.1, 0.2, 0.7), score=0.6)
    negative = Prediction(probs=(0.8, 0.15, 0.05), score=-0.75)
    assert routine_reading(ROUTINE[0], neutral) is neutral
    assert routine_reading(ROUTINE[0], positive) is positive
    assert routine_reading(NOT_ROUTINE[0], negative) is negative


def test_the_analyzer_reads_routine_requests_as_not_negative() -> None:
    """model.v1 read these as negative (-0.83, -0.82, -0.95, -0.66, -0.65) before the
    correction; the kind rules then made the first and the last conversational, so they
    could raise alerts."""
    texts = [
        ROUTINE[0],
        "Sorry, need to bump our demo from Wednesday to Thursday.",
        ROUTINE[6],
        "Please remove the following four leavers from our workspace.",
        ROUTINE[14],
    ]
    analyses = Analyzer(load_engine("model.v1")).analyze([Document(t) for t in texts])
    for text, analysis in zip(texts, analyses, strict=True):
        assert analysis.label != "negative", text
        assert analysis.score > -0.35, text  # below, the kind rules call it a complaint
    assert analyses[0].kind == analyses[-1].kind == "transactional"


def test_an_apology_for_a_slow_reply_does_not_sink_the_message() -> None:
    """model.v1 read the apology as −0.91, and the whole of these messages as negative
    (−0.58, −0.72, −0.69): a prospect saying "let's proceed" looked unhappy."""
    texts = [
        "Sorry for the delay in getting back to you. The proposal looks good, let's proceed.",
        "Hi Sam, apologies for the slow reply, it has been a hectic week. Tuesday at 10 works "
        "for the review.",
        "Sorry for the late response! Yes, please go ahead with the upgrade.",
        "Apologies for the delay in replying. We have decided not to renew.",
    ]
    analyses = Analyzer(load_engine("model.v1")).analyze([Document(t) for t in texts])
    assert [a.label for a in analyses] == ["positive", "neutral", "positive", "negative"]
    assert analyses[0].sentences[0].label == "neutral"


def test_how_to_questions_are_not_complaints() -> None:
    """model.v1 read these from -0.48 to -0.80: a customer asking how to handle a failure
    is not reporting one."""
    start = ROUTINE.index("How do I roll back a failed import?")
    texts = ROUTINE[start : start + 5]
    analyses = Analyzer(load_engine("model.v1")).analyze([Document(t) for t in texts])
    assert [a.label for a in analyses] == ["neutral"] * len(texts)


def test_a_follow_up_with_thanks_is_not_read_as_praise() -> None:
    """model.v1 read the first +0.90 (2026-12-07): the thanks. A customer chasing is not a
    happy one; a check-in that says something nice stays positive."""
    texts = [
        "Hi, just following up on my previous email. Thanks!",
        "Just checking in to see if you had a chance to look at the proposal. Thanks!",
        "Just checking in to say the team loves the new dashboards!",
    ]
    analyses = Analyzer(load_engine("model.v1")).analyze([Document(t) for t in texts])
    assert [a.label for a in analyses] == ["neutral", "neutral", "positive"]


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("Would be 10 if the mobile app worked offline.", True),
        ("Only thing missing is a dark mode.", True),
        ("I'd give it a 10 if reporting were more flexible.", True),
        ("Thanks! It would be really helpful to have a Slack integration.", True),
        ("Feature request: bulk edit for contacts.", True),
        ("Would be great if the export didn't crash every day.", False),  # a problem
        ("Great product! Would love to see better reporting.", False),  # praise beside it
        ("The export is missing half the rows.", False),
        ("It would be nice if it actually worked.", False),  # a complaint wished away
    ],
)
def test_suggestions(text: str, suggestion: bool) -> None:
    assert is_suggestion(text) is suggestion


def test_a_suggestion_is_not_read_as_a_complaint() -> None:
    """model.v1 read these −0.65 and −0.68 (fourth session, 2026-12-07); a warm wish keeps
    its positive reading, as the public sets label such wishes."""
    texts = ["Would be 10 if the mobile app worked offline.",
             "Only thing missing is a dark mode."]  # fmt: skip
    analyses = Analyzer(load_engine("model.v1")).analyze(
        [Document(t, channel="survey") for t in texts]
    )
    assert [a.label for a in analyses] == ["neutral"] * 2


def test_a_problem_beside_the_request_keeps_its_negative_reading() -> None:
    text = "Can we move our call to Friday? The export is still broken and my team is stuck."
    [analysis] = Analyzer(load_engine("model.v1")).analyze([Document(text)])
    assert analysis.label == "negative"


def test_a_huge_text_is_read_in_linear_time() -> None:
    """Every pattern is bounded; 1 MB of requests takes well under a second. Run in a child
    with a limit, so a regression fails instead of hanging the suite."""
    code = (
        "from crmsense.analysis.routine import is_routine\n"
        "print(is_routine('can we move our call to friday? thanks! ' * 25000),\n"
        "      is_routine('please add ' * 100000))\n"
    )
    assert run_python(code).split() == ["True", "False"]


def test_questions_about_behaviour_and_own_side_problems_are_not_complaints() -> None:
    """model.v1 read these from -0.41 to -0.87 (seventh session): the problem words are a
    question's, an admin request's or the writer's own doing."""
    start = ROUTINE.index(
        "What does the stale flag on a report mean exactly, and when does it get cleared?"
    )
    texts = ROUTINE[start : start + 9]
    analyses = Analyzer(load_engine("model.v1")).analyze([Document(t) for t in texts])
    assert [a.label for a in analyses] == ["neutral"] * len(texts)
