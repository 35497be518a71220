"""Serve a fake API on 127.0.0.1 (random port) in a thread, and shared fake plumbing."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.requests import Request
from starlette.responses import JSONResponse, Response


@dataclass
class Fault:
    """A canned response for the next requests whose path contains ``path``."""

    path: str
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1


@dataclass
class Seen:
    """One request the fake received (for contract assertions)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


class FakeApi:
    """Request log, fault injection and an optional "fail after N calls" switch."""

    def __init__(self) -> None:
        self.base_url = ""  # where it is served, for token responses that name the API host
        self.reset()

    def reset(self) -> None:
        self.seen: list[Seen] = []
        self.faults: list[Fault] = []
        self.fail_after: tuple[str, int, int] | None = None  # (path part, calls left, status)

    def fault(
        self,
        path: str,
        status: int,
        body: Any = None,
        times: int = 1,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.faults.append(Fault(path, status, body, headers or {}, times))

    def calls(self, path: str, method: str | None = None) -> list[Seen]:
        return [s for s in self.seen if path in s.path and (method is None or s.method == method)]

    async def record(self, request: Request) -> Seen:
        raw = await request.body()
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode("utf-8", "replace")
        seen = Seen(
            request.method,
            request.url.path,
            dict(request.query_params),
            {k.lower(): v for k, v in request.headers.items()},
            body,
        )
        self.seen.append(seen)
        return seen

    def injected(self, path: str, error: Callable[[int], Any]) -> Response | None:
        """The canned response due for ``path``, if any."""
        if self.fail_after is not None and self.fail_after[0] in path:
            part, left, status = self.fail_after
            if left <= 0:
                return JSONResponse(error(status), status_code=status)
            self.fail_after = (part, left - 1, status)
        for fault in self.faults:
            if fault.path in path and fault.times > 0:
                fault.times -= 1
                body = fault.body if fault.body is not None else error(fault.status)
                return JSONResponse(body, status_code=fault.status, headers=fault.headers)
        return None


def correlation_id() -> str:
    return str(uuid.uuid4())


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Run ``app`` on a free loopback port; yields its base URL."""
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        log_level="error",
        lifespan="off",
        access_log=False,
        ws="none",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("fake server did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
