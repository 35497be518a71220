"""Python run in a child process: for what must not touch the test process (which modules
an import loads) or must not hang the suite (a time limit on a possibly quadratic path)."""

from __future__ import annotations

import subprocess
import sys


def run_python(code: str, timeout: float = 60) -> str:
    """The standard output of ``python -c code`` run in a child; a failure raises
    ``CalledProcessError`` and a run past ``timeout`` seconds ``TimeoutExpired``."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=timeout, check=True)  # fmt: skip
    return done.stdout
