"""Dashboard routes: the login session (an httpOnly cookie holding the API key), the
message analyser, and the pages of :mod:`crmsense.web.views`."""

from __future__ import annotations

__all__ = ["HERE", "LoginRequired", "router"]

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from crmsense.api.deps import DbDep
from crmsense.api.security import verify_key
from crmsense.web.common import (
    COOKIE,
    HERE,
    LoginRequired,
    Session,
    render,
    safe_next,
    templates,
)
from crmsense.web.views import account, alerts, calls, deals, portfolio

router = APIRouter(include_in_schema=False)


@router.get("/login")
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "login.html", next_url=safe_next(next), error=None)


@router.post("/login", response_model=None)
def login(
    request: Request, db: DbDep, key: Annotated[str, Form()], next: Annotated[str, Form()] = "/"
) -> Response:
    if verify_key(db, key.strip()) is None:
        return templates.TemplateResponse(
            request,
            "login.html",
            {"next_url": safe_next(next), "error": "That key is not valid or was revoked."},
            status_code=401,
        )
    response = RedirectResponse(safe_next(next), status_code=303)
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
def analyze_page(request: Request, scopes: Session) -> HTMLResponse:
    return render(request, "analyze.html", scopes, page="analyze")


for view in (portfolio, account, alerts, deals, calls):
    router.include_router(view.router)
