"""Browser fixtures: the real server on a demo workspace, and headless Chromium.

The server is uvicorn in a thread on a free port, over a workspace built the way
``crmsense demo`` builds it (sample portfolio → import → analyse → signals → alerts).
Chromium is the Debian package at /usr/bin/chromium driven by Playwright; where it is
missing the tests skip, except under ``CI=true``, where that is a failure.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from demo_workspace import build_demo

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"


@dataclass(frozen=True)
class Server:
    url: str
    key: str
    read_key: str
    db_url: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _missing(what: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is required under CI=true")
    pytest.skip(f"browser tests need {what}")


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} (apt-get install chromium chromium-driver)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _missing("Playwright for Python (pip install -e '.[dev]'; no `playwright install`)")
    return CHROMIUM


@pytest.fixture(scope="session")
def server(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    import uvicorn

    from crmsense.api.app import create_app
    from crmsense.api.security import create_key
    from crmsense.settings import Settings
    from crmsense.store import open_database

    workspace = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{workspace / 'crmsense.db'}"
    build_demo(url, workspace)
    db = open_database(url)
    key, read_key = create_key(db, ["read", "write"]), create_key(db, ["read"])
    settings = Settings(database_url=url, engine="rules.v1")
    port = _free_port()
    config = uvicorn.Config(
        create_app(settings, db), host="127.0.0.1", port=port, log_level="warning"
    )
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the server did not start")
        time.sleep(0.05)
    try:
        yield Server(f"http://127.0.0.1:{port}", key, read_key, url)
    finally:
        instance.should_exit = True
        thread.join(timeout=10)
        db.dispose()


@pytest.fixture(scope="session")
def browser(chromium: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(chromium), args=ARGS)
        yield instance
        instance.close()


def _login(context: Any, server: Server, key: str) -> Any:
    page = context.new_page()
    page.goto(f"{server.url}/")
    assert "/login" in page.url
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{server.url}/")
    return page


@pytest.fixture
def open_page(browser: Any, server: Server) -> Iterator[Callable[..., Any]]:
    """``open_page(width=1280, key=None)``: a page logged in through the login form
    (with the read/write key unless ``key`` is given), at that viewport width."""
    contexts: list[Any] = []

    def make(width: int = 1280, key: str | None = None) -> Any:
        phone = width < 600
        context = browser.new_context(
            viewport={"width": width, "height": 812 if phone else 900},
            is_mobile=phone,
            has_touch=phone,
        )
        contexts.append(context)
        return _login(context, server, key or server.key)

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page: Callable[..., Any]) -> Any:
    """A logged-in page at desktop width (1280 px)."""
    return open_page()


@pytest.fixture
def screenshot() -> Callable[[Any, str], None]:
    """``screenshot(page, name)``: a full-page screenshot to tests/screenshots/NAME.png."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(page: Any, name: str) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take
