"""A deterministic sample portfolio in the interchange format, for ``crmsense demo``.

Forty fictional accounts and six months of their history before a reference date. Each
account follows a scenario that shows in the data the way it does in a real CRM: healthy
accounts; accounts turning sour (declining tone, escalating tickets, shorter replies,
detractor NPS, falling usage, competitor mentions); accounts recovering; noisy-but-fine
accounts buried in invoices and scheduling e-mails; deals progressing, cooling and
ghosting. Seeded randomness only and no network: the same date and seed give the same
records.

>>> records = generate_workspace(date(2026, 11, 20))
>>> records == generate_workspace(date(2026, 11, 20))
True
>>> records[0]["type"], records[0]["id"], records[0]["segment"]
('account', 'halvorsen', 'enterprise')
"""

from __future__ import annotations

__all__ = [
    "DEMO_AS_OF",
    "PORTFOLIO",
    "AccountPlan",
    "generate_workspace",
    "tone",
    "write_workspace",
]

import itertools
import json
import math
import random
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal

from crmsense.demo import texts as tx

#: The default reference date: every timestamp is relative to it.
DEMO_AS_OF = date(2026, 11, 20)
HISTORY_DAYS = 182

Scenario = Literal["healthy", "souring", "recovering", "noisy", "steady", "churned"]
DealScenario = Literal["progressing", "ghosting", "cooling", "won", "lost"]
Band = Literal["good", "mixed", "bad", "angry"]


@dataclass(frozen=True, slots=True)
class AccountPlan:
    """What the generator makes of one account: its scenario and its deals' scenarios."""

    id: str
    name: str
    segment: Literal["enterprise", "mid-market", "smb"]
    scenario: Scenario
    deals: tuple[DealScenario, ...] = ()
    parent: str | None = None
    language: str | None = None

    @property
    def domain(self) -> str:
        return f"{self.id}.example"


_A = AccountPlan
#: The sample portfolio; parents come before their children.
# fmt: off
PORTFOLIO: tuple[AccountPlan, ...] = (
    _A("halvorsen", "Halvorsen Group", "enterprise", "healthy", ("progressing",)),
    _A("halvorsen-freight", "Halvorsen Freight", "enterprise", "souring", ("cooling",),
       parent="halvorsen"),
    _A("halvorsen-retail", "Halvorsen Retail", "enterprise", "healthy", ("won",),
       parent="halvorsen"),
    _A("meridian-health", "Meridian Health Partners", "enterprise", "souring", ("ghosting",)),
    _A("northgate", "Northgate Insurance", "enterprise", "recovering", ("progressing",)),
    _A("copperline", "Copperline Energy", "enterprise", "noisy", ("won",)),
    _A("vantage-air", "Vantage Airlines", "enterprise", "healthy", ("progressing",),
       language="fr"),
    _A("orchard-financial", "Orchard Financial", "enterprise", "churned", ("lost",)),
    _A("kestrel", "Kestrel Manufacturing", "enterprise", "healthy", ("won", "progressing")),
    _A("bluefin", "Bluefin Media", "enterprise", "souring", ("ghosting",)),
    _A("atlas-pharma", "Atlas Pharma", "enterprise", "healthy", ("progressing",)),
    _A("atlas-pharma-eu", "Atlas Pharma Europe", "enterprise", "recovering",
       parent="atlas-pharma", language="de"),
    _A("brightwave", "Brightwave Logistics", "mid-market", "souring", ("cooling",)),
    _A("juniper", "Juniper Learning", "mid-market", "healthy", ("won",)),
    _A("redwood", "Redwood Property Group", "mid-market", "noisy"),
    _A("sable", "Sable Security", "mid-market", "recovering", ("progressing",)),
    _A("tessellate", "Tessellate Design", "mid-market", "healthy", ("ghosting",)),
    _A("pinecrest", "Pinecrest Hospitality", "mid-market", "noisy", language="es"),
    _A("lumen-legal", "Lumen Legal", "mid-market", "steady"),
    _A("quarry", "Quarry Analytics", "mid-market", "souring", ("lost",)),
    _A("harbor-finch", "Harbor & Finch", "mid-market", "healthy", ("progressing",)),
    _A("cobalt", "Cobalt Robotics", "mid-market", "recovering"),
    _A("foxglove", "Foxglove Pharmacy", "mid-market", "noisy", ("won",)),
    _A("granite-peak", "Granite Peak Outdoors", "mid-market", "churned", ("lost",)),
    _A("mosaic", "Mosaic Recruiting", "mid-market", "healthy"),
    _A("silverline", "Silverline Telecom", "mid-market", "souring", ("ghosting",)),
    _A("wren-bio", "Wren Biotech", "mid-market", "steady", ("cooling",)),
    _A("elm-street", "Elm Street Bank", "mid-market", "healthy", ("won",)),
    _A("papercrane", "Papercrane Studio", "smb", "healthy"),
    _A("tidewater", "Tidewater Cafes", "smb", "steady"),
    _A("bramble", "Bramble & Co", "smb", "noisy"),
    _A("little-fern", "Little Fern Dental", "smb", "healthy", ("progressing",)),
    _A("kiln", "Kiln Ceramics", "smb", "churned"),
    _A("nimbus-web", "Nimbus Web", "smb", "souring"),
    _A("owl-lantern", "Owl & Lantern Books", "smb", "steady"),
    _A("driftwood", "Driftwood Yoga", "smb", "healthy"),
    _A("saltmarsh", "Saltmarsh Brewing", "smb", "recovering"),
    _A("hopscotch", "Hopscotch Toys", "smb", "noisy", ("ghosting",)),
    _A("ironbridge", "Ironbridge Accounting", "smb", "steady"),
    _A("zephyr", "Zephyr Bikes", "smb", "healthy", ("won",)),
)
# fmt: on

#: How each scenario's customer tone moves: (days before the reference date, tone in [-1, 1]).
TONE_CURVES: dict[str, tuple[tuple[float, float], ...]] = {
    "healthy": ((HISTORY_DAYS, 0.55), (0, 0.6)),
    "souring": ((HISTORY_DAYS, 0.45), (70, 0.35), (30, -0.45), (0, -0.85)),
    "recovering": ((HISTORY_DAYS, -0.2), (130, -0.75), (90, -0.6), (45, 0.15), (0, 0.5)),
    "noisy": ((HISTORY_DAYS, 0.3), (0, 0.3)),
    "steady": ((HISTORY_DAYS, 0.15), (0, 0.15)),
    "churned": ((HISTORY_DAYS, 0.1), (110, -0.4), (40, -0.9), (0, -0.9)),
}


def tone(scenario: str, days_ago: float) -> float:
    """The customer's underlying tone in a scenario, ``days_ago`` before the reference date.

    >>> tone("souring", 70), tone("souring", 0), tone("recovering", 0)
    (0.35, -0.85, 0.5)
    """
    curve = TONE_CURVES[scenario]
    for (d0, t0), (d1, t1) in itertools.pairwise(curve):
        if d1 <= days_ago <= d0:
            return round(t0 + (t1 - t0) * (d0 - days_ago) / (d0 - d1), 4)
    return curve[0][1] if days_ago > curve[0][0] else curve[-1][1]


def _band(value: float) -> Band:
    if value >= 0.3:
        return "good"
    if value >= -0.25:
        return "mixed"
    return "bad" if value >= -0.6 else "angry"


@dataclass(frozen=True, slots=True)
class _Person:
    name: str
    email: str
    id: str = ""
    role: str = ""

    @property
    def first(self) -> str:
        return self.name.split()[0]


def _staff(name: str) -> _Person:
    return _Person(name, f"{name.lower().replace(' ', '.')}@vendor.example")


CSMS = tuple(_staff(n) for n in ("Dana Okafor", "Priya Raman", "Marco Bellini", "Chloe Nguyen"))
MANAGERS = tuple(_staff(n) for n in ("Lee Harrington", "Sofia Marquez"))
AES = tuple(_staff(n) for n in ("Sam Whitfield", "Jordan Kim", "Alex Moreau"))
SUPPORT = _Person("Support Team", "support@vendor.example")
BILLING = _Person("Vendor Billing", "billing@vendor.example")

_SEGMENT = {  # (ARR range, contacts range, ARR per seat, activity factor)
    "enterprise": ((150_000, 600_000), (4, 6), 450, 1.4),
    "mid-market": ((40_000, 150_000), (3, 5), 550, 1.0),
    "smb": ((8_000, 40_000), (2, 3), 650, 0.6),
}
_ROLES = ("decision_maker", "champion", "billing", "user", "operations", "user")
_TITLES = {
    "decision_maker": ("VP Operations", "Head of Customer Success", "COO", "Director of Sales"),
    "champion": ("Operations Manager", "CRM Administrator", "Team Lead"),
    "billing": ("Accounts Payable", "Finance Manager"),
    "user": ("Analyst", "Account Manager", "Support Agent"),
    "operations": ("IT Manager", "Systems Administrator"),
}
_MIX: dict[Band, dict[str, int]] = {  # inbound e-mail category weights by mood
    "good": {"praise": 4, "question": 3, "feature_request": 2, "onboarding": 1},
    "mixed": {"question": 4, "feature_request": 2, "minor_issue": 3, "praise": 1},
    "bad": {"complaint": 4, "still_waiting": 2, "competitor": 1, "pricing": 1},
    "angry": {"escalation": 3, "complaint": 3, "competitor": 2, "still_waiting": 1},
}
_REPLY = {
    "praise": "reply", "question": "reply", "feature_request": "reply", "onboarding": "reply",
    "minor_issue": "apology", "complaint": "apology", "still_waiting": "apology",
    "competitor": "recovery", "pricing": "renewal", "escalation": "recovery",
    "renewal_positive": "renewal",
}  # fmt: skip
_REPLY_GOOD = {"praise", "question", "feature_request", "onboarding", "renewal_positive"}
#: Moments each scenario always has: (days before the end, e-mail category or ticket:severity).
_KEY_MOMENTS: dict[str, tuple[tuple[float, str], ...]] = {
    "souring": (
        (26, "competitor"),
        (20, "ticket:high"),
        (12, "complaint"),
        (9, "ticket:urgent"),
        (4, "escalation"),
    ),
    "recovering": ((135, "escalation"), (120, "ticket:urgent"), (20, "praise"), (7, "praise")),
    "churned": ((60, "escalation"), (45, "competitor"), (30, "ticket:urgent")),
}
_TO_DECISION_MAKER = {"competitor", "pricing", "escalation", "renewal_positive"}
_RATES = {  # e-mail threads, tickets, chats per 30 days, before the segment factor
    "healthy": (2.5, 0.7, 0.6), "souring": (2.5, 0.8, 0.6), "recovering": (2.5, 0.8, 0.6),
    "noisy": (2.0, 0.8, 0.8), "steady": (1.2, 0.4, 0.3), "churned": (2.0, 0.8, 0.4),
}  # fmt: skip
_CALLS: dict[str, tuple[tuple[str, float], ...]] = {  # (script, days before the end)
    "healthy": (("qbr_positive", 85),),
    "souring": (("qbr_positive", 150), ("objection_unresolved", 25), ("escalation", 8)),
    "recovering": (("escalation", 125), ("objection_resolved", 40)),
    "noisy": (("qbr_positive", 100),),
    "steady": (("qbr_positive", 120),),
    "churned": (("escalation", 35), ("objection_unresolved", 12)),
}
_CALL_TITLES = {
    "qbr_positive": "Quarterly business review", "objection_resolved": "Renewal pricing call",
    "objection_unresolved": "Renewal discussion", "discovery": "Expansion discovery call",
    "escalation": "Escalation call",
}  # fmt: skip
_ACTIVITY_NOTES = {
    "csm_call": "Monthly check-in call.", "meeting": "Workshop on {feature}.",
    "qbr": "Quarterly business review with the executive sponsor.",
    "recovery_call": "Recovery call: remediation plan and open tickets reviewed.",
}  # fmt: skip
_SCORES: dict[str, dict[Band, tuple[int, ...]]] = {
    "nps": {
        "good": (9, 9, 10, 10, 8),
        "mixed": (7, 7, 8, 8, 6),
        "bad": (3, 4, 5, 6),
        "angry": (0, 1, 2, 3, 4),
    },
    "csat": {"good": (5, 5, 4), "mixed": (4, 3), "bad": (2, 3), "angry": (1, 2)},
    "ces": {"good": (6, 7), "mixed": (4, 5), "bad": (2, 3), "angry": (1, 2)},
}
_STAGES = ("discovery", "qualification", "proposal", "negotiation", "legal", "closed")
#: Each deal scenario's e-mails: (days before the close date, or today for open deals,
#: direction, category, template number or None for any).
_DEAL_STEPS: dict[DealScenario, tuple[tuple[float, str, str, int | None], ...]] = {
    "progressing": (
        (60, "out", "proposal", None),
        (30, "in", "deal_positive", 1),
        (29, "out", "deal_progress", 1),
        (8, "in", "deal_positive", 3),
        (7, "out", "deal_progress", 0),
    ),
    "ghosting": (
        (62, "out", "proposal", None),
        (60, "in", "deal_positive", 0),
        (45, "in", "deal_stall", 0),
        (36, "out", "deal_followup", 0),
        (25, "out", "deal_followup", 1),
        (14, "out", "deal_followup", 2),
        (5, "out", "deal_followup", 3),
    ),
    "cooling": (
        (75, "out", "proposal", None),
        (72, "in", "deal_positive", 0),
        (30, "in", "deal_stall", 1),
        (22, "out", "deal_followup", 2),
        (12, "in", "deal_stall", 2),
        (5, "out", "deal_followup", 0),
    ),
    "won": (
        (40, "out", "proposal", None),
        (20, "in", "deal_positive", 2),
        (19, "out", "deal_progress", 0),
        (2, "in", "order_form", None),
    ),
    "lost": (
        (45, "out", "proposal", None),
        (25, "in", "deal_stall", 1),
        (0, "in", "deal_lost", None),
    ),
}


class _Account:
    """Builds one account's records; its own seeded random stream keeps accounts independent."""

    def __init__(self, plan: AccountPlan, index: int, as_of: date, seed: int) -> None:
        self.plan = plan
        self.index = index
        self.as_of = as_of
        self.rng = random.Random(f"{seed}:{plan.id}")
        self.midnight = datetime.combine(as_of, time(), tzinfo=UTC)
        self.csm = CSMS[index % len(CSMS)]
        self.manager = MANAGERS[index % len(CSMS) // 2]
        self.ae = AES[index % len(AES)]
        self.counters: Counter[str] = Counter()
        self.records: list[dict[str, Any]] = []
        arr_range, contacts_range, per_seat, self.factor = _SEGMENT[plan.segment]
        self.arr = round(self.rng.uniform(*arr_range), -3)
        self.seats = max(5, round(self.arr / per_seat))
        if plan.scenario == "churned":
            self.renewal = as_of - timedelta(days=self.rng.randint(20, 75))
        elif plan.scenario == "souring":
            self.renewal = as_of + timedelta(days=self.rng.randint(35, 110))
        else:
            self.renewal = as_of + timedelta(days=self.rng.randint(20, 340))
        #: Days before the reference date after which nothing happens (the customer left).
        self.end = max(0, (as_of - self.renewal).days)
        self.contacts = self._contacts(self.rng.randint(*contacts_range))
        self.competitor = self.rng.choice(tx.COMPETITORS)

    # -- helpers --------------------------------------------------------------------------

    def _id(self, prefix: str) -> str:
        self.counters[prefix] += 1
        return f"{prefix}-{self.plan.id}-{self.counters[prefix]}"

    def _ts(self, days: float) -> str:
        """Days before the reference date → a business-hours UTC timestamp (monotonic)."""
        whole = math.floor(days)
        minutes = round((8 + 10 * (1 - (days - whole))) * 60)
        moment = self.midnight - timedelta(days=whole) + timedelta(minutes=minutes)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    def _date(self, days: float) -> date:
        return self.as_of - timedelta(days=math.floor(days))

    def _mood(self, days: float, noise: float = 0.2) -> Band:
        return _band(tone(self.plan.scenario, days) + self.rng.gauss(0, noise))

    def _arrivals(self, per_30_days: float, sour_boost: float = 1.0) -> list[float]:
        """Event times (days ago, newest last); busier while the tone is negative."""
        out: list[float] = []
        days = float(HISTORY_DAYS)
        while True:
            rate = (
                per_30_days
                * self.factor
                * (1 + sour_boost * max(0.0, -tone(self.plan.scenario, days)))
            )
            days -= self.rng.expovariate(rate / 30)
            if days < self.end:
                return out
            out.append(days)

    def _contact(self, *roles: str) -> _Person:
        matching = [c for c in self.contacts if c.role in roles]
        return self.rng.choice(matching or self.contacts)

    def _fill(
        self, template: str, contact: _Person | None, rep: _Person, days: float, **given: str
    ) -> str:
        issue = given.pop("issue", None) or self.rng.choice(tx.ISSUES)
        later = self._date(days) + timedelta(days=self.rng.randint(2, 10))
        other = self.rng.choice(self.contacts)
        values = {
            "first": contact.first if contact else "there", "rep": rep.first,
            "feature": self.rng.choice(tx.FEATURES), "issue": issue,
            "Issue": issue[:1].upper() + issue[1:], "competitor": self.competitor,
            "n": str(self.rng.randint(5, 60)), "day": f"{later:%A} {later.day} {later:%B}",
            "invoice": f"INV-{self.as_of.year}-{self.rng.randint(1000, 9999)}",
            "amount": f"${self.arr / 4:,.0f}", "other": f"{other.name} ({other.email})",
            "renewal": f"{self.renewal.day} {self.renewal:%B %Y}",
        }  # fmt: skip
        values.update(given)
        return template.format(**values)

    def _message(
        self,
        channel: str,
        days: float,
        direction: str,
        contact: _Person | None,
        text: str,
        **fields: Any,
    ) -> None:
        if days < self.end:
            return
        record: dict[str, Any] = {
            "type": "message", "id": self._id("m"), "channel": channel, "direction": direction,
            "account_id": self.plan.id, "timestamp": self._ts(days), "text": text,
        }  # fmt: skip
        if contact is not None:
            record["contact_id"] = contact.id
        record.update({k: v for k, v in fields.items() if v is not None})
        if channel == "email" and direction == "inbound" and contact is not None:
            record["sender"] = contact.email
            # Exporters often leave the account out: resolve by contact, or by e-mail alone.
            roll = self.rng.random()
            if roll < 0.2:
                del record["account_id"]
            if roll < 0.05:
                del record["contact_id"]
        self.records.append(record)

    def _template(self, templates: tuple[str, ...], variant: int | None) -> str:
        return self.rng.choice(templates) if variant is None else templates[variant]

    def _inbound(
        self,
        category: str,
        days: float,
        contact: _Person,
        thread: str,
        subject: str | None = None,
        *,
        rep: _Person | None = None,
        variant: int | None = None,
        **fields: Any,
    ) -> str:
        """One customer e-mail of ``category`` to ``rep``; returns its subject for replies."""
        subjects, bodies = tx.INBOUND[category]
        rep = rep or self.csm
        issue = self.rng.choice(tx.ISSUES)
        if subject is None:
            subject = self._fill(self.rng.choice(subjects), contact, rep, days, issue=issue)
        text = self._fill(self._template(bodies, variant), contact, rep, days, issue=issue)
        self._message(
            "email", days, "inbound", contact, text, subject=subject, thread_id=thread, **fields
        )
        return subject

    def _outbound(
        self,
        category: str,
        days: float,
        contact: _Person,
        thread: str,
        subject: str,
        rep: _Person,
        *,
        variant: int | None = None,
        **fields: Any,
    ) -> None:
        text = self._fill(self._template(tx.OUTBOUND[category], variant), contact, rep, days)
        self._message(
            "email",
            days,
            "outbound",
            contact,
            text,
            subject=subject,
            thread_id=thread,
            sender=rep.email,
            **fields,
        )

    def _auto_reply(self, days: float, contact: _Person, thread: str, subject: str) -> None:
        text = self._fill(self.rng.choice(tx.OUT_OF_OFFICE), contact, self.csm, days)
        self._message(
            "email",
            days - 0.003,
            "inbound",
            contact,
            text,
            thread_id=thread,
            subject=f"Automatic reply: {subject}",
            auto_reply=True,
        )

    # -- records ----------------------------------------------------------------------------

    def _contacts(self, count: int) -> list[_Person]:
        names = self.rng.sample([(f, la) for f in tx.FIRST_NAMES for la in tx.LAST_NAMES], count)
        return [
            _Person(
                f"{first} {last}",
                f"{first}.{last}@{self.plan.domain}".lower(),
                f"c-{self.plan.id}-{n}",
                role,
            )
            for n, ((first, last), role) in enumerate(zip(names, _ROLES, strict=False), start=1)
        ]

    def build(self) -> list[dict[str, Any]]:
        account: dict[str, Any] = {
            "type": "account", "id": self.plan.id, "name": self.plan.name, "arr": self.arr,
            "segment": self.plan.segment,
            "owners": {"csm": self.csm.email, "csm_manager": self.manager.email,
                       "account_executive": self.ae.email},
            "renewal_date": self.renewal.isoformat(), "domain": self.plan.domain,
        }  # fmt: skip
        if self.plan.parent:
            account["parent_id"] = self.plan.parent
        self.records.append(account)
        for c in self.contacts:
            self.records.append(
                {
                    "type": "contact",
                    "id": c.id,
                    "account_id": self.plan.id,
                    "name": c.name,
                    "email": c.email,
                    "role": c.role,
                    "title": self.rng.choice(_TITLES[c.role]),
                }
            )
        self._conversations()
        self._transactional()
        self._tickets()
        self._chats()
        self._social_and_foreign()
        self._calls()
        for n, scenario in enumerate(self.plan.deals, start=1):
            self._deal(n, scenario)
        self._surveys()
        self._usage()
        self._activities()
        self._outcomes()
        return self.records

    def _pick(self, band: Band, days: float) -> str:
        weights = dict(_MIX[band])
        if (self.renewal - self._date(days)).days < 90:
            weights["renewal_positive" if band == "good" else "pricing"] = 3
        return self.rng.choices(list(weights), list(weights.values()))[0]

    def _conversations(self) -> None:
        """E-mail threads with the CSM following the mood, plus each scenario's key moments."""
        for days in self._arrivals(_RATES[self.plan.scenario][0], sour_boost=1.5):
            band = self._mood(days)
            sour = band in ("bad", "angry")
            if self.rng.random() < (0.45 if sour else 0.25):
                self._check_in(days, sour)
            else:
                self._thread(days, self._pick(band, days), sour)
        for before_end, category in _KEY_MOMENTS.get(self.plan.scenario, ()):
            days = self.end + before_end + self.rng.uniform(-2, 2)
            if category.startswith("ticket:"):
                self._ticket(days, category.removeprefix("ticket:"))
            else:
                self._thread(days, category, sour=category not in _REPLY_GOOD)

    def _check_in(self, days: float, sour: bool) -> None:
        """The CSM reaches out; a sour customer answers curtly or not at all."""
        thread = self._id("t")
        contact = self._contact("decision_maker", "champion")
        subject = self.rng.choice(("Checking in", "Next quarter", "Release notes"))
        self._outbound("checkin", days, contact, thread, subject, self.csm)
        if self.rng.random() < (0.35 if self.plan.scenario == "noisy" else 0.08):
            self._auto_reply(days, contact, thread, subject)
        if sour and self.rng.random() < 0.4:
            return
        category = "curt" if sour else self.rng.choice(("thanks", "question", "praise"))
        self._inbound(
            category, days - self.rng.uniform(0.1, 3), contact, thread, subject=f"Re: {subject}"
        )

    def _thread(self, days: float, category: str, sour: bool) -> None:
        """The customer writes; sour customers chase ("still waiting") and answer curtly."""
        thread = self._id("t")
        roles = (
            ("decision_maker",)
            if category in _TO_DECISION_MAKER
            else ("champion", "user", "operations")
        )
        contact = self._contact(*roles)
        subject = self._inbound(category, days, contact, thread)
        reply = f"Re: {subject.removeprefix('Re: ')}"
        if sour and category != "still_waiting" and self.rng.random() < 0.5:
            days -= self.rng.uniform(2, 5)
            self._inbound("still_waiting", days, contact, thread, subject=reply)
        days -= self.rng.uniform(0.5, 2) if sour else self.rng.uniform(0.05, 1)
        self._outbound(_REPLY[category], days, contact, thread, reply, self.csm)
        if self.rng.random() < 0.4:
            self._inbound(
                "curt" if sour else "thanks",
                days - self.rng.uniform(0.1, 2),
                contact,
                thread,
                subject=reply,
            )

    def _transactional(self) -> None:
        """Invoices, receipts, scheduling and password resets: many at noisy accounts."""
        rate = 9.0 if self.plan.scenario == "noisy" else 1.2
        for days in self._arrivals(rate, sour_boost=0):
            thread = self._id("t")
            kind = self.rng.choice(
                ("invoice_request", "scheduling", "password_reset", "order_form", "system")
            )
            if kind == "system":
                contact = self._contact("billing", "decision_maker")
                subject, text = self.rng.choice(tx.TRANSACTIONAL_OUT)
                self._message(
                    "email",
                    days,
                    "outbound",
                    contact,
                    self._fill(text, contact, self.csm, days),
                    thread_id=thread,
                    subject=self._fill(subject, contact, self.csm, days),
                    sender=BILLING.email,
                )
            else:
                roles = (
                    ("billing",)
                    if kind in ("invoice_request", "order_form")
                    else ("champion", "user", "operations", "decision_maker")
                )
                self._inbound(kind, days, self._contact(*roles), thread)

    def _tickets(self) -> None:
        """Support tickets: priorities and tempers rise as the tone falls."""
        for days in self._arrivals(_RATES[self.plan.scenario][1], sour_boost=2.5):
            band = self._mood(days)
            self._ticket(
                days,
                {
                    "good": "normal",
                    "bad": "high",
                    "angry": "urgent",
                    "mixed": self.rng.choice(("normal", "normal", "high")),
                }[band],
            )

    def _ticket(self, days: float, severity: str) -> None:
        priority = self.rng.choice(("low", "normal")) if severity == "normal" else severity
        self.counters["ticket"] += 1
        ticket = f"T-{self.index + 1:02d}{self.counters['ticket']:03d}"
        contact = self._contact("user", "operations", "champion")
        openers, replies, follow_ups = tx.TICKETS[severity]
        issue = self.rng.choice(tx.ISSUES)
        subject = issue[:1].upper() + issue[1:]
        common = {"ticket_id": ticket, "ticket_priority": priority}
        self._message(
            "ticket",
            days,
            "inbound",
            contact,
            self._fill(self.rng.choice(openers), contact, SUPPORT, days, issue=issue),
            subject=subject,
            **common,
        )
        days -= self.rng.uniform(0.01, 0.3)
        self._message(
            "ticket",
            days,
            "outbound",
            contact,
            self.rng.choice(replies),
            subject=f"Re: {subject}",
            sender=SUPPORT.email,
            **common,
        )
        days -= self.rng.uniform(0.3, 3)
        self._message(
            "ticket",
            days,
            "inbound",
            contact,
            self.rng.choice(follow_ups),
            subject=f"Re: {subject}",
            **common,
        )
        if self.rng.random() < 0.5 and days >= self.end:
            self._survey("csat", days - 0.1, contact, by_email=True)

    def _chats(self) -> None:
        for days in self._arrivals(_RATES[self.plan.scenario][2]):
            mood = "good" if self._mood(days) in ("good", "mixed") else "bad"
            thread = self._id("chat")
            contact = self._contact("user", "champion", "operations")
            for step, (lines, direction) in enumerate(
                zip(tx.CHAT[mood], ("inbound", "outbound", "inbound"), strict=True)
            ):
                text = self._fill(self.rng.choice(lines), contact, SUPPORT, days)
                self._message(
                    "chat",
                    days - step * 0.004,
                    direction,
                    contact,
                    text,
                    thread_id=thread,
                    sender=SUPPORT.email if direction == "outbound" else None,
                )

    def _social_and_foreign(self) -> None:
        scenario = self.plan.scenario
        if scenario in ("healthy", "souring") and self.rng.random() < 0.5:
            good = scenario == "healthy"
            days = self.rng.uniform(10, 150) if good else self.rng.uniform(1, 25)
            handle = f"@{self.rng.choice(self.contacts).first.lower()}_{self.plan.id[:8]}"
            self._message(
                "social",
                days,
                "inbound",
                None,
                self.rng.choice(tx.SOCIAL["good" if good else "bad"]),
                sender=handle,
            )
        if self.plan.language:
            subject, body = tx.FOREIGN[self.plan.language]
            contact = self._contact("champion", "user")
            days = self.rng.uniform(95, 125)
            self._message(
                "email",
                days,
                "inbound",
                contact,
                self._fill(body, contact, self.csm, days),
                subject=subject,
                thread_id=self._id("t"),
                sender=contact.email,
            )

    def _call(
        self, script: str, days: float, contact: _Person, rep: _Person, deal: str | None = None
    ) -> None:
        if days < self.end:
            return
        segments, clock = [], 0.0
        for role, line in tx.CALLS[script]:
            text = self._fill(line, contact, rep, days)
            length = len(text.split()) / 2.6 + self.rng.uniform(0.3, 1.5)
            segments.append(
                {
                    "speaker": contact.name if role == "customer" else rep.name,
                    "role": role,
                    "start": round(clock, 1),
                    "end": round(clock + length, 1),
                    "text": text,
                }
            )
            clock += length + self.rng.uniform(0.2, 0.8)
        record = {
            "type": "call",
            "id": self._id("call"),
            "account_id": self.plan.id,
            "contact_id": contact.id,
            "timestamp": self._ts(days),
            "title": _CALL_TITLES[script],
            "segments": segments,
        }
        if deal:
            record["deal_id"] = deal
        self.records.append(record)
        mood = "good" if script in ("qbr_positive", "objection_resolved", "discovery") else "bad"
        note = self._fill(self.rng.choice(tx.NOTES[mood]), contact, rep, days)
        self._message("note", days - 0.02, "outbound", None, note, sender=rep.email)

    def _calls(self) -> None:
        for script, before_end in _CALLS[self.plan.scenario]:
            days = self.end + before_end + self.rng.uniform(-3, 3)
            self._call(script, max(days, 0.0), self._contact("decision_maker"), self.csm)

    def _deal(self, n: int, scenario: DealScenario) -> None:
        """A deal and the e-mails and calls that show where it is heading."""
        deal_id = f"d-{self.plan.id}-{n}"
        contact = self._contact("decision_maker")
        rng = self.rng
        renewal = scenario in ("cooling", "lost") and n == 1
        name = f"{self.plan.name} renewal" if renewal else f"{self.plan.name} expansion"
        amount = self.arr if renewal else round(self.arr * rng.uniform(0.2, 0.5), -3)
        stage, status, close = {
            "progressing": (rng.choice((4, 5)), "open", -rng.randint(10, 45)),
            "ghosting": (3, "open", rng.randint(5, 25)),
            "cooling": (4, "open", -rng.randint(20, 50)),
            "won": (6, "won", rng.randint(40, 140)),
            "lost": (4, "lost", self.end + rng.randint(5, 40)),
        }[scenario]
        self.records.append({
            "type": "deal", "id": deal_id, "account_id": self.plan.id, "name": name,
            "stage": _STAGES[stage - 1], "stage_index": stage, "stage_count": len(_STAGES),
            "amount": amount, "close_date": (self.as_of - timedelta(days=close)).isoformat(),
            "status": status, "owner": self.ae.email,
        })  # fmt: skip
        thread, subject = f"t-{deal_id}", f"Proposal: {name}"
        reply = f"Re: {subject}"
        start = 0 if status == "open" else close  # open deals: steps count back from today
        for when, way, category, variant in _DEAL_STEPS[scenario]:
            days = start + when + rng.uniform(0, 0.9)
            first = category == "proposal"
            if way == "out":
                self._outbound(
                    category,
                    days,
                    contact,
                    thread,
                    subject if first else reply,
                    self.ae,
                    variant=variant,
                    deal_id=deal_id,
                )
                if category == "deal_followup" and rng.random() < 0.25:
                    self._auto_reply(days, contact, thread, reply)
            else:
                self._inbound(
                    category,
                    days,
                    contact,
                    thread,
                    subject=reply,
                    deal_id=deal_id,
                    rep=self.ae,
                    variant=variant,
                )
        if scenario == "progressing":
            self._call("discovery", start + 55, contact, self.ae, deal_id)
        elif scenario == "cooling":
            self._call("objection_unresolved", start + 40, contact, self.ae, deal_id)

    def _survey(
        self,
        kind: str,
        days: float,
        contact: _Person,
        *,
        by_email: bool = False,
        noise: float = 0.2,
    ) -> None:
        band = self._mood(days, noise)
        comment = self._fill(
            self.rng.choice(tx.SURVEY_COMMENTS[kind]["bad" if band == "angry" else band]),
            contact,
            self.csm,
            days,
        )
        record: dict[str, Any] = {
            "type": "survey", "id": self._id("s"), "kind": kind,
            "score": self.rng.choice(_SCORES[kind][band]), "timestamp": self._ts(days),
        }  # fmt: skip
        if comment:
            record["comment"] = comment
        if by_email:  # survey tools know the respondent's e-mail, not the account
            record["email"] = contact.email
        else:
            record.update(account_id=self.plan.id, contact_id=contact.id)
        self.records.append(record)

    def _surveys(self) -> None:
        """NPS waves (relationship surveys) and CES after onboarding and support."""
        for wave in (160, 70, 12):
            respondents = [c for c in self.contacts if c.role in ("decision_maker", "champion")]
            for number, contact in enumerate(respondents):
                days = wave + self.rng.uniform(0, 6)
                if days >= self.end and (number == 0 or self.rng.random() < 0.7):
                    self._survey("nps", days, contact, noise=0.1)
        for days in (150 + self.rng.uniform(0, 20), 45 + self.rng.uniform(0, 20)):
            if days >= self.end:
                self._survey("ces", days, self._contact("champion", "user"))

    def _usage(self) -> None:
        for week in range(HISTORY_DAYS // 7):
            days = week * 7
            if days < self.end:
                continue
            ratio = 0.62 + 0.3 * tone(self.plan.scenario, days) + self.rng.gauss(0, 0.025)
            self.records.append({
                "type": "usage", "account_id": self.plan.id,
                "date": self._date(days).isoformat(),
                "active_users": round(self.seats * min(0.98, max(0.03, ratio))),
                "licensed_users": self.seats,
            })  # fmt: skip

    def _activities(self) -> None:
        """CSM touches: monthly calls and meetings, QBRs, recovery calls while in trouble."""
        trouble = self.plan.scenario in ("souring", "recovering", "churned")
        days = HISTORY_DAYS - self.rng.uniform(0, 20)
        while days >= self.end:
            low = tone(self.plan.scenario, days) < -0.5
            kind = (
                "recovery_call"
                if trouble and low
                else self.rng.choice(("csm_call", "csm_call", "meeting"))
            )
            self._activity(kind, days)
            days -= self.rng.uniform(6, 12) if low else self.rng.uniform(20, 40)
        if self.plan.segment != "smb":
            for days in (170 + self.rng.uniform(0, 8), 80 + self.rng.uniform(0, 8)):
                if days >= self.end:
                    self._activity("qbr", days)

    def _activity(self, kind: str, days: float) -> None:
        contact = self._contact("decision_maker", "champion")
        self.records.append({
            "type": "activity", "account_id": self.plan.id, "kind": kind,
            "timestamp": self._ts(days), "contact_id": contact.id,
            "note": self._fill(_ACTIVITY_NOTES[kind], contact, self.csm, days),
        })  # fmt: skip

    def _outcomes(self) -> None:
        """Last year's renewal, and the churn of accounts whose renewal has passed."""
        last_year = self.renewal - timedelta(days=365)
        grew = self.plan.scenario == "healthy" and self.rng.random() < 0.5
        self.records.append(
            {
                "type": "outcome",
                "account_id": self.plan.id,
                "kind": "expanded" if grew else "renewed",
                "date": last_year.isoformat(),
            }
        )
        if self.plan.scenario == "churned":
            self.records.append(
                {
                    "type": "outcome",
                    "account_id": self.plan.id,
                    "kind": "churned",
                    "date": self.renewal.isoformat(),
                }
            )


_TYPE_ORDER = {
    t: n
    for n, t in enumerate(
        ("account", "contact", "deal", "message", "call", "survey", "usage", "activity", "outcome")
    )
}


def generate_workspace(as_of: date, seed: int = 7) -> list[dict[str, Any]]:
    """The sample portfolio as interchange-format records, ordered by type, then time."""
    records = [
        r for i, plan in enumerate(PORTFOLIO) for r in _Account(plan, i, as_of, seed).build()
    ]
    return sorted(
        records, key=lambda r: (_TYPE_ORDER[r["type"]], r.get("timestamp") or r.get("date") or "")
    )


def write_workspace(path: Path, as_of: date = DEMO_AS_OF, seed: int = 7) -> Path:
    """Write the sample portfolio to ``path`` as JSON Lines and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for record in generate_workspace(as_of, seed):
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path
