"""``crmsense demo --serve``: builds the demo workspace, prints a read/write key and the
login address, and serves the dashboard on it (run as a real process)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

CLI = "import sys; from crmsense.cli import main; sys.argv[0] = 'crmsense'; main()"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.mark.slow
def test_demo_serve_builds_and_serves(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "CRMSENSE_ENGINE": "rules.v1", "COLUMNS": "120"}
    args = ["demo", "--serve", "--workspace", str(tmp_path / "ws"), "--port", str(port)]
    proc = subprocess.Popen(
        [sys.executable, "-c", CLI, *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("csk_"):
                break
        output = "".join(lines)
        assert f"http://127.0.0.1:{port}/login" in output, output
        key = lines[-1].strip()
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail(f"the server did not start:\n{output}")
                time.sleep(0.2)
        with httpx.Client(base_url=base) as client:
            assert client.post("/login", data={"key": key}).status_code == 303
            page = client.get("/")
            assert page.status_code == 200 and "Bluefin Media" in page.text
            alerts = client.get("/api/v1/alerts").json()
            assert alerts["total"] > 0
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()
