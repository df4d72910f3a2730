"""``kg query``, ``kg export`` and ``kg remove``: read and change a store."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from kg.commands.common import ExitCode, StoreOption, err, fail, reported
from kg.store import DEFAULT_STORE
from kg.store.deadline import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT


def query_command(
    query: Annotated[
        str | None,
        typer.Argument(help="SPARQL query text (or use --file).", show_default=False),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", "-f", help="Read the query from this .rq file."),
    ] = None,
    store: StoreOption = Path(DEFAULT_STORE),
    data: Annotated[
        Path | None,
        typer.Option(
            "--data", "-d", help="Query an exported file (graph.trig, .nq, .ttl, .jsonld)."
        ),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="Output: table, csv, tsv or json.")
    ] = "table",
    bind: Annotated[
        list[str] | None,
        typer.Option(
            "--bind",
            "-b",
            help='name=value: bind ?name to a value (<iri>, "literal", 5, prefix:local,'
            " plain text); repeatable. Values never enter the query text.",
        ),
    ] = None,
    union: Annotated[
        bool,
        typer.Option(
            "--union/--no-union",
            help="Default graph = union of all named graphs (so queries without GRAPH see"
            " everything).",
        ),
    ] = True,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout",
            help="Stop the query after this many seconds (exit 7); 0 for no limit.",
            min=0,
        ),
    ] = DEFAULT_TIMEOUT,
    allow_service: Annotated[
        bool,
        typer.Option(
            "--allow-service",
            help="Let SERVICE clauses send the query to the servers they name (off: refused).",
        ),
    ] = False,
    max_memory: Annotated[
        int,
        typer.Option(
            "--max-memory",
            metavar="MB",
            help="Stop the query when it needs more memory than this (exit 7); 0 for no limit.",
            min=0,
        ),
    ] = DEFAULT_MEMORY_MB,
) -> None:
    """Run a SPARQL query against the store (or --data FILE) and print the results.

    The query runs in a child process, stopped at --timeout or --max-memory (exit 7) or on
    Ctrl-C (exit 130).
    """
    from kg.store.deadline import QueryJob, query_with_deadline
    from kg.store.query import FORMATS, parse_bindings

    if fmt not in FORMATS:
        fail(f"--format {fmt!r} is not one of {', '.join(FORMATS)}", ExitCode.USAGE)
    if (query is None) == (file is None):
        fail("give the query either as an argument or with --file, not both", ExitCode.USAGE)
    text = query or ""
    if file is not None:
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            fail(f"{file}: cannot read the query: {exc.strerror}", ExitCode.USAGE)
    with reported():
        job = QueryJob(
            text,
            fmt,
            store=None if data is not None else str(store),
            data=None if data is None else str(data),
            bindings=parse_bindings(bind or []),
            union=union,
            allow_service=allow_service,
            max_memory_mb=max_memory,
        )
        output = query_with_deadline(job, timeout or None)
    sys.stdout.write(output)


def export_command(
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="trig, nq, ttl, jsonld, graphml, gexf, neo4j, facts, entities or html.",
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="File (or, for neo4j, folder) to write; an existing folder receives the"
            " format's usual file name.",
        ),
    ],
    store: StoreOption = Path(DEFAULT_STORE),
) -> None:
    """Export the store's graph in one format."""
    from kg.export import export, exporters
    from kg.store import read_store

    known = exporters()
    if fmt not in known:
        fail(f"--format {fmt!r} is not one of {', '.join(known)}", ExitCode.USAGE)
    with reported():
        result = read_store(store)
        written = export(fmt, result, out) if out.is_dir() else _export_to(fmt, result, out)
    err(f"kg: wrote {written} ({len(result.documents)} documents, {len(result.facts)} facts)")


def _export_to(fmt: str, result: object, out: Path) -> Path:
    """Export into a temporary folder beside ``out``, then move the file or folder to ``out``."""
    from kg.export import export
    from kg.store.lock import StoreError

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        os.replace(export(fmt, result, tmp), out)  # type: ignore[arg-type]
    except OSError as exc:
        raise StoreError(f"{out}: cannot write the {fmt} export: {exc}") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def remove_command(
    docs: Annotated[list[str], typer.Argument(help="Ids of the documents to retract.")],
    store: StoreOption = Path(DEFAULT_STORE),
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary.")] = False,
) -> None:
    """Retract documents from the store; entities, support and conflicts are recomputed."""
    from kg.results import Settings
    from kg.store import remove_documents

    with reported():
        done = remove_documents(store, docs, Settings())
    if not quiet:
        s = done.sync
        err(
            f"kg: store {store}: removed {len(done.removed)} documents;"
            f" {len(done.result.documents)} left; graphs: {len(s.removed)} removed,"
            f" {len(s.replaced)} replaced, {s.unchanged} unchanged"
        )
