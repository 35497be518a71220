"""Connector credentials and settings: environment variables or one TOML file.

Every connector reads ``CRMSENSE_<CRM>_<FIELD>`` variables, e.g.
``CRMSENSE_HUBSPOT_TOKEN``, and falls back to the ``[<crm>]`` table of the TOML file named
by ``CRMSENSE_CONNECTORS_CONFIG`` (or passed explicitly). The environment wins over the
file. Secrets are :class:`pydantic.SecretStr`: they never appear in ``repr``, logs or
error messages.

>>> cfg = load_config(HubSpotConfig, env={"CRMSENSE_HUBSPOT_TOKEN": "pat-na1-123"})
>>> cfg.token
SecretStr('**********')
>>> cfg.base_url
'https://api.hubapi.com'
"""

from __future__ import annotations

__all__ = [
    "HubSpotConfig",
    "SalesforceConfig",
    "WebhookConfig",
    "ZohoConfig",
    "load_config",
]

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    StringConstraints,
    ValidationError,
)

from crmsense.configfile import decode_config
from crmsense.errors import ConfigError

CONFIG_ENV = "CRMSENSE_CONNECTORS_CONFIG"


class _Config(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    section: ClassVar[str]

    timeout_s: float = Field(30.0, gt=0, le=600, description="Per-request timeout.")
    max_retries: int = Field(5, ge=0, le=20, description="Retries on 429, 5xx and timeouts.")


_FIELD = r"^[A-Za-z_][A-Za-z0-9_]*$"  # a CRM field's API name (also keeps SOQL safe)
_ROLE = r"^[a-z][a-z_]*$"  # a crmsense owner role: csm, csm_manager, account_executive, …


def _pairs(value: Any) -> Any:
    """``"csm=CSM__c, account_executive=OwnerId"`` (how the environment gives a table) as a dict."""
    if isinstance(value, str):
        pairs = (item.partition("=") for item in value.split(",") if item.strip())
        return {key.strip(): item.strip() for key, _, item in pairs}
    return value


OwnerFields = Annotated[
    dict[
        Annotated[str, StringConstraints(pattern=_ROLE)],
        Annotated[str, StringConstraints(pattern=_FIELD)],
    ],
    BeforeValidator(_pairs),
]
TeamRoles = Annotated[
    dict[
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)],
        Annotated[str, StringConstraints(pattern=_ROLE)],
    ],
    BeforeValidator(_pairs),
]
#: Two standard Salesforce Account Team roles and a custom one many orgs add for CSMs.
DEFAULT_TEAM_ROLES = {
    "Customer Success Manager": "csm",
    "Account Manager": "account_manager",
    "Executive Sponsor": "csm_manager",
}


class _CrmConfig(_Config):
    arr_field: str | None = Field(
        None, pattern=_FIELD, description="The CRM's account field that holds ARR."
    )
    segment_field: str | None = Field(
        None, pattern=_FIELD, description="The account field read as the segment (tier)."
    )
    renewal_field: str | None = Field(
        None, pattern=_FIELD, description="The account field that holds the renewal date."
    )
    owner_fields: OwnerFields = Field(
        default_factory=dict,
        description="Owner role → the account's user field (the record owner is the "
        "account_executive unless this says otherwise).",
    )


class HubSpotConfig(_CrmConfig):
    """A HubSpot private-app access token (``pat-…``) and the API host."""

    section = "hubspot"

    token: SecretStr
    base_url: str = "https://api.hubapi.com"


class _OAuthConfig(_CrmConfig):
    """OAuth refresh-token credentials; ``access_token`` is refreshed as needed."""

    client_id: str
    client_secret: SecretStr
    refresh_token: SecretStr
    access_token: SecretStr | None = None


class SalesforceConfig(_OAuthConfig):
    """A connected app's OAuth refresh-token credentials."""

    section = "salesforce"

    segment_field: str | None = Field("Type", pattern=_FIELD)
    login_url: str = "https://login.salesforce.com"
    instance_url: str | None = Field(None, description="Taken from the token response if unset.")
    api_version: str = "v60.0"
    team_roles: TeamRoles = Field(
        default_factory=lambda: dict(DEFAULT_TEAM_ROLES),
        description="Account Team role (TeamMemberRole) → owner role; replaces the default, "
        "{} reads no account teams.",
    )


class ZohoConfig(_OAuthConfig):
    """A Zoho self-client's OAuth refresh-token credentials and data-centre hosts."""

    section = "zoho"

    accounts_url: str = "https://accounts.zoho.com"
    api_domain: str = "https://www.zohoapis.com"
    segment_field: str | None = Field("Account_Type", pattern=_FIELD)
    email_full_scan_hours: float = Field(
        24.0,
        ge=0,
        le=8760,
        description="How often an e-mail pull reads every contact's e-mails; in between, "
        "only contacts changed since the last pull (0: always every contact).",
    )


class WebhookConfig(_Config):
    """Secrets of the survey tools whose webhooks crmsense receives; unset = disabled."""

    section = "webhooks"

    delighted_secret: SecretStr | None = Field(None, description="Delighted API key.")
    typeform_secret: SecretStr | None = None
    surveymonkey_api_key: str | None = Field(None, description="The app's client id.")
    surveymonkey_api_secret: SecretStr | None = None
    surveymonkey_token: SecretStr | None = Field(None, description="To fetch response details.")
    surveymonkey_base_url: str = "https://api.surveymonkey.com"
    generic_secret: SecretStr | None = Field(None, description="For X-Crmsense-Signature.")
    tolerance_s: int = Field(300, ge=1, le=86_400, description="Oldest accepted signed timestamp.")
    spool_path: Path = Field(
        Path("crmsense-webhooks.spool.jsonl"),
        description="Verified payloads wait here while the database is unavailable.",
    )


C = TypeVar("C", bound=_Config)


def _file_section(name: str, path: Path | None, env: Mapping[str, str]) -> dict[str, Any]:
    if path is None and env.get(CONFIG_ENV):
        path = Path(env[CONFIG_ENV])
    if path is None:
        return {}
    try:
        data = tomllib.loads(decode_config(path.read_bytes(), str(path), code="E400"))
    except OSError as exc:
        raise ConfigError(f"cannot read connector config {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
    section = data.get(name, {})
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [{name}] must be a table of settings")
    return section


def load_config(cls: type[C], path: Path | None = None, env: Mapping[str, str] | None = None) -> C:
    """Validated settings for ``cls`` from ``env`` (default ``os.environ``) over the file."""
    env = os.environ if env is None else env
    prefix = f"CRMSENSE_{cls.section.upper()}_"
    values = _file_section(cls.section, path, env)
    for key, value in env.items():
        field = key.removeprefix(prefix).lower()
        if key.startswith(prefix) and field in cls.model_fields:
            values[field] = value
    try:
        return cls.model_validate(values)
    except ValidationError as exc:  # the message names fields and rules, never values
        fields = ", ".join(
            f"{prefix}{'.'.join(str(p) for p in e['loc']).upper()} ({e['msg']})"
            for e in exc.errors()
        )
        raise ConfigError(
            f"{cls.section} is not configured: check {fields} (environment) or the "
            f"[{cls.section}] table of the file in ${CONFIG_ENV}; see docs/connectors.md",
            code="E410",
        ) from None
