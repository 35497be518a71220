"""Survey-tool and generic webhooks: verify, refuse replays, map, store, never lose.

Signature schemes (each checked on the raw body, in constant time):

=============  =====================================  =========================================
provider       header                                 value
=============  =====================================  =========================================
Delighted      ``X-Delighted-Webhook-Signature``      ``sha256=`` + hex HMAC-SHA256(API key)
Typeform       ``Typeform-Signature``                 ``sha256=`` + base64 HMAC-SHA256(secret)
SurveyMonkey   ``Sm-Signature`` (+ ``Sm-Apikey``)     base64 HMAC-SHA1(key ``api_key&secret``)
generic        ``X-Crmsense-Signature``               ``t=<unix>,v1=<hex HMAC-SHA256 of t.body>``
=============  =====================================  =========================================

(The sources each scheme was checked against are listed in ``docs/connectors.md``.)

A delivery whose id (the provider's event id; for generic requests the signature, which
covers the timestamp) was accepted before is refused as a replay; generic requests older
than ``tolerance_s`` (default 5 minutes) are refused as stale. Each response becomes a
``survey`` record linked to the contact by e-mail (and through it to the account) and
goes through :func:`crmsense.ingest.pipeline.ingest_records`; ``after_ingest`` then runs
(the alert rules hook in there). If the database is unavailable, the verified records
are appended to a JSON Lines spool and replayed by :meth:`WebhookReceiver.replay_spool`.
"""

from __future__ import annotations

__all__ = [
    "PROVIDERS",
    "Receipt",
    "WebhookReceiver",
    "WebhookRejected",
    "sign_generic",
]

import base64
import hashlib
import hmac
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from crmsense.connectors import state
from crmsense.connectors.config import WebhookConfig
from crmsense.errors import InputError
from crmsense.ingest.pipeline import ingest_records
from crmsense.records import explain, parse_record
from crmsense.store.db import Database

log = logging.getLogger("crmsense.webhooks")

PROVIDERS = ("delighted", "typeform", "surveymonkey", "generic")
Row = dict[str, Any]
AfterIngest = Callable[[Database, list[Row]], None]


class WebhookRejected(InputError):
    """A request refused before anything was stored; ``status`` is the HTTP status."""

    code = "E130"

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class _Unavailable(Exception):
    """The database went away while a delivery was being stored."""


@dataclass(frozen=True, slots=True)
class Receipt:
    """What happened to an accepted delivery: stored, spooled (DB down) or ignored."""

    provider: str
    status: Literal["stored", "spooled", "ignored"]
    records: int
    delivery: str

    def to_dict(self) -> Row:
        return asdict(self)


def _mac(key: bytes, body: bytes, digest: str = "sha256") -> bytes:
    return hmac.new(key, body, digest).digest()


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def sign_generic(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The ``X-Crmsense-Signature`` value for ``body`` (what senders compute).

    >>> sign_generic("s3cret", b'{"a":1}', 1790000000)[:16]
    't=1790000000,v1='
    """
    t = int(time.time()) if timestamp is None else timestamp
    return f"t={t},v1={_mac(secret.encode(), f'{t}.'.encode() + body).hex()}"


def _header(headers: Mapping[str, str], name: str) -> str:
    lowered = {k.lower(): v for k, v in headers.items()}
    value = lowered.get(name.lower())
    if not value:
        raise WebhookRejected(f"unsigned request: the {name} header is missing", status=401)
    return value


def _replayed(delivery: str) -> WebhookRejected:
    return WebhookRejected(f"replayed delivery {delivery[:40]}: already received", status=409)


def _bad_signature(provider: str) -> WebhookRejected:
    return WebhookRejected(
        f"{provider} signature does not match: check the webhook secret configured in "
        f"crmsense (docs/connectors.md) and that the body is sent unmodified",
        status=401,
    )


class WebhookReceiver:
    """Verifies, maps and stores webhook deliveries for one workspace."""

    def __init__(
        self,
        db: Database,
        config: WebhookConfig,
        *,
        after_ingest: AfterIngest | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.db = db
        self.config = config
        self.after_ingest = after_ingest
        self.clock = clock
        self._spool_lock = threading.Lock()

    # -- verification ---------------------------------------------------------------------

    def _secret(self, provider: str, value: Any) -> str:
        if value is None:
            raise WebhookRejected(
                f"{provider} webhooks are not enabled: set its secret "
                f"(CRMSENSE_WEBHOOKS_* , see docs/connectors.md)",
                status=404,
            )
        secret: str = value.get_secret_value() if hasattr(value, "get_secret_value") else value
        return secret

    def verify(self, provider: str, headers: Mapping[str, str], body: bytes) -> str | None:
        """Check the signature; the generic scheme's replay key (its signature), else None."""
        cfg = self.config
        if provider == "delighted":
            key = self._secret(provider, cfg.delighted_secret).encode()
            given = _header(headers, "X-Delighted-Webhook-Signature")
            if not _same(given, "sha256=" + _mac(key, body).hex()):
                raise _bad_signature(provider)
            return None
        if provider == "typeform":
            key = self._secret(provider, cfg.typeform_secret).encode()
            given = _header(headers, "Typeform-Signature")
            if not _same(given, "sha256=" + base64.b64encode(_mac(key, body)).decode()):
                raise _bad_signature(provider)
            return None
        if provider == "surveymonkey":
            api_key = self._secret(provider, cfg.surveymonkey_api_key)
            secret = self._secret(provider, cfg.surveymonkey_api_secret)
            if not _same(_header(headers, "Sm-Apikey"), api_key):
                raise _bad_signature(provider)
            mac = _mac(f"{api_key}&{secret}".encode(), body, "sha1")
            if not _same(_header(headers, "Sm-Signature"), base64.b64encode(mac).decode()):
                raise _bad_signature(provider)
            return None
        if provider == "generic":
            return self._verify_generic(headers, body)
        raise WebhookRejected(
            f"unknown webhook provider {provider!r}; use one of {', '.join(PROVIDERS)}", status=404
        )

    def _verify_generic(self, headers: Mapping[str, str], body: bytes) -> str:
        key = self._secret("generic", self.config.generic_secret).encode()
        parts: dict[str, list[str]] = {}
        for item in _header(headers, "X-Crmsense-Signature").split(","):
            name, _, value = item.strip().partition("=")
            parts.setdefault(name, []).append(value)
        try:
            t = int(parts["t"][0])
        except (KeyError, ValueError):
            raise WebhookRejected(
                "X-Crmsense-Signature must look like t=<unix seconds>,v1=<hex>", status=401
            ) from None
        expected = _mac(key, f"{t}.".encode() + body).hex()
        match = next((v for v in parts.get("v1", []) if _same(v, expected)), None)
        if match is None:
            raise _bad_signature("generic")
        if abs(self.clock() - t) > self.config.tolerance_s:
            raise WebhookRejected(
                f"stale request: signed {int(self.clock() - t)} s ago, more than the "
                f"{self.config.tolerance_s} s allowed; check the sender's clock",
                status=401,
            )
        return match

    # -- mapping --------------------------------------------------------------------------

    def _records(self, provider: str, payload: Any) -> tuple[str, list[Row]]:
        """``(delivery id, records)``; no records for events crmsense does not use."""
        if provider == "delighted":
            return _delighted(payload)
        if provider == "typeform":
            return _typeform(payload)
        if provider == "surveymonkey":
            return self._surveymonkey(payload)
        records = payload if isinstance(payload, list) else [payload]
        if not all(isinstance(r, dict) for r in records):
            raise WebhookRejected(
                "send an interchange record (JSON object) or a list of them", status=422
            )
        return "", [{"source": "webhook", **r} for r in records]

    def _surveymonkey(self, payload: Any) -> tuple[str, list[Row]]:
        event = _dict(payload, "payload")
        delivery = _ident(event.get("event_id"), "event_id")
        if event.get("event_type") != "response_completed":
            return delivery, []
        resources = _dict(event.get("resources"), "resources")
        survey_id = _ident(resources.get("survey_id"), "resources.survey_id")
        response_id = _ident(event.get("object_id"), "object_id")
        if not survey_id or not response_id:
            raise WebhookRejected(
                "SurveyMonkey payload lacks resources.survey_id or object_id", status=422
            )
        return delivery, [_surveymonkey_record(self._fetch_response(survey_id, response_id))]

    def _fetch_response(self, survey_id: str, response_id: str) -> Row:
        from crmsense.connectors.http import BearerToken, HttpClient

        token = self._secret("surveymonkey", self.config.surveymonkey_token)
        client = HttpClient(
            "surveymonkey",
            self.config.surveymonkey_base_url,
            BearerToken(token),
            lambda r: (
                str(r.json().get("error", {}).get("name", r.status_code)),
                str(r.json().get("error", {}).get("message", "")),
            ),
            timeout_s=self.config.timeout_s,
            max_retries=self.config.max_retries,
        )
        try:
            path = f"/v3/surveys/{survey_id}/responses/{response_id}/details"
            details: Row = client.request("GET", path, params={"simple": "true"}).json()
        finally:
            client.close()
        return details

    # -- storing --------------------------------------------------------------------------

    def receive(self, provider: str, headers: Mapping[str, str], body: bytes) -> Receipt:
        """Verify, map and store one delivery; raises :class:`WebhookRejected` (4xx)."""
        replay_key = self.verify(provider, headers, body)
        payload = _json(body)
        delivery, records = self._records(provider, payload)
        delivery = replay_key or delivery or hashlib.sha256(body).hexdigest()
        _validate(records)
        if not records:
            return Receipt(provider, "ignored", 0, delivery)
        try:
            if not self._db_available():
                raise _Unavailable
            if state.delivery_seen(self.db, provider, delivery):
                raise _replayed(delivery)
            self._store(provider, delivery, records)
        except (_Unavailable, DBAPIError):
            self._spool(provider, delivery, records)
            return Receipt(provider, "spooled", len(records), delivery)
        return Receipt(provider, "stored", len(records), delivery)

    def _store(self, provider: str, delivery: str, records: list[Row]) -> None:
        report = ingest_records(self.db, records, origin=f"webhook:{provider}")
        if report.rejected and not self._db_available():
            raise _Unavailable  # the pipeline reports a vanished database as rejections
        if report.rejected:
            reasons = "; ".join(f"{r.field}: {r.error} ({r.fix})" for r in report.rejected[:3])
            log.warning(
                "webhook %s delivery rejected: %s",
                provider,
                ", ".join(r.field for r in report.rejected),
            )
            raise WebhookRejected(f"{provider} response not stored: {reasons}", status=422)
        # Two copies of one delivery can both pass the replay check at the same moment;
        # storing is idempotent, and only the copy that claims the key runs the rules.
        if not state.first_delivery(self.db, provider, delivery):
            raise _replayed(delivery)
        if self.after_ingest is not None:
            self.after_ingest(self.db, records)

    def _db_available(self) -> bool:
        try:
            with self.db.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except DBAPIError:
            log.error(
                "database unavailable: webhook delivery spooled to %s", self.config.spool_path
            )
            return False
        return True

    def _spool(self, provider: str, delivery: str, records: list[Row]) -> None:
        line = json.dumps(
            {
                "provider": provider,
                "delivery": delivery,
                "records": records,
                "received_at": datetime.now(UTC).isoformat(),
            },
            ensure_ascii=False,
        )
        path = self.config.spool_path
        with self._spool_lock:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as fh:
                fh.write(line + "\n")
                fh.flush()
                os.fsync(fh.fileno())

    def replay_spool(self) -> int:
        """Store what was spooled while the database was down; returns deliveries stored.

        Deliveries that still cannot be stored stay in the spool; replays are skipped.
        An entry that can never be stored (not JSON, truncated, not a spooled delivery,
        refused by validation or by the database) is moved, verbatim, to the rejects file
        next to the spool (:meth:`rejects_path`) and logged by line number and reason.
        """
        path = self.config.spool_path
        with self._spool_lock:
            if not path.exists() or not self._db_available():
                return 0
            try:
                lines = path.read_bytes().splitlines()
            except OSError as exc:
                log.error("webhook spool %s cannot be read (%s); not replayed", path, exc.strerror)
                return 0
            kept: list[bytes] = []
            rejects: list[bytes] = []
            stored = 0
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                if kept and not self._db_available():  # went away again: keep the rest
                    kept.append(line)
                    continue
                outcome = self._replay_line(line)
                if outcome == "stored":
                    stored += 1
                elif outcome == "kept":
                    kept.append(line)
                elif outcome != "skipped":
                    log.warning("webhook spool %s line %d set aside: %s", path, number, outcome)
                    rejects.append(line)
            if rejects:
                with self.rejects_path.open("ab") as fh:
                    fh.write(b"".join(r + b"\n" for r in rejects))
                    fh.flush()
                    os.fsync(fh.fileno())
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(b"".join(k + b"\n" for k in kept))
            tmp.replace(path)
            if not kept:
                path.unlink()
        return stored

    @property
    def rejects_path(self) -> Path:
        """Where spooled deliveries that can never be stored are set aside, e.g.
        ``crmsense-webhooks.spool.rejects.jsonl`` next to ``crmsense-webhooks.spool.jsonl``."""
        path = self.config.spool_path
        return path.with_name(f"{path.stem}.rejects{path.suffix}")

    def _replay_line(self, line: bytes) -> str:
        """Replay one spool line: ``stored``, ``skipped`` (a replay), ``kept`` (the database
        is unavailable) or, for an entry to set aside, why (no message bodies, no secrets)."""
        try:
            entry = json.loads(line.decode("utf-8"))
        except UnicodeDecodeError:
            return "not UTF-8 text"
        except (ValueError, RecursionError):
            return "not JSON (truncated or corrupt)"
        if not isinstance(entry, dict):
            return "not a spooled delivery (expected a JSON object)"
        provider, delivery, records = (entry.get(k) for k in ("provider", "delivery", "records"))
        if provider not in PROVIDERS:
            return "not a spooled delivery (no known provider)"
        if not isinstance(delivery, str) or not delivery or "\x00" in delivery:
            return "not a spooled delivery (no usable delivery id)"
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            return "not a spooled delivery (records must be a list of objects)"
        try:
            if state.delivery_seen(self.db, provider, delivery):
                return "skipped"
            self._store(provider, delivery, records)
        except WebhookRejected as exc:
            return "skipped" if exc.status == 409 else f"refused: {exc.args[0]}"
        except (_Unavailable, DBAPIError) as exc:
            if isinstance(exc, DBAPIError) and self._db_available():
                return f"the database refused it ({type(exc.orig).__name__})"
            return "kept"
        return "stored"


# -- payload mapping (pure functions) -------------------------------------------------------


def _json(body: bytes) -> Any:
    """The parsed body; 400 naming what is wrong when it is not UTF-8 JSON."""
    try:
        return json.loads(body)
    except UnicodeDecodeError as exc:
        raise WebhookRejected(
            f"the body is not JSON: byte {exc.start} is not UTF-8; send JSON encoded as UTF-8",
            status=400,
        ) from None
    except json.JSONDecodeError as exc:
        raise WebhookRejected(
            f"the body is not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
            status=400,
        ) from None
    except RecursionError:
        raise WebhookRejected(
            "the body is not JSON crmsense can read: it is nested too deeply", status=400
        ) from None


def _dict(value: Any, what: str) -> Row:
    if not isinstance(value, dict):
        raise WebhookRejected(f"{what} must be a JSON object", status=422)
    return value


def _optional_dict(value: Any, what: str) -> Row:
    """``value`` as an object; ``{}`` when it is absent or null."""
    return {} if value is None else _dict(value, what)


def _ident(value: Any, what: str) -> str:
    """An id sent as a string or integer, as a string; ``""`` when absent."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise WebhookRejected(f"{what} must be a string or an integer", status=422)
    ident = str(value)
    if "\x00" in ident:
        raise WebhookRejected(f"{what} contains a NUL (\\x00) character", status=422)
    return ident


def _validate(records: list[Row]) -> None:
    """Reject a bad record before anything is stored, naming the field and the fix."""
    for record in records:
        try:
            parse_record(dict(record))
        except ValidationError as exc:
            errors = explain(exc)
            detail = "; ".join(f"{e.field}: {e.message} ({e.fix})" for e in errors[:3])
            raise WebhookRejected(f"invalid record: {detail}", status=422) from None


def _epoch(value: Any, what: str) -> str | None:
    """A Unix time in seconds as ISO 8601 (other values are passed on to validation)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, UTC).isoformat()
        except (OverflowError, OSError, ValueError):
            raise WebhookRejected(
                f"{what}: {value!r} is not a Unix time in seconds", status=422
            ) from None
    return str(value) if value else None


def _delighted(payload: Any) -> tuple[str, list[Row]]:
    event = _dict(payload, "payload")
    delivery = _ident(event.get("event_id"), "event_id")
    if not str(event.get("event_type", "")).startswith("survey_response."):
        return delivery, []
    data = _dict(event.get("event_data"), "event_data")
    kind = data.get("survey_type", "nps")
    if kind not in ("nps", "csat", "ces"):
        return delivery, []
    response_id = _ident(data.get("id"), "event_data.id")
    if not response_id or data.get("score") is None:
        raise WebhookRejected(
            "Delighted payload lacks event_data.id or event_data.score", status=422
        )
    person = _optional_dict(data.get("person"), "event_data.person")
    at = "event_data.updated_at" if data.get("updated_at") else "event_data.created_at"
    return delivery, [
        {
            "type": "survey",
            "source": "delighted",
            "id": response_id,
            "kind": kind,
            "score": data["score"],
            "comment": data.get("comment") or None,
            "email": person.get("email"),
            "timestamp": _epoch(data.get("updated_at") or data.get("created_at"), at),
        }
    ]


def _typeform(payload: Any) -> tuple[str, list[Row]]:
    event = _dict(payload, "payload")
    delivery = _ident(event.get("event_id"), "event_id")
    if event.get("event_type") != "form_response":
        return delivery, []
    response = _dict(event.get("form_response"), "form_response")
    answers = response.get("answers")
    token = _ident(response.get("token"), "form_response.token")
    if not isinstance(answers, list) or not token:
        raise WebhookRejected("Typeform payload lacks form_response.token or answers", status=422)
    kind: str | None = None
    score: Any = None
    comment: str | None = None
    email = _optional_dict(response.get("hidden"), "form_response.hidden").get("email")
    for i, raw in enumerate(answers):
        answer = _dict(raw, f"form_response.answers[{i}]")
        field_type = _optional_dict(answer.get("field"), f"form_response.answers[{i}].field").get(
            "type"
        )
        if score is None and field_type in ("nps", "rating", "opinion_scale"):
            kind, score = ("csat" if field_type == "rating" else "nps"), answer.get("number")
        elif comment is None and answer.get("type") == "text":
            comment = answer.get("text")
        elif answer.get("type") == "email":
            email = answer.get("email")
    if score is None:
        raise WebhookRejected(
            "Typeform response has no nps, opinion_scale or rating answer", status=422
        )
    return delivery, [
        {
            "type": "survey",
            "source": "typeform",
            "id": token,
            "kind": kind,
            "score": score,
            "comment": comment,
            "email": email,
            "timestamp": response.get("submitted_at"),
        }
    ]


def _surveymonkey_record(details: Row) -> Row:
    score: int | None = None
    comment: str | None = None
    for page in details.get("pages", []):
        for question in page.get("questions", []):
            for answer in question.get("answers", []):
                value = str(answer.get("simple_text", "")).strip()
                if (
                    score is None
                    and value.isdigit()
                    and int(value) <= 10
                    and ("recommend" in str(question.get("heading", "")).lower())
                ):
                    score = int(value)
                elif comment is None and answer.get("text"):
                    comment = str(answer["text"])
    if score is None:
        raise WebhookRejected("SurveyMonkey response has no 0–10 'recommend' answer", status=422)
    contact = ((details.get("metadata") or {}).get("contact") or {}).get("email") or {}
    email = details.get("email_address") or contact.get("value")
    return {
        "type": "survey",
        "source": "surveymonkey",
        "id": str(details.get("id")),
        "kind": "nps",
        "score": score,
        "comment": comment,
        "email": email or None,
        "timestamp": details.get("date_modified") or details.get("date_created"),
    }
