"""Exporters: a registry of named writers of a finished build.

Each exporter writes one file under the output folder, atomically. ``kg build`` runs the
default set; ``export(name, build, path)`` runs one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.errors import ExportError, RegistryError
from kg.export.atomic import atomic_open, atomic_write
from kg.export.records import entity_record, fact_record
from kg.vocab import PREFIXES

if TYPE_CHECKING:
    from kg.pipeline import BuildResult

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


def _rdf(build: BuildResult, path: Path, fmt: ox.RdfFormat, union: bool = False) -> None:
    quads = build.quads
    if union:
        # Each subject's triples together, subjects in first-seen order: deterministic because
        # the quads are, and linear (no sort on string keys).
        by_subject: dict[object, dict[ox.Triple, None]] = {}
        for q in quads:
            by_subject.setdefault(q.subject, {})[q.triple] = None
        triples = [t for group in by_subject.values() for t in group]
        data = ox.serialize(triples, format=fmt, prefixes=PREFIXES)
    elif fmt == ox.RdfFormat.N_QUADS:
        data = ox.serialize(quads, format=fmt)
    else:
        data = ox.serialize(quads, format=fmt, prefixes=PREFIXES)
    atomic_write(path, data or b"")


@exporter("trig", "graph.trig")
def export_trig(build: BuildResult, path: Path) -> None:
    """TriG: one named graph per document plus the metadata graph."""
    _rdf(build, path, ox.RdfFormat.TRIG)


@exporter("nq", "graph.nq")
def export_nquads(build: BuildResult, path: Path) -> None:
    """N-Quads: the same dataset, one quad per line."""
    _rdf(build, path, ox.RdfFormat.N_QUADS)


@exporter("ttl", "graph.ttl")
def export_turtle(build: BuildResult, path: Path) -> None:
    """Turtle: the union of every graph, for tools without named graphs."""
    _rdf(build, path, ox.RdfFormat.TURTLE, union=True)


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
