"""Dashboard session: login with a key, cookie auth for the API, logout, safe redirects."""

from __future__ import annotations

from fastapi.testclient import TestClient


def _key(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


def test_pages_redirect_to_login(client: TestClient) -> None:
    response = client.get("/analyze", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/analyze"


def test_login_sets_an_httponly_cookie_and_logout_clears_it(
    client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    bad = client.post("/login", data={"key": "csk_wrong_key", "next": "/analyze"})
    assert bad.status_code == 401 and "not valid" in bad.text
    ok = client.post(
        "/login", data={"key": _key(keys["read"]), "next": "/analyze"}, follow_redirects=False
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/analyze"
    cookie = ok.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    page = client.get("/analyze")
    assert page.status_code == 200 and 'id="analyze-form"' in page.text
    client.post("/logout")
    assert client.get("/analyze", follow_redirects=False).status_code == 303


def test_login_never_redirects_off_site(
    client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    response = client.post(
        "/login",
        data={"key": _key(keys["read"]), "next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_static_assets_are_served_locally(client: TestClient) -> None:
    assert client.get("/static/vendor/uPlot.iife.min.js").status_code == 200
    assert client.get("/static/app.css").status_code == 200
