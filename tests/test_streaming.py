"""The RDF exports are streamed one document's graph at a time (kg.graph.dataset_segments,
kg/export/rdf.py) and give the files one serialisation of the whole dataset gives; the
partitioned N-Quads (parts/) load into Oxigraph as the same dataset; a build holds each
analysis's values once (kg.pipeline.compact) and equal."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg.export.rdf as rdf
import kg.graph as graph
from kg.export import export_many
from kg.ingest import read_documents
from kg.model import Mention
from kg.nlp import shared_nlp
from kg.pipeline import analyse, compact, run_build
from kg.results import BuildResult
from kg.vocab import PREFIXES

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "trump-xi-call"
NEWS = ROOT / "tests" / "data" / "news-dev"


@pytest.fixture(scope="module")
def streamed(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuildResult, Path]:
    """news-dev built with runs of the metadata graph cut every 64 quads and parts of 2,000
    quads: every seam of the stream is crossed many times."""
    out = tmp_path_factory.mktemp("streamed")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(graph, "FLUSH_AT", 64)
        mp.setattr(rdf, "PART_QUADS", 2000)
        result = run_build([str(NEWS)], None, nlp=shared_nlp())
        export_many(["trig", "nq", "ttl", "parts", "facts"], result, out)
    return result, out


def test_streamed_files_equal_one_serialisation(streamed: tuple[BuildResult, Path]) -> None:
    result, out = streamed
    quads = result.quads  # the whole dataset in memory, as before streaming
    trig = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
    assert (out / "graph.trig").read_bytes() == trig
    assert (out / "graph.nq").read_bytes() == ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    assert result.triples == len(quads) > 5000


def test_turtle_is_the_union_with_each_triple_once(streamed: tuple[BuildResult, Path]) -> None:
    result, out = streamed
    parsed = [q.triple for q in ox.parse(path=str(out / "graph.ttl"), format=ox.RdfFormat.TURTLE)]
    counts = Counter(parsed)
    assert max(counts.values()) == 1  # no statement written twice (roles, posts, aliases)
    assert set(parsed) == {q.triple for q in result.quads}


def test_segments_hold_one_document_at_a_time(streamed: tuple[BuildResult, Path]) -> None:
    result, _ = streamed
    meta = graph.node(graph.meta_graph_iri())
    per_graph = Counter(q.graph_name for q in result.quads)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(graph, "FLUSH_AT", 64)
        assert result.make_segments is not None
        segments = list(result.make_segments())  # as a build streams them
    largest_meta = max(len(s.quads) for s in segments if s.graph == meta)
    assert largest_meta < 64 + 200  # a run is cut at the first seam after 64 quads
    for s in segments:
        if s.graph != meta:  # a document's graph: never more than itself
            assert len(s.quads) <= per_graph[s.graph]
    assert len(segments) > 2 * len(result.documents)


def test_parts_load_into_oxigraph_as_the_dataset(streamed: tuple[BuildResult, Path]) -> None:
    result, out = streamed
    manifest = json.loads((out / "parts" / rdf.MANIFEST).read_text("utf-8"))
    parts = manifest["parts"]
    assert len(parts) > 3 and manifest["quads"] == result.triples
    store = ox.Store()
    graphs_of_part = []
    for part in parts:
        path = out / "parts" / part["file"]
        data = path.read_bytes()
        assert hashlib.sha256(data).hexdigest() == part["sha256"]
        assert sum(1 for _ in data.splitlines()) == part["quads"] and len(data) == part["bytes"]
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
        graphs_of_part.append({q.graph_name for q in ox.parse(data, format=ox.RdfFormat.N_QUADS)})
    whole = ox.Store()
    whole.bulk_load(path=str(out / "graph.nq"), format=ox.RdfFormat.N_QUADS)
    assert set(store) == set(whole)
    meta = graph.node(graph.meta_graph_iri())
    for a, b in zip(graphs_of_part, graphs_of_part[1:], strict=False):  # cut between graphs
        assert (a & b) <= {meta}


def test_document_graphs_written_in_groups_are_the_dataset_s(
    streamed: tuple[BuildResult, Path]
) -> None:
    """What a Dask build's workers write into parts/ (kg.distributed.DaskReading.write_parts):
    news-dev's documents in groups (in file order, not by id) get their graphs from
    graph_inputs' slim facts and entities (only the group's evidence), and the metadata graph
    is written whole apart; together they are the dataset's quads, each once, each group's in
    the order the whole stream writes them."""
    result, _ = streamed
    full = result.quads
    meta = graph.node(graph.meta_graph_iri())
    by_doc, entity_docs = graph.group_by_document(result.documents, result.entities,
                                                  result.facts)
    build = graph.build_iri(result.documents, result.info)
    documents = sorted(result.documents, key=lambda d: d.path)
    groups = [documents[k : k + 5] for k in range(0, len(documents), 5)]
    written: list[ox.Quad] = []
    for group in groups:
        facts, entities = graph.graph_inputs([d.id for d in group], by_doc, entity_docs)
        shared = {f.id: f for f in result.facts}
        for doc_facts in facts.values():
            for fact, evs in doc_facts.values():  # only this group's evidence travels
                assert {e.doc for e in fact.evidence} <= {d.id for d in group}
                assert set(evs) <= set(shared[fact.id].evidence)
        quads = [q for s in graph.document_segments(group, entities, facts, build, result.info)
                 for q in s.quads]
        graphs = {graph.node(graph.doc_graph_iri(d.id)) for d in group}
        assert quads == [q for q in full if q.graph_name in graphs]
        written += quads
    segments = graph.dataset_segments(result.documents, result.entities, result.facts,
                                      result.info, only_docs=frozenset(), copies=result.copies)
    written += [q for s in segments for q in s.quads]
    assert all(q.graph_name == meta for q in written[-10:])
    assert len(written) == len(full) and set(written) == set(full)


def test_compact_analysis_is_equal_and_shares_values() -> None:
    documents = list(read_documents([str(SAMPLE)]))
    shared_any = False
    for analysis in analyse(documents, shared_nlp()):
        small = compact(analysis)
        assert small == analysis
        mine = {id(m) for m in small.mentions}
        for claim in small.claims:
            for value in claim.fields.values():
                for v in value if isinstance(value, (list, tuple)) else [value]:
                    if isinstance(v, Mention) and v in small.mentions:
                        assert id(v) in mine
                        shared_any = True
        by_sentence: dict[str, set[int]] = {}
        for claim in small.claims:
            ev = claim.evidence
            by_sentence.setdefault(ev.sentence, set()).add(id(ev.sentence))
        assert all(len(ids) == 1 for ids in by_sentence.values())
    assert shared_any


def test_a_dataset_in_memory_gives_the_streamed_union(streamed: tuple[BuildResult, Path]) -> None:
    """A result read back from quads (kg export --build) writes the graph.ttl a build wrote."""
    result, _ = streamed
    assert result.make_segments is not None
    streamed_union = [t for s in result.make_segments() for t in s.union]
    assert [t for s in graph.segments_of(result.quads) for t in s.union] == streamed_union


def test_a_store_exports_the_files_a_build_writes(
    streamed: tuple[BuildResult, Path], tmp_path: Path
) -> None:
    """kg export --store streams the dataset too (read_store's result), to the same bytes."""
    from kg.results import Settings
    from kg.store import build_store, read_store

    _, out = streamed
    build_store([str(NEWS)], tmp_path / "store", Settings(), nlp=shared_nlp())
    result = read_store(tmp_path / "store")
    assert result.make_segments is not None
    export_many(["trig", "nq", "ttl"], result, tmp_path / "files")
    for name in ("graph.trig", "graph.nq", "graph.ttl"):
        assert (tmp_path / "files" / name).read_bytes() == (out / name).read_bytes()
