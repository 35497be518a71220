"""The Python API: ``crmsense.analyze(texts) -> list[Analysis]``.

Engines are loaded by registry name once per process and analyzers (with their
prediction caches) are kept per configuration, so repeated calls are cheap. HTML input
is reduced to its visible text first, and an e-mail to its new text (offsets then refer to
that text).

>>> [a.label for a in analyze(["No complaints, the team was great!", ""], engine="rules.v1")]
['positive', 'neutral']
"""

from __future__ import annotations

__all__ = [
    "analyze", "analyze_documents", "check_channel", "get_analyzer", "load_engine", "prepare",
]  # fmt: skip

from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

from crmsense.analysis.analyzer import Analyzer
from crmsense.analysis.engines import ENGINES, Engine
from crmsense.analysis.types import CHANNELS, Analysis, Document
from crmsense.errors import InputError, ModelError


@lru_cache(maxsize=8)
def load_engine(name: str) -> Engine:
    """The engine registered as ``name`` (e.g. ``"rules.v1"``), built once per process.

    Unknown names raise ConfigError; an engine whose code or model files are missing
    raises ModelError (or MissingExtraError) saying what to install or which engine to use.
    """
    try:
        factory = ENGINES.get(name)
    except ImportError as exc:
        raise ModelError(
            f"engine {name!r} is not available ({exc}); reinstall crmsense, or pick another "
            f"engine, e.g. --engine rules.v1",
            code="E301",
        ) from exc
    return factory()


_THREADED = (None, "email")
"""Channels whose texts may hold an e-mail thread: e-mails, and texts of unknown channel
(the history markers, "On … wrote:" or "-----Original Message-----" on a line of their
own, do not occur in other text: on the 17,500 texts of the measured sets only whitespace
and a leading ">" changed)."""


@lru_cache(maxsize=32)
def get_analyzer(
    engine: str, competitors: tuple[str, ...] = (), topics: tuple[str, ...] = (),
    min_confidence: float = 0.4,
) -> Analyzer:  # fmt: skip
    """A shared :class:`Analyzer` for one configuration (its cache lives with it)."""
    return Analyzer(
        load_engine(engine), competitors=competitors, topics=topics, min_confidence=min_confidence
    )


def prepare(text: str, channel: str | None = None) -> str:
    """HTML to visible text, and an e-mail (``channel="email"``) or a text of unknown
    channel (``None``) to only its new text, as ingest stores e-mails (quoted history,
    forwards and signature removed: "Thanks Sam, that fixed it!" above a quoted complaint
    is praise); a text of any other channel as given.

    >>> prepare("Fixed, thanks!\\n\\nOn Mon, 3 Oct 2026, Sam <s@x.example> wrote:\\n> Broken")
    'Fixed, thanks!'
    >>> prepare("Sent from my iPhone? No, from the app.", "chat")
    'Sent from my iPhone? No, from the app.'
    """
    from crmsense.text.clean import clean_text, looks_like_html

    text = clean_text(text) if looks_like_html(text) else text
    if channel in _THREADED:
        from crmsense.text.reply import new_text

        text = new_text(text)
    return text


def analyze_documents(
    docs: Sequence[Document], *, engine: str | None = None,
    competitors: Sequence[str] | None = None, topics: Sequence[str] = (),
    min_confidence: float | None = None,
) -> list[Analysis]:  # fmt: skip
    """Analyse :class:`Document` objects (subject, channel, segments, topics …); HTML
    text is reduced to its visible text first, and an e-mail to its new text (:func:`prepare`).

    ``engine``, ``competitors`` and ``min_confidence`` default to their ``Settings``;
    ``topics`` are extra aspects given as keywords or phrases.
    """
    from crmsense.settings import get_settings

    settings = get_settings()
    analyzer = get_analyzer(
        engine or settings.engine,
        tuple(settings.competitors if competitors is None else competitors),
        tuple(topics), settings.min_confidence if min_confidence is None else min_confidence,
    )  # fmt: skip
    return analyzer.analyze([replace(d, text=prepare(d.text, d.channel)) for d in docs])


def check_channel(channel: str | None) -> str | None:
    """``channel`` when it is one of :data:`~crmsense.analysis.types.CHANNELS` (or None);
    otherwise InputError E113 naming the choices.

    >>> check_channel("email"), check_channel(None)
    ('email', None)
    >>> try:
    ...     check_channel("fax")
    ... except InputError as exc:
    ...     print(exc.code, str(exc)[:40])
    E113 [E113] unknown channel 'fax'; use one of
    """
    if channel is not None and channel not in CHANNELS:
        raise InputError(
            f"unknown channel {channel!r}; use one of {', '.join(CHANNELS)}", code="E113"
        )
    return channel


def analyze(
    texts: Sequence[str] | str, *, channel: str | None = None, engine: str | None = None,
    competitors: Sequence[str] | None = None, topics: Sequence[str] = (),
    min_confidence: float | None = None,
) -> list[Analysis]:  # fmt: skip
    """Analyse ``texts`` (one string or several); one :class:`Analysis` each, in order.

    ``channel`` (one of :data:`~crmsense.analysis.types.CHANNELS`) applies to every text:
    ``"email"`` and none read only an e-mail's new text, above quoted history and
    signature; chat, social, ticket, note and survey texts are read as given.
    Other options as for :func:`analyze_documents`.

    >>> thread = "Thanks, that fixed it!\\n\\nOn Mon, 3 Oct 2026, Sam wrote:\\n> It keeps crashing"
    >>> analyze(thread, channel="email", engine="rules.v1")[0].label
    'positive'
    """
    items = [texts] if isinstance(texts, str) else texts
    channel = check_channel(channel)
    return analyze_documents([Document(text, channel=channel) for text in items], engine=engine,
                             competitors=competitors, topics=topics,
                             min_confidence=min_confidence)  # fmt: skip
