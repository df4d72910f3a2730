"""The store's lock file: one writer at a time, readers only while nobody writes.

A writer holds an exclusive ``fcntl.flock`` on ``<store>/LOCK`` for the whole write and writes
its pid into the file; a reader holds a shared lock while it reads. Neither waits: a second
writer fails at once with :class:`StoreLockedError`. The kernel drops the lock when the process
dies, so a killed build never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from kg.errors import KGError


class StoreError(KGError):
    """A store folder cannot be opened, read or written."""


class StoreLockedError(StoreError):
    """Another kg process is writing the store (or reading it while this one wants to write)."""


LOCK_NAME = "LOCK"


@contextlib.contextmanager
def locked(folder: str | os.PathLike[str], *, exclusive: bool) -> Iterator[None]:
    """Hold the store's lock (exclusive to write, shared to read) for the ``with`` body."""
    path = Path(folder) / LOCK_NAME
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        raise StoreError(f"{path}: cannot open the store's lock file: {exc.strerror}") from exc
    try:
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            raise StoreLockedError(
                f"store {Path(folder)} is locked by another kg process ({holder});"
                " wait for it to finish, or stop it, and run the command again"
            ) from None
        if exclusive:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        try:
            yield
        finally:
            if exclusive:
                os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _holder(fd: int) -> str:
    """Who holds the lock: the writer's pid, or readers (who write no pid)."""
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        text = ""
    return f"pid {text}" if text.isdigit() else "a reader, such as kg query or kg export"
