"""Independent support: a group of copies counts once towards a fact's ``support``; ``mentions``
counts documents. Built from ten byte-identical copies of a real article of the sample corpus,
one copy with another header line, and a different report of the same phone call.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import PROV

from kg.explain import explain, format_explanation
from kg.export.property_graph import property_graph
from kg.iri import doc_iri
from kg.nlp import shared_nlp
from kg.pipeline import run_build
from kg.resolve.copies import NEAR_DUPLICATE, SAME_TEXT
from kg.results import Settings
from kg.store import build_store, open_rdf, remove_documents, store_quads
from kg.store.writer import canonical_quads
from tests.conftest import ROOT
from tests.test_copies import ARTICLE, HEADER, OTHER

KGNS = Namespace("https://w3id.org/kg-news/ontology#")
DATA_BLOCK = re.compile(r'<script type="application/json" id="kg-data">(.*?)</script>', re.S)


def write_corpus(folder: Path) -> Path:
    """Ten byte-identical copies of one article, one with another header, a different article."""
    folder.mkdir()
    data = ARTICLE.read_bytes()
    for i in range(10):
        (folder / f"call-{i:02d}.txt").write_bytes(data)
    (folder / "call-headed.txt").write_bytes(HEADER.encode() + data)
    (folder / "other.txt").write_bytes(OTHER.read_bytes())
    return folder


GROUP = {f"call-{i:02d}" for i in range(10)} | {"call-headed"}


@pytest.fixture(scope="module")
def copied(tmp_path_factory: pytest.TempPathFactory):
    corpus = write_corpus(tmp_path_factory.mktemp("copies") / "in")
    out = tmp_path_factory.mktemp("copies-build")
    result = run_build([str(corpus)], out, nlp=shared_nlp())
    facts = [json.loads(line) for line in (out / "facts.jsonl").read_text("utf-8").splitlines()]
    return corpus, out, result, facts


def docs_of(fact: dict) -> set[str]:
    return {s["doc"] for s in fact["sources"]}


def test_copies_count_once_towards_support(copied) -> None:
    _corpus, _out, result, facts = copied
    assert sorted(result.copies.records) == sorted(GROUP - {"call-00"})
    for fact in facts:
        docs = docs_of(fact)
        assert fact["mentions"] == len(docs)
        assert fact["support"] == len({"call" if d in GROUP else d for d in docs})
    only_copies = [f for f in facts if docs_of(f) == GROUP]
    assert len(only_copies) >= 10
    assert {(f["support"], f["mentions"]) for f in only_copies} == {(1, 11)}
    # each copy keeps its own evidence, at its own offsets (the header shifts the headed copy's)
    shift = len(HEADER)
    for fact in only_copies:
        spans = {(s["doc"], s["start"], s["end"], s["quote"]) for s in fact["sources"]}
        for _doc, start, end, quote in {s for s in spans if s[0] == "call-00"}:
            for other in GROUP - {"call-00", "call-headed"}:
                assert (other, start, end, quote) in spans
            assert ("call-headed", start + shift, end + shift, quote) in spans
    # two different articles state the phone call: support 2
    call = next(f for f in facts if f["kind"] == "event" and f["event_type"] == "phone_call")
    assert docs_of(call) == GROUP | {"other"}
    assert (call["support"], call["mentions"]) == (2, 12)


def test_the_graph_records_copies_and_both_counts(copied) -> None:
    _corpus, out, _result, facts = copied
    graph = Graph().parse(out / "graph.ttl")
    original = URIRef(doc_iri("call-00"))
    copies = set(graph.subjects(KGNS.copyOf, original))
    assert copies == {URIRef(doc_iri(d)) for d in GROUP - {"call-00"}}
    assert set(graph.subjects(PROV.alternateOf, original)) == copies
    headed = URIRef(doc_iri("call-headed"))
    assert str(graph.value(headed, KGNS.copyMethod)) == NEAR_DUPLICATE
    assert graph.value(headed, KGNS.copySimilarity).toPython() == Decimal("0.970")
    assert str(graph.value(URIRef(doc_iri("call-03")), KGNS.copyMethod)) == SAME_TEXT
    assert graph.value(URIRef(doc_iri("other")), KGNS.copyOf) is None
    for fact in facts:
        node = URIRef(fact["id"])
        assert graph.value(node, KGNS.support).toPython() == fact["support"]
        assert graph.value(node, KGNS.mentions).toPython() == fact["mentions"]


def test_explain_the_viewer_and_property_graphs_show_support_and_mentions(copied) -> None:
    _corpus, out, result, facts = copied
    (xi,) = [e for e in explain(out, "Xi Jinping") if e.entity["type"] == "Person"]
    text = format_explanation(xi)
    assert "[event] event_type=phone_call" in text
    assert "support 2, mentions 12" in text
    page = (out / "graph.html").read_text("utf-8")
    (block,) = DATA_BLOCK.findall(page)
    data = json.loads(block)
    docs = {d["id"]: d for d in data["docs"]}
    assert docs["call-05"]["copy_of"] == "call-00" and "copy_of" not in docs["other"]
    shown = {f["id"]: (f["support"], f["mentions"]) for f in data["facts"]}
    assert shown == {f["id"]: (f["support"], f["mentions"]) for f in facts}
    nodes = {n["label"]: n for n in data["nodes"]}
    assert nodes["Xi Jinping"]["support"] == 2  # twelve documents, two sources
    pg = property_graph(result)
    assert sum(1 for e in pg.edges if e[2] == "copy_of") == 10
    call = next(f for f in facts if f["kind"] == "event" and f["event_type"] == "phone_call")
    assert (pg.nodes[call["id"]]["support"], pg.nodes[call["id"]]["mentions"]) == (2, 12)


def test_a_build_with_copies_conforms_to_the_shapes(tmp_path: Path) -> None:
    from pyshacl import validate

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_bytes(ARTICLE.read_bytes())
    (folder / "b.txt").write_bytes(HEADER.encode() + ARTICLE.read_bytes())
    run_build([str(folder)], tmp_path / "out", nlp=shared_nlp())
    data = Graph().parse(tmp_path / "out" / "graph.ttl")
    assert (URIRef(doc_iri("b")), KGNS.copyOf, URIRef(doc_iri("a"))) in data
    shapes = Graph().parse(ROOT / "ontology" / "shapes.ttl")
    conforms, _report, text = validate(data, shacl_graph=shapes, inference="none")
    assert conforms, text


def test_outputs_do_not_depend_on_the_order_of_inputs(copied, tmp_path: Path) -> None:
    corpus, out, _result, _facts = copied
    files = sorted(corpus.iterdir(), reverse=True)
    again = tmp_path / "again"
    run_build([str(f) for f in files], again, nlp=shared_nlp())
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    for name in names:
        if name != "graph.html":
            assert (out / name).read_bytes() == (again / name).read_bytes(), name
    # the viewer's header names the inputs given: the folder, or the first file and the count
    page = (again / "graph.html").read_text("utf-8")
    assert page.count("other.txt and 11 more") == 1
    assert page.replace("other.txt and 11 more", "in") == (out / "graph.html").read_text("utf-8")


def test_the_store_counts_copies_as_a_clean_build_does(copied, tmp_path: Path) -> None:
    corpus, _out, _result, _facts = copied
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    for path in sorted(corpus.iterdir()):
        target = first if path.stem in {"call-03", "call-07", "call-headed"} else second
        (target / path.name).write_bytes(path.read_bytes())
    store = tmp_path / "store"

    def dump() -> list[str]:
        with open_rdf(store) as rdf:
            return sorted(str(q) for q in store_quads(rdf))

    def clean(*folders: Path) -> list[str]:
        quads = run_build([str(f) for f in folders], None, nlp=shared_nlp()).quads
        return sorted({str(q) for q in canonical_quads(quads)})

    build_store([str(first)], store, Settings(), nlp=shared_nlp())
    assert dump() == clean(first)
    done = build_store([str(second)], store, Settings(), nlp=shared_nlp())
    assert done.result.copies.source("call-headed") == "call-00"
    assert dump() == clean(first, second)
    # the original leaves: the next copy becomes the group's original
    removed = remove_documents(store, ["call-00"], Settings())
    assert removed.result.copies.source("call-headed") == "call-01"
    (second / "call-00.txt").unlink()
    assert dump() == clean(first, second)


def test_the_copy_threshold_on_the_command_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kg.cli import app
    from kg.commands.common import ExitCode

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_bytes(ARTICLE.read_bytes())
    (folder / "b.txt").write_bytes(HEADER.encode() + ARTICLE.read_bytes())
    runner = CliRunner()
    args = ["build", str(folder), "--copy-threshold", "0", "-o", str(tmp_path)]
    bad = runner.invoke(app, args, env={"COLUMNS": "300"})
    assert bad.exit_code == ExitCode.USAGE
    assert "--copy-threshold" in bad.output
    assert "copy threshold 0.0 is not a similarity in (0, 1]" in bad.output
    out = tmp_path / "out"
    done = runner.invoke(app, ["build", str(folder), "--copy-threshold", "1", "-q", "-o", str(out)])
    assert done.exit_code == 0, done.output
    facts = [json.loads(line) for line in (out / "facts.jsonl").read_text("utf-8").splitlines()]
    assert facts and all(f["support"] == f["mentions"] for f in facts)  # not the same text
    assert "copyOf" not in (out / "graph.ttl").read_text("utf-8")


def test_a_store_keeps_the_copy_threshold_it_was_built_with(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_bytes(ARTICLE.read_bytes())
    (folder / "b.txt").write_bytes(HEADER.encode() + ARTICLE.read_bytes())
    (folder / "c.txt").write_bytes(OTHER.read_bytes())
    store = tmp_path / "store"
    strict = Settings(copy_threshold=1)
    done = build_store([str(folder)], store, strict, nlp=shared_nlp())
    assert done.result.copies.records == {}
    removed = remove_documents(store, ["c"], Settings())  # the default would find b a copy
    assert removed.result.copies.records == {}
    again = build_store([str(folder)], store, Settings(), nlp=shared_nlp())
    assert again.result.copies.source("b") == "a"
