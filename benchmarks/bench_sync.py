"""CRM sync throughput: a 50,000-record HubSpot backfill against the local fake, records/s.

500 companies, 4,500 contacts and 45,000 e-mails (each with its company and contact
associations) are served by the fake HubSpot API (tests/connectors/fakes) over loopback
HTTP; the real connector pulls them page by page (200 per search page, 3 association
calls per e-mail page) into a fresh SQLite file, and into PostgreSQL when reachable. The
fake runs in the same process, so the figure includes its share of the CPU.

    python -m benchmarks sync
    CRMSENSE_BENCH_SYNC_RECORDS=10000 python -m benchmarks sync   # quicker
"""

from __future__ import annotations

import os
import tempfile
import time

from benchmarks._backends import backend_urls
from crmsense.connectors.config import HubSpotConfig
from crmsense.connectors.hubspot import HubSpotConnector
from crmsense.connectors.sync import pull
from crmsense.store import Database, open_database
from crmsense.store.queries import record_counts
from tests.connectors.fakes.hubspot import TOKEN, FakeHubSpot
from tests.connectors.fakes.server import serve

PHRASES = [
    "Thanks for the quick turnaround on the export fix.",
    "We are still waiting for an update on ticket 4411, any news?",
    "The new dashboard is great, the team loves it.",
]


def seed(fake: FakeHubSpot, records: int) -> None:
    """1 % companies, 9 % contacts, 90 % e-mails."""
    companies, contacts = max(1, records // 100), max(1, records * 9 // 100)
    emails = records - companies - contacts
    for c in range(companies):
        fake.add("companies", f"{c}", {"name": f"Company {c}", "domain": f"c{c}.example"})
    for p in range(contacts):
        fake.add(
            "contacts",
            f"p{p}",
            {
                "email": f"user{p}@c{p % companies}.example",
                "associatedcompanyid": f"{p % companies}",
            },
        )
    for e in range(emails):
        p = e % contacts
        fake.add(
            "emails",
            f"e{e}",
            {
                "hs_timestamp": "2026-10-01T10:00:00Z",
                "hs_email_subject": "Re: rollout",
                "hs_email_text": PHRASES[e % len(PHRASES)],
                "hs_email_direction": "INCOMING_EMAIL",
            },
            companies=f"{p % companies}",
            contacts=f"p{p}",
        )


def run(url: str, db: Database, records: int) -> float:
    connector = HubSpotConnector(HubSpotConfig(token=TOKEN, base_url=url))  # type: ignore[arg-type]
    started = time.perf_counter()
    report = pull(db, connector, objects=["companies", "contacts", "emails"])
    seconds = time.perf_counter() - started
    connector.close()
    stored = sum(record_counts(db)[k] for k in ("account", "contact", "message"))
    assert stored == records and not report.rejected, (stored, len(report.rejected))
    print(
        f"  {db.dialect:<10} {records:>7} records  {seconds:6.1f} s  "
        f"{records / seconds:8.0f} records/s  ({connector.http.requests} HTTP requests)"
    )
    return records / seconds


def main() -> None:
    records = int(os.environ.get("CRMSENSE_BENCH_SYNC_RECORDS", "50000"))
    fake = FakeHubSpot()
    seed(fake, records)
    with serve(fake.app) as url, tempfile.TemporaryDirectory() as tmp:
        for _name, db_url in backend_urls(tmp):
            db = open_database(db_url)
            db.migrate()
            try:
                run(url, db, records)
            finally:
                db.dispose()


if __name__ == "__main__":
    main()
