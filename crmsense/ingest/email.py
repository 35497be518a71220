"""E-mail: ``.eml`` files, folders of them (recursively) and ``.mbox`` mailboxes.

Each e-mail becomes one ``message`` record (channel ``email``) whose ``text`` is only
what the sender wrote this time (:func:`crmsense.text.reply.new_text`): no quoted
history, forwarded headers, signature or disclaimer. text/plain is preferred; an
HTML-only e-mail is turned into clean text. Automatic e-mail (out of office, ticket
receipts) is kept but flagged ``auto_reply`` (:mod:`crmsense.text.autoreply`).
See ``docs/importers/email.md``.
"""

from __future__ import annotations

__all__ = ["EmailImporter"]

import codecs
import email.errors
import email.utils
import re
from collections.abc import Iterator
from datetime import UTC
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from pathlib import Path
from typing import Any, ClassVar

from crmsense.errors import UnusableInputError
from crmsense.ingest.base import ImportOptions, Item, Location, Problem, Read
from crmsense.ingest.decode import decode_bytes, looks_binary
from crmsense.text.autoreply import HEADERS as AUTO_REPLY_HEADERS
from crmsense.text.autoreply import is_auto_reply
from crmsense.text.clean import html_to_text, text_hash
from crmsense.text.reply import new_text

_SUFFIXES = (".eml", ".mbox")
_HEADER_LINE = re.compile(rb"^[!-9;-~]+:[ \t]")
_KNOWN_HEADERS = re.compile(
    rb"^(?:from|to|date|subject|message-id|received|return-path|mime-version|delivered-to"
    rb"|reply-to|cc|content-type):",
    re.IGNORECASE | re.MULTILINE,
)
_MBOX_FROM = re.compile(  # "From jane@acme.example Mon Oct  3 10:02:00 [+0000 ]2026"
    rb"^From \S+\s+\w{3} \w{3}\s+\d{1,2} \d\d:\d\d(?::\d\d)?(?: [+-]\d{4})? \d{4}"
)
_MBOX_ESCAPED = re.compile(rb"^>(>*From )")
_MESSAGE_IDS = re.compile(r"<([^<>\s]+)>")
_SUBJECT_PREFIX = re.compile(
    r"^(?:\s*(?:re|fwd?|aw|wg|sv|vs|antw|tr|rif|r|ref|enc|res)\s*(?:\[\d+\]|\(\d+\))?\s*:)+",
    re.IGNORECASE,
)
_WESTERN_CHARSET = re.compile(r"^(?:(?:us-)?ascii|iso[-_]?8859.*|latin.*|(?:windows|cp)-?125\d)$")
_HEADER_ERRORS = (email.errors.MessageError, ValueError, IndexError, TypeError, AttributeError)
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_MAX_ID = 200
_MAX_SUBJECT = 1000


class EmailImporter:
    """RFC 822 e-mail: one ``.eml`` per message, a folder of them, or an mbox mailbox."""

    name: ClassVar[str] = "email.v1"

    def sniff(self, path: Path) -> bool:
        if path.is_dir():
            return any(p.suffix.lower() == ".eml" for p in path.rglob("*"))
        if path.suffix.lower() in _SUFFIXES:
            return True
        try:
            with path.open("rb") as fh:
                head = fh.read(4096)
        except OSError:
            return False
        return _is_mbox(head) or _looks_like_headers(head)

    def read(self, path: Path, options: ImportOptions) -> Iterator[Read]:
        if not path.is_dir():
            yield from _read_file(path, options, alone=True)
            return
        files = sorted(
            p
            for p in path.rglob("*")
            if p.is_file() and p.suffix.lower() in _SUFFIXES and not p.name.startswith(".")
        )
        if not files:
            raise UnusableInputError(
                f"{path}: no .eml or .mbox files in this folder; save the e-mails as .eml "
                "(or export an .mbox) and import again",
                code="E103",
            )
        for file in files:
            yield from _read_file(file, options, alone=False)


def _is_mbox(head: bytes) -> bool:
    """An mbox starts with a ``From `` separator line followed by a header line."""
    first, _, rest = head.lstrip(b"\r\n").partition(b"\n")
    return first.startswith(b"From ") and bool(_HEADER_LINE.match(rest))


def _looks_like_headers(head: bytes) -> bool:
    """RFC 822 headers: the first line is a header and two known ones appear before a blank."""
    head = head.removeprefix(codecs.BOM_UTF8)
    block = re.split(rb"\r?\n\r?\n", head, maxsplit=1)[0]
    return bool(_HEADER_LINE.match(block)) and len(_KNOWN_HEADERS.findall(block)) >= 2


def _read_file(path: Path, options: ImportOptions, *, alone: bool) -> Iterator[Read]:
    where = Location(str(path))
    try:
        with path.open("rb") as fh:
            head = fh.read(8192)
    except OSError as exc:
        if alone:
            raise UnusableInputError(f"{path}: cannot read ({exc.strerror})", code="E102") from exc
        yield Problem(
            where, "file", f"cannot read ({exc.strerror})", "check the file's permissions"
        )
        return
    if looks_binary(head) and not _looks_like_headers(head):
        message = "binary data, not an e-mail"
        fix = "save the e-mail from the mail client as .eml (RFC 822) or export an .mbox"
        if alone:
            raise UnusableInputError(f"{path}: {message}; {fix}", code="E103")
        yield Problem(where, "file", message, fix)
        return
    if _is_mbox(head):
        for line, raw in _mbox_messages(path):
            yield _decoded_record(raw, Location(str(path), line), options)
    else:
        yield _decoded_record(path.read_bytes(), where, options)


def _mbox_messages(path: Path) -> Iterator[tuple[int, bytes]]:
    """(line of the ``From `` separator, raw message) for each message of an mbox, streamed."""
    start, previous_blank = 0, True
    lines: list[bytes] = []
    with path.open("rb") as fh:
        for number, line in enumerate(fh, start=1):
            if line.startswith(b"From ") and (previous_blank or _MBOX_FROM.match(line)):
                if start:
                    yield start, b"".join(lines)
                start, lines = number, []
            elif start:
                lines.append(_MBOX_ESCAPED.sub(rb"\1", line))
            previous_blank = not line.strip()
    if start:
        yield start, b"".join(lines)


def _decoded_record(raw: bytes, where: Location, options: ImportOptions) -> Read:
    """:func:`_to_record`, with text that no charset decodes reported as a Problem."""
    try:
        return _to_record(raw, where, options)
    except (UnicodeError, LookupError, ValueError) as exc:
        return Problem(
            where,
            "body",
            f"the text cannot be decoded ({exc.__class__.__name__})",
            "save the e-mail again from the mail client, as UTF-8 if it asks",
        )


def _to_record(raw: bytes, where: Location, options: ImportOptions) -> Read:
    """Map one raw e-mail to a ``message`` record, or a Problem when it cannot be one."""
    if raw.startswith(_BOMS):
        raw = decode_bytes(raw).encode("utf-8")
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    if not msg.keys():
        return Problem(
            where,
            "headers",
            "not an e-mail: no headers found",
            "save the e-mail from the mail client as .eml (RFC 822)",
        )
    subject = _header(msg, "subject")
    sender = email.utils.parseaddr(_header(msg, "from"))[1].lower() or None
    date_text = _header(msg, "date")
    body = _body(msg)
    text = new_text(body)
    message_id = _first_id(_header(msg, "message-id"))
    record_id = (
        _bounded(message_id)
        if message_id  # else a stable hash of the e-mail
        else f"email-{text_hash(sender, date_text, subject, body)}"
    )
    record: dict[str, Any] = {
        "type": "message",
        "id": record_id,
        "channel": "email",
        "direction": _direction(sender, options.own_domains),
        "sender": sender,
        "recipients": _recipients(msg),
        "subject": subject[:_MAX_SUBJECT] or None,
        "thread_id": _thread_id(msg, message_id, subject),
        "text": text,
        "auto_reply": is_auto_reply(
            {name: _header(msg, name) for name in AUTO_REPLY_HEADERS if name in msg}, subject, text
        ),
    }
    if options.source != "local":
        record["source"] = options.source
    for key, value in options.defaults.items():
        record.setdefault(key, value)
    timestamp = _timestamp(date_text)
    if timestamp is None:
        error = (
            f"the Date header {date_text[:60]!r} is not an RFC 5322 date"
            if date_text
            else "the e-mail has no Date header"
        )
        return Problem(
            where,
            "Date",
            error,
            "give the e-mail a Date header such as 'Mon, 3 Oct 2026 10:02:00 +0000' "
            "(or export it again from the mail client)",
            record,
        )
    record["timestamp"] = timestamp
    return Item(where, record)


def _header(msg: Message, name: str) -> str:
    """A header as text ('' when missing), folded lines joined, 8-bit values repaired."""
    try:
        value = msg.get(name)
        text = "" if value is None else str(value)
    except _HEADER_ERRORS:
        text = ""
    if not text or "\ufffd" in text:
        raw = next((v for k, v in msg.raw_items() if k.lower() == name.lower()), "")
        if isinstance(raw, str) and raw and "=?" not in raw:
            text = decode_bytes(raw.encode("utf-8", "surrogateescape"))
    return " ".join(text.split())


def _recipients(msg: Message) -> list[str]:
    """To and Cc addresses, lower-cased (kept for resolving outbound e-mail's account)."""
    pairs = email.utils.getaddresses([_header(msg, "to"), _header(msg, "cc")])
    return list(dict.fromkeys(addr.lower() for _, addr in pairs if "@" in addr))


def _body(msg: EmailMessage) -> str:
    """The body as plain text: text/plain preferred, else text/html made readable."""
    try:
        plain = msg.get_body(preferencelist=("plain",))
        html = msg.get_body(preferencelist=("html",))
    except _HEADER_ERRORS:
        return ""
    text = _part_text(plain) if plain is not None else ""
    if text.strip() or html is None:
        return text
    return html_to_text(" ".join(_part_text(html).split()))


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset()
    if charset and _WESTERN_CHARSET.match(charset):
        try:  # UTF-8 declared as Latin-1/ASCII is common; UTF-8 bytes are unmistakable
            return payload.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return decode_bytes(payload, charset)


def _timestamp(date_text: str) -> str | None:
    if not date_text:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(date_text)
        if parsed.tzinfo is None:  # "-0000": the zone is unknown, the time is UTC
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC).isoformat().replace("+00:00", "Z")
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _ids(text: str) -> list[str]:
    return _MESSAGE_IDS.findall(text) or text.split()


def _first_id(text: str) -> str | None:
    ids = _ids(text)
    return ids[0] if ids else None


def _bounded(value: str) -> str:
    """Ids and thread ids fit the store's 200 characters; longer ones become a hash."""
    return value if len(value) <= _MAX_ID else f"email-{text_hash(value)}"


def _thread_id(msg: Message, message_id: str | None, subject: str) -> str | None:
    """Root of the thread: first References id, else In-Reply-To, else this message.

    A reply without either header (some clients drop them) is threaded by its subject
    without "Re:/Fwd:/AW:" prefixes, as is a message without a Message-ID.
    """
    parent = _first_id(_header(msg, "references")) or _first_id(_header(msg, "in-reply-to"))
    if parent:
        return _bounded(parent)
    if message_id and not _SUBJECT_PREFIX.match(subject):
        return _bounded(message_id)
    topic = " ".join(_SUBJECT_PREFIX.sub("", subject).split()).lower()
    return _bounded(topic) if topic else None


def _direction(sender: str | None, own_domains: tuple[str, ...]) -> str:
    domain = sender.rsplit("@", 1)[-1] if sender and "@" in sender else ""
    for own in own_domains:
        own = own.lower().lstrip("@")
        if domain == own or domain.endswith(f".{own}"):
            return "outbound"
    return "inbound"
