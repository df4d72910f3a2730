"""Exporters: a registry of named writers of a finished build.

Each exporter writes one file under the output folder, atomically. ``kg build`` runs the
default set (``export_many``, which writes every RDF file from one streamed pass over the
dataset, kg/export/rdf.py); ``export(name, build, path)`` runs one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import ExportError, RegistryError
from kg.export.atomic import atomic_open
from kg.export.rdf import STREAMED, write_streamed
from kg.export.records import entity_record, fact_record
from kg.gcpause import gc_paused

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
    the RDF files (TriG, N-Quads, Turtle, ``parts/``) are written together from one pass over
    the dataset, streamed one document's graph at a time (kg/export/rdf.py), then the others.
    Every file is complete when this returns. Returns the paths in the order of ``names``."""
    for name in names:
        if name not in _EXPORTERS:
            raise RegistryError(f"unknown export format {name!r}; known: {', '.join(exporters())}")
    out = Path(out_dir)
    paths = {name: out / _EXPORTERS[name][0] for name in names}
    streamed = {name: paths[name] for name in names if name in STREAMED}
    if streamed:
        _write_streamed(build, streamed)
    for name in names:
        if name not in STREAMED:
            export(name, build, out_dir)
    return [paths[name] for name in names]


def _write_streamed(build: BuildResult, paths: dict[str, Path]) -> None:
    """Write the streamed exports ``paths`` of ``build`` in one pass, counting its quads;
    ``parts/`` by ``build.make_parts`` if the build has it (the Dask workers write the
    document graphs), which must count as many quads as the other files."""
    paths = dict(paths)
    parts = paths.pop("parts") if build.make_parts is not None and "parts" in paths else None
    with gc_paused():  # millions of acyclic terms: see kg/gcpause.py
        counts = []
        if paths:
            counts.append(write_streamed(build.segments(), paths))
        if parts is not None and build.make_parts is not None:
            try:
                counts.append(build.make_parts(parts))
            except OSError as exc:
                raise ExportError(f"{parts}: cannot write parts export: {exc}") from exc
        if len(set(counts)) > 1:
            raise ExportError(f"{parts}: the parts hold {counts[1]:,} quads and the other RDF"
                              f" files {counts[0]:,}; nothing was written, report it")
        build.counted(counts[0])


def _streamed(name: str) -> Exporter:
    def write(build: BuildResult, path: Path) -> None:
        _write_streamed(build, {name: path})

    write.__doc__ = _STREAMED_DOCS[name]
    return write


_STREAMED_DOCS = {
    "trig": "TriG: one named graph per document plus the metadata graph.",
    "nq": "N-Quads: the same dataset, one quad per line.",
    "ttl": "Turtle: the union of every graph, for tools without named graphs.",
    "parts": "N-Quads in parts of about a million quads, with a manifest, for bulk loaders.",
}
for _name, _file in (("trig", "graph.trig"), ("nq", "graph.nq"), ("ttl", "graph.ttl"),
                     ("parts", "parts")):
    exporter(_name, _file)(_streamed(_name))


def _jsonl(path: Path, records: Iterable[dict[str, Any]]) -> None:
    with atomic_open(path) as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False).encode("utf-8"))
            handle.write(b"\n")


@exporter("facts", "facts.jsonl")
def export_facts(build: BuildResult, path: Path) -> None:
    """The flat facts table of docs/facts.md, sorted by id."""
    _jsonl(path, (fact_record(f) for f in sorted(build.facts, key=lambda f: f.id)))


@exporter("entities", "entities.jsonl")
def export_entities(build: BuildResult, path: Path) -> None:
    """Merged entities with aliases, documents, Wikidata ids and merge reasons."""
    _jsonl(path, (entity_record(build.entities[k]) for k in sorted(build.entities)))


@exporter("html", "graph.html")
def export_html(build: BuildResult, path: Path) -> None:
    """The interactive single-file viewer."""
    from kg.export.html import write_html

    facts = [fact_record(f) for f in sorted(build.facts, key=lambda f: f.id)]
    entities = [entity_record(build.entities[k]) for k in sorted(build.entities)]
    write_html(facts, entities, build.summary(), path)


from kg.export import jsonld, property_graph  # noqa: E402,F401
