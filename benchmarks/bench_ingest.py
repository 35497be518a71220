"""Ingest throughput: 100,000 JSONL messages into SQLite (file) and PostgreSQL.

Target (issue 2): ≥ 5,000 records/s into SQLite on a 2-core machine.

    python -m benchmarks ingest
    CRMSENSE_BENCH_MESSAGES=20000 python -m benchmarks ingest   # quicker
"""

from __future__ import annotations

import json
import os
import random
import tempfile
import time
from pathlib import Path

from benchmarks._backends import backend_urls
from crmsense.ingest.pipeline import ingest_paths
from crmsense.store import open_database

PHRASES = [
    "Thanks for the quick turnaround on the export fix.",
    "We are still waiting for an update on ticket 4411.",
    "Can we move Thursday's call to 3pm?",
    "The new dashboard is great, the team loves it.",
    "Please find the signed order form attached.",
    "Honestly this outage cost us a full day of work.",
]


def write_workspace(path: Path, messages: int, accounts: int = 500) -> int:
    rng = random.Random(1)
    with path.open("w", encoding="utf-8") as fh:
        for a in range(accounts):
            fh.write(
                json.dumps(
                    {
                        "type": "account",
                        "id": f"a{a}",
                        "name": f"Account {a}",
                        "arr": rng.randint(5, 500) * 1000,
                    }
                )
                + "\n"
            )
            fh.write(
                json.dumps(
                    {
                        "type": "contact",
                        "id": f"c{a}",
                        "account_id": f"a{a}",
                        "email": f"user{a}@a{a}.example",
                    }
                )
                + "\n"
            )
        for i in range(messages):
            a = rng.randrange(accounts)
            fh.write(
                json.dumps(
                    {
                        "type": "message",
                        "id": f"m{i}",
                        "channel": rng.choice(["email", "ticket"]),
                        "account_id": f"a{a}",
                        "contact_id": f"c{a}",
                        "timestamp": f"2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}"
                        "T10:00:00Z",
                        "subject": "Re: rollout",
                        "text": " ".join(rng.choices(PHRASES, k=3)),
                    }
                )
                + "\n"
            )
    return messages + 2 * accounts


def measure(url: str, path: Path, records: int) -> tuple[float, float]:
    db = open_database(url)
    db.migrate()
    start = time.perf_counter()
    report = ingest_paths(db, [path])
    first = time.perf_counter() - start
    assert report.exit_code == 0, report.rejected[:3]
    start = time.perf_counter()
    ingest_paths(db, [path])
    again = time.perf_counter() - start
    db.dispose()
    return records / first, records / again


def main() -> None:
    n = int(os.environ.get("CRMSENSE_BENCH_MESSAGES", "100000"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.jsonl"
        records = write_workspace(path, n)
        rows = [(name, *measure(url, path, records)) for name, url in backend_urls(tmp)]
    print(f"{records:,} records ({n:,} messages), target ≥ 5,000 records/s into SQLite")
    print(f"{'backend':<16}{'first import rec/s':>20}{'re-import rec/s':>18}")
    for name, first, again in rows:
        print(f"{name:<16}{first:>20,.0f}{again:>18,.0f}")


if __name__ == "__main__":
    main()
