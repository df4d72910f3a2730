"""JSON-LD, GraphML, GEXF and Neo4j exports, and ``kg export`` from a store."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.export import export, exporters
from kg.export.jsonld import context
from kg.export.property_graph import property_graph
from kg.export.records import fact_record
from kg.kinds import kind
from kg.nlp import shared_nlp
from kg.pipeline import Settings
from kg.resources import data_path
from kg.store import build_store
from tests.conftest import SAMPLE


def test_new_formats_are_registered_and_not_in_the_default_build() -> None:
    from kg.export import DEFAULT_EXPORTS

    names = exporters()
    assert {"jsonld", "graphml", "gexf", "neo4j"} <= set(names)
    assert not {"jsonld", "graphml", "gexf", "neo4j"} & set(DEFAULT_EXPORTS)


def test_jsonld_round_trips_to_the_same_dataset(sample_build: tuple, tmp_path: Path) -> None:
    result, _ = sample_build
    path = export("jsonld", result, tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["@context"] == json.loads(data_path("context.jsonld").read_text())["@context"]
    assert data["@context"] == context()
    graphs = {g["id"] for g in data["@graph"]}
    assert graphs == {str(q.graph_name.value) for q in result.quads}
    back = set(ox.parse(path.read_bytes(), format=ox.RdfFormat.JSON_LD))
    assert back == set(result.quads)
    again = export("jsonld", result, tmp_path / "again")
    assert again.read_bytes() == path.read_bytes()  # sorted: a rebuild writes the same bytes


def test_property_graph_has_typed_nodes_and_role_edges(sample_build: tuple) -> None:
    result, _ = sample_build
    pg = property_graph(result)
    for fact in result.facts:
        node = pg.nodes[fact.id]
        assert node["support"] == fact.support and node["kind"] == fact.kind
        record = fact_record(fact)
        roles = {r for s, _, r, _ in pg.edges if s == fact.id}
        for name, value in record.items():
            refs = value if isinstance(value, list) else [value]
            if any(isinstance(r, dict) and "id" in r for r in refs) and name != "sources":
                assert kind(fact.kind).field(name).role in roles
        docs = {t for s, t, r, _ in pg.edges if s == fact.id and r == "stated_in"}
        assert docs == {f"doc:{e.doc}" for e in fact.evidence}
    for entity in result.entities.values():
        assert pg.nodes[entity.id]["type"] == entity.type
    assert all(t in pg.nodes for _, t, _, _ in pg.edges)
    assert "participant" in {r for _, _, r, _ in pg.edges}  # a list field's role is singular
    holders = [(s, t) for s, t, r, _ in pg.edges if r == "holder"]
    assert holders and all(pg.nodes[t]["type"] == "Person" for _, t in holders)


@pytest.mark.parametrize(("fmt", "read"), [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_graphml_and_gexf_read_back_with_networkx(
    sample_build: tuple, tmp_path: Path, fmt: str, read: object
) -> None:
    result, _ = sample_build
    pg = property_graph(result)
    graph = read(export(fmt, result, tmp_path))  # type: ignore[operator]
    assert set(graph.nodes) == set(pg.nodes)
    assert graph.number_of_edges() == len(pg.edges)
    fact = result.facts[0]
    assert graph.nodes[fact.id]["label"] == pg.nodes[fact.id]["label"]
    assert int(graph.nodes[fact.id]["support"]) == fact.support
    labels = {d.get("label") for _, _, d in graph.edges(data=True)}
    assert {"holder", "stated_in"} <= labels


def test_neo4j_csv_headers_types_and_references(sample_build: tuple, tmp_path: Path) -> None:
    result, _ = sample_build
    folder = export("neo4j", result, tmp_path)
    tables = {}
    for name in ("entities.csv", "facts.csv", "documents.csv", "relationships.csv"):
        with (folder / name).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        tables[name] = (rows[0], rows[1:])
    ids = set()
    for name in ("entities.csv", "facts.csv", "documents.csv"):
        header, rows = tables[name]
        assert header[0] == "id:ID" and header[-1] == ":LABEL"
        ids |= {r[0] for r in rows}
        assert all(r[-1].startswith("KgNode;") for r in rows)
    header, rows = tables["facts.csv"]
    support = header.index("support:int")
    assert sorted(int(r[support]) for r in rows) == sorted(f.support for f in result.facts)
    assert "aliases:string[]" in tables["entities.csv"][0]
    header, rels = tables["relationships.csv"]
    assert header[:3] == [":START_ID", ":END_ID", ":TYPE"]
    assert rels and all(r[0] in ids and r[1] in ids for r in rels)
    cypher = (folder / "import.cypher").read_text(encoding="utf-8")
    for name in ("entities.csv", "facts.csv", "documents.csv", "relationships.csv"):
        assert f"file:///{name}" in cypher
    assert "toInteger(row.`support:int`)" in cypher
    assert "neo4j-admin database import" in (folder / "import.sh").read_text()


def test_kg_export_from_a_store(tmp_path: Path, sample_build: tuple) -> None:
    result, out = sample_build
    store = tmp_path / "s"
    build_store([str(SAMPLE)], store, Settings(), nlp=shared_nlp())
    runner = CliRunner()
    target = tmp_path / "exports" / "data.trig"
    res = runner.invoke(
        app, ["export", "--format", "trig", "--store", str(store), "--out", str(target)]
    )
    assert res.exit_code == 0, res.output
    assert set(ox.parse(target.read_bytes(), format=ox.RdfFormat.TRIG)) == set(result.quads)
    folder = tmp_path / "folder"
    folder.mkdir()
    res = runner.invoke(
        app, ["export", "--format", "facts", "--store", str(store), "--out", str(folder)]
    )
    assert res.exit_code == 0, res.output
    assert (folder / "facts.jsonl").read_bytes() == (out / "facts.jsonl").read_bytes()
    res = runner.invoke(
        app, ["export", "--format", "neo4j", "--store", str(store), "--out", str(tmp_path / "n")]
    )
    assert res.exit_code == 0 and (tmp_path / "n" / "relationships.csv").is_file()
    res = runner.invoke(
        app, ["export", "--format", "pdf", "--store", str(store), "--out", str(folder)]
    )
    assert res.exit_code == 2 and "graphml" in res.output
    res = runner.invoke(
        app, ["export", "--format", "ttl", "--store", str(tmp_path / "nope"), "--out", str(folder)]
    )
    assert res.exit_code == 1 and "is not a kg store" in res.output


def _stated_in(rows: list[dict], fact_id: str) -> list[tuple]:
    return sorted(
        (r["doc"], int(r["start"]), int(r["end"]), r["quote"], r["sentence"])
        for r in rows
        if r["source"] == fact_id and r["role"] == "stated_in"
    )


def test_the_evidence_of_a_known_fact_is_in_the_neo4j_csv_and_graphml(
    sample_build: tuple, tmp_path: Path
) -> None:
    """Scott Bessent's office: its three mentions, with quote and offsets, on the STATED_IN
    relationships of the Neo4j CSV and the stated_in edges of GraphML, as in facts.jsonl and
    the articles."""
    result, out = sample_build
    facts = [json.loads(line) for line in (out / "facts.jsonl").read_text("utf-8").splitlines()]
    (fact,) = [
        f
        for f in facts
        if f["kind"] == "office"
        and f["holder"]["label"] == "Scott Bessent"
        and f["title"] == "Secretary of the Treasury"
    ]
    expected = {
        ("000_e11ff9137715a641", "Secretary of the Treasury Scott Bessent"),
        ("002_237a4dc78d8b169e", "Treasury Secretary Scott Bessent"),
        ("003_b65cb57c138162f8", "Treasury Secretary Scott Bessent"),
    }
    table = sorted(
        (s["doc"], s["start"], s["end"], s["quote"], s["sentence"]) for s in fact["sources"]
    )
    assert {(doc, quote) for doc, _, _, quote, _ in table} == expected
    for doc, start, end, quote, sentence in table:
        text = (SAMPLE / f"{doc}.txt").read_text(encoding="utf-8")
        assert text[start:end] == quote and quote in sentence and sentence in text

    folder = export("neo4j", result, tmp_path)
    with (folder / "relationships.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = [dict(zip(header, r, strict=True)) for r in reader]
    assert header[:4] == [":START_ID", ":END_ID", ":TYPE", "role"]
    for column in ("start:int", "end:int", "quote", "sentence", "extractor", "confidence:float"):
        assert column in header
    for row in rows:
        row.update(source=row[":START_ID"], start=row["start:int"], end=row["end:int"])
    neo4j = _stated_in(rows, fact["id"])
    assert neo4j == table
    stated = [r for r in rows if r["source"] == fact["id"] and r[":TYPE"] == "STATED_IN"]
    assert {r[":END_ID"] for r in stated} == {f"doc:{d}" for d, *_ in table}
    assert all(r["extractor"].startswith("kg.offices.") and r["rule"] for r in stated)
    assert "--multiline-fields=true" in (folder / "import.sh").read_text(encoding="utf-8")

    graph = nx.read_graphml(export("graphml", result, tmp_path))
    edges = [
        dict(d, source=s, doc=d.get("doc", ""))
        for s, _, d in graph.edges(data=True)
        if d.get("role") == "stated_in"
    ]
    assert _stated_in(edges, fact["id"]) == table


def test_a_line_break_in_a_label_survives_the_neo4j_csv() -> None:
    """A label or alias with a line break is written as it is, inside a quoted field, which
    neo4j-admin reads with --multiline-fields=true (import.sh passes it) and LOAD CSV reads
    as is."""
    import io

    from kg.export.property_graph import IMPORT_SH, PropertyGraph, _csv_bytes, neo4j_tables

    pg = PropertyGraph()
    pg.nodes["urn:p"] = {
        "label": "Donald\nTrump",
        "type": "Person",
        "kind": "entity",
        "aliases": ["Donald\nTrump", "Trump"],
    }
    header, rows = neo4j_tables(pg)["entities.csv"]
    back = list(csv.reader(io.StringIO(_csv_bytes(header, rows).decode("utf-8"), newline="")))
    assert back[1][1] == "Donald\nTrump" and back[1][header.index("aliases:string[]")] == (
        "Donald\nTrump;Trump"
    )
    assert "--multiline-fields=true" in IMPORT_SH


def test_every_exporter_is_byte_identical_across_builds_and_days(
    sample_build: tuple, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every registered format, written by a second build of the sample on another 'day', has
    the bytes the session's build writes; GEXF holds no date and no networkx_key."""
    import time

    from kg.pipeline import run_build

    result, _ = sample_build
    names = tuple(exporters())
    assert {"graphml", "gexf", "neo4j", "jsonld", "trig", "html"} <= set(names)
    first = tmp_path / "first"
    for name in names:
        export(name, result, first)
    today = time.strftime("%Y-%m-%d")
    monkeypatch.setattr(time, "strftime", lambda *_a, **_k: "1999-12-31")
    second = tmp_path / "second"
    run_build([str(SAMPLE)], second, Settings(exports=names), nlp=shared_nlp())

    def files(folder: Path) -> dict[str, bytes]:
        found = (p for p in folder.rglob("*") if p.is_file() and p.name != ".kg-output")
        return {str(p.relative_to(folder)): p.read_bytes() for p in found}

    a, b = files(first), files(second)
    assert sorted(a) == sorted(b) and len(a) >= len(names)
    assert [n for n in a if a[n] != b[n]] == []
    gexf = a["graph.gexf"].decode("utf-8")
    assert "networkx_key" not in gexf and "lastmodifieddate" not in gexf and today not in gexf
