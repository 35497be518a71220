"""`crmsense sync` / `connect setup` end to end, credentials handling, the HTTP policy."""

from __future__ import annotations

import doctest
import importlib
import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from crmsense.cli import app
from crmsense.connectors.config import (
    HubSpotConfig,
    SalesforceConfig,
    WebhookConfig,
    ZohoConfig,
    load_config,
)
from crmsense.connectors.http import BearerToken, HttpClient
from crmsense.connectors.state import save_cursor
from crmsense.errors import ConfigError, IntegrationError
from crmsense.store import open_database
from crmsense.store.queries import record_counts

from .conftest import Sleeps
from .fakes.hubspot import TOKEN, FakeHubSpot


def test_sync_and_setup_commands(
    hubspot: tuple[FakeHubSpot, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, url = hubspot
    fake.seed(companies=2, contacts_per=1, emails_per=1)
    monkeypatch.setenv("CRMSENSE_HUBSPOT_TOKEN", TOKEN)
    monkeypatch.setenv("CRMSENSE_HUBSPOT_BASE_URL", url)
    db = f"sqlite:///{tmp_path / 'w.db'}"
    runner = CliRunner()
    setup = runner.invoke(app, ["connect", "setup", "hubspot"])
    assert setup.exit_code == 0, setup.output
    assert len(json.loads(setup.stdout.splitlines()[-1])["created"]) == 6
    result = runner.invoke(app, ["sync", "hubspot", "--pull", "--db", db])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.splitlines()[-1])["accepted"]["account"] == 2
    both = runner.invoke(app, ["sync", "HubSpot", "--db", db])  # pull, then push
    assert both.exit_code == 0, both.output
    assert "crmsense run" in both.output  # no signals yet: said, not silently zero
    since = runner.invoke(app, ["sync", "hubspot", "--pull", "--since", "2020-01-01", "--db", db])
    assert since.exit_code == 0, since.output
    assert json.loads(since.stdout.splitlines()[-1])["fetched"]["companies"] == 2
    bad = runner.invoke(app, ["sync", "hubspot", "--pull", "--since", "last week", "--db", db])
    assert bad.exit_code == 2 and "--since 'last week' is not a date" in bad.output
    ahead = runner.invoke(app, ["sync", "hubspot", "--pull", "--since", "2999-01-01", "--db", db])
    assert ahead.exit_code == 2 and "[E140] --since 2999-01-01T00:00:00Z is in the future" in (
        ahead.output
    )
    database = open_database(db)
    assert record_counts(database)["account"] == 2
    database.dispose()


def test_a_saved_cursor_in_the_future_is_reported_with_the_way_out(
    hubspot: tuple[FakeHubSpot, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As an older release could leave it after a record with a year-2999 modification time.
    fake, url = hubspot
    fake.add("companies", "1", {"name": "Acme"})
    fake.add("companies", "2", {"name": "Globex"})
    monkeypatch.setenv("CRMSENSE_HUBSPOT_TOKEN", TOKEN)
    monkeypatch.setenv("CRMSENSE_HUBSPOT_BASE_URL", url)
    db = f"sqlite:///{tmp_path / 'w.db'}"
    runner = CliRunner()
    assert runner.invoke(app, ["init", "--db", db]).exit_code == 0
    database = open_database(db)
    save_cursor(database, "hubspot.v1", "companies", {"since": 32_503_680_000_000})  # 3000-01-01
    database.dispose()
    stuck = runner.invoke(app, ["sync", "hubspot", "--pull", "--db", db])
    assert stuck.exit_code == 0, stuck.output
    report = json.loads(stuck.stdout.splitlines()[-1])
    assert report["fetched"]["companies"] == 0
    (warning,) = report["warnings"]
    assert warning.startswith("companies: the saved cursor (3000-01-01T00:00:00Z) is in the future")
    assert "crmsense sync hubspot --since DATE" in warning and "warning:" in stuck.output
    recovered = runner.invoke(app, ["sync", "hubspot", "--pull", "--full", "--db", db])
    assert (
        recovered.exit_code == 0 and not json.loads(recovered.stdout.splitlines()[-1])["warnings"]
    )
    database = open_database(db)
    assert record_counts(database)["account"] == 2
    # Mid-pull, a search re-anchored past future-dated records has ``since`` ahead while
    # ``newest`` holds where the pull ends: resuming that is no stuck cursor.
    held = {"since": 32_503_680_000_000, "after": None, "newest": 1_790_000_000_000}
    save_cursor(database, "hubspot.v1", "companies", held)
    database.dispose()
    resumed = runner.invoke(app, ["sync", "hubspot", "--pull", "--db", db])
    assert resumed.exit_code == 0 and not json.loads(resumed.stdout.splitlines()[-1])["warnings"]


def test_sync_without_credentials_names_the_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CRMSENSE_SALESFORCE_CLIENT_ID", raising=False)
    monkeypatch.delenv("CRMSENSE_CONNECTORS_CONFIG", raising=False)
    result = CliRunner().invoke(app, ["sync", "salesforce", "--db", f"sqlite:///{tmp_path}/w.db"])
    assert result.exit_code == 1
    assert "CRMSENSE_SALESFORCE_CLIENT_ID" in result.output


def test_config_file_and_environment(tmp_path: Path) -> None:
    path = tmp_path / "connectors.toml"
    path.write_text(
        '[salesforce]\nclient_id = "from-file"\nclient_secret = "s"\n'
        'refresh_token = "refresh-xyz"\napi_version = "v59.0"\n'
    )
    cfg = load_config(SalesforceConfig, path, env={"CRMSENSE_SALESFORCE_CLIENT_ID": "from-env"})
    assert (cfg.client_id, cfg.api_version) == ("from-env", "v59.0")
    assert "refresh-xyz" not in repr(cfg)
    assert cfg.refresh_token.get_secret_value() == "refresh-xyz"
    path.write_text("[salesforce]\nclient_idd = 1\n")
    with pytest.raises(ConfigError):
        load_config(SalesforceConfig, path, env={})
    path.write_text("not toml [")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(HubSpotConfig, path, env={})


@pytest.mark.parametrize(
    ("cls", "key", "value", "allowed"),
    [
        (HubSpotConfig, "TIMEOUT_S", "inf", "a finite number"),
        (HubSpotConfig, "TIMEOUT_S", "nan", "a finite number"),
        (HubSpotConfig, "TIMEOUT_S", "601", "less than or equal to 600"),
        (HubSpotConfig, "MAX_RETRIES", str(10**20), "less than or equal to 20"),
        (ZohoConfig, "EMAIL_FULL_SCAN_HOURS", "inf", "a finite number"),
        (ZohoConfig, "EMAIL_FULL_SCAN_HOURS", "1e300", "less than or equal to 8760"),
        (WebhookConfig, "TOLERANCE_S", str(10**20), "less than or equal to 86400"),
    ],
)
def test_out_of_range_numbers_name_the_key_and_the_range(
    cls: Any, key: str, value: str, allowed: str
) -> None:
    prefix = f"CRMSENSE_{cls.section.upper()}_"
    env = {f"{prefix}{k}": "x" for k in ("TOKEN", "CLIENT_ID", "CLIENT_SECRET", "REFRESH_TOKEN")}
    with pytest.raises(ConfigError, match=f"{prefix}{key} \\(Input should be {allowed}\\)"):
        load_config(cls, env={**env, f"{prefix}{key}": value})


def test_secrets_never_reach_logs_or_reprs(
    hubspot: tuple[FakeHubSpot, str], sleeps: Sleeps, caplog: pytest.LogCaptureFixture
) -> None:
    fake, url = hubspot
    fake.fault("/crm/v3/owners", 503, times=1)
    client = HttpClient("hubspot", url, BearerToken(TOKEN), lambda r: ("x", "y"), sleep=sleeps)
    with caplog.at_level(logging.DEBUG):
        client.request("GET", "/crm/v3/owners", params={"email": "jane@acme.example"})
    client.close()
    assert caplog.records and TOKEN not in caplog.text and "jane@" not in caplog.text
    assert TOKEN not in repr(client) and TOKEN not in repr(client.auth)
    assert TOKEN not in repr(HubSpotConfig(token=TOKEN))  # type: ignore[arg-type]


def test_unreachable_crm_retries_then_says_so(sleeps: Sleeps) -> None:
    client = HttpClient(
        "zoho",
        "http://127.0.0.1:9",
        BearerToken("t"),
        lambda r: ("", ""),
        max_retries=2,
        sleep=sleeps,
    )
    with pytest.raises(IntegrationError, match="failed 3 times"):
        client.request("GET", "/crm/v2.1/Accounts")
    client.close()
    assert len(sleeps) == 2


def test_every_connector_setting_is_documented() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "connectors.md").read_text()
    documented = set(re.findall(r"`CRMSENSE_([A-Z<>]+)_([A-Z_]+)`", doc))
    for cls in (HubSpotConfig, SalesforceConfig, ZohoConfig, WebhookConfig):
        for field in cls.model_fields:
            name = field.upper()
            assert (cls.section.upper(), name) in documented or ("<CRM>", name) in documented, (
                f"CRMSENSE_{cls.section.upper()}_{name} is not in docs/connectors.md"
            )


@pytest.mark.parametrize(
    "module", ["base", "config", "http", "state", "salesforce", "zoho", "webhooks"]
)
def test_doctests(module: str) -> None:
    result = doctest.testmod(importlib.import_module(f"crmsense.connectors.{module}"))
    assert result.failed == 0 and result.attempted > 0
