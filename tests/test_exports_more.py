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
        roles = {r for s, _, r in pg.edges if s == fact.id}
        for name, value in record.items():
            refs = value if isinstance(value, list) else [value]
            if any(isinstance(r, dict) and "id" in r for r in refs) and name != "sources":
                assert kind(fact.kind).field(name).role in roles
        docs = {t for s, t, r in pg.edges if s == fact.id and r == "stated_in"}
        assert docs == {f"doc:{e.doc}" for e in fact.evidence}
    for entity in result.entities.values():
        assert pg.nodes[entity.id]["type"] == entity.type
    assert all(t in pg.nodes for _, t, _ in pg.edges)
    assert "participant" in {r for _, _, r in pg.edges}  # a list field's role is singular
    holders = [(s, t) for s, t, r in pg.edges if r == "holder"]
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
