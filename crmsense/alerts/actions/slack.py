"""``slack.v1``: a message to a Slack incoming webhook (its URL, a secret, from the
environment variable named by ``url_env``)."""

from __future__ import annotations

__all__ = ["SlackOptions", "SlackSink"]

import json
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from crmsense.alerts.actions import Delivery, summary
from crmsense.alerts.actions.webhook import post_json, secret_from_env

_ICONS = {"high": ":red_circle:", "moderate": ":large_orange_circle:", "low": ":white_circle:"}


class SlackOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    url_env: str = Field(pattern=r"^[A-Z_][A-Z0-9_]*$")
    timeout: float = Field(10.0, gt=0, le=120)


class SlackSink:
    Options: ClassVar[type[BaseModel]] = SlackOptions

    def __init__(self, options: SlackOptions) -> None:
        self.options = options

    def deliver(self, delivery: Delivery) -> str:
        url = secret_from_env(self.options.url_env)
        subject, body = summary(delivery.payload)
        icon = _ICONS.get(delivery.payload["alert"]["severity"], "")
        text = f"{icon} *{subject}*\n{body}".strip()
        return post_json(url, json.dumps({"text": text}).encode(), {}, self.options.timeout)
