"""SPARQL queries with a time limit and a working Ctrl-C: the query runs in a child process.

Oxigraph evaluates a query in native code that neither looks at Python's signals nor can be
cancelled, so a thread cannot stop it. ``query_with_deadline`` runs the whole job (opening the
store or loading ``--data``, the SERVICE check, the query, formatting the results) in a child
process and kills that process when the time is up or on Ctrl-C (KeyboardInterrupt). The
parent only waits, so it always answers within a few milliseconds of the limit. The child's
heap is capped too (``QueryJob.max_memory_mb``): a query that would fill the machine's memory
in its 30 seconds (a sorted cross product took 2.7 GB in 10 s) is stopped at the cap.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kg.errors import KGError
from kg.store.query import QueryError, Term

DEFAULT_TIMEOUT = 30.0  # seconds; `kg query --timeout`, 0 for no limit
DEFAULT_MEMORY_MB = 4096  # `kg query --max-memory`: heap the query may add (RLIMIT_DATA); 0: none


class QueryTimeout(QueryError):
    """The query ran past its time limit and was stopped."""


class QueryOutOfMemory(QueryTimeout):
    """The query needed more memory than its limit and was stopped (exit code as a timeout:
    it ran past a limit)."""


class QueryInterrupted(QueryError):
    """The query was stopped by Ctrl-C."""


@dataclass(frozen=True)
class QueryJob:
    """Everything the child needs: picklable, so it works with any start method."""

    query: str
    fmt: str = "table"
    store: str | None = None  # a store folder, or
    data: str | None = None  # an exported RDF file
    bindings: Mapping[str, Term] = field(default_factory=dict)
    union: bool = True
    allow_service: bool = False
    max_memory_mb: int = DEFAULT_MEMORY_MB  # how far the child's heap may grow; 0 for none


def query_with_deadline(job: QueryJob, timeout: float | None = DEFAULT_TIMEOUT) -> str:
    """The formatted results of ``job``, computed in a child process.

    ``timeout`` (seconds; None or 0 for none) bounds the whole job: past it the child is
    killed and :class:`QueryTimeout` is raised. Ctrl-C kills it too and raises
    :class:`QueryInterrupted`. A kg error in the child (syntax, SERVICE refused, no store) is
    raised here as itself.
    """
    if timeout is not None and (math.isnan(timeout) or timeout < 0):
        raise QueryError(f"--timeout {timeout!r}: give a number of seconds, 0 for no limit")
    if timeout is not None and math.isinf(timeout):
        timeout = None
    ctx = _context()
    receiver, sender = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(sender, job), name="kg-query", daemon=True)
    started = time.monotonic()
    deadline = started + timeout if timeout else None
    try:
        child.start()
        sender.close()
        status, value = _wait(receiver, child, deadline)
    except KeyboardInterrupt:
        raise QueryInterrupted(
            f"interrupted (Ctrl-C) after {time.monotonic() - started:.1f} s; the query was stopped"
        ) from None
    except _TimeUp:
        raise QueryTimeout(
            f"the query ran past --timeout {timeout:g} s and was stopped; narrow it (fewer"
            " unbound triple patterns, a LIMIT) or raise --timeout (0 for no limit)"
        ) from None
    finally:
        if child.is_alive():
            child.kill()
        with contextlib.suppress(AssertionError):  # the child was never started
            child.join()
        receiver.close()
    if status == "ok":
        return str(value)
    if isinstance(value, KGError):
        raise value
    if status == "memory" or (status == "crash" and job.max_memory_mb and _aborted(child)):
        raise QueryOutOfMemory(
            f"the query needed more than --max-memory {job.max_memory_mb:,} MB and was stopped;"
            " narrow it (fewer unbound triple patterns, a LIMIT, no ORDER BY over everything)"
            " or raise --max-memory (0 for no limit)"
        )
    raise QueryError(f"the query failed: {value}")


def _aborted(child: Any) -> bool:
    """Whether the child died of SIGABRT: Oxigraph's allocator aborts when the heap limit
    refuses it memory."""
    return child.exitcode == -getattr(signal, "SIGABRT", 6)


class _TimeUp(Exception):
    pass


def _wait(
    receiver: multiprocessing.connection.Connection, child: Any, deadline: float | None
) -> tuple[str, Any]:
    """The child's one message, waiting until ``deadline`` (monotonic seconds) at most."""
    while True:
        remaining = None if deadline is None else deadline - time.monotonic()
        if remaining is not None and remaining <= 0:
            raise _TimeUp
        ready = multiprocessing.connection.wait([receiver, child.sentinel], remaining)
        if receiver in ready:
            try:
                message: tuple[str, Any] = receiver.recv()
            except EOFError:  # the child ended without a word
                break
            return message
        if child.sentinel in ready and not receiver.poll():
            break
    child.join()
    return "crash", (
        f"the query process ended with exit code {child.exitcode} before answering"
        " (out of memory?)"
    )


def _context() -> Any:
    """fork when this process has one thread (no start-up cost), else spawn (fork is unsafe
    with threads)."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _child(sender: multiprocessing.connection.Connection, job: QueryJob) -> None:
    """Run ``job`` and send ``("ok", text)`` or ``("error", exception)`` to the parent."""
    # Ctrl-C reaches the whole process group; the parent decides, and kills this process.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Everything the child has to say goes through the pipe; what Oxigraph prints as it aborts
    # at the memory limit ("memory allocation of 240 bytes failed") is noise under kg's error.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    _limit_memory(job.max_memory_mb)
    try:
        message: tuple[str, Any] = ("ok", _run(job))
    except MemoryError:  # Python's own allocations past the limit (Oxigraph's abort instead)
        message = ("memory", "MemoryError")
    except KGError as exc:
        message = ("error", exc) if _round_trips(exc) else ("crash", str(exc))
    except Exception as exc:  # reported by the parent as a query error, not a traceback
        message = ("crash", f"{type(exc).__name__}: {exc}")
    sender.send(message)
    sender.close()


def _limit_memory(megabytes: int) -> None:
    """Let this process's heap (RLIMIT_DATA: its private memory, not the store's files mapped
    for reading) grow by ``megabytes`` at most, over what it holds now (a forked child holds
    its parent's); 0, or a system without the limit, leaves it as it is."""
    try:
        import resource
    except ImportError:  # not POSIX
        return
    if megabytes <= 0 or not hasattr(resource, "RLIMIT_DATA"):
        return
    limit = _data_bytes() + megabytes * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))


def _data_bytes() -> int:
    """This process's data size now (Linux: VmData of /proc/self/status), else 0."""
    with (
        contextlib.suppress(OSError, ValueError, IndexError),
        open("/proc/self/status", encoding="ascii") as status,
    ):
        for line in status:
            if line.startswith("VmData:"):
                return int(line.split()[1]) * 1024
    return 0


def _round_trips(exc: Exception) -> bool:
    """Whether the parent can unpickle ``exc`` (an exception with its own ``__init__``
    arguments may not)."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return False
    return True


def _run(job: QueryJob) -> str:
    from kg.store import open_rdf
    from kg.store.query import format_results, load_data, run_query

    if job.data is not None:
        source: Any = contextlib.nullcontext(load_data(job.data))
    elif job.store is not None:
        source = open_rdf(job.store)
    else:
        raise QueryError("no data to query: give a store or an exported file")
    with source as rdf:
        results = run_query(
            rdf, job.query, job.bindings, union=job.union, allow_service=job.allow_service
        )
        return format_results(results, job.fmt)
