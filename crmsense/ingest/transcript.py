"""Call transcripts: WebVTT, SRT and JSON segments, one ``call`` record per file.

Speakers come from VTT voice tags (``<v Jane Roe>``), from ``Speaker: text`` prefixes, or
from the JSON ``speaker``/``speaker_name`` key; a cue without one continues the previous
speaker. Consecutive cues by the same speaker merge into one segment. Roles come from
``options.speaker_roles`` (case-insensitive; unmapped speakers are ``other``).

The call's ``id`` is the file's own (JSON), else ``options.defaults["id"]``, else the file
stem; its ``timestamp`` likewise, else the file's modification time in UTC. A transcript
with a malformed cue is rejected whole (with the cue's line), never stored in part.

>>> parse_time("00:01:02.500"), parse_time("00:01:02,500"), parse_time("01:02.5")
(62.5, 62.5, 62.5)
"""

from __future__ import annotations

__all__ = ["TranscriptImporter", "parse_time"]

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from crmsense.errors import UnusableInputError
from crmsense.ingest.base import ImportOptions, Item, Location, Problem, Read
from crmsense.ingest.decode import read_text

_TIME = re.compile(r"(?:(\d+):)?([0-5]?\d):([0-5]\d)(?:[.,](\d{1,3}))?")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>")
_TAG = re.compile(r"</?[a-zA-Z][^>\n]*>|<\d[\d:.]*>")
_PREFIX = re.compile(r"\s*(?:-\s*)?([^\W\d][^:<>]{0,40}?)\s*:\s+(?=\S)")
_SKIPPED_BLOCKS = ("WEBVTT", "NOTE", "STYLE", "REGION")
_TIMING_FIX = "write cue timings as 00:01:02.500 --> 00:01:04.000"
#: JSON segment keys, in order of preference (native first, then Zoom/Otter-like exports).
_JSON_KEYS = {
    "speaker": ("speaker", "speaker_name"),
    "start": ("start", "start_time"),
    "end": ("end", "end_time"),
    "text": ("text",),
}
#: Top-level keys of a JSON transcript that are copied onto the call record.
_JSON_META = ("id", "title", "timestamp", "account_id", "deal_id", "contact_id")
UNKNOWN_SPEAKER = "Unknown"


def parse_time(value: str | float) -> float:
    """Seconds from ``HH:MM:SS.mmm``, ``HH:MM:SS,mmm``, ``MM:SS.mmm`` or a number.

    Raises ``ValueError`` for anything else.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(f"negative time {value}")
        return float(value)
    match = _TIME.fullmatch(str(value).strip())
    if not match:
        raise ValueError(f"{value!r} is not a time")
    hours, minutes, seconds, millis = match.groups()
    return (int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
            + int((millis or "0").ljust(3, "0")) / 1000)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Turn:
    """Text by one speaker within [start, end]."""

    speaker: str
    start: float | None
    end: float | None
    text: str


def _blocks(text: str) -> Iterator[tuple[int, list[str]]]:
    """Blank-line separated blocks as (line number of the first line, lines)."""
    block: list[str] = []
    first = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            if not block:
                first = number
            block.append(line.rstrip())
        elif block:
            yield first, block
            block = []
    if block:
        yield first, block


def _pieces(line: str, current: str) -> Iterator[tuple[str, str]]:
    """(speaker, text) pieces of one cue line; ``current`` speaks unless the line says who."""
    parts = _VOICE.split(line)
    voiced = [(current, parts[0]), *zip(parts[1::2], parts[2::2], strict=True)]
    for speaker, raw in voiced:
        text = html.unescape(_TAG.sub("", raw)).strip()
        if len(parts) == 1:
            match = _PREFIX.match(text)
            if match and len(match.group(1).split()) <= 4:
                speaker, text = match.group(1), text[match.end() :]
        if text:
            yield speaker.strip(), text


def _cue_turns(path: Path, text: str) -> Iterator[_Turn | Problem]:
    """Turns of a WebVTT or SRT text (one parser: SRT is VTT with numbered cues)."""
    speaker = UNKNOWN_SPEAKER
    for number, lines in _blocks(text):
        if lines[0].split(maxsplit=1)[0] in _SKIPPED_BLOCKS:
            continue
        timing = next((i for i, line in enumerate(lines[:2]) if "-->" in line), None)
        if timing is None:
            yield Problem(
                Location(str(path), number),
                "timing",
                "a cue without a timing line",
                _TIMING_FIX,
                "\n".join(lines)[:2000],
            )
            continue
        where = Location(str(path), number + timing)
        start_text, _, rest = lines[timing].partition("-->")
        try:
            start, end = parse_time(start_text), parse_time((rest.split() or [""])[0])
        except ValueError as exc:
            yield Problem(
                where, "timing", f"malformed cue timing ({exc})", _TIMING_FIX, lines[timing]
            )
            continue
        if end < start:
            yield Problem(
                where, "timing", "the cue ends before it starts", _TIMING_FIX, lines[timing]
            )
            continue
        for line in lines[timing + 1 :]:
            for who, said in _pieces(line, speaker):
                speaker = who
                yield _Turn(who, start, end, said)


def _pick(segment: dict[str, Any], field: str) -> Any:
    return next((segment[k] for k in _JSON_KEYS[field] if segment.get(k) is not None), None)


def _json_turns(path: Path, body: Any) -> Iterator[_Turn | Problem]:
    """Turns of a JSON transcript: ``{"segments": [...]}`` or a bare list of segments."""
    segments = body.get("segments") if isinstance(body, dict) else body
    if not isinstance(segments, list):
        raise UnusableInputError(
            f'{path}: expected {{"segments": [...]}} or a list of segments', code="E108"
        )
    where = Location(str(path))
    for n, segment in enumerate(segments):
        if not isinstance(segment, dict) or not isinstance(_pick(segment, "text"), str):
            yield Problem(
                where,
                f"segments[{n}]",
                "a segment without text",
                'give each segment a "text" string',
                segment,
            )
            continue
        times = []
        for field in ("start", "end"):
            value = _pick(segment, field)
            try:
                times.append(None if value is None else parse_time(value))
            except ValueError as exc:
                yield Problem(
                    where,
                    f"segments[{n}].{field}",
                    str(exc),
                    "use seconds (12.5) or 00:00:12.500",
                    segment,
                )
                break
        else:
            speaker = _pick(segment, "speaker")
            yield _Turn(
                str(speaker).strip() if speaker else UNKNOWN_SPEAKER,
                times[0],
                times[1],
                _pick(segment, "text").strip(),
            )


def _looks_like_json_transcript(body: Any) -> bool:
    if isinstance(body, dict):
        return isinstance(body.get("segments"), list) and "type" not in body
    return (
        isinstance(body, list)
        and bool(body)
        and isinstance(body[0], dict)
        and _pick(body[0], "text") is not None
        and _pick(body[0], "speaker") is not None
    )


def _load_json(path: Path, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnusableInputError(
            f"{path}:{exc.lineno}: not valid JSON ({exc.msg}); export the transcript as JSON, "
            "WebVTT or SRT",
            code="E108",
        ) from exc
    except RecursionError:
        raise UnusableInputError(
            f"{path}: the JSON is nested too deeply to read; export the transcript as JSON "
            "segments, WebVTT or SRT",
            code="E108",
        ) from None


class TranscriptImporter:
    """WebVTT (.vtt), SRT (.srt) or JSON segments (.json) → one call record per file."""

    name: ClassVar[str] = "transcript.v1"

    def sniff(self, path: Path) -> bool:
        suffix = path.suffix.lower()
        if suffix in (".vtt", ".srt"):
            return True
        if suffix != ".json" or not path.is_file():
            return False
        try:
            return _looks_like_json_transcript(json.loads(read_text(path)))
        except (UnusableInputError, ValueError, RecursionError):
            return False

    def read(self, path: Path, options: ImportOptions) -> Iterator[Read]:
        text = read_text(path).lstrip("\ufeff")
        meta: dict[str, Any] = {}
        if text.lstrip().startswith(("{", "[")):
            body = _load_json(path, text)
            meta = {k: body[k] for k in _JSON_META if isinstance(body, dict) and k in body}
            reads = list(_json_turns(path, body))
        elif "-->" in text:
            reads = list(_cue_turns(path, text))
        else:
            raise UnusableInputError(
                f"{path}: not a transcript (no cue timings, not JSON); export it as WebVTT, "
                "SRT or JSON segments",
                code="E108",
            )
        problems = [r for r in reads if isinstance(r, Problem)]
        if problems:
            yield from problems
            return
        turns = [r for r in reads if isinstance(r, _Turn)]
        if not turns:
            yield Problem(
                Location(str(path)),
                "segments",
                "the transcript has no spoken text",
                "export the transcript with its cues' text",
                None,
            )
            return
        yield Item(Location(str(path)), self._record(path, meta, turns, options))

    @staticmethod
    def _record(
        path: Path, meta: dict[str, Any], turns: list[_Turn], options: ImportOptions
    ) -> dict[str, Any]:
        roles = {name.strip().lower(): role for name, role in options.speaker_roles.items()}
        segments: list[dict[str, Any]] = []
        for turn in turns:
            last = segments[-1] if segments else None
            if last is not None and last["speaker"] == turn.speaker:
                last["text"] += " " + turn.text
                if turn.end is not None:
                    last["end"] = turn.end if last["end"] is None else max(last["end"], turn.end)
                continue
            segments.append(
                {
                    "speaker": turn.speaker,
                    "role": roles.get(turn.speaker.lower(), "other"),
                    "start": turn.start,
                    "end": turn.end,
                    "text": turn.text,
                }
            )
        data: dict[str, Any] = {"type": "call", **meta}
        for key, value in options.defaults.items():
            data.setdefault(key, value)
        data.setdefault("id", path.stem)
        data.setdefault(
            "timestamp", datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).isoformat()
        )
        if options.source != "local":
            data.setdefault("source", options.source)
        data["segments"] = segments
        return data
