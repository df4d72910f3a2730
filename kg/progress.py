"""Progress of long commands on stderr: one ``rich.progress`` bar per phase.

A command makes a ``PhaseProgress`` and hands its ``on_phase`` to the library (``run_build``'s
``on_phase``, ``load_quads``'s ``on_graph``): the library never imports rich. Each phase
(read, analyse, resolve, write; load, check) is a line with its count and total, percentage,
rate, elapsed time and ETA. Nothing is drawn with ``enabled`` false: ``--quiet``, or stderr
not a terminal (a pipe, a log file, a test runner).
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any, TextIO

__all__ = ["PhaseProgress", "wanted"]


def wanted(quiet: bool, stream: TextIO | None = None) -> bool:
    """Whether to draw progress: not ``quiet`` and ``stream`` (stderr) is a terminal."""
    stream = stream if stream is not None else sys.stderr
    return not quiet and bool(getattr(stream, "isatty", lambda: False)())


class PhaseProgress:
    """Bars on stderr, one per phase, as ``on_phase(name, done, total)`` reports them.

    Use as a context manager; ``console`` (a ``rich.console.Console``) is for tests.
    """

    def __init__(self, enabled: bool, units: dict[str, str] | None = None, console: Any = None):
        self.enabled = enabled
        self.units = units or {}
        self.tasks: dict[str, Any] = {}
        self._progress: Any = None
        if enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TaskProgressColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("{task.description:<8}"),
                BarColumn(),
                MofNCompleteColumn(),
                TaskProgressColumn(),
                TextColumn("{task.fields[rate]}"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=console if console is not None else Console(stderr=True),
                transient=False,
            )

    def __enter__(self) -> PhaseProgress:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()

    def on_phase(self, name: str, done: int, total: int | None) -> None:
        """The callback: phase ``name`` has ``done`` of ``total`` steps behind it."""
        if self._progress is None:
            return
        task = self.tasks.get(name)
        if task is None:
            task = self.tasks[name] = self._progress.add_task(name, total=total, rate="")
        self._progress.update(task, completed=done, total=total, rate=self._rate(task, name))

    def _rate(self, task: Any, name: str) -> str:
        speed = self._progress.tasks[task].speed  # per second, over rich's recent samples
        unit = self.units.get(name)
        if speed is None or unit is None:
            return ""
        return f"{speed:,.1f} {unit}/s"

    def echo(self, message: str) -> None:
        """Print a line (a warning) above the bars, or on stderr without them."""
        if self._progress is not None:
            self._progress.console.print(message, markup=False, highlight=False, soft_wrap=True)
        else:
            sys.stderr.write(message + "\n")
