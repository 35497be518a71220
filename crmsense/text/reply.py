"""Only the new text of an e-mail: quoted history, forwarded headers, signatures and
legal disclaimers removed.

History starts at the first of: an attribution line ("On … wrote:", "Le … a écrit :",
"Am … schrieb …:", wrapped over up to three lines), "-----Original Message-----", a
"From: … Sent: … To: … Subject:" header block, a line of underscores (Outlook's
divider), "Begin forwarded message:" / "---------- Forwarded message ---------".
">"-quoted lines are dropped wherever they are, so answers written between quoted
lines (inline replies) are kept.

What is left loses its signature ("-- " and everything below, "Sent from my iPhone",
a trailing "Best regards, / Name / Title / Phone" block, trailing phone/web lines),
legal disclaimers at the end and external-sender banners at the top.

Two rules keep real content from being dropped:

* nothing new above the history (an e-mail forwarded without a comment, a body that
  is all quote): the top-most quoted or forwarded message's own new text is returned,
  so a customer's e-mail forwarded into the CRM still yields the customer's words;
* a sign-off block that is the whole message ("Thanks,\\nJane") keeps its first line.

>>> new_text("Sounds good, ship it.\\n\\nOn Mon, 3 Oct 2026 at 10:02, Jane Roe "
...          "<jane@acme.example> wrote:\\n> Can we ship on Friday?")
'Sounds good, ship it.'
>>> new_text("Thanks,\\nJane")
'Thanks,'
>>> new_text("FYI, see below.\\n\\n---------- Forwarded message ---------\\n"
...          "From: Ops <ops@acme.example>\\nSubject: Outage\\n\\nAll systems down.")
'FYI, see below.'
>>> new_text("---------- Forwarded message ---------\\nFrom: Ops <ops@acme.example>\\n"
...          "Subject: Outage\\n\\nAll systems down.")
'All systems down.'
"""

from __future__ import annotations

__all__ = ["new_text"]

import re
from collections.abc import Callable

_QUOTED = re.compile(r"^\s*>(?=[\s>]|$)")  # "> text", ">> text", ">"; not ">50 users"
_UNQUOTE = re.compile(r"^\s*> ?")

# --- where the history starts ---------------------------------------------------------

_ATTRIBUTION = re.compile(
    r"^(?:on\b.{4,250}\bwrote"  # English (Gmail, Apple Mail, Thunderbird)
    r"|le\b.{4,250}\ba\s+écrit"  # French
    r"|am\b.{4,250}\bschrieb\b.{0,200}"  # German: "Am … schrieb Jane Roe <…>:"
    r"|el\b.{4,250}\bescribió"  # Spanish
    r"|il\b.{4,250}\bha\s+scritto"  # Italian
    r"|op\b.{4,250}\bschreef\b.{0,200}"  # Dutch
    r"|den\b.{4,250}\bskrev\b.{0,200}"  # Scandinavian
    r"|[^:]{0,200}\S@\S[^:]{0,60}\bwrote"  # "Jane Roe <jane@acme.example> wrote:"
    r")\s*:\s*$",
    re.IGNORECASE,
)
_ATTRIBUTION_START = re.compile(r"^(?:on|le|am|el|il|op|den)\s", re.IGNORECASE)
_ORIGINAL = re.compile(
    r"^-{2,}\s*(?:original message|ursprüngliche nachricht|originalnachricht"
    r"|message d'origine|mensaje original|messaggio originale|oorspronkelijk bericht"
    r"|ursprungligt meddelande|opprinnelig melding)\s*-{2,}$",
    re.IGNORECASE,
)
_FORWARD = re.compile(
    r"^(?:-{2,}\s*(?:forwarded message|forwarded e-?mail|weitergeleitete nachricht"
    r"|message transféré|mensaje reenviado|messaggio inoltrato|doorgestuurd bericht)\s*-*"
    r"|begin forwarded message\s*:|anfang der weitergeleiteten nachricht\s*:"
    r"|début du message réexpédié\s*:|inicio del mensaje reenviado\s*:)$",
    re.IGNORECASE,
)
_DIVIDER = re.compile(r"^_{10,}$")
_FROM = re.compile(r"^\*?(?:from|von|de|da|van|från|fra)\s*\*?\s*:\*?\s*\S", re.IGNORECASE)
_HEADER = re.compile(
    r"^\*?(from|von|de|da|van|från|fra|sent|date|datum|gesendet|envoyé|enviado|inviato"
    r"|verzonden|skickat|sendt|to|an|à|a|para|aan|till|til|cc|bcc|subject|betreff|objet"
    r"|asunto|oggetto|onderwerp|ämne|emne|reply-to|importance|wichtigkeit)\s*\*?\s*:",
    re.IGNORECASE,
)
_ONE_LINE_HEADERS = re.compile(
    r"\b(?:from|von|de)\s*:.{1,300}\b(?:sent|date|gesendet|datum|envoyé)\s*:"
    r".{1,300}\b(?:to|subject|an|betreff|à|objet)\s*:",
    re.IGNORECASE,
)

# --- signatures, disclaimers, banners --------------------------------------------------

_DELIMITER = re.compile(r"^--\s*$")
_MOBILE = re.compile(
    r"^(?:sent from my\b|sent from (?:outlook|mail for windows|yahoo mail|gmail|samsung)\b"
    r"|sent with\b.{0,40}\b(?:mail|secure email)|get outlook for\b|von meinem \S+ gesendet"
    r"|gesendet von meinem\b|envoyé de mon\b|enviado desde mi\b|inviato da(?:l mio)?\b"
    r"|verzonden (?:vanaf|met) mijn\b).{0,80}$",
    re.IGNORECASE,
)
_VALEDICTION = re.compile(
    r"^(?:best|best regards|kind regards|warm regards|warmest regards|regards|best wishes"
    r"|many thanks|thanks|thank you|thanks again|thanks in advance|thanks and regards"
    r"|thanks & regards|cheers|sincerely|yours sincerely|yours truly|yours|all the best"
    r"|talk soon|br|mfg|mit freundlichen grüßen|mit freundlichen grüssen|freundliche grüße"
    r"|viele grüße|beste grüße|liebe grüße|gruß|grüße|lg|cordialement|bien cordialement"
    r"|bien à vous|salutations|merci|saludos|un saludo|atentamente|cordiali saluti|saluti"
    r"|met vriendelijke groet|groeten|hälsningar|med vänlig hälsning)\s*[,.!]?$",
    re.IGNORECASE,
)
_CONTACT = re.compile(
    r"^(?:(?:tel|phone|mobile|mob|cell|fax|direct|office|t|m|p|f|d)\b\.?\s*[:.]?\s*"
    r")?\+?\(?\d[\d\s().\-/]{6,}\d$"  # phone numbers
    r"|^<?(?:https?://|www\.)\S+>?$"  # web addresses
    r"|^(?:e-?mail\s*:\s*|e\s*:\s*)?<?[^\s@]+@[^\s@]+\.\w+>?$"  # bare e-mail addresses
    r"|^[^|]{1,60}(?:\s\|\s[^|]{1,60}){1,5}$",  # "Jane Roe | COO | Acme"
    re.IGNORECASE,
)
_DISCLAIMER = re.compile(
    r"confidentiality notice|disclaimer\s*:|legal notice\s*:"
    r"|if you (?:are not|have received this[^.]{0,40}in error)"
    r"|not the intended recipient|intended (?:solely|only) for the (?:use of the )?"
    r"(?:addressee|individual|person|recipient)"
    r"|this (?:e-?mail|message|communication)(?: and any (?:files|attachments)[^.]{0,80})?"
    r" (?:is|are|may be|contains?|may contain) (?:strictly )?(?:confidential|privileged)"
    r"|the information (?:contained )?in this (?:e-?mail|message|communication)"
    r"|please consider the environment before printing|registered (?:office|in england)"
    r"|amtsgericht|registergericht|handelsregister|\bHRB\s*\d|company registration number"
    r"|diese e-?mail (?:enthält|kann) vertrauliche|nicht der (?:richtige|beabsichtigte)"
    r" (?:adressat|empfänger)|ce (?:message|courriel|e-?mail).{0,60}(?:est|sont)"
    r" (?:strictement )?confidentiel",
    re.IGNORECASE,
)
_BANNER = re.compile(
    r"^(?:\[?external(?: e-?mail| sender)?\]?\s*:?|caution\s*:|warning\s*:)"
    r".{0,40}(?:originated from outside|external sender|outside (?:of )?(?:the|your|our)"
    r" organi[sz]ation|do not click)"
    r"|^\[?external(?: e-?mail)?\]?$",
    re.IGNORECASE | re.DOTALL,
)
_SENTENCE_END = re.compile(r"(?<!\b[A-Z][a-z])(?<!\b[A-Z][a-z]{2})(?<!\b[A-Z][a-z]{3})[.!?:;]$")
_POSTSCRIPT = re.compile(r"p\.?s\b", re.IGNORECASE)
_SIGNOFF_MAX_LINES = 8


def new_text(body: str) -> str:
    """The text the sender wrote in this e-mail, without history, signature or disclaimer.

    >>> new_text("Great, thanks!\\n\\n> old text\\n\\n-- \\nJane Roe\\nAcme Corp")
    'Great, thanks!'
    """
    lines = [line.rstrip() for line in body.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    while True:
        head, rest = _split_history(lines)
        if _has_text(head):
            return _join(_strip_signature(head))
        if rest is None or rest == lines:
            return ""
        lines = rest  # nothing new above the history: the quoted message's own text


def _split_history(lines: list[str]) -> tuple[list[str], list[str] | None]:
    """(new lines without quoted ones, the history's body or None where none)."""
    head: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if not line or _QUOTED.match(line):
            head.append(lines[i])
            i += 1
            continue
        attribution = _attribution_length(lines, i)
        if attribution and _next_is_quoted(lines, i + attribution):
            i += attribution  # bottom-posted or inline reply: only the quote lines go
            continue
        if attribution or _ORIGINAL.match(line) or _FORWARD.match(line) or _DIVIDER.match(line):
            return _unquoted(head), _history_body(lines, i + max(attribution, 1))
        if _is_header_block(lines, i):
            return _unquoted(head), _history_body(lines, i)
        head.append(lines[i])
        i += 1
    quoted = [_UNQUOTE.sub("", line, count=1) for line in lines if _QUOTED.match(line)]
    return _unquoted(head), quoted or None


def _unquoted(lines: list[str]) -> list[str]:
    return [line for line in lines if not _QUOTED.match(line)]


def _attribution_length(lines: list[str], i: int) -> int:
    """How many lines (1-3) the attribution starting at line ``i`` spans; 0 if none."""
    joined = lines[i].strip()
    for length in (1, 2, 3):
        if length > 1:
            if i + length > len(lines) or not _ATTRIBUTION_START.match(joined):
                return 0
            extra = lines[i + length - 1].strip()
            if not extra or _QUOTED.match(extra):
                return 0
            joined = f"{joined} {extra}"
        if joined.endswith(":") and len(joined) <= 400 and _ATTRIBUTION.match(joined):
            return length
    return 0


def _next_is_quoted(lines: list[str], start: int) -> bool:
    following = next((line for line in lines[start:] if line.strip()), "")
    return bool(_QUOTED.match(following))


def _is_header_block(lines: list[str], i: int) -> bool:
    """A "From:" line followed by at least two other header lines, or all on one line."""
    line = lines[i].strip()
    if not _FROM.match(line):
        return False
    if _ONE_LINE_HEADERS.search(line):
        return True
    following = [x.strip() for x in lines[i + 1 : i + 12] if x.strip()][:5]
    keys = {m.group(1).lower() for x in following if (m := _HEADER.match(x))}
    return len(keys) >= 2


def _history_body(lines: list[str], start: int) -> list[str]:
    """The quoted or forwarded message after its header lines, one quote level removed."""
    i = start
    in_headers = False
    while i < len(lines):
        line = lines[i].strip()
        if _HEADER.match(line):
            in_headers = True
        elif line and not (in_headers and (lines[i][:1].isspace() or "@" in line)):
            break  # header values wrap onto indented lines or lines of addresses
        i += 1
    return [_UNQUOTE.sub("", line, count=1) for line in lines[i:]]


def _strip_signature(lines: list[str]) -> list[str]:
    for i, line in enumerate(lines):
        if _DELIMITER.match(line) or _MOBILE.match(line.strip()):
            lines = lines[:i]
            break
    lines = _drop_banners(lines)
    steps: tuple[Callable[[list[str]], list[str]], ...] = (
        _drop_disclaimers, _drop_contact_lines, _drop_signoff,
    )  # fmt: skip
    changed = True
    while changed:
        before = len(lines)
        for step in steps:
            lines = step(_trim(lines))
        changed = len(lines) != before
    return lines


def _drop_disclaimers(lines: list[str]) -> list[str]:
    """Cut from the first disclaimer paragraph below the first paragraph to the end.

    Mail servers append disclaimers (and company-register lines) last, so nothing the
    sender wrote follows one; a first paragraph is never taken for one.
    """
    start = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
    while start < len(lines):
        while start < len(lines) and not lines[start].strip():
            start += 1
        end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
        if _DISCLAIMER.search(" ".join(lines[start:end])):
            return lines[:start]
        start = end
    return lines


def _drop_banners(lines: list[str]) -> list[str]:
    lines = _trim(lines)
    end = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
    if lines and _BANNER.search(" ".join(x.strip() for x in lines[:end])):
        return _trim(lines[end:])
    return lines


def _drop_contact_lines(lines: list[str]) -> list[str]:
    """Drop trailing phone/web/e-mail lines: two or more, or one below a name-like line."""
    end = len(lines)
    while end > 0 and (not lines[end - 1].strip() or _CONTACT.match(lines[end - 1].strip())):
        end -= 1
    kept = _trim(lines[:end])
    dropped = sum(1 for line in lines[end:] if line.strip())
    if kept and (dropped >= 2 or (dropped == 1 and _name_like(kept[-1]))):
        return kept
    return lines


def _drop_signoff(lines: list[str]) -> list[str]:
    """Drop a trailing "Best regards, / Name / Title" block; keep its first line if alone."""
    rows = [i for i, line in enumerate(lines) if line.strip()][-(_SIGNOFF_MAX_LINES + 1) :]
    for n, i in enumerate(rows[:-1]):
        if _VALEDICTION.match(lines[i].strip()) and all(
            _name_like(lines[j].strip()) for j in rows[n + 1 :]
        ):
            return lines[:i] if _has_text(lines[:i]) else lines[: i + 1]
    return lines


def _name_like(line: str) -> bool:
    """A signature line (name, title, company, phone): short, no sentence, no postscript.

    >>> _name_like("Head of Operations, Acme Inc."), _name_like("That fixed it.")
    (True, False)
    """
    if _CONTACT.match(line):
        return True
    return (len(line) <= 80 and len(line.split()) <= 8 and not line[:1].islower()
            and not _SENTENCE_END.search(line) and not _POSTSCRIPT.match(line))  # fmt: skip


def _trim(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def _has_text(lines: list[str]) -> bool:
    return any(line.strip() for line in lines)


def _join(lines: list[str]) -> str:
    return re.sub(r"\n{3,}", "\n\n", "\n".join(_trim(lines)))
