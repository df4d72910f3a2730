"""``kg query``, ``kg export`` and ``kg remove``: read and change a store."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from kg.commands.common import ExitCode, StoreOption, err, fail, reported
from kg.errors import ExportError, KGError
from kg.export import export
from kg.results import BuildResult
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
    if query is not None and file is not None:
        fail("give the query either as an argument or with --file, not both", ExitCode.USAGE)
    text = query or ""
    if query is None and file is None:
        text = _query_from_stdin()
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


def _query_from_stdin() -> str:
    """The query piped on stdin (``kg query < q.rq``); a usage error on a terminal or when
    empty."""
    stdin = sys.stdin
    if stdin.isatty():
        fail(
            "give the query as an argument, with --file, or on stdin (kg query < question.rq)",
            ExitCode.USAGE,
        )
    text = stdin.read()
    if not text.strip():
        fail("the query on stdin is empty; give it as an argument or with --file", ExitCode.USAGE)
    return text


def export_command(
    out: Annotated[
        str,
        typer.Option(
            "--out",
            "-o",
            help="File (or, for neo4j, folder) to write, or - for stdout; an existing folder"
            " receives the format's usual file name.",
        ),
    ],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="trig, nq, ttl, jsonld, graphml, gexf, neo4j, facts, entities or html"
            " (default: from the --out file's name: graph.graphml, facts.jsonl, x.ttl...).",
            show_default=False,
        ),
    ] = None,
    store: StoreOption = Path(DEFAULT_STORE),
    build: Annotated[
        Path | None,
        typer.Option(
            "--build",
            "-b",
            help="Export from this build folder (the --out of kg build) instead of the store.",
            show_default=False,
        ),
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            "-d",
            help="Export from this RDF file (graph.trig, .nq, .ttl, .jsonld) instead of the"
            " store: RDF formats only.",
            show_default=False,
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress, no summary.")] = False,
) -> None:
    """Export a store, a build folder (--build) or an RDF file (--data) in one format."""
    from kg.export import exporters
    from kg.progress import PhaseProgress, wanted

    name = _export_format(fmt, out)
    if build is not None and data is not None:
        fail("give --build or --data, not both", ExitCode.USAGE)
    from kg.export.sources import RDF_ONLY

    if data is not None and name not in RDF_ONLY:
        fail(
            f"--data {data} holds RDF only, enough for {', '.join(RDF_ONLY)}, not {name}; export"
            " it from the build folder (--build) or the store",
            ExitCode.USAGE,
        )
    to_stdout = out == "-"
    if to_stdout and exporters()[name] == "neo4j":
        fail("the neo4j export is a folder; it cannot go to stdout: pass --out FOLDER",
             ExitCode.USAGE)
    with reported(), PhaseProgress(wanted(quiet)) as progress:
        progress.on_phase("read", 0, 1)
        result = _export_source(name, store, build, data)
        progress.on_phase("read", 1, 1)
        progress.on_phase("write", 0, 1)
        written = _export_to_stdout(name, result) if to_stdout else _export_file(name, result, out)
        progress.on_phase("write", 1, 1)
    if not quiet:
        err(
            f"kg: wrote {written} ({len(result.documents)} documents, {len(result.facts)} facts)"
        )


def _export_format(fmt: str | None, out: str) -> str:
    """The --format, or the one the --out file's name asks for (a usage error otherwise)."""
    from kg.export import exporters
    from kg.export.formats import format_of

    known = exporters()
    if fmt is not None:
        if fmt not in known:
            fail(f"--format {fmt!r} is not one of {', '.join(known)}", ExitCode.USAGE)
        return fmt
    if out == "-":
        fail("--out - (stdout) needs --format", ExitCode.USAGE)
    try:
        return format_of(out)
    except KGError as exc:
        fail(str(exc), ExitCode.USAGE)


def _export_source(name: str, store: Path, build: Path | None, data: Path | None) -> BuildResult:
    """What to export: the RDF file, the build folder or the store."""
    from kg.export.sources import RDF_ONLY, read_build, read_rdf
    from kg.store import read_store

    if data is not None:
        if name not in RDF_ONLY:
            raise ExportError(
                f"--data {data} holds RDF only, enough for {', '.join(RDF_ONLY)}, not {name};"
                " export it from the build folder (--build) or the store"
            )
        return read_rdf(data)
    if build is not None:
        return read_build(build)
    return read_store(store)


def _export_file(name: str, result: BuildResult, out: str) -> Path:
    """Into an existing folder under the format's usual name, else to the path ``out``."""
    from kg.export.formats import export_file

    return export_file(result, out, name)


def _export_to_stdout(name: str, result: BuildResult) -> str:
    """Export into a temporary folder, then copy the file's bytes to stdout."""
    tmp = Path(tempfile.mkdtemp(prefix=".kg-export-"))
    try:
        path = export(name, result, tmp)
        with path.open("rb") as handle:
            shutil.copyfileobj(handle, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return "stdout"


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
