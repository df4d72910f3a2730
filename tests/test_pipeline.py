"""The whole build on the sample corpus: gold offices, exact spans, determinism, agreement."""

from __future__ import annotations

import filecmp
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml

from kg.iri import doc_iri
from kg.nlp import shared_nlp
from kg.pipeline import run_build
from tests.conftest import ROOT, SAMPLE

GOLD = yaml.safe_load((SAMPLE / "gold.yaml").read_text("utf-8"))
COMMITTED = ROOT / "exports" / "trump-xi-call"
OA = "http://www.w3.org/ns/oa#"


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_every_gold_office_is_found(sample_build) -> None:
    _, out = sample_build
    offices = {
        (f["holder"]["label"], f["title"], (f["organization"] or {}).get("label"))
        for f in _records(out / "facts.jsonl")
        if f["kind"] == "office" and f["status"] == "current"
    }
    for person in GOLD["people"]:
        for office in person.get("offices", []):
            title = office["title"]
            assert (person["name"], title, office["of"]) in offices, (person["name"], title)


def test_former_president_claim_is_a_conflict(sample_build) -> None:
    _, out = sample_build
    facts = {f["id"]: f for f in _records(out / "facts.jsonl")}
    former = [f for f in facts.values() if f["kind"] == "office" and f["status"] == "former"]
    assert len(former) == 1
    (other,) = former[0]["conflicts_with"]
    assert facts[other]["status"] == "current"
    assert facts[other]["holder"] == former[0]["holder"]
    assert former[0]["support"] == 1 and facts[other]["support"] == 4


def test_every_gold_person_is_one_entity(sample_build) -> None:
    _, out = sample_build
    people = [e for e in _records(out / "entities.jsonl") if e["type"] == "Person"]
    for person in GOLD["people"]:
        matches = [e for e in people if e["label"] == person["name"]]
        assert len(matches) == 1, person["name"]


def test_every_span_is_exact(sample_build) -> None:
    _, out = sample_build
    texts = {p.stem: p.read_text("utf-8") for p in SAMPLE.glob("*.txt")}
    for fact in _records(out / "facts.jsonl"):
        assert fact["support"] == len({s["doc"] for s in fact["sources"]})
        for s in fact["sources"]:
            text = texts[s["doc"]]
            assert text[s["start"] : s["end"]] == s["quote"]
            assert s["sentence"] in text and s["quote"] in s["sentence"]
            assert 0 < s["confidence"] <= 1


def test_facts_table_and_rdf_agree(sample_build) -> None:
    _, out = sample_build
    store = ox.Store()
    store.bulk_load(path=str(out / "graph.nq"), format=ox.RdfFormat.N_QUADS)
    rows = store.query(
        f"""SELECT ?fact ?doc ?start ?end ?exact WHERE {{ GRAPH ?g {{
              ?ann <{OA}hasBody> ?fact ; <{OA}hasTarget> ?t .
              ?t <{OA}hasSource> ?doc ; <{OA}hasSelector> ?p, ?q .
              ?p <{OA}start> ?start ; <{OA}end> ?end . ?q <{OA}exact> ?exact . }} }}"""
    )
    rdf = {
        (
            r["fact"].value,
            r["doc"].value,
            int(r["start"].value),
            int(r["end"].value),
            r["exact"].value,
        )
        for r in rows
    }
    table = {
        (f["id"], doc_iri(s["doc"]), s["start"], s["end"], s["quote"])
        for f in _records(out / "facts.jsonl")
        for s in f["sources"]
    }
    assert rdf == table


def test_build_is_byte_identical_to_committed_exports(sample_build) -> None:
    _, out = sample_build
    names = sorted(p.name for p in COMMITTED.iterdir())
    assert names == sorted(p.name for p in out.iterdir())
    match, mismatch, errors = filecmp.cmpfiles(COMMITTED, out, names, shallow=False)
    assert mismatch == [] and errors == [], (
        "exports/trump-xi-call is stale: rerun"
        " `kg build examples/trump-xi-call --out exports/trump-xi-call` and commit"
    )


def test_bad_inputs_build_to_completion(tmp_path: Path) -> None:
    warnings = []
    result = run_build(
        [str(ROOT / "tests" / "data" / "bad_inputs")],
        tmp_path,
        nlp=shared_nlp(),
        on_warning=warnings.append,
    )
    flagged = sorted(Path(w.path).name for w in warnings)
    assert flagged == ["binary.txt", "empty.txt", "latin1.txt"]
    assert result.skipped == 2  # the empty file is read (and yields no facts)
    assert (tmp_path / "graph.trig").is_file() and (tmp_path / "facts.jsonl").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("query", ["SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"])
def test_union_turtle_parses(sample_build, query: str) -> None:
    _, out = sample_build
    store = ox.Store()
    store.bulk_load(path=str(out / "graph.ttl"), format=ox.RdfFormat.TURTLE)
    (row,) = list(store.query(query))
    assert int(row["n"].value) > 1000


def test_jobs_gives_the_same_graph(tmp_path: Path) -> None:
    """spaCy's multiprocessing (--jobs) changes speed, never the output."""
    from kg.pipeline import Settings

    docs = [str(SAMPLE / "001_670775099acaafae.txt"), str(SAMPLE / "002_237a4dc78d8b169e.txt")]
    one = run_build(docs, tmp_path / "one", Settings(jobs=1, batch_size=1))
    two = run_build(docs, tmp_path / "two", Settings(jobs=2, batch_size=1))
    assert len(two.documents) == 2
    for name in ("graph.nq", "facts.jsonl", "entities.jsonl"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    assert one.facts_by_kind() == two.facts_by_kind()


def test_analysis_leaves_no_reference_cycle_through_the_spacy_doc() -> None:
    """The extraction context keeps its indexes (spans of the Doc) outside the Doc, so each Doc
    is freed by reference counting as soon as its document is analysed, not by the collector."""
    import gc
    import weakref

    from kg.ingest import read_documents
    from kg.pipeline import analyse

    nlp = shared_nlp()
    refs = []

    class Recording:
        def pipe(self, *args, **kwargs):
            for sdoc, context in nlp.pipe(*args, **kwargs):
                refs.append(weakref.ref(sdoc))
                yield sdoc, context

    gc.collect()
    gc.disable()
    try:
        analyses = []
        for analysis in analyse(read_documents([str(SAMPLE)]), Recording()):  # type: ignore[arg-type]
            analyses.append(analysis)
        alive = [r for r in refs if r() is not None]
    finally:
        gc.enable()
    assert sum(len(a.claims) for a in analyses) > 20  # the extractors ran (and used the indexes)
    assert len(refs) == 5 and alive == []
