"""Request and response schemas, kept apart from the tables."""

from __future__ import annotations

__all__ = ["AnalyzeBatchRequest", "AnalyzeRequest", "IngestResult", "Page"]

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class AnalyzeRequest(BaseModel):
    text: str = Field(max_length=2_000_000, description="The text to analyse.")
    subject: str | None = Field(None, max_length=1000)
    channel: str | None = Field(None, description="email, ticket, chat, social or note")
    engine: str | None = Field(None, description="Engine name; default from settings.")
    topics: list[str] = Field(default_factory=list, description="Extra topics to score.")


class AnalyzeBatchRequest(BaseModel):
    texts: list[str] = Field(min_length=1, max_length=1000)
    engine: str | None = None


class IngestResult(BaseModel):
    accepted: dict[str, int]
    rejected: list[dict[str, object]]


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int
