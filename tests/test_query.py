"""kg query: SPARQL against the store or an exported file, bound parameters, output formats."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.nlp import shared_nlp
from kg.pipeline import Settings
from kg.store import build_store, open_rdf
from kg.store.query import (
    QueryError,
    format_results,
    load_data,
    parse_bindings,
    parse_term,
    run_query,
)
from tests.conftest import SAMPLE

OFFICES = """
PREFIX kg: <https://w3id.org/kg-news/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?name ?title WHERE {
  ?fact a kg:OfficeHolding ; org:member ?person ; kg:title ?title .
  ?person rdfs:label ?name .
} ORDER BY ?name ?title
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("query") / "store"
    build_store([str(SAMPLE)], folder, Settings(), nlp=shared_nlp())
    return folder


@pytest.fixture(scope="module")
def offices(store: Path) -> list[tuple[str, str]]:
    with open_rdf(store) as rdf:
        rows = [(s["name"].value, s["title"].value) for s in run_query(rdf, OFFICES)]
    assert rows, "the sample corpus states offices"
    return rows


def test_union_default_graph_sees_every_document_graph(store: Path, offices: list) -> None:
    with open_rdf(store) as rdf:
        assert list(run_query(rdf, OFFICES, union=False)) == []  # facts live in named graphs
        n = next(iter(run_query(rdf, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"]
        graphs = {q.graph_name for q in rdf.quads_for_pattern(None, None, None, None)}
    assert int(n.value) > 0 and len(graphs) == 6  # five documents and the metadata graph


def test_bound_values_select_rows_without_entering_the_query(store: Path, offices: list) -> None:
    name, title = offices[0]
    with open_rdf(store) as rdf:
        rows = list(run_query(rdf, OFFICES, parse_bindings([f"title={title}"])))
        assert {r["name"].value for r in rows} == {n for n, t in offices if t == title}
        # a hostile value is just a literal that matches nothing
        evil = parse_bindings(['title=x" } } ; DROP ALL ; SELECT * { ?s ?p "'])
        assert list(run_query(rdf, OFFICES, evil)) == []
        with pytest.raises(QueryError, match="must be selected"):
            run_query(rdf, OFFICES.replace("?name ?title WHERE", "?name WHERE"), evil)


def test_query_on_an_exported_file_matches_the_store(
    store: Path, offices: list, sample_build: tuple
) -> None:
    _, out = sample_build
    for name in ("graph.trig", "graph.nq", "graph.ttl"):
        rdf = load_data(out / name)
        rows = [(s["name"].value, s["title"].value) for s in run_query(rdf, OFFICES)]
        assert rows == offices, name


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("<https://example.org/x>", ox.NamedNode("https://example.org/x")),
        ("https://example.org/x", ox.NamedNode("https://example.org/x")),
        ("kg:Fact", ox.NamedNode("https://w3id.org/kg-news/ontology#Fact")),
        ('"Secretary of State"@en', ox.Literal("Secretary of State", language="en")),
        (
            '"5"^^xsd:integer',
            ox.Literal("5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        ),
        ("2", ox.Literal("2", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))),
        ("Secretary of State", ox.Literal("Secretary of State")),
        ("习近平", ox.Literal("习近平")),
    ],
)
def test_binding_values_are_parsed_as_rdf_terms(text: str, term: object) -> None:
    assert parse_term(text) == term


@pytest.mark.parametrize("bad", ["noequals", "1x=2", '="x"'])
def test_malformed_bindings_are_reported(bad: str) -> None:
    with pytest.raises(QueryError, match="expected name=value"):
        parse_bindings([bad])


def test_bad_terms_and_syntax_errors_are_query_errors() -> None:
    with pytest.raises(QueryError, match="not an RDF term"):
        parse_term('"unterminated')
    with pytest.raises(QueryError, match="SPARQL syntax error"):
        run_query(ox.Store(), "SELEC ?x")


def test_output_formats(store: Path, offices: list) -> None:
    with open_rdf(store) as rdf:
        table = format_results(run_query(rdf, OFFICES), "table")
        csv_text = format_results(run_query(rdf, OFFICES), "csv")
        tsv_text = format_results(run_query(rdf, OFFICES), "tsv")
        js = json.loads(format_results(run_query(rdf, OFFICES), "json"))
        ask = format_results(run_query(rdf, "ASK { ?s a ?t }"), "json")
    lines = table.splitlines()
    assert lines[0].split() == ["name", "|", "title"] and lines[-1] == f"({len(offices)} rows)"
    assert offices[0][0] in lines[2]
    assert list(csv.reader(io.StringIO(csv_text)))[1:] == [list(r) for r in offices]
    assert tsv_text.splitlines()[0] == "?name\t?title"
    assert [(b["name"]["value"], b["title"]["value"]) for b in js["results"]["bindings"]] == offices
    assert json.loads(ask) == {"head": {}, "boolean": True}


def test_cli_query_inline_file_and_errors(store: Path, offices: list, tmp_path: Path) -> None:
    runner = CliRunner()
    rq = tmp_path / "offices.rq"
    rq.write_text(OFFICES, encoding="utf-8")
    result = runner.invoke(
        app, ["query", "--file", str(rq), "--store", str(store), "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == ",".join(offices[0])
    name, title = offices[0]
    result = runner.invoke(
        app,
        ["query", OFFICES, "--store", str(store), "--bind", f"name={name}", "--format", "tsv"],
    )
    assert result.exit_code == 0 and {
        line.split("\t")[1] for line in result.stdout.splitlines()[1:]
    } == {f'"{t}"' for n, t in offices if n == name}
    result = runner.invoke(app, ["query", "SELEC", "--store", str(store)])
    assert result.exit_code == 1 and "SPARQL syntax error" in result.output
    result = runner.invoke(app, ["query", OFFICES, "--store", str(tmp_path / "none")])
    assert result.exit_code == 1 and "is not a kg store" in result.output
    result = runner.invoke(app, ["query", "--store", str(store)])
    assert result.exit_code == 2
    result = runner.invoke(app, ["query", OFFICES, "--store", str(store), "--format", "xml"])
    assert result.exit_code == 2
