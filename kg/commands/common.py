"""What the store commands share: exit codes, the --store option, error reporting."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from kg.errors import KGError, ModelNotFoundError
from kg.store import DEFAULT_STORE, StoreLockedError

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_SKIPPED, EXIT_MODEL = 0, 1, 2, 3, 4
EXIT_LOCKED = 5  # another kg process holds the store
EXIT_CHECK = 6  # kg load: the server's triple counts differ from what was sent

StoreOption = Annotated[
    Path,
    typer.Option(
        "--store",
        "-s",
        help=f"Store folder (default: {DEFAULT_STORE} in the current folder).",
    ),
]


def err(message: str) -> None:
    typer.echo(message, err=True)


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    err(f"error: {message}")
    raise typer.Exit(code)


@contextlib.contextmanager
def reported() -> Iterator[None]:
    """Turn kg errors into a message on stderr and the matching exit code."""
    try:
        yield
    except StoreLockedError as exc:
        fail(str(exc), EXIT_LOCKED)
    except ModelNotFoundError as exc:
        fail(str(exc), EXIT_MODEL)
    except KGError as exc:
        fail(str(exc), EXIT_ERROR)
