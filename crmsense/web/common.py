"""What every dashboard page shares: templates, the login session, rendering."""

from __future__ import annotations

__all__ = [
    "COOKIE",
    "HERE",
    "LoginRequired",
    "Session",
    "filter_text",
    "not_found_page",
    "page_links",
    "page_offset",
    "page_url",
    "render",
    "safe_next",
    "session_scopes",
    "templates",
]

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode, urlparse

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from crmsense.api.deps import MAX_OFFSET, DbDep
from crmsense.api.schemas import Page
from crmsense.api.security import COOKIE, has_scope, verify_key
from crmsense.web.format import install

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
install(templates)


class LoginRequired(Exception):
    """Raised by pages when the visitor has no valid session."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


def session_scopes(request: Request, db: DbDep) -> frozenset[str]:
    """The scopes of the logged-in key; redirects to /login when there is none."""
    key = request.cookies.get(COOKIE)
    scopes = verify_key(db, key) if key else None
    if scopes is None:
        raise LoginRequired(request.url.path)
    return scopes


Session = Annotated[frozenset[str], Depends(session_scopes)]


def render(
    request: Request,
    name: str,
    scopes: frozenset[str] = frozenset(),
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render template ``name``; ``can_write`` tells it whether to offer actions."""
    context = {"can_write": has_scope(scopes, "write"), **context}
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def not_found_page(request: Request, scopes: frozenset[str], what: str) -> HTMLResponse:
    """A 404 page saying what was not found."""
    return render(request, "not_found.html", scopes, 404, what=what)


def filter_text(value: str) -> str | None:
    """A free-text filter from a page's query string; None when blank. NUL characters are
    dropped: no stored value holds one, and PostgreSQL cannot compare them.

    >>> filter_text("dana@vendor.example\\x00"), filter_text("")
    ('dana@vendor.example', None)
    """
    return value.replace("\x00", "") or None


def page_offset(offset: int) -> int:
    """A page's offset from the query string, within what SQL OFFSET takes.

    >>> page_offset(-5), page_offset(50), page_offset(10**30) == 2**63 - 1
    (0, 50, True)
    """
    return min(max(offset, 0), MAX_OFFSET)


def page_url(path: str, params: dict[str, Any], **changes: Any) -> str:
    """``path`` with the query ``params`` updated by ``changes`` (empty values dropped).

    >>> page_url("/", {"band": "red", "offset": 50}, sort="arr", offset=None)
    '/?band=red&sort=arr'
    """
    merged = {**params, **changes}
    query = urlencode({k: v for k, v in merged.items() if v not in (None, "")})
    return f"{path}?{query}" if query else path


def page_links(path: str, params: dict[str, Any], page: Page[Any]) -> tuple[str | None, str | None]:
    """The previous and next pages' URLs of a paged list (None at either end).

    >>> page_links("/deals", {"level": "high"}, Page[int](items=[], total=120, limit=50, offset=50))
    ('/deals?level=high&offset=0', '/deals?level=high&offset=100')
    >>> page_links("/deals", {}, Page[int](items=[], total=50, limit=50, offset=0))
    (None, None)
    """
    prev = (
        page_url(path, params, offset=max(page.offset - page.limit, 0)) if page.offset > 0 else None
    )
    more = page.offset + page.limit < page.total
    return prev, page_url(path, params, offset=page.offset + page.limit) if more else None


def safe_next(url: str) -> str:
    """``url`` if it stays on this site, else ``/`` (no open redirects).

    >>> safe_next("/alerts?role=csm"), safe_next("//evil.example/x"), safe_next("https://x.y/")
    ('/alerts?role=csm', '/', '/')
    """
    parsed = urlparse(url)
    return url if url.startswith("/") and not parsed.netloc and not url.startswith("//") else "/"
