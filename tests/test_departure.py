"""Departures: a contact leaving their company is a ``contact_leaving`` risk."""

from __future__ import annotations

import pytest
from child import run_python

from crmsense.analysis.analyzer import Analyzer
from crmsense.analysis.api import load_engine
from crmsense.analysis.departure import departure_span, is_departure
from crmsense.analysis.types import Document

DEPARTURES = [
    "Sarah, who championed this project internally, is leaving the company at the end of "
    "the month.",
    "I'm leaving Acme at the end of the month; my replacement is Tom.",
    "Our champion Maria left the company last week and her replacement hasn't been briefed.",
    "My last day is Friday, Priya will take over the account.",
    "Tom's last day with us is the 30th.",
    "Dana is no longer with the company.",
    "I've accepted a position with another company.",
    "Our VP of Sales has resigned.",
    "He was let go last week.",
    "I'm moving on to a new role in March.",
    "Jan is stepping down as CTO.",
    "They are leaving the company in May.",
]
NOT_DEPARTURES = [
    "I'm leaving London on Friday, back Monday.",  # a place: no company words near
    "Is Sarah leaving the company?",
    "I'm not leaving the company, don't worry.",
    "I'm leaving the office early today.",
    "She left the meeting early.",
    "This is leaving us with no option.",
    "The gate agent left us all in line in front of an empty desk.",
    "I left a comment on the ticket.",
    "We are leaving the company we use for payroll.",  # "we": the customer, defection's
    "We'll be leaving the business unit structure as it is.",
    "Can you tell me if he has left the company?",
    "If it's true that he has retired, who takes over?",
    "The last day of the trial is Friday.",
    "We have accepted an offer from another vendor.",  # the customer leaving: defection's
    "We are stepping down from the Enterprise plan to Pro.",  # a downgrade
]


@pytest.mark.parametrize("text", DEPARTURES)
def test_a_departure(text: str) -> None:
    assert is_departure(text)


@pytest.mark.parametrize("text", NOT_DEPARTURES)
def test_not_a_departure(text: str) -> None:
    assert not is_departure(text)


def test_the_span_is_in_the_right_sentence() -> None:
    text = "Thanks for the call. Dana is no longer with the company."
    span = departure_span(text)
    assert span is not None and text[span[0] : span[1]] == "is no longer with the company"


def test_the_analyzer_reports_a_departure_without_changing_the_mood() -> None:
    """model.v1 read the first neutral and raised nothing (ninth session)."""
    texts = [
        "Our champion Maria left the company last week and her replacement hasn't been briefed.",
        "Hi all, my last day at Acme is Friday. Priya will take over the account, I've cc'd "
        "her here.",
        "We are moving to another vendor. Also, my last day at Acme is Friday.",
    ]
    analyzer = Analyzer(load_engine("model.v1"))
    first, second, both = analyzer.analyze([Document(t, channel="email") for t in texts])
    assert [r.kind for r in first.risks] == ["contact_leaving"]
    assert first.risks[0].text == texts[0]
    assert first.kind == "conversational"
    assert first.label == "neutral"  # a departure is news, not a mood
    assert first.reply_intent != "objection"  # unlike a customer leaving
    assert [r.kind for r in second.risks] == ["contact_leaving"]
    assert second.label != "negative"
    assert [r.kind for r in both.risks] == ["leaving", "contact_leaving"]
    assert both.reply_intent == "objection"


def test_a_rep_leaving_on_a_call_is_not_the_customers_departure() -> None:
    call = Document("", segments=(
        ("Ann", "rep", "Quick news: I'm leaving the company next month, Bo will take over."),
        ("Cy", "customer", "Sorry to hear that. My last day is Friday too, funnily enough."),
    ))  # fmt: skip
    (analysis,) = Analyzer(load_engine("model.v1")).analyze([call])
    assert [(r.kind, r.text) for r in analysis.risks] == [
        ("contact_leaving", "My last day is Friday too, funnily enough.")
    ]


def test_a_huge_text_is_read_in_linear_time() -> None:
    code = (
        "from crmsense.analysis.departure import is_departure\n"
        "print(is_departure('I am leaving ' * 50000),\n"
        "      is_departure('She has resigned. ' * 50000))\n"
    )
    assert run_python(code).split() == ["False", "True"]
