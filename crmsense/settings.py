"""One typed settings object, read from ``CRMSENSE_*`` environment variables.

Nothing is read at import time: call :func:`get_settings` (or build ``Settings(...)``
yourself in tests). Every field is documented in ``docs/configuration.md``; a test
checks that the two agree.

>>> Settings(database_url="sqlite:///:memory:").database_url
'sqlite:///:memory:'
"""

from __future__ import annotations

__all__ = ["Settings", "get_settings"]

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """crmsense configuration. Environment: ``CRMSENSE_<FIELD>`` (upper case)."""

    model_config = SettingsConfigDict(env_prefix="CRMSENSE_", extra="ignore", allow_inf_nan=False)

    database_url: str = Field(
        "sqlite:///crmsense.db",
        description="SQLAlchemy URL: sqlite:///path.db (default) or postgresql+psycopg://…",
    )
    engine: str = Field(
        "model.v1", description="Default analysis engine name (rules.v1, model.v1, llm.v1)."
    )
    model_dir: Path | None = Field(
        None, description="Directory of a tuned model (crmsense train); default: shipped model."
    )
    min_confidence: float = Field(
        0.4, ge=0.0, le=1.0,
        description="Calibrated confidence below which an analysis is unscored (too_uncertain).",
    )  # fmt: skip
    batch_size: int = Field(
        2000, ge=1, le=100_000,
        description="Records per database transaction during ingest and analysis.",
    )  # fmt: skip
    competitors: list[str] = Field(
        default_factory=list, description="Competitor names to detect in messages."
    )
    llm_base_url: str | None = Field(
        None, description="OpenAI-compatible endpoint for the llm.v1 engine."
    )
    llm_api_key: str | None = Field(None, description="API key for the llm.v1 engine.")
    llm_model: str = Field("gpt-4o-mini", description="Model name sent to the llm.v1 engine.")
    llm_api_version: str | None = Field(
        None, description="Azure OpenAI api-version; set, the key goes in an api-key header."
    )
    llm_batch_size: int = Field(8, ge=1, le=100, description="Texts per llm.v1 request.")
    llm_concurrency: int = Field(4, ge=1, le=64, description="Parallel llm.v1 requests.")
    llm_timeout_s: float = Field(
        60.0, gt=0, le=600, description="Read timeout of one llm.v1 request (seconds)."
    )
    llm_cache_dir: Path | None = Field(
        None, description="Directory of the llm.v1 on-disk answer cache; none = memory only."
    )
    max_request_bytes: int = Field(
        10_000_000,
        ge=1024,
        le=1 << 30,
        description="Largest request body the API accepts (bytes).",
    )
    cors_origins: list[str] = Field(
        default_factory=list, description="Origins allowed by CORS; empty (default) = CORS off."
    )


def get_settings(**overrides: object) -> Settings:
    """Build settings from the environment, with explicit overrides (e.g. from CLI flags).

    A value that does not validate raises ``ConfigError`` (E404) naming the variable.
    """
    from pydantic import ValidationError

    from crmsense.errors import ConfigError

    clean = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**clean)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(
            f"CRMSENSE_{'_'.join(str(part) for part in error['loc']).upper()}: {error['msg']}"
            for error in exc.errors(include_url=False)
        )
        raise ConfigError(
            f"invalid setting — {problems}; fix that environment variable (or the matching "
            "command-line option); every setting is described in docs/configuration.md",
            code="E404",
        ) from None
