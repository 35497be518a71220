"""Signals: full recompute for 5,000 accounts / 500,000 messages, and the incremental
update after one new message, on SQLite (file) and PostgreSQL.

Targets (issue 4): full recompute ≤ 60 s, incremental update ≤ 50 ms on this machine.

The ``analyses`` rows are written directly, to leave model time out: their payloads are
real ``rules.v1`` analyses of a pool of customer texts, reused across messages (so the
JSON the database reads is the real shape and size). Each account has two contacts, about
100 messages over a year (e-mail threads and tickets, both directions, 10% transactional),
two NPS answers, weekly usage, CSM calls, and every fifth account an open deal.

    python -m benchmarks signals
    CRMSENSE_BENCH_SIGNALS_SCALE=0.1 python -m benchmarks signals   # 500 accounts, 50k messages
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select, text

from benchmarks._backends import backend_urls
from crmsense.signals.compute import compute_signals
from crmsense.store import Database, open_database
from crmsense.store import models as m

AS_OF = datetime(2026, 10, 1, 12, tzinfo=UTC)
ENGINE = "rules.v1"
TEXTS = [
    "Thanks so much for the quick fix, the team is really happy with it.",
    "Can you confirm the export runs on Fridays?",
    "We are still waiting for an update on ticket 4411. This is unacceptable.",
    "The new dashboard is great, the team loves it.",
    "This is the third outage this month and it is not acceptable.",
    "Please add Maria to the account as an admin.",
    "Any update on this? We are still waiting.",
    "We are also looking at Globex, their pricing seems simpler.",
    "When can we get started? We would like to go live next month.",
    "We'll need to think about it internally.",
    "Could you resend invoice #4411 for March?",
    "Your receipt for order #5521 is attached.",
]
CHUNK = 20_000


def _table(model: type[m.Base]) -> Table:
    return model.__table__  # type: ignore[return-value]


def _payloads() -> list[dict[str, Any]]:
    from crmsense.analysis.api import get_analyzer
    from crmsense.analysis.types import Document

    analyzer = get_analyzer(ENGINE, ("Globex",))
    docs = [Document(text=t, channel="email", direction="inbound") for t in TEXTS]
    return [a.model_dump(mode="json") for a in analyzer.analyze(docs)]


def _insert(conn: Connection, model: type[m.Base], rows: Iterator[dict[str, Any]]) -> int:
    batch: list[dict[str, Any]] = []
    count = 0
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            conn.execute(insert(_table(model)), batch)
            count += len(batch)
            batch = []
    if batch:
        conn.execute(insert(_table(model)), batch)
        count += len(batch)
    return count


def _messages(
    accounts: int, per_account: int, payloads: list[dict[str, Any]]
) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    rng = random.Random(7)
    mid = 0
    for a in range(1, accounts + 1):
        for i in range(per_account):
            mid += 1
            k = rng.randrange(len(TEXTS))
            inbound = rng.random() < 0.6
            ticket = f"T{a}-{i // 6}" if i % 3 == 0 else None
            ts = AS_OF - timedelta(days=rng.uniform(0, 365))
            yield (
                {
                    "id": mid,
                    "source": "bench",
                    "external_id": f"m{mid}",
                    "channel": "ticket" if ticket else "email",
                    "direction": "inbound" if inbound else "outbound",
                    "account_id": a,
                    "contact_id": 2 * a - rng.randrange(2),
                    "deal_id": a // 5 if a % 5 == 0 and i % 4 == 0 else None,
                    "thread_id": f"th{a}-{i // 4}",
                    "ticket_id": ticket,
                    "ticket_priority": None,
                    "timestamp": ts,
                    "subject": "Re: rollout",
                    "text": TEXTS[k],
                    "sender": None,
                    "auto_reply": False,
                    "text_hash": f"h{k}",
                    "extra": {},
                },
                _analysis("message", mid, k, payloads),
            )


def _analysis(subject: str, sid: int, k: int, payloads: list[dict[str, Any]]) -> dict[str, Any]:
    p = payloads[k]
    return {
        "subject_type": subject,
        "subject_id": sid,
        "engine": ENGINE,
        "model_version": "bench",
        "text_hash": f"h{k}",
        "label": p["label"],
        "score": p["score"],
        "confidence": p["confidence"],
        "unscored": p["unscored"],
        "kind": p["kind"],
        "reply_intent": p["reply_intent"],
        "payload": p,
        "created_at": AS_OF,
    }


def populate(db: Database, accounts: int, messages: int) -> None:
    """Write the workspace straight into the tables (no ingest, no model)."""
    payloads = _payloads()
    rng = random.Random(3)
    with db.engine.begin() as conn:
        _insert(
            conn,
            m.Account,
            (
                {
                    "id": a,
                    "source": "bench",
                    "external_id": f"a{a}",
                    "name": f"Account {a}",
                    "arr": rng.randint(5, 500) * 1000,
                    "segment": rng.choice(["smb", "mid-market", "enterprise"]),
                    "owners": {},
                    "extra": {},
                }
                for a in range(1, accounts + 1)
            ),
        )
        _insert(
            conn,
            m.Contact,
            (
                {
                    "id": c,
                    "source": "bench",
                    "external_id": f"c{c}",
                    "account_id": (c + 1) // 2,
                    "email": f"u{c}@x.example",
                    "extra": {},
                }
                for c in range(1, 2 * accounts + 1)
            ),
        )
        _insert(
            conn,
            m.Deal,
            (
                {
                    "id": d,
                    "source": "bench",
                    "external_id": f"d{d}",
                    "account_id": 5 * d,
                    "stage": "Negotiation",
                    "stage_index": 4,
                    "stage_count": 5,
                    "status": "open",
                    "extra": {},
                }
                for d in range(1, accounts // 5 + 1)
            ),
        )
        per_account = messages // accounts
        _insert(conn, m.Message, (msg for msg, _ in _messages(accounts, per_account, payloads)))
        _insert(conn, m.Analysis, (a for _, a in _messages(accounts, per_account, payloads)))
        _insert(
            conn,
            m.Survey,
            (
                {
                    "source": "bench",
                    "external_id": f"s{a}-{j}",
                    "kind": "nps",
                    "score": rng.randint(3, 10),
                    "comment": None,
                    "account_id": a,
                    "contact_id": 2 * a,
                    "timestamp": AS_OF - timedelta(days=90 * j),
                    "text_hash": "-",
                    "extra": {},
                }
                for a in range(1, accounts + 1)
                for j in (1, 3)
            ),
        )
        _insert(
            conn,
            m.Usage,
            (
                {
                    "account_id": a,
                    "date": (AS_OF - timedelta(days=7 * w)).date(),
                    "active_users": 40 + (a + w) % 15,
                    "licensed_users": 60,
                }
                for a in range(1, accounts + 1)
                for w in range(13)
            ),
        )
        _insert(
            conn,
            m.Activity,
            (
                {
                    "account_id": a,
                    "kind": "csm_call",
                    "timestamp": AS_OF - timedelta(days=10 + 25 * j + a % 20),
                }
                for a in range(1, accounts + 1)
                for j in range(3)
            ),
        )
    with db.engine.begin() as conn:
        if db.dialect == "postgresql":
            for model in (m.Account, m.Contact, m.Deal, m.Message, m.Analysis):
                table = _table(model)
                sequence = func.pg_get_serial_sequence(table.name, "id")
                conn.execute(
                    select(func.setval(sequence, select(func.max(table.c.id)).scalar_subquery()))
                )
        conn.execute(text("ANALYZE"))


def _one_message(db: Database, n: int, payloads: list[dict[str, Any]]) -> None:
    """What ingest + analysis do for one new message: a message row and its analysis."""
    with db.engine.begin() as conn:
        row = {
            "source": "bench",
            "external_id": f"new{n}",
            "channel": "email",
            "direction": "inbound",
            "account_id": 1 + n,
            "contact_id": 2 + 2 * n,
            "timestamp": AS_OF - timedelta(hours=1),
            "text": TEXTS[2],
            "auto_reply": False,
            "text_hash": "h2",
            "extra": {},
        }
        mid = conn.execute(insert(_table(m.Message)).returning(_table(m.Message).c.id), row)
        analysis = _analysis("message", mid.scalar_one(), 2, payloads)
        analysis["created_at"] = datetime.now(UTC)
        conn.execute(insert(_table(m.Analysis)), analysis)


def measure(url: str, accounts: int, messages: int) -> tuple[float, float, float]:
    db = open_database(url)
    db.migrate()
    start = time.perf_counter()
    populate(db, accounts, messages)
    load = time.perf_counter() - start
    full = compute_signals(db, AS_OF, engine=ENGINE, full=True)
    assert full.accounts == accounts, full
    payloads = _payloads()
    times = []
    for n in range(7):
        _one_message(db, n, payloads)
        start = time.perf_counter()
        step = compute_signals(db, AS_OF, engine=ENGINE)
        times.append(time.perf_counter() - start)
        assert (step.mode, step.accounts) == ("incremental", 1), step
    db.dispose()
    return load, full.seconds, statistics.median(times)


def main() -> None:
    scale = float(os.environ.get("CRMSENSE_BENCH_SIGNALS_SCALE", "1"))
    accounts, messages = max(5, int(5000 * scale)), max(500, int(500_000 * scale))
    with tempfile.TemporaryDirectory() as tmp:
        rows = [(name, *measure(url, accounts, messages)) for name, url in backend_urls(tmp)]
    print(
        f"{accounts:,} accounts, {messages:,} messages (analyses written directly, no model "
        "time); targets: full ≤ 60 s, incremental ≤ 50 ms"
    )
    print(f"{'backend':<16}{'populate s':>12}{'full recompute s':>18}{'incremental ms':>16}")
    for name, load, full, step in rows:
        print(f"{name:<16}{load:>12.1f}{full:>18.1f}{step * 1000:>16.1f}")


if __name__ == "__main__":
    main()
