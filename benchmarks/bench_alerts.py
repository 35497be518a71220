"""Alerts: every rule of the default playbook over 5,000 accounts / 500,000 messages, and
one live-chat message to its alert, on SQLite (file) and PostgreSQL.

Targets (issue 5): full evaluation ≤ 30 s; chat message → alert ≤ 200 ms.

The workspace is :mod:`benchmarks.bench_signals`' — rows written directly into the
tables (accounts, contacts, deals, messages with real ``rules.v1`` analyses, NPS answers,
usage, CSM calls), no ingest and no model time — with signals computed once (full, not
timed here). The chat path is timed end to end as the API runs it: ingest one chat
message through the pipeline, then :func:`~crmsense.alerts.engine.evaluate_chat_message`
(analyse it with ``rules.v1``, evaluate the real-time rules on its session, store the
alert). Each measured session has two calm messages first and ends with an angry one.

    python -m benchmarks alerts
    CRMSENSE_BENCH_ALERTS_SCALE=0.1 python -m benchmarks alerts   # 500 accounts, 50k messages
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from datetime import timedelta

from sqlalchemy import func, select

from benchmarks._backends import backend_urls
from benchmarks.bench_signals import AS_OF, ENGINE, populate
from crmsense.alerts.config import Playbook, load_playbook
from crmsense.alerts.engine import evaluate, evaluate_chat_message
from crmsense.ingest.pipeline import ingest_records
from crmsense.signals.compute import compute_signals
from crmsense.store import Database, open_database
from crmsense.store import models as m

CHAT = [
    "Hi! Thanks for getting back to me so quickly, happy to walk you through it.",
    "Hmm, the export still is not loading after the restart.",
    "This is ridiculous, I have been waiting for 20 minutes and nothing works. Terrible service.",
]
SESSIONS = 15


def _chat(db: Database, playbook: Playbook, session: int) -> tuple[float, int]:
    """Ingest one session message by message; return the last message's latency (s) and
    how many alerts it raised."""
    account = f"a{1 + session}"
    latency, raised = 0.0, 0
    for i, body in enumerate(CHAT):
        start = time.perf_counter()
        ingest_records(db, [{
            "type": "message", "id": f"chat{session}-{i}", "source": "bench", "channel": "chat",
            "account_id": account, "thread_id": f"chat{session}",
            "timestamp": (AS_OF + timedelta(minutes=session * 10 + i)).isoformat(), "text": body,
        }])  # fmt: skip
        with db.engine.connect() as conn:
            key = conn.execute(select(func.max(m.Message.id))).scalar_one()
        out = evaluate_chat_message(db, key, playbook, engine=ENGINE, deliver=False)
        latency, raised = time.perf_counter() - start, len(out)
    return latency, raised


def measure(url: str, accounts: int, messages: int) -> tuple[float, float, float, int, float]:
    db = open_database(url)
    db.migrate()
    start = time.perf_counter()
    populate(db, accounts, messages)
    load = time.perf_counter() - start
    signals = compute_signals(db, AS_OF, engine=ENGINE, full=True).seconds
    playbook = load_playbook()
    report = evaluate(db, playbook, AS_OF, full=True)
    assert report.accounts == accounts, report
    chats = [_chat(db, playbook, n) for n in range(SESSIONS)]
    assert all(raised == 1 for _, raised in chats), chats
    db.dispose()
    created = report.counts["created"] + report.counts["queued"]
    return load, signals, report.seconds, created, statistics.median(t for t, _ in chats)


def main() -> None:
    scale = float(os.environ.get("CRMSENSE_BENCH_ALERTS_SCALE", "1"))
    accounts, messages = max(20, int(5000 * scale)), max(2000, int(500_000 * scale))
    with tempfile.TemporaryDirectory() as tmp:
        rows = [(name, *measure(url, accounts, messages)) for name, url in backend_urls(tmp)]
    print(
        f"{accounts:,} accounts, {messages:,} messages (rows written directly, no model time; "
        f"signals computed first); targets: all rules ≤ 30 s, chat message → alert ≤ 200 ms "
        f"(median of {SESSIONS} sessions)"
    )
    print(f"{'backend':<16}{'populate s':>12}{'signals s':>11}{'all rules s':>13}"
          f"{'alerts':>8}{'chat → alert ms':>17}")  # fmt: skip
    for name, load, signals, rules, created, chat in rows:
        print(f"{name:<16}{load:>12.1f}{signals:>11.1f}{rules:>13.1f}{created:>8,}"
              f"{chat * 1000:>17.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
