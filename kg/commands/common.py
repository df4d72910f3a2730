"""What the commands share: the exit codes, the --store option, error reporting."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from enum import IntEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from kg.errors import KGError, ModelNotFoundError
from kg.store import DEFAULT_STORE, StoreLockedError


class ExitCode(IntEnum):
    """The exit status of every ``kg`` command, each with its meaning (the README lists these
    codes and meanings, checked by tests/test_readme.py)."""

    meaning: str

    def __new__(cls, code: int, meaning: str) -> ExitCode:
        member = int.__new__(cls, code)
        member._value_ = code
        member.meaning = meaning
        return member

    OK = 0, "success"
    ERROR = 1, "a kg error stopped the command (the message says where and what)"
    USAGE = 2, "usage error"
    SKIPPED = 3, "the build finished but some inputs were skipped"
    MODEL = 4, "the spaCy model is not installed"
    LOCKED = 5, "the store is locked by another kg process"
    CHECK = 6, "`kg load` found a triple count on the server that differs from the store's"
    TIMEOUT = 7, "`kg query` ran past `--timeout` or `--max-memory` and was stopped"
    INTERRUPTED = 130, "interrupted by Ctrl-C"


DEFAULT_OUT = Path("exports/kg")  # where a build writes, and explain and conflicts read

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


def fail(message: str, code: ExitCode = ExitCode.ERROR) -> NoReturn:
    err(f"error: {message}")
    raise typer.Exit(code)


@contextlib.contextmanager
def reported() -> Iterator[None]:
    """Turn kg errors into a message on stderr and the matching exit code."""
    from kg.store.deadline import QueryInterrupted, QueryTimeout

    try:
        yield
    except QueryTimeout as exc:
        fail(str(exc), ExitCode.TIMEOUT)
    except QueryInterrupted as exc:
        fail(str(exc), ExitCode.INTERRUPTED)
    except StoreLockedError as exc:
        fail(str(exc), ExitCode.LOCKED)
    except ModelNotFoundError as exc:
        fail(str(exc), ExitCode.MODEL)
    except KGError as exc:
        fail(str(exc), ExitCode.ERROR)
