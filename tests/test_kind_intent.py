"""Message kind (conversational / transactional / auto_reply) and reply intent."""

from __future__ import annotations

import pytest

from crmsense.analysis.analyzer import Analyzer
from crmsense.analysis.api import load_engine
from crmsense.analysis.intent import has_objection, reply_intent
from crmsense.analysis.kind import classify_kind
from crmsense.analysis.types import Document
from crmsense.text.autoreply import has_auto_reply_cue


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(load_engine("rules.v1"))


TRANSACTIONAL = [
    Document("Please find attached PO 4411 for the renewal."),
    Document("Hi, could you please resend invoice #INV-20931 for March? Our AP team needs it."),
    Document("Payment received - thank you. Your receipt for order #55120 is attached.",
             subject="Your receipt from Acme"),
    Document("Does Thursday at 2pm work for you? Otherwise I can reschedule to Friday morning."),
    Document("We received a request to reset your password. If this was you, click the link "
             "below. If you did not request a password reset, you can ignore this email."),
    Document("Please find the signed order form attached, purchase order 4500012345."),
    Document("Good news! Your order has shipped. Tracking number: 1Z999AA10123456784."),
    Document("Join Zoom meeting https://zoom.us/j/98765 - Quarterly business review",
             subject="Invitation: QBR @ Tue 14 Oct 2pm"),
    Document("Good morning, just confirming our meeting on Thursday at 10am. Speak then!"),
]  # fmt: skip

CONVERSATIONAL = [
    Document("The invoice you sent is wrong AGAIN. This is the third time we've been "
             "overcharged and frankly it's unacceptable."),
    Document("Hi Sam,\n\nThanks for the call. We reviewed the proposal with our team. The "
             "workflow builder is impressive and the reporting covers what we need. Our main "
             "concern is the migration from our old system. Also, could you send the invoice "
             "for the pilot? We'd like a plan for the data import, a timeline for training, and "
             "a named contact for escalations. Let's talk next week.\n\nBest,\nJane"),
    Document("Export is broken since the update and my team is stuck."),
]  # fmt: skip

AUTO_REPLIES = [
    Document("I am currently out of the office until Monday 12 May with limited access to "
             "email. For urgent matters please contact support@acme.example."),
    Document("Thanks for your message.", auto_reply=True),
    Document("Back soon.", subject="Automatic reply: Renewal proposal"),
    Document("Thank you for contacting support. Your ticket #88412 has been received and an "
             "agent will reply shortly."),
]  # fmt: skip
UNDELIVERED = [
    Document("Undeliverable: Q3 renewal proposal\n\nDelivery has failed to these recipients "
             "or groups: kim@example.com. The e-mail address couldn't be found."),
    Document("The e-mail address couldn't be found.", subject="Undeliverable: Q3 proposal"),
    Document("This mailbox is no longer monitored. For billing questions write to "
             "billing@acme.example."),
]  # fmt: skip


@pytest.mark.parametrize("doc", TRANSACTIONAL, ids=lambda d: d.text[:30])
def test_transactional(analyzer: Analyzer, doc: Document) -> None:
    assert analyzer.analyze([doc])[0].kind == "transactional"


@pytest.mark.parametrize("doc", CONVERSATIONAL, ids=lambda d: d.text[:30])
def test_conversational(analyzer: Analyzer, doc: Document) -> None:
    assert analyzer.analyze([doc])[0].kind == "conversational"


@pytest.mark.parametrize("doc", AUTO_REPLIES, ids=lambda d: d.text[:30])
def test_auto_replies(analyzer: Analyzer, doc: Document) -> None:
    analysis = analyzer.analyze([doc])[0]
    assert analysis.kind == "auto_reply"
    assert analysis.reply_intent == "out_of_office"
    assert (analysis.unscored, analysis.label, analysis.score) == ("auto_reply", "neutral", 0)


@pytest.mark.parametrize("doc", UNDELIVERED, ids=lambda d: d.text[:30])
def test_bounces_are_auto_replies_with_no_reply_intent(analyzer: Analyzer, doc: Document) -> None:
    """A bounce is automatic, but the address is dead: not an out-of-office to wait out."""
    analysis = analyzer.analyze([doc])[0]
    assert analysis.kind == "auto_reply"
    assert analysis.reply_intent == "other"


def test_an_auto_reply_is_unscored_whatever_its_words_read() -> None:
    """model.v1 reads this out-of-office note's "limited access" as negative (-0.28)."""
    text = ("I'm out of the office until Monday with limited access to email. "
            "For urgent matters please contact ops@acme.example.")  # fmt: skip
    [analysis] = Analyzer(load_engine("model.v1")).analyze([Document(text)])
    assert analysis.kind == "auto_reply" and analysis.unscored == "auto_reply"
    assert analysis.label == "neutral" and analysis.score == 0
    assert analysis.sentences[0].label == "negative"  # the sentences keep their readings


def test_human_mention_of_leave_is_not_an_auto_reply(analyzer: Analyzer) -> None:
    [analysis] = analyzer.analyze(
        [Document("I was out of office last week and the export still fails. Can someone call me?")]
    )
    assert analysis.kind == "conversational"
    assert analysis.reply_intent != "out_of_office"


def test_kind_engine_votes() -> None:
    doc = Document("Please see attached.")
    assert classify_kind(doc, 1, 0.0, {"transactional": 0.9, "conversational": 0.1}) == (
        "transactional"
    )
    assert classify_kind(doc, 1, 0.0, {"transactional": 0.55, "conversational": 0.45}) == (
        "conversational"
    )
    invoice = Document("Could you resend invoice #4411 for March?")
    assert classify_kind(invoice, 1, 0.0, {"conversational": 0.9}) == "transactional"
    personal = Document("Please see attached. We were charged twice!")
    assert classify_kind(personal, 1, -0.8, {"transactional": 0.95}) == "conversational"
    assert classify_kind(doc, 1, -0.8, {"transactional": 0.95}) == "transactional"
    flagged = Document("Please see attached.", auto_reply=True)
    assert classify_kind(flagged, 1, 0.0, {"conversational": 0.99}) == "auto_reply"


@pytest.mark.parametrize(
    "text",
    [
        "Your invoice is wrong, again.",
        "I was billed for 40 seats, we only have 25.",
        "The renewal quote keeps changing.",
        "Invoice 3391 has the wrong VAT rate!",
        # pointed questions, @-addresses and hashtags (seventh session)
        "Why was flight 4199 out of Boston cancelled?",
        "What is the reason for the delay on flight 1316?",
        "Refund request 16866853, case id 8465981?? Nothing since March.",
        "@NorthRail delay repay rejected for train 1F22",
        "Order 5512 arrived damaged #fail",
    ],
)
def test_a_negative_message_in_a_persons_voice_is_conversational(text: str) -> None:
    """Kind rule 4: a clearly negative transactional message where a person speaks."""
    votes = {"transactional": 0.9}
    assert classify_kind(Document(text), 1, -0.6, votes) == "conversational"
    assert classify_kind(Document(text), 1, -0.2, votes) == "transactional"


def test_notices_read_as_negative_stay_transactional() -> None:
    """model.v1 reads these system notices as negative; before rule 4's person test they
    were all made conversational, so a cancelled card could reach the signals."""
    texts = [
        "Your subscription has been cancelled. Access ends on 31 January.",
        "Payment failed: the card ending 4242 was declined. Update your billing details.",
        "Refund processed: EUR 120.00 returned to your card.",
        "Your plan has been downgraded to Starter as of 1 March.",
    ]
    analyses = Analyzer(load_engine("model.v1")).analyze([Document(t) for t in texts])
    assert [a.label for a in analyses].count("negative") >= 2  # the misreadings rule 4 met
    assert [a.kind for a in analyses] == ["transactional"] * 4


def test_a_negative_chat_or_social_post_is_never_a_notice() -> None:
    """Only people write in chat and on social media (seventh session: the head took 65
    negative airline-dev tweets for transactional, and so kept them from every alert)."""
    notice = "Payment failed: the card ending 4242 was declined."
    votes = {"transactional": 0.9}
    for channel in ("chat", "social"):
        assert classify_kind(Document(notice, channel=channel), 1, -0.6, votes) == (
            "conversational"
        )
    assert classify_kind(Document(notice, channel="email"), 1, -0.6, votes) == "transactional"
    coded = "Your order #AB1234 has been delayed."  # an order code is no hashtag
    assert classify_kind(Document(coded), 1, -0.6, votes) == "transactional"
    [tweet] = Analyzer(load_engine("model.v1")).analyze(
        [Document("@JetBlue what is the reason for the delay", channel="social")]
    )
    assert (tweet.label, tweet.kind) == ("negative", "conversational")


def test_frustration_or_anger_overrules_the_head_but_not_an_auto_reply_flag() -> None:
    doc = Document("Thanks for your email. We will get back to you soon.")
    assert classify_kind(doc, 2, -0.2, {"auto_reply": 0.7}, upset=0.49) == "auto_reply"
    assert classify_kind(doc, 2, -0.2, {"auto_reply": 0.7}, upset=0.5) == "conversational"
    assert classify_kind(doc, 2, -0.2, {"transactional": 0.9}, upset=0.8) == "conversational"
    flagged = Document("Thanks for your email. We will get back to you soon.", auto_reply=True)
    assert classify_kind(flagged, 2, -0.2, {"auto_reply": 0.7}, upset=0.9) == "auto_reply"


def test_an_escalation_threat_is_not_an_auto_reply_for_the_default_engine() -> None:
    """The kind head alone reads this as an auto-reply (0.72); its frustration keeps it a
    conversation, so it can still raise an alert."""
    [analysis] = Analyzer(load_engine("model.v1")).analyze([Document(
        "This is the third time I've asked. Still waiting for a fix on the SSO bug. "
        "If this isn't resolved by EOD we'll escalate."
    )])  # fmt: skip
    assert analysis.emotions["frustration"] >= 0.5
    assert analysis.kind == "conversational"
    assert analysis.reply_intent != "out_of_office"


CHASES = [
    "Still no response on ticket #4411, it's been a week.",
    "Hello, I have now been waiting 3 days for a response to ticket #88213. Our reps cannot "
    "log calls and this is costing us deals. Please escalate.",
    "Case 00412: any update? We are still unable to export.",
]


@pytest.mark.parametrize("text", CHASES)
def test_chasing_a_ticket_is_not_an_auto_reply(text: str) -> None:
    """The kind head read the first two as auto-replies (0.89), with frustration under 0.5:
    ticket numbers are what its ticket receipts had in common."""
    [analysis] = Analyzer(load_engine("model.v1")).analyze([Document(text, direction="inbound")])
    assert analysis.kind == "conversational" and analysis.reply_intent != "out_of_office"


def test_the_chase_rule_leaves_auto_reply_flags_and_receipts() -> None:
    chase = Document("Still no response on ticket #4411.")
    assert classify_kind(chase, 1, -0.5, {"auto_reply": 0.9}) == "conversational"
    flagged = Document("Still no response on ticket #4411.", auto_reply=True)
    assert classify_kind(flagged, 1, -0.5, {"auto_reply": 0.9}) == "auto_reply"
    receipt = Document("Your request #4411 has been received. No reply is needed.")
    assert classify_kind(receipt, 2, 0.1, {"auto_reply": 0.9}) == "auto_reply"
    tweet = Document("My flight UA343 on 2/17 sat for 3 hours at the gate")
    assert classify_kind(tweet, 1, -0.6, {"auto_reply": 0.9}) == "conversational"


@pytest.mark.parametrize(
    "text",
    [
        "Hey! I'm out for Thanksgiving week. Back Dec 2.",
        "I'm at our offsite until Wednesday evening and won't be checking messages.",
        "This inbox is checked infrequently. For anything time-sensitive please ring us.",
        "Your ticket has been merged with an existing ticket. Please reply there for updates.",
    ],
)
def test_auto_reply_cues(text: str) -> None:
    assert has_auto_reply_cue(text)


@pytest.mark.parametrize(
    "text",
    [
        # a person promising a reply by a day is no absent person's cue
        "Hi Mark, thanks for sending the contract. Our legal team is reviewing it and will get "
        "back to you by Friday. Best, Lisa",
        "Got it, I'll get back to you on pricing once I've spoken to finance.",
        # things working again (seventh session: the head then took it for an auto-reply)
        "Following up from yesterday's call: the backlog has drained and our order system is "
        "back in sync.",
        "The rollout is back on track.",
    ],
)
def test_no_auto_reply_cue(text: str) -> None:
    assert not has_auto_reply_cue(text)


def test_a_reply_about_a_contract_is_a_conversational_reply() -> None:
    """The kind head read it as an auto-reply (so an out-of-office reply intent), and the
    threat patterns took "our legal team … will" for lawyers brought in (−0.79) before
    (2026-12-07)."""
    text = (
        "Hi Mark, thanks for sending the contract. Our legal team is reviewing it and will get "
        "back to you by Friday. Best, Lisa"
    )
    [analysis] = Analyzer(load_engine("model.v1")).analyze([Document(text, channel="email")])
    assert analysis.kind == "conversational" and analysis.reply_intent != "out_of_office"
    assert analysis.label != "negative"


INTENTS = {
    "interest": [
        "Interesting! Could we set up a call next Tuesday to see a demo?",
        "Sounds great - please send me more information about the enterprise plan.",
        "Yes, I'm interested. What does your availability look like next week?",
        "Love the product, renewing for another two years!",  # the head: objection
        "We'd like to add 20 seats next month.",
        "We plan to upgrade to Enterprise in January.",
        "We're ready to move forward.",
        "What would it cost for 50 seats?",
        "Do you integrate with NetSuite?",
        "Send me a case study and I'll share it with the team.",
        # asking for proof, eager to start (2026-12-07; the head said other)
        "Loved the case study. Can you share one for manufacturing?",
        "Who else uses this in the logistics space?",
        "Great session yesterday, the team is excited to get started.",
        # asking to see or try it, what a plan includes, terms for committing (the head:
        # other; fourth session, 2026-12-07)
        "Any chance we could get a demo of the new analytics module?",
        "We'd like a trial for our sales team.",
        "Could you walk our team through it next week?",
        "What does the enterprise plan include?",
        "Can we get a discount if we sign for three years?",
        # seventh session
        "Can you share a pricing sheet and whether you offer an annual discount?",
        "This is timely. What's the typical implementation time?",
        "Price is a bit above budget, but the audit log is exactly what we need. Could we get "
        "on a call to discuss options?",
        "Forwarding this to our VP of Sales, I think she'll love it. Can you set up a call with "
        "both of us?",
    ],
    "polite_disengagement": [
        "Not a priority for us right now. Let's circle back next quarter.",
        "Thanks, but we'll pass for now.",
        "We'll need to think about it and get back to you.",
        "Not interested at this time, thank you.",
        # seventh session
        "We're heads down on other projects at the moment. Ping me again in a few months?",
        "Hey, we're all set for the moment. Will let you know if that changes.",
    ],
    "objection": [
        "Honestly it looks good, but it's too expensive for a team our size.",
        "We already use Gong and we're locked into a two-year contract.",
        "I need to run this by my CFO, it's not my decision.",
        "Bad timing - we are mid-migration and have no bandwidth until Q3.",
        # the head said "other" (2026-12-07)
        "Pricing is a bit steep for us. Is there any flexibility if we commit to two years?",
        # seventh session
        "Thanks Ben, but we don't really have a need for this.",
        "Unfortunately our budget for tools was cut by 30% this year.",
        "We're locked in with HubSpot until the end of next year, so I'll have to say no.",
    ],
    "unsubscribe": [
        "Please remove me from your mailing list.",
        "Stop emailing me. I never signed up for this.",
        "Unsubscribe",
        "Not interested. Take me off your list.",
        "Kindly do not add me to any future campaigns. Much appreciated.",  # seventh session
    ],
    "referral": [
        "I'm not the right person for this - please reach out to Priya Shah.",
        "The right person is Tom Baker in procurement, tom@acme.example.",
        "cc'ing my colleague Dana who owns our sales tooling.",
        "Wrong contact, sorry - our operations director Ines signs off on software.",
        "Not my area. You'll want to speak to Farid, he runs our service desk.",
        "Looping in Hannah from finance, she'd be the one to ask about budgets.",
        "I've moved to a new role since March; Olu now covers vendor reviews.",
        "Try our IT manager, Bo, he owns the tooling budget.",
        # seventh session
        "Please direct this to our CTO, Aisha Bello. She decides on security tooling.",
        "Personally not interested, but our security lead Omar might be. His email is "
        "omar@tealbridge.example.",
        "We're not interested on the HR side. Contact Robert Chen, our controller.",
        "Not my area, please reach out to Dana. Can you send her the proposal?",
    ],
    "other": [
        # thanks for help (2026-12-07; the head said polite_disengagement)
        "Thanks so much for your help, really appreciate it.",
        "The meeting link in your invite doesn't work, can you send another?",
        "Prices are high everywhere this year, but we'll see.",
        "Got it.",
        "See you at the conference.",
        "We're all set for the demo on Tuesday.",
    ],
}


@pytest.mark.parametrize(
    ("intent", "text"), [(i, t) for i, texts in INTENTS.items() for t in texts]
)
def test_reply_intents(analyzer: Analyzer, intent: str, text: str) -> None:
    assert reply_intent(text) == intent
    assert analyzer.analyze([Document(text)])[0].reply_intent == intent


@pytest.mark.parametrize(
    "text",
    [
        "Try it on the staging workspace first and tell me what happens.",
        "We retired the old dashboard last week, the new one is great.",
        "Wrong invoice total again, please fix it.",
        "Ask our support team? They never answer.",
        "Not my decision - I need to run it by our CFO.",
    ],
)
def test_referral_look_alikes(text: str) -> None:
    assert reply_intent(text) != "referral"


def test_thanks_for_help_is_no_sales_intent_for_the_default_engine() -> None:
    """The intent head read it as polite disengagement (2026-12-07)."""
    text = "Thanks so much for your help, really appreciate it."
    assert reply_intent(text, {"polite_disengagement": 0.9}) == "other"
    [analysis] = Analyzer(load_engine("model.v1")).analyze([Document(text, channel="email")])
    assert analysis.reply_intent == "other"


def test_renewing_with_someone_else_is_not_interest() -> None:
    for text in ("We're renewing for another year with Gong.",
                 "We're renewing with our current provider."):  # fmt: skip
        assert reply_intent(text, {"objection": 0.8}) == "objection"


def test_intent_engine_votes() -> None:
    text = "Thanks for the note."
    assert reply_intent(text, {"interest": 0.8, "other": 0.2}) == "interest"
    assert reply_intent(text, {"interest": 0.45, "other": 0.3}) == "interest"
    assert reply_intent(text, {"interest": 0.3, "other": 0.3}) == "other"
    objection = "It's too expensive for us."
    assert reply_intent(objection, {"interest": 0.5}) == "objection"
    # a matching rule wins even over a confident engine: the patterns are precise
    assert reply_intent(objection, {"polite_disengagement": 0.9}) == "objection"
    assert reply_intent("Please unsubscribe me.", {"interest": 0.99}) == "unsubscribe"
    assert reply_intent("Anything.", {"interest": 0.99}, auto_reply=True) == "out_of_office"


def test_the_engines_out_of_office_needs_an_away_word() -> None:
    """The head took someone back at work for an absent one (2026-12-07)."""
    back = "Sorry for the delay, I was out sick. Let's reschedule for next week."
    assert reply_intent(back, {"out_of_office": 0.7, "interest": 0.2}) == "other"
    assert reply_intent(back, {"out_of_office": 0.5, "interest": 0.45}) == "interest"
    away = "Hi, I'm on leave this week, back Monday."
    assert reply_intent(away, {"out_of_office": 0.7}) == "out_of_office"


def test_the_engines_unsubscribe_needs_a_word_of_stopping() -> None:
    """The head read a support e-mail as an unsubscribe (eighth session); acting on one
    takes the contact out of every sequence, so the reply must say so in words."""
    urgent = "This is blocking our payroll run for 400 employees."
    assert reply_intent(urgent, {"unsubscribe": 0.7, "other": 0.2}) == "other"
    assert reply_intent(urgent, {"unsubscribe": 0.5, "objection": 0.45}) == "objection"
    stopped = "The integration stopped syncing last night."
    assert reply_intent(stopped, {"unsubscribe": 0.7}) == "other"
    for terse in ("Spam. Remove.", "Enough. Unsub me from everything.", "No more of this outreach"):
        assert reply_intent(terse, {"unsubscribe": 0.7}) == "unsubscribe"


def test_the_engines_referral_needs_someone_to_hand_over_to() -> None:
    """The head read an escalation threat as a referral (eighth session): "your manager"
    is the vendor's, nobody the writer hands the conversation to."""
    threat = "I want to speak to your manager."
    assert reply_intent(threat, {"referral": 0.6, "other": 0.3}) == "other"
    for handed in ("I'm just an intern lol. try emailing Marco.",
                   "Kofi runs our sales enablement, he'd be the one.",
                   "ximena.r@halcyonhotels.com is who you want"):  # fmt: skip
        assert reply_intent(handed, {"referral": 0.6, "other": 0.3}) == "referral"


def test_intent_only_for_inbound_replies(analyzer: Analyzer) -> None:
    text = "Thanks, but we'll pass for now."
    inbound, outbound, survey, call, ticket, note, mail, chat = analyzer.analyze([
        Document(text, direction="inbound"), Document(text, direction="outbound"),
        Document(text, channel="survey"),
        Document("", segments=(("Jo", "customer", text), ("Al", "rep", "Understood."))),
        Document(text, channel="ticket", direction="inbound"),
        Document(text, channel="note"), Document(text, channel="email", direction="inbound"),
        Document(text, channel="chat", direction="inbound"),
    ])  # fmt: skip
    assert inbound.reply_intent == "polite_disengagement"
    assert outbound.reply_intent is None and survey.reply_intent is None
    # a support ticket or a note answers no sales outreach; e-mail and chat may
    assert ticket.reply_intent is None and note.reply_intent is None
    assert mail.reply_intent == chat.reply_intent == "polite_disengagement"
    assert call.reply_intent is None and call.kind == "conversational"


def test_objection_language() -> None:
    assert has_objection("Your price is too high compared to what we pay now.")
    assert has_objection("We're happy with our current vendor.")
    assert not has_objection("Great, the price works for us. Send the contract.")
    # price pushback (2026-12-05), which calls raise as objections
    assert has_objection("Our bigger worry is price.")
    assert has_objection("The renewal quote is 20 percent higher and finance is pushing back.")
    assert has_objection("Procurement is pushing back on the quote.")
    assert not has_objection("The price is higher than I expected but worth it.")
    # bill shock (2026-12-07)
    assert has_objection("We were surprised by the invoice, it was higher than the quote.")
    assert has_objection("The March invoice is 30% higher than what we were quoted.")
    # a concern named (seventh session), as a call's customer raises it
    assert has_objection("The pricing for the renewal is also a concern, it's 20% up.")
    assert has_objection("My main worry is the implementation timeline.")
    assert has_objection("Security is the sticking point.")
    assert not has_objection("That is no longer a concern.")
    assert not has_objection("Is that a concern for you?")
    assert not has_objection("No concerns from our side.")


def test_a_call_that_names_a_concern_raises_an_objection() -> None:
    segments = (
        ("Dana", "customer", "The sync broke three times last quarter."),
        ("Sam", "rep", "I'm sorry about that, we've shipped a fix and added monitoring."),
        ("Dana", "customer", "The pricing for the renewal is also a concern."),
        ("Sam", "rep", "I can hold last year's price if you renew for two years."),
        ("Dana", "customer", "That helps a lot, thank you."),
    )
    [analysis] = Analyzer(load_engine("model.v1")).analyze(
        [Document(" ".join(t for _, _, t in segments), segments=segments)]
    )
    assert analysis.call is not None
    assert analysis.call.trajectory.objection_raised
    assert analysis.call.trajectory.objection_resolved


@pytest.mark.parametrize(
    "text",
    ["How do I add a new user to my workspace?",
     "Is there a way to bulk import contacts from a CSV?",
     "Hi team, where can I find the audit log for last quarter?",
     "What's the difference between an admin and an owner?",
     "Feature request: let us pin notes to the top of a record.",
     "Would be really useful if reports could be scheduled. Any plans to add that?",
     "Hi, could you add support for Outlook calendars? Half our team uses it.",
     # a project's timeline or status (2026-12-07)
     "Could you let me know the timeline for the migration? Our board meets next Thursday.",
     "Any update on the fix for the sync?",
     # a ticket's status, asking for a fix (the head: transactional; fourth session)
     "Is there any update on ticket #4821?",
     "I need this fixed before our board meeting on Thursday.",
     "Could you look into the sync errors? They started on Monday."],
)  # fmt: skip
def test_a_product_question_is_not_made_transactional_by_the_head(text: str) -> None:
    assert classify_kind(Document(text), 1, 0.0, {"transactional": 0.85}) == "conversational"


@pytest.mark.parametrize(
    "text",
    ["Hi Sam, just a heads up that our CFO wants to revisit the budget before we sign. Can "
     "we push the call to next week?",
     "Procurement is pushing back on the price. Can we move our call to Thursday?",
     "Can we move our call to Thursday? Security is the sticking point for us."],
)  # fmt: skip
def test_an_objection_is_not_made_transactional_by_the_head(text: str) -> None:
    """Deal talk beside a scheduling request (ninth session: the head read the first as
    paperwork at 0.88, which would have kept the stalled deal from every alert)."""
    assert has_objection(text)
    assert classify_kind(Document(text), 2, 0.0, {"transactional": 0.88}) == "conversational"


def test_someone_above_reopening_the_numbers_is_an_objection() -> None:
    assert reply_intent("Our CFO wants to revisit the budget before we sign.") == "objection"
    assert reply_intent("Finance asked us to renegotiate the contract terms.") == "objection"
    assert has_objection("The price is more than we budgeted and our CFO wants to revisit it.")
    assert not has_objection("Our CFO approved the budget, let's sign.")


def test_a_survey_comment_is_conversational_whatever_the_head_says() -> None:
    doc = Document("Would be 10 if the mobile app worked offline.", channel="survey")
    assert classify_kind(doc, 1, -0.6, {"transactional": 0.9}) == "conversational"
    assert classify_kind(Document(doc.text), 1, -0.6, {"transactional": 0.9}) == "transactional"


def test_an_order_status_question_stays_with_the_head() -> None:
    doc = Document("What's the status of my order?")
    assert classify_kind(doc, 1, 0.0, {"transactional": 0.9}) == "transactional"
    fix = Document("Please fix the typo on invoice #332.")  # paperwork, by rule 2
    assert classify_kind(fix, 1, 0.0, {"conversational": 0.9}) == "transactional"


def test_the_product_question_rule_leaves_transactional_phrases_and_other_votes() -> None:
    reset = Document("How do I reset my password?")
    assert classify_kind(reset, 1, 0.0, {"conversational": 0.9}) == "transactional"
    scheduling = Document("Can we move our call to Thursday?")
    assert classify_kind(scheduling, 1, 0.0, {"transactional": 0.85}) == "transactional"
    admin = Document("Could you add our new admin, Sam Ortiz, to the training invite?")
    assert classify_kind(admin, 1, 0.0, {"transactional": 0.85}) == "transactional"


def test_the_default_engine_reads_how_to_questions_as_conversational() -> None:
    """The kind head alone says transactional for all four (feature requests: since
    2026-12-05)."""
    texts = ["How do I add a new user to my workspace?",
             "Is there a way to bulk import contacts from a CSV?",
             "Could you add a dark mode? Our night shift would love it.",
             "Feature request: bulk edit for tags would save us hours every week."]  # fmt: skip
    analyses = Analyzer(load_engine("model.v1")).analyze([Document(t) for t in texts])
    assert [a.kind for a in analyses] == ["conversational"] * 4


def test_doubting_the_renewal_is_an_objection_not_interest() -> None:
    """The interest rule's "we'll renew" fired on "Honestly I'm not sure we'll renew."
    (fifth session, 2026-12-07); the doubt is a weighing risk, so the reply objects."""
    (analysis,) = Analyzer(load_engine("rules.v1")).analyze(
        [Document("Honestly I'm not sure we'll renew.", channel="email")]
    )
    assert analysis.reply_intent == "objection"
    assert [r.kind for r in analysis.risks] == ["weighing"]


def test_a_social_post_answers_no_outreach() -> None:
    """Ninth session: "@AcmeCRM thanks for nothing" read polite_disengagement."""
    analyzer = Analyzer(load_engine("model.v1"))
    post, chat = analyzer.analyze(
        [Document("@AcmeCRM thanks for nothing", channel="social"),
         Document("Sounds interesting, can we set up a call next week?", channel="chat")]
    )  # fmt: skip
    assert post.reply_intent is None
    assert chat.reply_intent == "interest"  # a chat may answer outreach
