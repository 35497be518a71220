"""``webhook.v1``: the alert event as JSON, POSTed and signed with HMAC-SHA256.

Headers: ``X-Crmsense-Event`` (``alert.opened`` …), ``X-Crmsense-Delivery`` (the outbox
id: the same on every retry, so receivers can drop duplicates), ``X-Crmsense-Timestamp``
(POSIX seconds) and ``X-Crmsense-Signature: sha256=<hex>``, the HMAC-SHA256 of
``"<timestamp>.<body>"`` keyed with the secret read from the environment variable named
by ``secret_env``. A 2xx answer is delivered; 408, 429, 5xx, timeouts and connection
errors are retried with backoff; other 4xx answers are refused (not retried).

>>> sig = sign("s3cret", "1790000000", b'{"event":"alert.opened"}')
>>> verify("s3cret", "1790000000", b'{"event":"alert.opened"}', sig, now=1790000100)
True
>>> verify("s3cret", "1790000000", b'{"event":"tampered"}', sig, now=1790000100)
False
"""

from __future__ import annotations

__all__ = ["WebhookOptions", "WebhookSink", "post_json", "secret_from_env", "sign", "verify"]

import hashlib
import hmac
import json
import os
import time
import urllib.error
import urllib.request
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from crmsense.alerts.actions import Delivery, DeliveryRefused
from crmsense.errors import IntegrationError

RETRIED_STATUS = {408, 425, 429}


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Crmsense-Signature`` value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(
    secret: str, timestamp: str, body: bytes, signature: str, *, tolerance: float = 300,
    now: float | None = None,
) -> bool:  # fmt: skip
    """What a receiver checks: the signature matches and the timestamp is recent."""
    try:
        age = abs((time.time() if now is None else now) - float(timestamp))
    except ValueError:
        return False
    return age <= tolerance and hmac.compare_digest(sign(secret, timestamp, body), signature)


def post_json(url: str, body: bytes, headers: dict[str, str], timeout: float) -> str:
    """POST ``body``; ``"HTTP 200"`` on 2xx, else IntegrationError (retried) or
    DeliveryRefused. Neither the body nor secret headers appear in errors."""
    request = urllib.request.Request(
        url, data=body, method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "crmsense", **headers},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return f"HTTP {response.status}"
    except urllib.error.HTTPError as exc:
        if exc.code in RETRIED_STATUS or exc.code >= 500:
            raise IntegrationError(f"HTTP {exc.code} from the receiver", code="E520") from None
        raise DeliveryRefused(f"HTTP {exc.code} from the receiver: it refused the alert; "
                              "check the receiver's logs") from None  # fmt: skip
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise IntegrationError(f"cannot reach the receiver: {reason}", code="E520") from None


def secret_from_env(name: str) -> str:
    """The secret in ``$name``; unset, the delivery waits (retried) until it is set."""
    value = os.environ.get(name)
    if not value:
        raise IntegrationError(f"${name} is not set — set it to the secret shared with the "
                               "receiver", code="E414")  # fmt: skip
    return value


class WebhookOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str = Field(pattern=r"^https?://\S+$")
    secret_env: str = Field(pattern=r"^[A-Z_][A-Z0-9_]*$")
    timeout: float = Field(10.0, gt=0, le=120)


class WebhookSink:
    Options: ClassVar[type[BaseModel]] = WebhookOptions

    def __init__(self, options: WebhookOptions) -> None:
        self.options = options

    def deliver(self, delivery: Delivery) -> str:
        body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode()
        timestamp = str(int(time.time()))
        secret = secret_from_env(self.options.secret_env)
        headers = {
            "X-Crmsense-Event": delivery.event,
            "X-Crmsense-Delivery": str(delivery.id),
            "X-Crmsense-Timestamp": timestamp,
            "X-Crmsense-Signature": sign(secret, timestamp, body),
        }
        return post_json(self.options.url, body, headers, self.options.timeout)
