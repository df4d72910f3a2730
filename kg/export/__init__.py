"""Exporters: a registry of named writers of a finished build.

Each exporter writes one file under the output folder, atomically. ``kg build`` runs the
default set (``export_many``, which overlaps the RDF writers); ``export(name, build, path)`` runs
one.
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.errors import ExportError, RegistryError
from kg.export.atomic import atomic_open, atomic_write
from kg.export.records import entity_record, fact_record
from kg.vocab import PREFIXES

if TYPE_CHECKING:
    from kg.results import BuildResult

Exporter = Callable[["BuildResult", Path], None]
_EXPORTERS: dict[str, tuple[str, Exporter]] = {}
DEFAULT_EXPORTS = ("trig", "nq", "ttl", "facts", "entities", "html")


def exporter(name: str, filename: str) -> Callable[[Exporter], Exporter]:
    """Register an exporter that writes ``filename`` in the output folder."""

    def decorator(func: Exporter) -> Exporter:
        if name in _EXPORTERS:
            raise RegistryError(f"exporter {name!r} is registered twice")
        _EXPORTERS[name] = (filename, func)
        return func

    return decorator


def exporters() -> dict[str, str]:
    """Registered exporter names and the file each writes."""
    return {name: filename for name, (filename, _) in sorted(_EXPORTERS.items())}


def export(name: str, build: BuildResult, out_dir: str | Path) -> Path:
    """Run exporter ``name`` on ``build``; returns the path written."""
    if name not in _EXPORTERS:
        raise RegistryError(f"unknown export format {name!r}; known: {', '.join(exporters())}")
    filename, func = _EXPORTERS[name]
    path = Path(out_dir) / filename
    try:
        func(build, path)
    except OSError as exc:
        raise ExportError(f"{path}: cannot write {name} export: {exc.strerror or exc}") from exc
    return path


def export_many(names: Sequence[str], build: BuildResult, out_dir: str | Path) -> list[Path]:
    """Run the exporters ``names`` on ``build``, as :func:`export` one by one would, faster:
    TriG and N-Quads are serialised and written by a worker thread (its file writes and fsyncs
    release the GIL; pyoxigraph's serialiser does not) while this thread builds the Turtle union,
    then the other exports while the worker writes the RDF files out. Every file is complete
    when this returns. Returns the paths in the order of ``names``."""
    for name in names:
        if name not in _EXPORTERS:
            raise RegistryError(f"unknown export format {name!r}; known: {', '.join(exporters())}")
    background = [n for n in names if n in _RDF_FORMATS and n != "ttl"]
    if "ttl" not in names or not background:
        return [export(name, build, out_dir) for name in names]
    out = Path(out_dir)
    paths = {name: out / _EXPORTERS[name][0] for name in names}
    _ = build.quads  # a result built on first use is built here, not by both threads at once
    pending: queue.Queue[tuple[Path, str, bytes] | None] = queue.Queue()
    failures: list[BaseException] = []

    def write_all() -> None:
        for name in background:
            _write(paths[name], name, _render(build, name))
        while (item := pending.get()) is not None:
            _write(*item)

    def guarded() -> None:
        try:
            write_all()
        except BaseException as exc:  # raised again by the caller's thread
            failures.append(exc)

    worker = threading.Thread(target=guarded, name="kg-export")
    worker.start()
    try:
        pending.put((paths["ttl"], "ttl", _render(build, "ttl")))
        for name in names:  # while the worker writes the RDF files out
            if name not in _RDF_FORMATS:
                export(name, build, out_dir)
    finally:
        pending.put(None)
        worker.join()
    if failures:
        raise failures[0]
    return [paths[name] for name in names]


def _write(path: Path, name: str, data: bytes) -> None:
    try:
        atomic_write(path, data)
    except OSError as exc:
        raise ExportError(f"{path}: cannot write {name} export: {exc.strerror or exc}") from exc


def _render(build: BuildResult, name: str) -> bytes:
    """The bytes of the RDF export ``name`` (trig, nq or ttl)."""
    fmt = _RDF_FORMATS[name]
    quads = build.quads
    if name == "ttl":
        # The union of every graph: each subject's triples together, subjects in first-seen
        # order: deterministic because the quads are, and linear (no sort on string keys).
        by_subject: dict[object, dict[ox.Triple, None]] = {}
        for q in quads:
            by_subject.setdefault(q.subject, {})[q.triple] = None
        triples = [t for group in by_subject.values() for t in group]
        data = ox.serialize(triples, format=fmt, prefixes=PREFIXES)
    elif fmt == ox.RdfFormat.N_QUADS:
        data = ox.serialize(quads, format=fmt)
    else:
        data = ox.serialize(quads, format=fmt, prefixes=PREFIXES)
    return data or b""


_RDF_FORMATS = {
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
    "ttl": ox.RdfFormat.TURTLE,
}


@exporter("trig", "graph.trig")
def export_trig(build: BuildResult, path: Path) -> None:
    """TriG: one named graph per document plus the metadata graph."""
    atomic_write(path, _render(build, "trig"))


@exporter("nq", "graph.nq")
def export_nquads(build: BuildResult, path: Path) -> None:
    """N-Quads: the same dataset, one quad per line."""
    atomic_write(path, _render(build, "nq"))


@exporter("ttl", "graph.ttl")
def export_turtle(build: BuildResult, path: Path) -> None:
    """Turtle: the union of every graph, for tools without named graphs."""
    atomic_write(path, _render(build, "ttl"))


def _jsonl(path: Path, records: list[dict[str, object]]) -> None:
    with atomic_open(path) as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False).encode("utf-8"))
            handle.write(b"\n")


@exporter("facts", "facts.jsonl")
def export_facts(build: BuildResult, path: Path) -> None:
    """The flat facts table of shared/FACTS.md, sorted by id."""
    _jsonl(path, [fact_record(f) for f in sorted(build.facts, key=lambda f: f.id)])


@exporter("entities", "entities.jsonl")
def export_entities(build: BuildResult, path: Path) -> None:
    """Merged entities with aliases, documents, Wikidata ids and merge reasons."""
    _jsonl(path, [entity_record(build.entities[k]) for k in sorted(build.entities)])


@exporter("html", "graph.html")
def export_html(build: BuildResult, path: Path) -> None:
    """The interactive single-file viewer."""
    from kg.export.html import write_html

    facts = [fact_record(f) for f in sorted(build.facts, key=lambda f: f.id)]
    entities = [entity_record(build.entities[k]) for k in sorted(build.entities)]
    write_html(facts, entities, build.summary(), path)


from kg.export import jsonld, property_graph  # noqa: E402,F401
