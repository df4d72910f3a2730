"""Bring an Oxigraph store to a target dataset, one named graph per transaction.

The target is the sorted quad list of a build. For each named graph the writer compares a
digest of the target with the digest it recorded last time (``<store>/graphs.json``, a hint
only: the store itself is the truth) and, where they differ, rewrites the graph in a single
transaction: ``Store.extend`` for a new graph, one SPARQL Update ``DELETE DATA … ; INSERT DATA
…`` with the difference for a changed one (Oxigraph applies an update request atomically).
Graphs no longer in the target are removed (one transaction each), and the metadata graph is
written last. A process killed at any moment thus leaves every graph either as it was or as
the build wanted it, and the next build finishes the job.

A document graph may be given by a signature of its inputs instead of its quads
(kg/store/signature.py): a graph the store holds under that signature is neither built nor
compared. The metadata graph changes with every addition and is large; comparing it needs its
old lines, which the writer keeps in ``<store>/meta.nt`` after writing it, headed by its digest.
That copy is trusted only while ``graphs.json`` records the same digest for the graph, which
happens only after the graph and the copy were both written; otherwise the lines are dumped
from the database.

Test hook: with ``KG_TEST_PAUSE_AFTER_DOCS=N`` in the environment the writer prints
``kg-test-pause`` to stderr and sleeps after writing N graphs, so a test can kill it at a
known point.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.export.atomic import atomic_write
from kg.store.lock import StoreError

PAUSE_ENV = "KG_TEST_PAUSE_AFTER_DOCS"
PAUSE_MARK = "kg-test-pause"
DIGESTS_NAME = "graphs.json"
SNAPSHOT_NAME = "meta.nt"  # the metadata graph's lines as last written (a hint, see sync)
SNAPSHOT_MARK = "# kg snapshot of the graph with digest"


@dataclass
class SyncReport:
    """What a sync changed: graph IRIs added, replaced, removed, left alone."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    quads_added: int = 0
    quads_removed: int = 0


def group_by_graph(quads: Iterable[ox.Quad]) -> dict[str, list[ox.Quad]]:
    """Quads per named graph IRI, order kept (the default graph has the key '')."""
    by_node: dict[Any, list[ox.Quad]] = {}
    for q in quads:
        g = q.graph_name
        bucket = by_node.get(g)
        if bucket is None:
            bucket = by_node[g] = []
        bucket.append(q)
    return {(g.value if isinstance(g, ox.NamedNode) else ""): qs for g, qs in by_node.items()}


def graph_digest(quads: Sequence[ox.Quad]) -> str:
    """SHA-256 of a graph's N-Quads in the order given (builds are deterministic, so equal
    inputs give equal digests; a digest that differs only costs a comparison with the store)."""
    return hashlib.sha256(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"").hexdigest()


_STRING = "http://www.w3.org/2001/XMLSchema#string"


def canonical_quads(quads: Sequence[ox.Quad]) -> list[ox.Quad]:
    """The quads as Oxigraph stores them: typed literals in canonical form.

    Oxigraph keeps the value of a typed literal, not its spelling: ``"5"^^xsd:nonNegativeInteger``
    comes back as ``"5"^^xsd:integer``, ``"PT90M"^^xsd:duration`` as ``"PT1H30M"``. Comparing a
    build with the database needs the build in that form; each distinct literal is canonicalised
    once, through an in-memory store.
    """
    typed = {
        q.object
        for q in quads
        if isinstance(q.object, ox.Literal)
        and not q.object.language
        and q.object.datatype.value != _STRING
    }
    if not typed:
        return list(quads)
    literals = sorted(typed, key=str)
    probe, graph = ox.NamedNode("urn:kg:canonical"), ox.DefaultGraph()
    memory = ox.Store()
    memory.extend(
        ox.Quad(probe, ox.NamedNode(f"urn:kg:{i}"), lit, graph) for i, lit in enumerate(literals)
    )
    canon: dict[Any, Any] = {}
    for q in memory.quads_for_pattern(probe, None, None, graph):
        canon[literals[int(q.predicate.value[7:])]] = q.object
    return [
        ox.Quad(q.subject, q.predicate, canon[q.object], q.graph_name)
        if q.object in canon and canon[q.object] != q.object
        else q
        for q in quads
    ]


def triples_text(quads: Iterable[ox.Quad]) -> str:
    """Triples in N-Triples syntax (also valid inside SPARQL ``INSERT DATA``)."""
    return "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)


def _check_iri(iri: str) -> str:
    if not iri or any(c in iri for c in '<>"{}|^`\\ \n\r\t'):
        raise StoreError(f"graph name {iri!r} is not a plain IRI; kg mints only plain IRIs")
    return iri


def replace_update(graph: str, remove: Iterable[ox.Quad], add: Iterable[ox.Quad]) -> str:
    """One SPARQL Update that deletes ``remove`` from and inserts ``add`` into ``graph``."""
    g = _check_iri(graph)
    parts = []
    removed = triples_text(remove)
    if removed:
        parts.append(f"DELETE DATA {{ GRAPH <{g}> {{\n{removed}\n}} }}")
    added = triples_text(add)
    if added:
        parts.append(f"INSERT DATA {{ GRAPH <{g}> {{\n{added}\n}} }}")
    return " ;\n".join(parts)


def _lines(data: bytes | None) -> set[str]:
    return {line for line in (data or b"").decode("utf-8").split("\n") if line}


def _update_text(graph: str, remove: Iterable[str], add: Iterable[str]) -> str:
    """One SPARQL Update from N-Triples lines to delete from and insert into ``graph``."""
    g = _check_iri(graph)
    parts = []
    if remove:
        parts.append(f"DELETE DATA {{ GRAPH <{g}> {{\n" + "\n".join(remove) + "\n} }")
    if add:
        parts.append(f"INSERT DATA {{ GRAPH <{g}> {{\n" + "\n".join(add) + "\n} }")
    return " ;\n".join(parts)


class GraphWriter:
    """Writes target graphs into one open Oxigraph store, keeping the digest hints."""

    def __init__(self, store: ox.Store, folder: str | os.PathLike[str]) -> None:
        self.store = store
        self.digests_path = Path(folder) / DIGESTS_NAME
        self.digests = self._read_digests()
        self.snapshot_path = Path(folder) / SNAPSHOT_NAME
        self.written = 0
        pause = os.environ.get(PAUSE_ENV, "")
        self.pause_after = int(pause) if pause.isdigit() else None

    def _read_digests(self) -> dict[str, str]:
        try:
            data = json.loads(self.digests_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def _save_digests(self) -> None:
        text = json.dumps(self.digests, indent=0, sort_keys=True)
        atomic_write(self.digests_path, text.encode("utf-8"))

    def sync(
        self,
        quads: Sequence[ox.Quad],
        last: str,
        on_graph: Callable[[str], None] | None = None,
        keys: dict[str, str] | None = None,
    ) -> SyncReport:
        """Make the store hold exactly the target; graph ``last`` (the metadata) goes last.

        The target is ``quads`` plus, with ``keys`` (graph IRI to signature, see
        kg/store/signature.py), graphs the store already holds under that signature: those may be
        left out of ``quads``. A graph of ``keys`` whose signature changed must be in ``quads``.
        """
        report = SyncReport()
        target = group_by_graph(quads)
        keys = keys or {}
        present = {g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode)}
        wanted = dict(keys)
        wanted.update({g: graph_digest(qs) for g, qs in target.items() if g not in keys})
        stale = [g for g, d in wanted.items() if g not in present or self.digests.get(g) != d]
        missing = [g for g in stale if g not in target]
        if missing:
            raise StoreError(
                f"internal error: graph <{missing[0]}> changed but its quads were not built;"
                " run the build again with --reanalyse and report this"
            )
        # Only the graphs to write are brought to the store's canonical literal forms.
        canonical = group_by_graph(canonical_quads([q for g in stale for q in target[g]]))
        gone = sorted(present - set(wanted))
        report.unchanged = len(wanted) - len(stale)
        # Forget the hints of graphs about to change before touching them: a kill midway must
        # not leave a hint that claims a graph the store does not hold.
        previous = dict(self.digests)
        for g in [*stale, *gone]:
            self.digests.pop(g, None)
        self._save_digests()
        order = sorted(stale, key=lambda g: (g == last, g))
        for g in gone:
            if g == last:
                continue
            self.store.remove_graph(ox.NamedNode(g))
            report.removed.append(g)
            self._tick(g, on_graph)
        for g in order:
            snap = (wanted[g], previous.get(g)) if g == last else None
            self._write_graph(g, canonical[g], g in present, report, snap)
            self.digests[g] = wanted[g]
            self._tick(g, on_graph)
        if last in gone:
            self.store.remove_graph(ox.NamedNode(last))
            report.removed.append(last)
        self._save_digests()
        return report

    def present_keys(self, keys: dict[str, str]) -> set[str]:
        """The graphs of ``keys`` the store holds under that signature (no need to build)."""
        present = {g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode)}
        return {g for g, k in keys.items() if g in present and self.digests.get(g) == k}

    def _write_graph(
        self,
        g: str,
        quads: Sequence[ox.Quad],
        exists: bool,
        report: SyncReport,
        snapshot: tuple[str, str | None] | None = None,
    ) -> None:
        """Write one graph in one transaction; ``snapshot`` = (new digest, digest the graph was
        last written with) keeps a copy of the graph's lines in SNAPSHOT_NAME (see sync)."""
        try:
            new_text = ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES)
            if not exists:
                self.store.extend(quads)  # one transaction
                report.added.append(g)
                report.quads_added += len(quads)
            else:
                # Compare N-Triples lines: dumping a graph is twice as fast as iterating its
                # quads, and the lines are already the text an update needs. The snapshot of
                # the lines last written, when it is certainly current, saves the dump.
                old_text = self._read_snapshot(snapshot[1]) if snapshot else None
                if old_text is None:
                    old_text = self.store.dump(
                        format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(g)
                    )
                old, new = _lines(old_text), _lines(new_text)
                remove = old - new
                add = new - old
                if remove or add:
                    self.store.update(_update_text(g, remove, add))  # one transaction
                    report.replaced.append(g)
                    report.quads_added += len(add)
                    report.quads_removed += len(remove)
            if snapshot:
                header = f"{SNAPSHOT_MARK} {snapshot[0]}\n".encode("ascii")
                atomic_write(self.snapshot_path, header + (new_text or b""))
        except OSError as exc:
            raise StoreError(f"cannot write graph <{g}> to the store: {exc}") from exc

    def _read_snapshot(self, digest: str | None) -> bytes | None:
        """The lines of the snapshot if it was written with ``digest``, else None."""
        if not digest:
            return None
        try:
            data = self.snapshot_path.read_bytes()
        except OSError:
            return None
        header, _, body = data.partition(b"\n")
        return body if header.decode("ascii", "replace") == f"{SNAPSHOT_MARK} {digest}" else None

    def _tick(self, g: str, on_graph: Callable[[str], None] | None) -> None:
        self.written += 1
        if on_graph is not None:
            on_graph(g)
        if self.pause_after is not None and self.written == self.pause_after:
            self.store.flush()
            sys.stderr.write(f"{PAUSE_MARK} after {self.written} graphs\n")
            sys.stderr.flush()
            time.sleep(3600)
