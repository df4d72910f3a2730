"""The RDF files of a build, written as a stream: TriG, N-Quads, Turtle and partitioned N-Quads.

The dataset comes as segments (``kg.graph.Segment``: a run of quads of one graph, one
document's graph at a time), and every requested file is written from the same pass, so no
more than one document's quads are in memory whatever the corpus's size. Each segment is
serialised by pyoxigraph on its own; the prefix declarations it writes first are written once,
at the head of the file, and a run of one graph that goes on in the next segment goes on in
the same ``GRAPH { }`` block: the files are byte for byte those one serialisation of the whole
dataset gives.

``graph.ttl`` is the union of every graph (for tools without named graphs): each triple once,
as the segments mark them (an entity's name and type come from the metadata graph, a fact's
triples from the first document that states it).

``parts/`` holds the same quads as ``graph.nq`` in files of about ``PART_QUADS`` quads each,
cut between graphs (``part-00000.nq`` ...), with ``manifest.json``: what bulk loaders take in
parallel (Oxigraph's ``bulk_load``, Virtuoso's ``ld_dir``, ``neo4j``'s n10s, Spark).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from kg.errors import ExportError
from kg.export.atomic import atomic_open, atomic_write
from kg.vocab import PREFIXES

RDF_FORMATS = {"trig": ox.RdfFormat.TRIG, "nq": ox.RdfFormat.N_QUADS, "ttl": ox.RdfFormat.TURTLE}
STREAMED = (*RDF_FORMATS, "parts")  # the exports written from the stream of segments
PART_QUADS = 1_000_000  # quads per file of parts/ (a file ends at a graph's end)
MANIFEST = "manifest.json"

# RDF files kg reads back (kg query --data, kg export --data), by suffix
FILE_FORMATS = {
    ".trig": ox.RdfFormat.TRIG,
    ".nq": ox.RdfFormat.N_QUADS,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".ttl": ox.RdfFormat.TURTLE,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
}


def file_format(path: str | os.PathLike[str]) -> ox.RdfFormat | None:
    """The RDF format of a file by its suffix (``FILE_FORMATS``), None for another."""
    return FILE_FORMATS.get(Path(path).suffix.lower())


def unknown_file_type(path: str | os.PathLike[str]) -> str:
    """The message for a file whose suffix names no RDF format."""
    p = Path(path)
    return f"{p}: unknown RDF file type {p.suffix!r}; use one of {', '.join(sorted(FILE_FORMATS))}"


_PROBE = ox.NamedNode("urn:kg:probe")  # an IRI no prefix abbreviates


def _header(fmt: ox.RdfFormat) -> bytes:
    """The prefix declarations pyoxigraph writes before the statements of ``fmt``."""
    if fmt == ox.RdfFormat.TURTLE:
        probe: Any = ox.Triple(_PROBE, _PROBE, _PROBE)
    else:
        probe = ox.Quad(_PROBE, _PROBE, _PROBE, _PROBE)
    full = ox.serialize([probe], format=fmt, prefixes=PREFIXES) or b""
    bare = ox.serialize([probe], format=fmt) or b""
    if not full.endswith(bare):
        raise ExportError(f"unexpected {fmt} serialisation from pyoxigraph: {full[:200]!r}")
    return full[: len(full) - len(bare)]


class _Writer:
    """One RDF file (or ``parts/``) being written from segments."""

    def __init__(self, name: str, handle: IO[bytes]) -> None:
        self.name = name
        self.handle = handle
        self.union = name == "ttl"  # Turtle: the union of every graph, each triple once
        self.fmt = RDF_FORMATS.get(name, ox.RdfFormat.N_QUADS)
        self.header = _header(self.fmt) if self.fmt != ox.RdfFormat.N_QUADS else b""
        self.started = False
        self.graph: ox.NamedNode | None = None  # the graph whose TriG block is open

    def write(self, graph: ox.NamedNode, items: list[Any]) -> None:
        if not items:
            return
        prefixes = None if self.fmt == ox.RdfFormat.N_QUADS else PREFIXES
        data = ox.serialize(items, format=self.fmt, prefixes=prefixes) or b""
        if self.header:
            if not data.startswith(self.header):
                raise ExportError(f"unexpected {self.name} serialisation from pyoxigraph")
            if self.started:
                data = data[len(self.header) :]
        self.started = True
        if self.fmt == ox.RdfFormat.TRIG:
            data = self._block(graph, data)
        self.handle.write(data)

    def _block(self, graph: ox.NamedNode, data: bytes) -> bytes:
        """TriG: one ``GRAPH { }`` block for a run of one graph over several segments (its
        closing brace is held back until the graph changes)."""
        if not data.endswith(b"}\n"):
            raise ExportError("unexpected TriG serialisation from pyoxigraph")
        if graph == self.graph:  # the same block goes on: drop this segment's opening line
            data = data[data.index(b"{\n") + 2 :]
        elif self.graph is not None:
            data = b"}\n" + data
        self.graph = graph
        return data[:-2]

    def close(self) -> None:
        if self.fmt == ox.RdfFormat.TRIG and self.graph is not None:
            self.handle.write(b"}\n")


class _Parts:
    """``parts/``: N-Quads files of about ``limit`` quads each, cut between graphs."""

    union = False

    def __init__(self, folder: Path, limit: int, name: Callable[[int], str] | None = None) -> None:
        self.folder = folder
        self.limit = limit
        self.name = name if name is not None else _part_name
        self.entries: list[dict[str, Any]] = []
        self.handle: IO[bytes] | None = None
        self.digest = hashlib.sha256()
        self.count = 0
        self.size = 0
        self.graph: ox.NamedNode | None = None

    def write(self, graph: ox.NamedNode, quads: list[ox.Quad]) -> None:
        if not quads:
            return
        if self.handle is None or (self.count >= self.limit and graph != self.graph):
            self._close_part()
            name = self.name(len(self.entries))
            self.handle = open(self.folder / name, "wb")  # noqa: SIM115 (closed in _close_part)
            self.entries.append({"file": name})
        data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
        self.handle.write(data)
        self.digest.update(data)
        self.count += len(quads)
        self.size += len(data)
        self.graph = graph

    def _close_part(self) -> None:
        if self.handle is None:
            return
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        self.entries[-1].update(quads=self.count, bytes=self.size, sha256=self.digest.hexdigest())
        self.handle, self.digest, self.count, self.size = None, hashlib.sha256(), 0, 0

    def close(self) -> None:
        self._close_part()
        self.write_manifest()

    def write_manifest(self) -> None:
        manifest = {
            "format": "application/n-quads",
            "media_type": "application/n-quads",
            "quads": sum(e["quads"] for e in self.entries),
            "parts": self.entries,
        }
        text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
        atomic_write(self.folder / MANIFEST, text.encode("utf-8"))


def _part_name(n: int) -> str:
    return f"part-{n:05d}.nq"


def write_part_files(
    folder: Path, partition: int, segments: Iterable[Any], part_quads: int | None = None
) -> list[dict[str, Any]]:
    """Write the segments of one partition of the documents into ``folder`` (a ``parts/``
    being written, kg.distributed: on the worker that holds them), as N-Quads files of about
    ``part_quads`` quads cut between graphs, ``part-PPPPP.nq`` then ``part-PPPPP-001.nq`` ...
    for partition P; their manifest entries, in order."""

    def name(n: int) -> str:
        return f"part-{partition:05d}.nq" if n == 0 else f"part-{partition:05d}-{n:03d}.nq"

    return _files_of(folder, segments, part_quads, name, f"partition {partition}").entries


def _files_of(
    folder: Path, segments: Iterable[Any], part_quads: int | None, name: Callable[[int], str],
    what: str,
) -> _Parts:
    """The segments written into ``folder`` as N-Quads files named ``name(n)``, the last one
    closed: the ``_Parts`` with their entries."""
    parts = _Parts(folder, part_quads or PART_QUADS, name)
    try:
        for segment in segments:
            parts.write(segment.graph, segment.quads)
        parts._close_part()
    except OSError as exc:
        raise ExportError(f"{folder}: cannot write {what} of the parts export: {exc}") from exc
    return parts


def write_partitioned(
    path: Path,
    meta: Iterable[Any],
    partitions: Callable[[Path], list[dict[str, Any]]],
    part_quads: int | None = None,
) -> int:
    """``parts/`` at ``path`` written by others: the metadata graph's segments ``meta`` here
    (``meta-00000.nq`` ...), then ``partitions(folder)`` writes the document graphs into the
    folder (by :func:`write_part_files`, on the Dask workers) and returns their manifest
    entries; the manifest lists every file. The folder appears complete or not at all.
    Returns the number of quads."""
    with _staged_folder(path) as folder:
        parts = _files_of(folder, meta, part_quads, lambda n: f"meta-{n:05d}.nq",
                          "the metadata graph")
        parts.entries.extend(partitions(folder))
        parts.write_manifest()
        return sum(e["quads"] for e in parts.entries)


def write_streamed(
    segments: Iterable[Any], paths: dict[str, Path], part_quads: int | None = None
) -> int:
    """Write the exports ``paths`` (names of ``STREAMED`` to their paths) from one pass over
    ``segments``; each file appears complete or not at all. Returns the number of quads."""
    with contextlib.ExitStack() as stack:
        writers: list[_Writer | _Parts] = []
        for name, path in paths.items():
            try:
                if name == "parts":
                    folder = stack.enter_context(_staged_folder(path))
                    writers.append(_Parts(folder, part_quads or PART_QUADS))
                else:
                    handle = stack.enter_context(atomic_open(path))
                    writers.append(_Writer(name, handle))
            except OSError as exc:
                raise ExportError(f"{path}: cannot write {name} export: {exc}") from exc
        count = 0
        try:
            for segment in segments:
                count += len(segment.quads)
                for writer in writers:
                    writer.write(segment.graph, segment.union if writer.union else segment.quads)
            for writer in writers:
                writer.close()
        except OSError as exc:
            raise ExportError(f"cannot write the RDF exports: {exc.strerror or exc}") from exc
    return count


@contextlib.contextmanager
def _staged_folder(path: Path) -> Iterator[Path]:
    """A new folder that replaces ``path`` once complete (a folder of the previous build
    there is removed only then)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        yield staging
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        os.replace(staging, path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
