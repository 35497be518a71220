"""Progress bars that appear only for work that takes more than a second."""

from __future__ import annotations

__all__ = ["LazyProgress"]

import time
from types import TracebackType

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from crmsense.cli.app import console


class LazyProgress:
    """A ``progress(done, total)`` callback; shows a Rich bar once work passes one second."""

    def __init__(self, description: str, *, quiet: bool = False, delay: float = 1.0) -> None:
        self.description = description
        self.quiet = quiet
        self.delay = delay
        self._started = time.monotonic()
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def __call__(self, done: int, total: int | None) -> None:
        if self.quiet:
            return
        if self._bar is None:
            if time.monotonic() - self._started < self.delay:
                return
            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task(self.description, total=total)
        assert self._task is not None
        self._bar.update(self._task, completed=done, total=total)

    def __enter__(self) -> LazyProgress:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.stop()
