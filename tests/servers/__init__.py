"""Real SPARQL servers for tests: an Oxigraph server and Virtuoso, on loopback, free ports.

Import the fixtures into a test module::

    from tests.servers import oxigraph_url, virtuoso_url  # noqa: F401

Each is module-scoped: the server starts once per test module with an empty database in a
temporary folder and is stopped afterwards. A test using one is skipped, with the reason, when
the server's program is not installed or does not start (``.ci/run`` installs both:
``pip install oxigraph`` via the test extras, ``apt-get install virtuoso-opensource``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

LOOPBACK = "127.0.0.1"
VIRTUOSO_USER, VIRTUOSO_PASSWORD = "dba", "dba"  # a fresh Virtuoso database's administrator


def free_port() -> int:
    """A TCP port free on the loopback interface right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


def _wait_for(url: str, proc: subprocess.Popen[bytes], seconds: float, log: Path) -> str | None:
    """None once ``url`` answers; otherwise why the server did not come up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return f"exited with code {proc.returncode}: {_tail(log)}"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                response.read()
                return None
        except urllib.error.HTTPError as exc:
            exc.close()  # an error response holds its socket open until closed
            return None  # it answers (an error status is an answer)
        except OSError:
            time.sleep(0.25)
    return f"did not answer {url} within {seconds:.0f} s: {_tail(log)}"


def _tail(log: Path) -> str:
    try:
        return " | ".join(log.read_text(errors="replace").strip().splitlines()[-3:])
    except OSError:
        return "(no log)"


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def oxigraph_program() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


@contextlib.contextmanager
def oxigraph_server(folder: Path) -> Iterator[str]:
    """Run ``oxigraph serve`` on a free loopback port; yields its query endpoint URL."""
    program = oxigraph_program()
    if program is None:
        pytest.skip("Oxigraph server not installed (pip install oxigraph)")
    port = free_port()
    log = folder / "oxigraph.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [program, "serve", "--location", str(folder / "db"), "--bind", f"{LOOPBACK}:{port}"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://{LOOPBACK}:{port}"
        problem = _wait_for(f"{base}/query?query=ASK%7B%7D", proc, 30, log)
        if problem:
            pytest.skip(f"Oxigraph server did not start: {problem}")
        yield f"{base}/query"
    finally:
        _stop(proc)


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = {host}:{sql}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = ., {d}
CheckpointInterval = 0

[HTTPServer]
ServerPort = {host}:{http}
ServerRoot = {d}
MaxClientConnections = 5
ServerThreads = 5

[SPARQL]
ResultSetMaxRows = 10000
MaxQueryExecutionTime = 60
"""


@contextlib.contextmanager
def virtuoso_server(folder: Path) -> Iterator[str]:
    """Run Virtuoso on free loopback ports with a new database in ``folder``.

    Yields the authenticated SPARQL endpoint (``/sparql-auth``, digest authentication as
    ``dba``/``dba``); its Graph Store endpoint is ``/sparql-graph-crud-auth``.
    """
    program = shutil.which("virtuoso-t")
    if program is None:
        pytest.skip("Virtuoso not installed (apt-get install virtuoso-opensource)")
    db = folder / "virtuoso"
    db.mkdir(parents=True, exist_ok=True)
    http, sql = free_port(), free_port()
    ini = db / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(d=db, host=LOOPBACK, sql=sql, http=http))
    log = db / "virtuoso.log"
    with (db / "stdout.log").open("wb") as out:
        proc = subprocess.Popen(
            [program, "-f", "-c", str(ini)], stdout=out, stderr=subprocess.STDOUT, cwd=db
        )
    try:
        base = f"http://{LOOPBACK}:{http}"
        problem = _wait_for(f"{base}/sparql?query=ASK%7B%7D", proc, 90, log)
        if problem:
            pytest.skip(f"Virtuoso did not start: {problem}")
        yield f"{base}/sparql-auth"
    finally:
        _stop(proc)


@pytest.fixture(scope="module")
def oxigraph_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Query endpoint of an empty Oxigraph server (module-scoped)."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as url:
        yield url


@pytest.fixture(scope="module")
def virtuoso_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Authenticated SPARQL endpoint of an empty Virtuoso (module-scoped; user dba/dba)."""
    if os.environ.get("KG_SKIP_VIRTUOSO"):
        pytest.skip("KG_SKIP_VIRTUOSO is set")
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as url:
        yield url


__all__ = [
    "VIRTUOSO_PASSWORD",
    "VIRTUOSO_USER",
    "free_port",
    "oxigraph_server",
    "oxigraph_url",
    "virtuoso_server",
    "virtuoso_url",
]
