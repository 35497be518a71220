"""The resource queries on SQLite and PostgreSQL alike: records in through the API,
signals and alerts computed, then filtered (owners and assignees live in JSON columns),
sorted and paged through the API."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient

from crmsense.alerts.engine import evaluate
from crmsense.api.app import create_app
from crmsense.api.security import create_key
from crmsense.settings import Settings
from crmsense.signals.compute import compute_signals
from crmsense.store import Database

AS_OF = datetime(2026, 6, 10, 12, tzinfo=UTC)
OWNERS = {
    "north": {"csm": "Ana.Silva@vendor.example", "account_executive": "raj@vendor.example"},
    "south": {"csm": "raj@vendor.example"},
    "east": {},
}
RECORDS = [
    *(
        {"type": "account", "id": key, "name": f"{key.title()} Ltd", "arr": arr, "owners": owners,
         "segment": "smb"}
        for (key, owners), arr in zip(OWNERS.items(), (90_000, 40_000, None), strict=True)
    ),
    {"type": "survey", "id": "s1", "kind": "nps", "score": 2, "account_id": "north",
     "comment": "Support never answers and the app keeps crashing.",
     "timestamp": "2026-06-09T10:00:00Z"},
    {"type": "survey", "id": "s2", "kind": "nps", "score": 3, "account_id": "south",
     "comment": "Disappointing since the last release.", "timestamp": "2026-06-09T11:00:00Z"},
    {"type": "survey", "id": "s3", "kind": "nps", "score": 10, "account_id": "east",
     "comment": "Great product, the team is fantastic.", "timestamp": "2026-06-08T11:00:00Z"},
]  # fmt: skip


def test_filters_sorting_and_paging_on_both_backends(db: Database) -> None:
    settings = Settings(database_url="sqlite://", engine="rules.v1")
    write = {"Authorization": f"Bearer {create_key(db, ['read', 'write'])}"}
    with TestClient(create_app(settings, db)) as client:
        ingested = client.post("/api/v1/ingest", json=RECORDS, headers=write).json()
        assert ingested == {
            "accepted": {"account": 3, "survey": 3},
            "rejected": [],
            "repeated": 0,
        }
        compute_signals(db, AS_OF, engine="rules.v1")
        evaluate(db, as_of=AS_OF)

        def get(path: str) -> list[str]:
            response = client.get(path, headers=write)
            assert response.status_code == 200, response.text
            return [item["id"] if "name" in item else item["account_id"]
                    for item in response.json()["items"]]  # fmt: skip

        assert get("/api/v1/accounts?owner=ana.silva@vendor.example") == ["north"]
        assert sorted(get("/api/v1/accounts?owner=RAJ@vendor.example")) == ["north", "south"]
        assert get("/api/v1/accounts?owner=vendor.example") == []  # whole addresses only
        assert get("/api/v1/accounts?sort=arr&order=desc") == ["north", "south", "east"]
        assert get("/api/v1/accounts?sort=name&limit=1&offset=1") == ["north"]
        detractors = get("/api/v1/alerts?rule=detractor_followup")
        assert sorted(detractors) == ["north", "south"]
        assert get("/api/v1/alerts?rule=detractor_followup&assignee=ana.silva@vendor.example") == [
            "north"
        ]
        assert sorted(get("/api/v1/alerts?rule=detractor_followup&role=csm")) == [
            "north",
            "south",
        ]
        assert get("/api/v1/alerts?role=marketing") == []
        scores = client.get("/api/v1/accounts/east", headers=write).json()
        assert scores["surveys"][0]["score"] == 10 and scores["alerts"] == []


def test_nul_characters_are_refused_alike_on_both_backends(db: Database) -> None:
    # PostgreSQL cannot store or compare NUL: the ingest refused "the record" without a
    # field (SQLite stored it) and lookups by such an id answered 500 (SQLite 404).
    settings = Settings(database_url="sqlite://", engine="rules.v1")
    write = {"Authorization": f"Bearer {create_key(db, ['read', 'write'])}"}
    with TestClient(create_app(settings, db)) as client:
        body = [RECORDS[0], {"type": "account", "id": "nul", "name": "N\x00L"}]
        result = client.post("/api/v1/ingest", json=body, headers=write).json()
        assert result["accepted"] == {"account": 1}
        assert [(r["line"], r["field"]) for r in result["rejected"]] == [(2, "name")]
        for path in ("/api/v1/accounts/n%00l", "/api/v1/contacts?account_id=n%00l"):
            response = client.get(path, headers=write)
            assert response.status_code == 422, response.text


def test_dashboard_pages_survive_nul_and_huge_offsets_on_both_backends(db: Database) -> None:
    # These answered 500 on PostgreSQL: NUL in a path id or a filter, offsets past 2**63.
    settings = Settings(database_url="sqlite://", engine="rules.v1")
    key = create_key(db, ["read", "write"])
    with TestClient(create_app(settings, db)) as client:
        client.post("/api/v1/ingest", json=RECORDS, headers={"Authorization": f"Bearer {key}"})
        client.post("/login", data={"key": key, "next": "/"})
        for path in ("/accounts/nor%00th", "/calls/c%001"):
            assert client.get(path).status_code == 404, path
        assert "North Ltd" in client.get("/?segment=smb%00&owner=ana.silva@vendor.example").text
        for path in (
            "/?offset=99999999999999999999",
            "/deals?owner=a%00b&offset=99999999999999999999",
            "/alerts?account_id=north%00&assignee=%00&offset=9223372036854775808",
        ):
            assert client.get(path).status_code == 200, path
