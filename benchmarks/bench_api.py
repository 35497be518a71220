"""The REST API and dashboard under load: a real server in one process, a bounded client
in another, over loopback.

1. ``POST /api/v1/analyze`` with a 50-word customer e-mail (a different ticket number
   each time, so no cache helps): requests/s and p50/p99 latency, one client connection
   and eight concurrent ones. Targets (issue 7): ≥ 200 requests/s, p99 ≤ 100 ms.
2. Dashboard pages over a portfolio of 5,000 accounts (accounts, two days of health
   snapshots and ~1,700 active alerts written directly): the portfolio ``/`` (first page,
   filtered, sorted by open alerts), the alert queue ``/alerts`` and ``GET
   /api/v1/accounts``; server time to the full response. Target: portfolio ≤ 300 ms.

The server is ``crmsense serve`` (uvicorn, one process) with the engine named by
``CRMSENSE_BENCH_API_ENGINE`` (default rules.v1; model.v1 when its files are built). On a
2-core machine client and server share the cores, as they would on one small host.

    python -m benchmarks api
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Table, insert

from crmsense.api.security import create_key
from crmsense.store import Database, open_database
from crmsense.store import models as m

ACCOUNTS = 5_000
DAY = date(2026, 10, 1)
MESSAGE = (
    "Hi Dana, thanks for the quick call yesterday. The export is still failing every Monday "
    "morning and our finance team is frustrated because the numbers do not match. Could you "
    "escalate ticket {n} and tell us when a fix will ship? Otherwise the team is happy with "
    "the new dashboard. Regards, Sam"
)
OWNERS = [f"csm{i}@vendor.example" for i in range(12)]


def _table(model: type[m.Base]) -> Table:
    return model.__table__  # type: ignore[return-value]


def _series(rng: random.Random, n: int) -> dict[str, Any]:
    slope = round(rng.uniform(-0.4, 0.4), 4)
    direction = "declining" if slope < -0.15 else "improving" if slope > 0.15 else "stable"
    trend = {"direction": direction, "slope": slope, "stderr": 0.05, "t_stat": slope / 0.05,
             "n": n, "note": f"{slope:+.3f} per 30 days, {n} messages"}  # fmt: skip
    return {"n": n, "level": round(rng.uniform(-0.6, 0.6), 4), "trend": trend,
            "last": "2026-09-30T10:00:00Z"}  # fmt: skip


def _signals(rng: random.Random, key: int) -> dict[str, Any]:
    """A health snapshot's signals JSON, of the real shape and size."""
    weeks = [{"week_end": (DAY - timedelta(weeks=k)).isoformat(), "n": rng.randint(0, 6),
              "mean": round(rng.uniform(-0.8, 0.8), 3) if rng.random() > 0.15 else None}
             for k in range(12, -1, -1)]  # fmt: skip
    ids = [f"m-{key}-{i}" for i in range(5)]
    return {
        "sentiment": {
            "overall": _series(rng, 40),
            "channels": {c: _series(rng, 12) for c in ("email", "ticket", "chat")},
            "contacts": {f"c-{key}-{i}": _series(rng, 15) for i in range(2)},
            "weekly": weeks,
            "evidence": ids,
        },
        "escalation": {"escalating": False, "major": False, "tickets": [], "worsening_threads": [],
                       "unanswered": [], "evidence": ids[:2]},
        "curtness": {"strength": 0.0, "contacts": [], "evidence": []},
        "surveys": {"nps": None, "csat": None, "evidence": []},
        "usage": {"active": 40, "licensed": 50, "utilisation": 0.8, "change": 0.02,
                  "points": 13, "last": "2026-09-30T00:00:00Z"},
        "engagement": {"last_touch": "2026-09-20T09:00:00Z", "days_since": 11.0,
                       "last_kind": "meeting", "touches_90d": 3, "csm_call_last_30_days": True,
                       "last_recovery": None, "last_recovery_t": None},
    }  # fmt: skip


def _components(score: float) -> dict[str, Any]:
    weights = {"support_sentiment": 0.3, "email_sentiment": 0.15, "nps": 0.15, "csat": 0.1,
               "usage": 0.25, "engagement": 0.05}  # fmt: skip
    return {name: {"value": score, "weight": w, "contribution": round(score * w, 2),
                   "configured_weight": w, "detail": f"{name} → {score:.0f}"}
            for name, w in weights.items()}  # fmt: skip


def _rows(rng: random.Random) -> Iterator[tuple[type[m.Base], list[dict[str, Any]]]]:
    now = datetime(2026, 10, 1, 18, tzinfo=UTC)
    segments = ("enterprise", "mid-market", "smb")
    yield m.Account, [
        {"id": k, "source": "local", "external_id": f"acct-{k:05d}", "name": f"Account {k:05d}",
         "arr": round(rng.uniform(5e3, 9e5), -3), "segment": rng.choice(segments),
         "owners": {"csm": rng.choice(OWNERS), "account_executive": rng.choice(OWNERS)},
         "renewal_date": DAY + timedelta(days=rng.randint(0, 365)), "extra": {}}
        for k in range(1, ACCOUNTS + 1)
    ]  # fmt: skip
    snapshots = []
    for k in range(1, ACCOUNTS + 1):
        base = rng.uniform(15, 95)
        for day, score in ((DAY - timedelta(days=1), base + rng.uniform(-5, 5)), (DAY, base)):
            band = "green" if score >= 70 else "red" if score < 40 else "yellow"
            snapshots.append(
                {"account_id": k, "day": day, "as_of": now, "score": round(score, 1),
                 "own_score": round(score, 1), "band": band, "scorecard": "default",
                 "components": _components(score), "trend": "stable", "slope": 0.01,
                 "trend_t": 0.2, "policy": rng.choice(("standard", "suppress", "advance")),
                 "suppressed_since": None, "reasons": [f"health {score:.1f} ({band})"],
                 "signals": _signals(rng, k), "computed_at": now}
            )  # fmt: skip
    yield m.HealthSnapshot, snapshots
    yield m.Alert, [
        {"account_id": k, "rule": "health_red", "severity": rng.choice(("low", "moderate", "high")),
         "status": rng.choice(("open", "open", "acknowledged")),
         "assignees": {"csm": rng.choice(OWNERS)}, "action": "Reach out now",
         "reasons": ["health is red"], "evidence": [{"message_id": f"m-{k}-1", "kind": "message",
                                                     "excerpt": "Still waiting on the fix."}],
         "dedupe_key": f"health_red:{k}", "created_at": now,
         "due_at": now + timedelta(hours=rng.randint(-48, 72)), "updated_at": now}
        for k in range(1, ACCOUNTS + 1, 3)
    ]  # fmt: skip


def populate(db: Database) -> None:
    rng = random.Random(7)
    with db.engine.begin() as conn:
        for model, rows in _rows(rng):
            for start in range(0, len(rows), 2_000):
                conn.execute(insert(_table(model)), rows[start : start + 2_000])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _start_server(url: str, engine: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    code = "import sys; from crmsense.cli import main; sys.argv[0] = 'crmsense'; main()"
    env = {**os.environ, "CRMSENSE_ENGINE": engine, "CRMSENSE_DATABASE_URL": url}
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "serve", "--port", str(port), "--db", url],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/readyz").status_code == 200:
                return proc, base
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the server did not start")


async def _load(base: str, key: str, seconds: float, concurrency: int) -> dict[str, float]:
    headers = {"Authorization": f"Bearer {key}"}
    latencies: list[float] = []
    counter = iter(range(10**9))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits) as client:

        async def worker(until: float, record: bool) -> None:
            while time.perf_counter() < until:
                body = {"text": MESSAGE.format(n=f"T-{next(counter)}")}
                start = time.perf_counter()
                response = await client.post("/api/v1/analyze", json=body)
                if response.status_code != 200:
                    raise RuntimeError(f"analyze answered {response.status_code}")
                if record:
                    latencies.append(time.perf_counter() - start)

        warm = time.perf_counter() + 2
        await asyncio.gather(*(worker(warm, False) for _ in range(concurrency)))
        begin = time.perf_counter()
        await asyncio.gather(*(worker(begin + seconds, True) for _ in range(concurrency)))
        elapsed = time.perf_counter() - begin
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": latencies[len(latencies) // 2] * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
    }


def _client(base: str, key: str, seconds: float, concurrency: int, out: Any) -> None:
    out.put(asyncio.run(_load(base, key, seconds, concurrency)))


def analyze_load(base: str, key: str, concurrency: int, seconds: float = 10) -> dict[str, float]:
    """Run the load client in its own process; its figures."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_client, args=(base, key, seconds, concurrency, queue))
    proc.start()
    result: dict[str, float] = queue.get(timeout=seconds + 120)
    proc.join()
    return result


def page_times(base: str, key: str, path: str, runs: int = 30) -> tuple[float, float]:
    """Median and worst time (ms) for the full response of ``path``, logged in."""
    with httpx.Client(base_url=base) as client:
        client.post("/login", data={"key": key})
        for _ in range(3):
            assert client.get(path).status_code == 200, path
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
    return statistics.median(times), max(times)


def main() -> None:
    engine = os.environ.get("CRMSENSE_BENCH_API_ENGINE", "rules.v1")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        db = open_database(url)
        db.migrate()
        clock = time.perf_counter()
        populate(db)
        print(f"populated {ACCOUNTS:,} accounts in {time.perf_counter() - clock:.1f} s")
        key = create_key(db, ["read"])
        db.dispose()
        server, base = _start_server(url, engine)
        try:
            print(f"analyze, 50-word message, engine {engine} (targets ≥ 200 req/s, p99 ≤ 100 ms)")
            print(f"{'connections':<13}{'requests':>10}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}")
            for concurrency in (1, 8):
                r = analyze_load(base, key, concurrency)
                print(f"{concurrency:<13}{r['requests']:>10,.0f}{r['rps']:>9.0f}"
                      f"{r['p50']:>9.1f}{r['p99']:>9.1f}")  # fmt: skip
            print(f"pages, {ACCOUNTS:,} accounts (target: portfolio ≤ 300 ms)")
            print(f"{'page':<44}{'median ms':>10}{'max ms':>9}")
            for path in (
                "/",
                "/?band=red&segment=smb",
                "/?sort=alerts&order=desc",
                f"/?owner={OWNERS[0]}",
                "/alerts",
                "/alerts?role=csm&severity=high",
                "/api/v1/accounts?limit=50",
                "/accounts/acct-00042",
            ):
                median, worst = page_times(base, key, path)
                print(f"{path:<44}{median:>10.1f}{worst:>9.1f}")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
