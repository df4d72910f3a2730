"""What a build takes and gives: its settings, one document's analysis, the finished build.

Plain data, shared by the orchestrator (kg/pipeline.py), the store (kg/store/), the exporters
(kg/export/) and the commands (kg/commands/); importing them loads neither spaCy nor the
pipeline.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.export import DEFAULT_EXPORTS
from kg.limits import Limits
from kg.model import Claim, Document, Entity, Fact, Mention
from kg.resolve.copies import DEFAULT_THRESHOLD, Copies
from kg.vocab import DEFAULT_BASE

if TYPE_CHECKING:
    import pyoxigraph as ox

    from kg.distributed import DaskSettings
    from kg.graph import BuildInfo, Segment
    from kg.ingest import InputWarning
    from kg.resolve.overrides import Overrides

__all__ = ["Analysis", "BuildResult", "Settings"]


@dataclass(frozen=True)
class Settings:
    """Options of a build (the CLI's flags)."""

    model: str | None = None
    strict: bool = False
    jobs: int = 1
    batch_size: int = 16
    base: str = DEFAULT_BASE
    stamp_time: bool = False  # record the wall-clock time (builds then differ byte-wise)
    exports: tuple[str, ...] = DEFAULT_EXPORTS
    extractors: tuple[str, ...] | None = None  # None: every registered extractor
    limits: Limits = Limits()  # bounds on one input (kg/limits.py, the README's Limits table)
    # shingle similarity from which two documents are copies (kg/resolve/copies.py)
    copy_threshold: float = DEFAULT_THRESHOLD
    # the user's entity overrides (kg build --entities; kg/resolve/overrides.py)
    overrides: Overrides | None = None
    engine: str = "local"  # where documents are analysed: "local" or "dask" (kg/distributed.py)
    dask: DaskSettings | None = None  # the cluster, with engine "dask"
    # how HTML pages are read: "auto" (trafilatura when installed), "stdlib", "trafilatura"
    html_reader: str = "auto"


@dataclass(frozen=True)
class Analysis:
    """What extraction found in one document."""

    document: Document
    mentions: list[Mention]
    claims: list[Claim]


@dataclass
class BuildResult:
    """A finished build, before or after export.

    The RDF dataset comes from ``make_segments`` (a stream, kg.graph.dataset_segments), which
    the file exports read one document's graph at a time, or from ``make_quads`` (a result
    that holds its quads already: a store build that built every graph, a build folder read
    back). ``quads``, the dataset as one list, is made on first use from whichever is given.
    """

    documents: list[Document]
    entities: dict[str, Entity]
    facts: list[Fact]
    make_quads: Callable[[], list[ox.Quad]] | None
    info: BuildInfo
    warnings: list[InputWarning] = field(default_factory=list)
    seconds: float = 0.0
    outputs: list[Path] = field(default_factory=list)
    title: str = "Knowledge graph"  # the corpus's name, for the viewer's header
    copies: Copies = field(default_factory=Copies)  # copies among the documents
    # the dataset as a stream of segments (kg.graph.dataset_segments), for exports of any size
    make_segments: Callable[[], Iterable[Segment]] | None = None
    # parts/ written elsewhere (the document graphs by the Dask workers that hold them,
    # kg.export.rdf.write_partitioned): writes the folder at the path, returns its quads
    make_parts: Callable[[Path], int] | None = None
    _quads: list[ox.Quad] | None = field(default=None, init=False, repr=False, compare=False)
    _count: int | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def quads(self) -> list[ox.Quad]:
        """Every quad of the dataset (built on first use)."""
        if self._quads is None:
            if self.make_quads is not None:
                self._quads = self.make_quads()
            else:
                from kg.gcpause import gc_paused

                with gc_paused():  # millions of acyclic terms: see kg/gcpause.py
                    self._quads = [q for s in self.segments() for q in s.quads]
        return self._quads

    def segments(self) -> Iterator[Segment]:
        """The dataset one graph's run at a time (kg.graph.Segment), streamed when the build
        can (``make_segments``), else cut from ``quads``."""
        if self._quads is None and self.make_segments is not None:
            return iter(self.make_segments())
        if self._quads is None and self.make_quads is None:
            return iter(())
        from kg.graph import segments_of

        return segments_of(self.quads)

    @property
    def triples(self) -> int:
        """The number of quads of the dataset (counted while the RDF exports stream, else by
        a pass over the dataset)."""
        if self._count is None:
            if self._quads is not None:
                self._count = len(self._quads)
            else:
                self._count = sum(len(s.quads) for s in self.segments())
        return self._count

    def counted(self, quads: int) -> None:
        """Record the number of quads an export counted."""
        self._count = quads

    @property
    def skipped(self) -> int:
        return sum(1 for w in self.warnings if w.skipped)

    def facts_by_kind(self) -> dict[str, int]:
        return dict(sorted(Counter(f.kind for f in self.facts).items()))

    def summary(self) -> dict[str, Any]:
        """Corpus summary for the viewer and the CLI (no wall-clock value unless stamped)."""
        out: dict[str, Any] = {
            "title": self.title,
            "documents": len(self.documents),
            "entities": len(self.entities),
            "facts": len(self.facts),
            "facts_by_kind": self.facts_by_kind(),
            "triples": self.triples,
            "model": f"{self.info.model} {self.info.model_version}",
            "docs": {d.id: self._doc_summary(d) for d in self.documents},
        }
        if self.info.started:
            out["built"] = self.info.started
        return out

    def export(self, path: str | os.PathLike[str], format: str | None = None) -> Path:
        """Write one export to ``path`` (format from the file name, ``graph.graphml``,
        ``facts.jsonl``, ``x.ttl``, unless given; an existing folder gets the format's usual
        file name); returns the path written (kg.export.formats.export_file)."""
        from kg.export.formats import export_file

        return export_file(self, path, format)

    def query(self, sparql: str, *, union: bool = True) -> list[dict[str, str | None]]:
        """Run SPARQL over the build's quads in memory (the default graph is the union of
        every graph); plain rows as ``kg.Store.query`` gives them."""
        import pyoxigraph as ox

        from kg.api import rows
        from kg.store.query import run_query

        store = ox.Store()
        store.extend(self.quads)
        return rows(run_query(store, sparql, union=union))

    def _doc_summary(self, d: Document) -> dict[str, Any]:
        out = {"title": d.title, "url": d.url, "author": d.author, "published": d.published}
        copy = self.copies.records.get(d.id)
        if copy is not None:  # the original it copies: one independent source with it
            out["copy_of"] = copy.original
        return out
