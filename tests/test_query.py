"""kg query: SPARQL against the store or an exported file, bound parameters, output formats."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.commands.common import ExitCode
from kg.nlp import shared_nlp
from kg.pipeline import Settings
from kg.store import StoreError, build_store, open_rdf
from kg.store.deadline import QueryJob, QueryTimeout, query_with_deadline
from kg.store.query import (
    QueryError,
    ServiceRefused,
    format_results,
    load_data,
    parse_bindings,
    parse_term,
    run_query,
    service_endpoint,
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


# --- time limit, Ctrl-C and SERVICE (issue 16) ---------------------------------------------------

runner = CliRunner()
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
KG = [sys.executable, "-c", "from kg.cli import main; main()"]


def _children(pid: int) -> list[int]:
    """Pids whose parent is ``pid`` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def test_a_runaway_query_stops_at_the_timeout(store: Path) -> None:
    done = subprocess.run(
        [*KG, "query", RUNAWAY, "--store", str(store), "--timeout", "2"],
        capture_output=True,
        text=True,
        timeout=60,  # a guard against hanging, not a speed target
    )
    assert done.returncode == ExitCode.TIMEOUT == 7, done.stderr
    assert "the query ran past --timeout 2 s and was stopped" in done.stderr
    assert done.stdout == ""


SORTED_PRODUCT = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"  # 2.7 GB in 10 s


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the heap limit needs POSIX")
def test_a_query_that_fills_memory_stops_at_max_memory(store: Path) -> None:
    done = subprocess.run(
        [*KG, "query", SORTED_PRODUCT, "--store", str(store), "--max-memory", "300"],
        capture_output=True,
        text=True,
        timeout=60,  # a guard against hanging, not a speed target
    )
    assert done.returncode == ExitCode.TIMEOUT == 7, done.stderr
    assert done.stderr == (  # kg's message alone: not Oxigraph's as it aborts
        "error: the query needed more than --max-memory 300 MB and was stopped; narrow it"
        " (fewer unbound triple patterns, a LIMIT, no ORDER BY over everything) or raise"
        " --max-memory (0 for no limit)\n"
    )
    assert done.stdout == ""
    small = QueryJob(OFFICES, fmt="csv", store=str(store), max_memory_mb=300)
    assert query_with_deadline(small).startswith("name,title")  # an ordinary query fits


def test_the_library_raises_timeouts_and_the_childs_errors(store: Path) -> None:
    with pytest.raises(QueryTimeout, match="ran past --timeout 0.5 s"):
        query_with_deadline(QueryJob(RUNAWAY, store=str(store)), timeout=0.5)
    with pytest.raises(QueryError, match="SPARQL syntax error"):
        query_with_deadline(QueryJob("SELEC", store=str(store)))
    with pytest.raises(StoreError, match="is not a kg store"):  # raised in the child, as itself
        query_with_deadline(QueryJob("ASK {}", store=str(store.parent / "none")))
    text = query_with_deadline(QueryJob(OFFICES, fmt="csv", store=str(store)), timeout=60)
    assert text.splitlines()[0] == "name,title" and len(text.splitlines()) > 2


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_ctrl_c_stops_a_running_query(store: Path) -> None:
    proc = subprocess.Popen(
        [*KG, "query", RUNAWAY, "--store", str(store), "--timeout", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    try:
        deadline = time.monotonic() + 30
        while not _children(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _children(proc.pid), "the query process did not start"
        time.sleep(0.5)
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C sends: the whole group
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == ExitCode.INTERRUPTED == 130, err
    assert "interrupted (Ctrl-C)" in err and "the query was stopped" in err
    assert out == ""


@pytest.fixture
def listener() -> Iterator[tuple[str, list[bytes]]]:
    """A loopback socket that records what connects to it (a SERVICE endpoint)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(0.2)
    heard: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                heard.append(conn.recv(4096))

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/sparql", heard
    stop.set()
    thread.join()
    server.close()


def test_service_is_refused_unless_allowed(store: Path, listener) -> None:
    url, heard = listener
    query = f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"
    result = runner.invoke(app, ["query", query, "--store", str(store)])
    assert result.exit_code == 1
    assert f"the query calls SERVICE <{url}>" in result.output
    assert "unless you pass --allow-service" in result.output
    nested = f"ASK {{ ?s ?p ?o FILTER EXISTS {{ sErViCe SILENT <{url}> {{ ?s ?p ?o }} }} }}"
    with pytest.raises(ServiceRefused), open_rdf(store) as rdf:
        run_query(rdf, nested)
    time.sleep(0.3)
    assert heard == []  # nothing left the machine
    runner.invoke(app, ["query", query, "--store", str(store), "--allow-service"])
    deadline = time.monotonic() + 10
    while not heard and time.monotonic() < deadline:
        time.sleep(0.05)
    assert heard and heard[0].startswith(b"POST /sparql")  # the flag lets it through


@pytest.mark.parametrize(
    "query",
    [
        'SELECT ?s WHERE { ?s ?p "SERVICE <http://example.org/> { }" }',
        "SELECT ?s WHERE { ?s ?p '''a SERVICE <http://example.org/> {}''' }",
        "SELECT ?service WHERE { ?s <http://example.org/SERVICE> ?service } # SERVICE <x>",
    ],
)
def test_the_word_service_in_data_is_not_a_service_call(query: str) -> None:
    assert service_endpoint(query) is None
    assert list(run_query(ox.Store(), query)) == []


def test_service_found_when_rdflib_cannot_parse_the_query() -> None:
    from kg.store.query import _service_token

    assert _service_token("SELECT * { \\u0053ERVICE <http://a/> { } }") == "<http://a/>"
    assert _service_token('SELECT * { ?s ?p "SERVICE <http://a/>" }') is None
    assert service_endpoint("SELECT * WHERE { SERVICE ex:ep { ?s ?p ?o } }") == "ex:ep"
