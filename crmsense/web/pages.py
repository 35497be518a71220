"""Dashboard pages and the login session (an httpOnly cookie holding the API key)."""

from __future__ import annotations

__all__ = ["router", "templates"]

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlparse

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from crmsense.api.deps import DbDep
from crmsense.api.security import verify_key

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(include_in_schema=False)
COOKIE = "crmsense_key"


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


def render(request: Request, name: str, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context)


def _safe_next(url: str) -> str:
    parsed = urlparse(url)
    return url if url.startswith("/") and not parsed.netloc and not url.startswith("//") else "/"


@router.get("/login")
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "login.html", next_url=_safe_next(next), error=None)


@router.post("/login", response_model=None)
def login(
    request: Request, db: DbDep, key: Annotated[str, Form()], next: Annotated[str, Form()] = "/"
) -> Response:
    if verify_key(db, key.strip()) is None:
        return templates.TemplateResponse(
            request,
            "login.html",
            {"next_url": _safe_next(next), "error": "That key is not valid or was revoked."},
            status_code=401,
        )
    response = RedirectResponse(_safe_next(next), status_code=303)
    secure = request.url.scheme == "https"
    response.set_cookie(
        COOKIE, key.strip(), httponly=True, samesite="strict", secure=secure, max_age=12 * 3600
    )
    return response


@router.post("/logout")
def logout() -> RedirectResponse:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/analyze")
def analyze_page(request: Request, db: DbDep) -> HTMLResponse:
    session_scopes(request, db)
    return render(request, "analyze.html", page="analyze")
