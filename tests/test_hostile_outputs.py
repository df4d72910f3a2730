"""kg reads what it writes, whatever the articles hold (issue 16, part B).

Hostile inputs are generated here, in tmp_path: a JSONL id with a NUL, U+2028/U+2029/U+0085
inside names and titles, control characters in text and titles, a word with 100,000 combining
marks, a 2 MB title. Every output must parse (pyoxigraph, rdflib), conform to
ontology/shapes.ttl, be well-formed XML where it is XML, and be readable by ``kg explain``,
``kg conflicts`` and ``kg eval``.
"""

from __future__ import annotations

import json
import re
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rdflib import Dataset, Graph
from typer.testing import CliRunner

from kg.cli import app
from kg.export import export
from kg.export.property_graph import (
    PropertyGraph,
    property_graph,
    to_networkx,
    xml_id,
    xml_text,
)
from kg.nlp import shared_nlp
from tests.test_ontology import shacl, union

runner = CliRunner()
CONTROLS = "".join(chr(c) for c in range(1, 32))
ZALGO = "Za" + "\u0301" * 100_000 + "lgo"
# What a terminal would act on rather than show (kg explain and kg conflicts print it escaped).
ACTIVE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

# One line per hostile case; the texts are ordinary news sentences with the hostile part inside
# the names, so that the names reach entities.jsonl, facts.jsonl and every graph.
ARTICLES = [
    {
        "id": "ls",
        "title": "Line\u2028separator\u2029paragraph\u0085next line",
        "text": "U.S. President Donald\u2028Trump spoke with Chinese President Xi\u2029Jinping on"
        " Thursday. Secretary of State Marco\u0085Rubio attended.",
    },
    {
        "id": "former",
        "text": "Former U.S. President Donald\u2028Trump spoke with Chinese President Xi Jinping.",
    },
    {
        "id": "ctl",
        "title": "Controls " + CONTROLS,
        "text": "Chinese President Xi\x01Jinping\x07 met U.S. President Donald Trump\x1b[31m in"
        " Beijing.\x0b\x0c Trump said \u201cIt went\x02 well.\u201d",
    },
    {"id": "nul\x00id", "title": "NUL in the id", "text": "U.S. President Donald Trump spoke."},
    {"id": "zalgo", "text": f"President Donald Trump met {ZALGO} in Paris."},
    {"id": "big", "title": "T" * 2_000_000, "text": "Chinese President Xi Jinping spoke."},
]


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory):
    from kg.pipeline import run_build

    root = tmp_path_factory.mktemp("hostile")
    corpus = root / "corpus"
    corpus.mkdir()
    with open(corpus / "hostile.jsonl", "w", encoding="utf-8", newline="\n") as handle:
        for article in ARTICLES:
            handle.write(json.dumps(article, ensure_ascii=False) + "\n")
    out = root / "out"
    result = run_build([str(corpus)], out, nlp=shared_nlp())
    return result, corpus, out


def test_the_hostile_characters_reach_the_outputs(build) -> None:
    """The cases below test something only if the hostile text is in the files."""
    _, _, out = build
    entities = (out / "entities.jsonl").read_text("utf-8")
    assert "Donald\u2028Trump" in entities and "Xi\u2029Jinping" in entities
    assert "\u0301" * 1000 in entities
    assert "\u2028" in (out / "facts.jsonl").read_text("utf-8")


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("graph.nq", "nquads"), ("graph.trig", "trig"), ("graph.ttl", "turtle")],
)
def test_every_rdf_output_parses_and_conforms_to_the_shapes(build, name: str, fmt: str) -> None:
    _, _, out = build
    path = out / name
    oxformat = {"nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}
    quads = list(ox.parse(path=str(path), format=oxformat.get(fmt, ox.RdfFormat.TURTLE)))
    if fmt == "turtle":
        graph = Graph().parse(path, format="turtle")
    else:
        dataset = Dataset()
        with warnings.catch_warnings():  # rdflib 7.6's own parsers use its deprecated API
            warnings.simplefilter("ignore", DeprecationWarning)
            dataset.parse(path, format=fmt)
        graph = union(dataset)
    assert len(graph) == len({(q.subject, q.predicate, q.object) for q in quads}) > 0
    conforms, _, text = shacl(graph)
    assert conforms, f"{name} violates ontology/shapes.ttl:\n{text[:3000]}"


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_xml_exports_are_well_formed_and_networkx_reads_them(
    build, tmp_path: Path, fmt: str
) -> None:
    result, _, _ = build
    path = export(fmt, result, tmp_path)
    ET.parse(path)  # raises on a character XML 1.0 forbids
    graph = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    expected = to_networkx(property_graph(result))
    assert graph.number_of_nodes() == expected.number_of_nodes() > 0
    assert graph.number_of_edges() == expected.number_of_edges()
    labels = " ".join(str(d.get("label", "")) for _, d in graph.nodes(data=True))
    assert "Donald\u2028Trump" in labels or "Donald Trump" in labels


def test_explain_conflicts_and_eval_read_the_hostile_build(build, tmp_path: Path) -> None:
    _, corpus, out = build
    result = runner.invoke(app, ["explain", "Xi Jinping", "--build", str(out)])
    assert result.exit_code == 0, result.output
    assert "Xi\\u2029Jinping" in result.output  # the alias, read back whole, shown escaped
    assert not ACTIVE.search(result.output.replace("\n", ""))
    result = runner.invoke(app, ["explain", "Donald Trump", "--build", str(out)])
    assert result.exit_code == 0 and "Donald\\u2028Trump" in result.output
    assert "nul\\x00id" in result.output  # the document with a NUL in its id
    result = runner.invoke(app, ["conflicts", "--build", str(out)])
    assert result.exit_code == 0, result.output
    assert "status=former" in result.output and "status=current" in result.output
    assert not ACTIVE.search(result.output.replace("\n", ""))
    gold = tmp_path / "gold.yaml"
    gold.write_text(
        "docs:\n  ls: {title: null, author: null}\npeople:\n  - name: Donald Trump\n"
        "    offices:\n      - {title: President, of: United States, docs: [ls],"
        ' quote: "U.S. President Donald"}\n',
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["eval", str(gold), "--corpus", str(corpus), "--build", str(out), "--json"]
    )
    assert result.exit_code == 0, result.output
    (office,) = [s for s in json.loads(result.stdout)["scores"] if s["kind"] == "office"]
    assert office["tp"] == 1, office


def test_xml_ids_stay_distinct_and_text_stays_readable() -> None:
    pg = PropertyGraph()
    for node in ("doc:a\x00b", "doc:a\x01b", "doc:a\ufffdb", "doc:a\nb", "doc:a b"):
        pg.nodes[node] = {"label": f"T\x0bitle {node}", "type": "Document", "kind": "document"}
    graph = to_networkx(pg)
    assert graph.number_of_nodes() == 5
    assert xml_id("doc:plain id") == "doc:plain id"  # ordinary ids are unchanged
    assert xml_id("doc:a\x00b").startswith("doc:a\ufffdb~")
    assert xml_text("a\x00b\tc\u2028d\U0001f984") == "a\ufffdb\tc\u2028d\U0001f984"


@given(st.lists(st.text(min_size=1, max_size=20), min_size=1, max_size=5, unique=True))
def test_any_text_makes_valid_graphml(ids: list[str]) -> None:
    import io

    pg = PropertyGraph()
    for node in ids:
        pg.nodes[node] = {"label": node, "type": "Person", "kind": "entity", "aliases": [node]}
    buffer = io.BytesIO()
    nx.write_graphml(to_networkx(pg), buffer, encoding="utf-8")
    back = nx.read_graphml(io.BytesIO(buffer.getvalue()))
    assert back.number_of_nodes() == len(ids)


def test_the_jsonld_export_parses_with_both_parsers(build, tmp_path: Path) -> None:
    result, _, out = build
    path = export("jsonld", result, tmp_path)
    quads = list(ox.parse(path=str(path), format=ox.RdfFormat.JSON_LD))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset = Dataset()
        dataset.parse(path, format="json-ld")
    graph = union(dataset)
    nq = ox.parse(path=str(out / "graph.nq"), format=ox.RdfFormat.N_QUADS)
    nq = {(q.subject, q.predicate, q.object) for q in nq}
    assert len({(q.subject, q.predicate, q.object) for q in quads}) == len(nq) == len(graph)


def test_query_tables_escape_terminal_controls_and_csv_keeps_them(build) -> None:
    _, _, out = build
    query = (
        "SELECT ?name WHERE { ?e a schema:Person ; skos:altLabel ?name"
        ' FILTER(CONTAINS(?name, "Donald\\u2028")) }'
    )
    args = ["query", query, "--data", str(out / "graph.nq")]
    table = runner.invoke(app, args)
    assert table.exit_code == 0, table.output
    assert "Donald\\u2028Trump" in table.stdout and "\u2028" not in table.stdout
    csv_text = runner.invoke(app, [*args, "--format", "csv"])
    assert csv_text.exit_code == 0 and "Donald\u2028Trump" in csv_text.stdout
