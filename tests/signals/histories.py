"""Generators of realistic account histories, as interchange records.

Each scenario builds one account (contacts, messages and tickets with our replies,
surveys, usage, CS activities, deals, calls) ending at :data:`AS_OF`:

- ``improving``: complaints turn into thanks; NPS 7 → 9; usage up; a recent CSM call.
- ``declining``: thanks turn into complaints; NPS 8 → 4; usage down; no recent CSM call.
- ``escalating_tickets``: each ticket angrier than the last; a follow-up left unanswered.
- ``curt_replies``: a warm, quick contact turns terse and slow.
- ``ghosting_deal``: a late-stage prospect cools, then stops replying to our follow-ups.
- ``competitor_creep``: a prospect mentions a competitor more and more; an objection
  stays open at the end of the last call.
- ``noisy_but_fine``: steady, friendly conversation buried in invoices, receipts,
  scheduling mail and out-of-office replies.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

AS_OF = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
COMPETITORS = ("Globex",)

POSITIVE = [
    "Thanks so much for the quick fix, the team is really happy with it.",
    "Great news, the new dashboard works perfectly for us.",
    "Really appreciate your help yesterday, everything is running smoothly now.",
    "Excellent support as always, thank you!",
    "The rollout went well and the team loves the new reports. Thank you!",
]
NEUTRAL = [
    "Can you confirm the export runs on Fridays?",
    "Please add Maria to the account as an admin.",
    "What is the limit on API calls per hour?",
    "We will review the proposal with the team next week.",
]
NEGATIVE = [
    "This is the third outage this month and it is not acceptable.",
    "We are very frustrated, the sync has been broken for days.",
    "This issue is a blocker for us and nobody has fixed it yet.",
    "The latest release broke our reports again. Really disappointed.",
]
TRANSACTIONAL = [
    "Could you resend invoice #{n} for March?",
    "Please find attached the purchase order for the renewal.",
    "Your receipt for order #{n} is attached.",
    "Payment confirmation: invoice #{n} has been paid.",
    "Can we reschedule Thursday's call to 3pm?",
]
AGENT = [
    "Thanks for reaching out, we are looking into it now.",
    "We have deployed a fix, could you check again?",
    "Happy to help, I have updated the settings for you.",
]


class History:
    """Records of one account; times are given in days before :data:`AS_OF`."""

    def __init__(
        self,
        account: str,
        *,
        segment: str | None = None,
        arr: float = 60_000,
        seed: int = 0,
        parent: str | None = None,
    ) -> None:
        self.account = account
        self.rng = random.Random(seed)
        self.records: list[dict[str, Any]] = [
            {
                "type": "account",
                "id": account,
                "name": account.title(),
                "arr": arr,
                "segment": segment,
                **({"parent_id": parent} if parent else {}),
            }
        ]
        self.contacts: list[str] = []
        self._n = 0

    def _id(self, prefix: str) -> str:
        self._n += 1
        return f"{self.account}-{prefix}{self._n}"

    @staticmethod
    def at(days_ago: float) -> str:
        return (AS_OF - timedelta(days=days_ago)).isoformat().replace("+00:00", "Z")

    def contact(self, name: str, role: str | None = None) -> str:
        cid = f"{self.account}-{name}"
        self.records.append(
            {
                "type": "contact",
                "id": cid,
                "account_id": self.account,
                "name": name.title(),
                "role": role,
                "email": f"{name}@{self.account}.example",
            }
        )
        self.contacts.append(cid)
        return cid

    def message(
        self,
        days_ago: float,
        text: str,
        *,
        inbound: bool = True,
        channel: str = "email",
        contact: str | None = None,
        ticket: str | None = None,
        thread: str | None = None,
        deal: str | None = None,
        auto_reply: bool = False,
        priority: str | None = None,
        subject: str | None = None,
    ) -> str:
        mid = self._id("m")
        record: dict[str, Any] = {
            "type": "message",
            "id": mid,
            "channel": channel,
            "direction": "inbound" if inbound else "outbound",
            "account_id": self.account,
            "timestamp": self.at(days_ago),
            "text": text,
            "auto_reply": auto_reply,
            "subject": subject or "Re: our account",
        }
        for key, value in (
            ("contact_id", contact or (self.contacts[0] if self.contacts else None)),
            ("ticket_id", ticket),
            ("thread_id", thread),
            ("deal_id", deal),
            ("ticket_priority", priority),
        ):
            if value is not None:
                record[key] = value
        self.records.append(record)
        return mid

    def ticket(
        self,
        days_ago: float,
        texts: list[str],
        *,
        answered: bool = True,
        priority: str | None = None,
    ) -> str:
        """A ticket: the customer's messages a day apart, each answered by an agent."""
        tid = self._id("T")
        for i, text in enumerate(texts):
            day = days_ago - i
            self.message(day, text, channel="ticket", ticket=tid, priority=priority)
            if answered or i < len(texts) - 1:
                self.message(
                    day - 0.1, self.rng.choice(AGENT), inbound=False, channel="ticket", ticket=tid
                )
        return tid

    def survey(self, days_ago: float, kind: str, score: float, comment: str | None = None) -> None:
        self.records.append(
            {
                "type": "survey",
                "id": self._id("s"),
                "kind": kind,
                "score": score,
                "comment": comment,
                "account_id": self.account,
                "contact_id": self.contacts[0] if self.contacts else None,
                "timestamp": self.at(days_ago),
            }
        )

    def usage(self, start: float, end: float, licensed: int = 60, days: int = 90) -> None:
        """Weekly active users moving linearly from ``start`` to ``end`` over ``days``."""
        for week in range(0, days + 1, 7):
            active = round(start + (end - start) * week / days)
            day = (AS_OF - timedelta(days=days - week)).date().isoformat()
            self.records.append(
                {
                    "type": "usage",
                    "account_id": self.account,
                    "date": day,
                    "active_users": active,
                    "licensed_users": licensed,
                }
            )

    def activity(self, days_ago: float, kind: str = "csm_call") -> None:
        self.records.append(
            {
                "type": "activity",
                "account_id": self.account,
                "kind": kind,
                "timestamp": self.at(days_ago),
            }
        )

    def deal(
        self, name: str, *, stage: str, index: int | None = None, count: int | None = None
    ) -> str:
        did = f"{self.account}-{name}"
        record: dict[str, Any] = {
            "type": "deal",
            "id": did,
            "account_id": self.account,
            "name": name,
            "stage": stage,
            "owner": "rep@vendor.example",
        }
        if index is not None:
            record |= {"stage_index": index, "stage_count": count}
        self.records.append(record)
        return did

    def call(
        self, days_ago: float, segments: list[tuple[str, str]], deal: str | None = None
    ) -> None:
        self.records.append(
            {
                "type": "call",
                "id": self._id("c"),
                "account_id": self.account,
                "deal_id": deal,
                "timestamp": self.at(days_ago),
                "title": "Call",
                "segments": [
                    {"speaker": "Rep" if role == "rep" else "Customer", "role": role, "text": text}
                    for role, text in segments
                ],
            }
        )

    def outcome(self, days_ago: float, kind: str) -> None:
        day = (AS_OF - timedelta(days=days_ago)).date().isoformat()
        self.records.append(
            {"type": "outcome", "account_id": self.account, "kind": kind, "date": day}
        )


def _conversation(h: History, days: list[float], pools: list[list[str]]) -> None:
    """Customer e-mails on ``days``, each drawn from the pool of its third of the period,
    every other one an answer to our e-mail a few hours earlier."""
    for i, day in enumerate(days):
        pool = pools[min(len(pools) - 1, i * len(pools) // len(days))]
        if i % 2 == 0:
            h.message(day + 0.2, h.rng.choice(AGENT), inbound=False, thread=f"th{i}")
        h.message(day, h.rng.choice(pool), thread=f"th{i - i % 2}")


def improving(account: str = "improving", seed: int = 1) -> History:
    h = History(account, segment="mid-market", seed=seed)
    h.contact("ana", "admin")
    _conversation(h, [88 - 5 * i for i in range(17)], [NEGATIVE, NEUTRAL, POSITIVE])
    h.ticket(80, [NEGATIVE[0], NEGATIVE[1]])
    h.ticket(45, [NEUTRAL[0]])
    h.ticket(12, [POSITIVE[0]])
    h.ticket(4, [POSITIVE[3]])
    h.survey(150, "nps", 7, "It is fine, a few rough edges.")
    h.survey(5, "nps", 9, "Support has been fantastic lately, thank you.")
    h.survey(6, "csat", 5)
    h.usage(38, 54)
    h.activity(40)
    h.activity(12)
    return h


def declining(account: str = "declining", seed: int = 2) -> History:
    h = History(account, segment="mid-market", seed=seed)
    h.contact("ben", "admin")
    _conversation(h, [88 - 5 * i for i in range(17)], [POSITIVE, NEUTRAL, NEGATIVE])
    h.ticket(70, [POSITIVE[0]])
    h.ticket(30, [NEGATIVE[3]])
    h.ticket(8, [NEGATIVE[0], NEGATIVE[2]])
    h.survey(150, "nps", 8, "Solid product, good team.")
    h.survey(10, "nps", 4, "The product has become unreliable and support is slow.")
    h.usage(55, 34)
    h.activity(75)
    return h


def escalating_tickets(account: str = "escalating", seed: int = 3) -> History:
    h = History(account, segment="mid-market", seed=seed)
    h.contact("cy", "admin")
    h.ticket(80, ["Can you confirm the export runs on Fridays?"], priority="low")
    h.ticket(60, ["The import is slower than expected, can you take a look?"], priority="normal")
    h.ticket(40, ["The sync failed again overnight and we lost some data."], priority="high")
    h.ticket(
        15,
        [
            "This is a disaster. Third outage this month, totally unacceptable.",
            "Any update on this? We are still waiting.",
        ],
        answered=False,
        priority="urgent",
    )
    h.usage(50, 48)
    h.activity(20)
    return h


def curt_replies(account: str = "curt", seed: int = 4) -> History:
    h = History(account, segment="mid-market", seed=seed)
    h.contact("dee", "champion")
    warm = [
        "Thanks so much for the detailed walkthrough yesterday, the whole team found it really "
        "useful and we are excited to roll the reports out to the regional managers next week.",
        "Really appreciate the quick turnaround on the configuration changes. Everything looks "
        "great on our side and the admins are very happy with how smooth the setup was.",
        "Great news on the integration, thank you! We tested it this morning with the finance "
        "team and it works perfectly, which saves us hours every single week.",
    ]
    for i, day in enumerate(range(170, 40, -20)):
        h.message(day + 0.1, h.rng.choice(AGENT), inbound=False, thread=f"w{i}")
        h.message(day, warm[i % len(warm)], thread=f"w{i}")
    for i, (day, text) in enumerate([(25, "ok."), (15, "Noted."), (5, "Fine.")]):
        h.message(day + 4, h.rng.choice(AGENT), inbound=False, thread=f"c{i}")
        h.message(day, text, thread=f"c{i}")
    h.usage(45, 44)
    h.activity(25)
    return h


def ghosting_deal(account: str = "ghosting", seed: int = 5) -> History:
    h = History(account, segment="mid-market", seed=seed)
    h.contact("eve", "buyer")
    deal = h.deal("expansion", stage="Negotiation", index=4, count=5)
    early = [
        "This sounds great, looking forward to the demo with the whole team, thanks a lot!",
        "Thanks for the proposal, really helpful. The team loved the reporting module and we "
        "would like to understand the rollout plan in more detail.",
        "Great call today, thank you. We are aligned internally and excited about next steps.",
    ]
    for i, day in enumerate((80, 70, 60)):
        h.message(day + 1, "Following up with the details we discussed.", inbound=False, deal=deal)
        h.message(day, early[i], deal=deal)
    h.message(48, "Sharing the updated proposal.", inbound=False, deal=deal)
    h.message(47, "ok, thanks.", deal=deal)
    h.message(40, "Sending over the contract for review.", inbound=False, deal=deal)
    h.message(35, "We'll need to think about it internally.", deal=deal)
    for day in (30, 20, 10):
        h.message(
            day,
            "Just checking in on the contract, happy to answer questions.",
            inbound=False,
            deal=deal,
        )
    h.activity(20)
    return h


def competitor_creep(account: str = "creep", seed: int = 6) -> History:
    h = History(account, segment="mid-market", seed=seed)
    h.contact("fay", "buyer")
    deal = h.deal("platform", stage="Evaluation", index=2, count=6)
    texts = [
        (70, "Thanks for the demo, the team liked the dashboards."),
        (60, "Could you send the security questionnaire answers?"),
        (40, "We are also looking at Globex, their pricing seems simpler."),
        (25, "Globex offered us a better deal, to be honest."),
        (12, "Our CFO prefers Globex on price. Can you match their offer from Globex?"),
    ]
    for day, text in texts:
        h.message(day + 1, "Following up on our conversation.", inbound=False, deal=deal)
        h.message(day, text, deal=deal)
    h.call(
        8,
        [
            ("rep", "Thanks for joining, let's go through the proposal."),
            ("customer", "Honestly the price is too high for us, that's a blocker."),
            ("rep", "I understand. Let me see what we can do."),
            (
                "customer",
                "That is still too expensive for us and I'm not convinced. Globex is cheaper.",
            ),
        ],
        deal=deal,
    )
    h.activity(15)
    return h


def noisy_but_fine(account: str = "noisy", seed: int = 7, transactional: int = 40) -> History:
    h = History(account, segment="mid-market", seed=seed)
    h.contact("gus", "admin")
    h.contact("hal", "billing")
    for i, day in enumerate(range(88, 0, -6)):
        h.message(day, h.rng.choice(POSITIVE if i % 2 else NEUTRAL), thread=f"n{i}")
        h.message(day - 0.2, h.rng.choice(AGENT), inbound=False, thread=f"n{i}")
    for i in range(transactional):
        text = h.rng.choice(TRANSACTIONAL).format(n=4000 + i)
        h.message(
            h.rng.uniform(1, 89),
            text,
            contact=h.contacts[1],
            thread=f"billing{i % 5}",
            inbound=h.rng.random() < 0.5,
            subject="Invoice",
        )
    for day in (70, 35, 9):
        h.message(
            day,
            "I am currently out of the office with limited access to e-mail.",
            auto_reply=True,
            subject="Automatic reply: our account",
        )
    h.ticket(50, [POSITIVE[1]])
    h.survey(30, "nps", 9, "Great product and a responsive team.")
    h.usage(50, 52)
    h.activity(15)
    return h


SCENARIOS: dict[str, Callable[[], History]] = {
    "improving": improving,
    "declining": declining,
    "escalating_tickets": escalating_tickets,
    "curt_replies": curt_replies,
    "ghosting_deal": ghosting_deal,
    "competitor_creep": competitor_creep,
    "noisy_but_fine": noisy_but_fine,
}


def workspace() -> list[dict[str, Any]]:
    """Every scenario in one workspace, accounts first."""
    records = [r for build in SCENARIOS.values() for r in build().records]
    return sorted(records, key=lambda r: r["type"] != "account")
