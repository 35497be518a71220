"""One HTTP client for every CRM: auth headers, retries, rate limits, quota errors.

Policy, the same for all vendors:

* ``429``: wait ``Retry-After`` (seconds or an HTTP date; without it, exponential backoff,
  but at least the window of the limit the vendor names: :class:`Throttle`), then retry.
  Some vendors signal a short-window limit with another status (Salesforce: ``403
  REQUEST_LIMIT_EXCEEDED`` for concurrent requests); their :data:`RateLimits` says so. A
  *daily* quota (as the vendor's error body says) is not retried:
  :class:`QuotaExceededError` tells the caller to stop until the quota resets.
* ``5xx``, timeouts and dropped connections: exponential backoff with full jitter.
* ``401``: the auth object may refresh its token once (OAuth refresh-token flow).
* any other ``4xx``: :class:`ApiError` with the vendor's own error code and message.

Logs carry the vendor, method, path and status only: never bodies, query strings
or tokens.
"""

from __future__ import annotations

__all__ = [
    "ApiError",
    "Auth",
    "BearerToken",
    "ErrorParser",
    "HttpClient",
    "OAuthRefresh",
    "QuotaExceededError",
    "RateLimits",
    "Throttle",
    "retry_after_seconds",
]

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, NoReturn, Protocol

from crmsense.errors import IntegrationError, RateLimitedError, require_extra

if TYPE_CHECKING:
    import httpx

log = logging.getLogger("crmsense.connectors")

ErrorParser = Callable[["httpx.Response"], tuple[str, str]]
"""Vendor error body → ``(code, message)``."""


@dataclass(frozen=True, slots=True)
class Throttle:
    """A rate-limit error, as the vendor names it: a spent quota, or a window to wait out."""

    quota: bool = False
    #: The least wait before retrying (the limit's window), when ``Retry-After`` is absent.
    wait_s: float = 0.0


RateLimits = Callable[[int, str, str], Throttle | None]
"""``(status, vendor code, message)`` → the limit it reports, or None for other errors."""


class ApiError(IntegrationError):
    """The CRM refused a request; ``status`` and ``vendor_code`` say why."""

    code = "E502"

    def __init__(self, message: str, *, status: int, vendor_code: str) -> None:
        super().__init__(message)
        self.status = status
        self.vendor_code = vendor_code


class QuotaExceededError(RateLimitedError):
    """A daily (or other long-window) API quota is used up; stop and resume later."""

    code = "E504"


class Auth(Protocol):
    """Supplies the auth header; may refresh an expired token once per request.

    Both get the raw client, to fetch a token on first use or when one expires (the
    token endpoint may also move the API base URL, as Salesforce's ``instance_url`` does).
    """

    def headers(self, client: httpx.Client) -> dict[str, str]: ...

    def refresh(self, client: httpx.Client) -> bool:
        """Get a new token; False when this auth cannot refresh."""
        ...


class BearerToken:
    """A static token sent as ``Authorization: <scheme> <token>``; it cannot refresh."""

    def __init__(self, token: str, scheme: str = "Bearer") -> None:
        self._value = f"{scheme} {token}"

    def __repr__(self) -> str:
        return "BearerToken(***)"

    def headers(self, client: httpx.Client) -> dict[str, str]:
        return {"Authorization": self._value}

    def refresh(self, client: httpx.Client) -> bool:
        return False


class OAuthRefresh:
    """OAuth 2 refresh-token grant: a token on first use, a new one after a 401.

    ``in_query`` sends the grant as query parameters (Zoho's accounts server), otherwise
    as a form body (Salesforce). ``base_url_key`` names the token-response field that
    holds the API host (``instance_url``, ``api_domain``): the client moves there.
    """

    def __init__(
        self,
        vendor: str,
        token_url: str,
        grant: dict[str, str],
        *,
        access_token: str | None = None,
        scheme: str = "Bearer",
        in_query: bool = False,
        base_url_key: str | None = None,
    ) -> None:
        self.vendor = vendor
        self.token_url = token_url
        self._grant = {"grant_type": "refresh_token", **grant}
        self._token = access_token
        self.scheme = scheme
        self.in_query = in_query
        self.base_url_key = base_url_key
        self.refreshes = 0

    def __repr__(self) -> str:
        return f"OAuthRefresh({self.vendor!r}, {self.token_url!r}, ***)"

    def headers(self, client: httpx.Client) -> dict[str, str]:
        if self._token is None:
            self.refresh(client)
        return {"Authorization": f"{self.scheme} {self._token}"}

    def refresh(self, client: httpx.Client) -> bool:
        import httpx

        place = "params" if self.in_query else "data"
        env = f"CRMSENSE_{self.vendor.upper()}"
        try:
            response = client.post(self.token_url, **{place: self._grant})  # type: ignore[arg-type]
            body = response.json()
        except (httpx.TransportError, ValueError) as exc:
            raise IntegrationError(
                f"{self.vendor}: token endpoint unreachable or not JSON ({exc.__class__.__name__})",
                code="E503",
            ) from None
        if response.status_code != 200 or "access_token" not in body:
            error = str(body.get("error", f"HTTP{response.status_code}"))
            raise ApiError(
                f"{self.vendor}: token refresh refused ({error}: "
                f"{str(body.get('error_description', ''))[:200]}) — check {env}_REFRESH_TOKEN, "
                f"{env}_CLIENT_ID and {env}_CLIENT_SECRET",
                status=401,  # whatever the token endpoint said: the credentials are bad
                vendor_code=error,
            )
        self._token = str(body["access_token"])
        self.refreshes += 1
        if self.base_url_key and body.get(self.base_url_key):
            client.base_url = httpx.URL(str(body[self.base_url_key]))
        return True


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds: delta-seconds or an HTTP date.

    >>> retry_after_seconds("7")
    7.0
    >>> retry_after_seconds("Wed, 21 Oct 2015 07:28:05 GMT",
    ...                     now=datetime(2015, 10, 21, 7, 28, 0, tzinfo=UTC))
    5.0
    >>> retry_after_seconds("soon") is None
    True
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class HttpClient:
    """``request()`` with the retry policy above, for one vendor and base URL."""

    def __init__(
        self,
        vendor: str,
        base_url: str,
        auth: Auth,
        parse_error: ErrorParser,
        *,
        rate_limits: RateLimits = lambda status, code, message: None,
        timeout_s: float = 30.0,
        max_retries: int = 5,
        backoff_base_s: float = 0.5,
        backoff_cap_s: float = 30.0,
        max_wait_s: float = 300.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        require_extra("httpx", "connectors")
        import httpx

        from crmsense import __version__

        self.vendor = vendor
        self.auth = auth
        self.parse_error = parse_error
        self.rate_limits = rate_limits
        self.max_retries = max_retries
        self.backoff_base_s = backoff_base_s
        self.backoff_cap_s = backoff_cap_s
        self.max_wait_s = max_wait_s
        self.sleep = sleep
        self.requests = 0
        self._random = random.Random()
        self._client: httpx.Client = httpx.Client(
            base_url=base_url,
            timeout=timeout_s,
            headers={"User-Agent": f"crmsense/{__version__}", "Accept": "application/json"},
        )

    def __repr__(self) -> str:
        return f"HttpClient({self.vendor!r}, {str(self._client.base_url)!r})"

    def close(self) -> None:
        self._client.close()

    def _backoff(self, attempt: int) -> float:
        return self._random.uniform(0, min(self.backoff_cap_s, self.backoff_base_s * 2**attempt))

    def _wait(self, method: str, path: str, why: str, delay: float) -> None:
        log.warning("%s %s %s: %s; retrying in %.1fs", self.vendor, method, path, why, delay)
        self.sleep(delay)

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send one request (httpx keyword arguments), retrying as the policy says."""
        import httpx

        path = httpx.URL(url).path or url
        extra_headers: dict[str, str] = kwargs.pop("headers", None) or {}
        refreshed = False
        attempt = 0
        while True:
            try:
                self.requests += 1
                response = self._client.request(
                    method,
                    url,
                    headers={**self.auth.headers(self._client), **extra_headers},
                    **kwargs,
                )
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                if attempt >= self.max_retries:
                    raise IntegrationError(
                        f"{self.vendor}: {method} {path} failed {attempt + 1} times "
                        f"({exc.__class__.__name__}); check the network and retry later",
                        code="E503",
                    ) from None
                self._wait(method, path, exc.__class__.__name__, self._backoff(attempt))
                attempt += 1
                continue
            status = response.status_code
            if status == 401 and not refreshed:
                refreshed = True
                if self.auth.refresh(self._client):
                    continue
            if status < 400:
                return response
            vendor_code, message = self._error(response)
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            throttle = self.rate_limits(status, vendor_code, message)
            if throttle is not None and throttle.quota:
                raise QuotaExceededError(
                    f"{self.vendor}: API quota exhausted ({vendor_code}: {message}); "
                    "resume the sync after the quota resets",
                    retry_after=wait,
                )
            retryable = status == 429 or status >= 500 or throttle is not None
            if retryable and attempt < self.max_retries:
                if wait is None:
                    floor = throttle.wait_s if throttle is not None else 0.0
                    wait = max(floor, self._backoff(attempt))
                delay = min(self.max_wait_s, wait)
                self._wait(method, path, f"HTTP {status} {vendor_code}", delay)
                attempt += 1
                continue
            self._fail(method, path, response, vendor_code, message)

    def _error(self, response: httpx.Response) -> tuple[str, str]:
        try:
            code, message = self.parse_error(response)
        except (ValueError, KeyError, TypeError, IndexError, AttributeError):
            code, message = f"HTTP{response.status_code}", response.reason_phrase
        return code, message[:300]

    def _fail(
        self, method: str, path: str, response: httpx.Response, code: str, message: str
    ) -> NoReturn:
        status = response.status_code
        hint = {
            401: "check the credentials (docs/connectors.md)",
            403: "the token lacks a scope or permission (docs/connectors.md)",
            429: "the CRM keeps rate-limiting; retry later",
        }.get(status, "see the CRM's error code")
        if status >= 500:
            hint = "the CRM is failing; retry later"
        raise ApiError(
            f"{self.vendor}: {method} {path} → HTTP {status} {code}: {message} — {hint}",
            status=status,
            vendor_code=code,
        )
