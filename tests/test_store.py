"""The persistent store: analysis cache, incremental builds, removal, lock, kill safety."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kg.cli import app
from kg.graph import BuildInfo, build_quads
from kg.ingest import read_documents
from kg.iri import doc_graph_iri, meta_graph_iri
from kg.model import Mention
from kg.nlp import model_info, shared_nlp
from kg.pipeline import analyse, assemble, run_build
from kg.results import Analysis, BuildResult, Settings
from kg.store import (
    StoreError,
    StoreLockedError,
    build_store,
    cached_analyses,
    open_rdf,
    rdf_path,
    read_store,
    remove_documents,
    store_quads,
)
from kg.store.cache import CacheError, decode_analysis, encode_analysis
from kg.store.lock import locked
from kg.store.writer import (
    PAUSE_ENV,
    PAUSE_MARK,
    SNAPSHOT_NAME,
    GraphWriter,
    canonical_quads,
    group_by_graph,
    replace_update,
)
from tests.conftest import ROOT, SAMPLE

SAMPLE_FILES = sorted(SAMPLE.glob("*.txt"))


def canonical(quads: list[ox.Quad]) -> list[str]:
    """A dataset as sorted N-Quads lines, typed literals as Oxigraph stores them."""
    return sorted({str(q) for q in canonical_quads(quads)})


def dump(folder: Path) -> list[str]:
    with open_rdf(folder) as store:
        return sorted(str(q) for q in store_quads(store))


def clean_build(folder: Path) -> list[ox.Quad]:
    return run_build([str(folder)], None, nlp=shared_nlp()).quads


def corpus(tmp_path: Path, files: list[Path], name: str = "in") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for f in files:
        shutil.copy(f, folder / f.name)
    return folder


# --- the analysis cache ---------------------------------------------------------------------

hostile = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20
) | st.sampled_from(['"quoted"', "<a>", "back\\slash", "line\nbreak", "习近平", "", "$tuple"])
mentions = st.builds(
    Mention,
    text=hostile,
    label=hostile,
    type=st.sampled_from(["Person", "Country"]),
    start=st.integers(0, 10**6),
    end=st.integers(0, 10**6),
    wikidata=st.none() | st.just("Q30"),
    key=st.none() | hostile,
    resolved_by=st.none() | hostile,
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.sampled_from([float("inf"), -0.0, 1.0])
    | hostile
    | mentions
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(hostile, inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(fields=st.dictionaries(hostile, values, max_size=5), text=hostile)
def test_cache_round_trip_keeps_every_value_and_type(fields: dict, text: str) -> None:
    from kg.model import Claim, Document, Evidence

    doc = Document(id=text or "d", text=text, path="p.txt", format="txt", sha256="0")
    ev = Evidence(doc.id, text, 0, 0, len(text), text, "kg.x.v1", 0.5, None)
    analysis = Analysis(doc, [Mention(text, text, "Person", 0, 1)], [Claim("office", fields, ev)])
    data = json.loads(json.dumps(encode_analysis(analysis, "k", {}), ensure_ascii=False))
    back = decode_analysis(data)
    assert back == analysis
    assert _types(back.claims[0].fields) == _types(fields)  # tuples stay tuples, lists lists


def _types(value: object) -> object:
    if isinstance(value, dict):
        return {k: _types(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [_types(v) for v in value])
    return type(value).__name__


def test_cache_refuses_values_it_cannot_round_trip() -> None:
    from kg.model import Claim, Document, Evidence

    doc = Document(id="d", text="t", path="p.txt", format="txt", sha256="0")
    ev = Evidence("d", "t", 0, 0, 1, "t", "kg.x.v1", 0.5)
    bad = Analysis(doc, [], [Claim("office", {"when": {1, 2}}, ev)])
    with pytest.raises(CacheError, match="set"):
        encode_analysis(bad, "k", {})


def test_assemble_from_cache_equals_assemble_fresh(tmp_path: Path) -> None:
    nlp = shared_nlp()
    documents = list(read_documents([str(SAMPLE)]))
    fresh = sorted(analyse(documents, nlp), key=lambda a: a.document.id)
    build_store([str(SAMPLE)], tmp_path / "s", Settings(), nlp=nlp)
    cached = cached_analyses(tmp_path / "s")
    assert cached == fresh
    meta = model_info(nlp)
    info = BuildInfo(meta.name, meta.version)
    assert assemble(cached, info).quads == assemble(fresh, info).quads


# --- incremental builds -----------------------------------------------------------------------


def test_store_holds_what_a_clean_build_writes(tmp_path: Path) -> None:
    store = tmp_path / "s"
    done = build_store([str(SAMPLE)], store, Settings(), nlp=shared_nlp())
    assert len(done.analysed) == len(SAMPLE_FILES)
    assert dump(store) == canonical(clean_build(SAMPLE))
    again = build_store([str(SAMPLE)], store, Settings(), nlp=shared_nlp())
    assert again.analysed == [] and again.reused == len(SAMPLE_FILES)
    assert again.sync.added == again.sync.replaced == again.sync.removed == []
    assert (rdf_path(store) / "CURRENT").is_file()  # a RocksDB folder, for `oxigraph serve`


def test_adding_then_removing_a_document_restores_the_store_exactly(tmp_path: Path) -> None:
    first, last = SAMPLE_FILES[:-1], SAMPLE_FILES[-1]
    base = corpus(tmp_path, first)
    store = tmp_path / "s"
    build_store([str(base)], store, Settings(), nlp=shared_nlp())
    before = dump(store)
    assert before == canonical(clean_build(base))

    extra = corpus(tmp_path, [last], "extra")
    added = build_store([str(extra)], store, Settings(), nlp=shared_nlp())
    assert added.analysed == [last.stem]  # spaCy ran on the new document only
    full = corpus(tmp_path, SAMPLE_FILES, "full")
    assert dump(store) == canonical(clean_build(full))
    # resolution is corpus-wide: the meta graph (support, merges) was rewritten too
    assert any(g.endswith("/graph/meta") for g in added.sync.replaced)

    removed = remove_documents(store, [last.stem], Settings())
    assert removed.removed == [last.stem]
    assert dump(store) == before


FIRST = """Trade officials met in Geneva on Monday.

Okafor said the talks had been useful and would continue next month.

The United States imposed a 25% tariff on steel from Brazil, the Commerce Department said.
"""
SECOND = """Nigerian Trade Minister Amara Okafor arrived in Geneva on Sunday.

The United States raised its tariff on steel from Brazil from 10% to 25%, officials said.
"""


def test_a_new_document_that_changes_what_others_state_rewrites_their_graphs(
    tmp_path: Path,
) -> None:
    # The second article gives the full name of a person the first names by surname only, and
    # the previous rate of the first article's tariff: the first document's graph must change.
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (first / "first.txt").write_text(FIRST, encoding="utf-8")
    (second / "second.txt").write_text(SECOND, encoding="utf-8")
    store = tmp_path / "s"
    build_store([str(first)], store, Settings(), nlp=shared_nlp())
    before = dump(store)
    assert before == canonical(clean_build(first))

    added = build_store([str(second)], store, Settings(), nlp=shared_nlp())
    both = run_build([str(first), str(second)], None, nlp=shared_nlp())
    assert dump(store) == canonical(both.quads)
    first_graph = doc_graph_iri("first")
    assert first_graph in added.sync.replaced
    graph = "\n".join(sorted(str(q) for q in group_by_graph(both.quads)[first_graph]))
    assert "amara-okafor" in graph and "previousRatePercent" in graph

    remove_documents(store, ["second"], Settings())
    assert dump(store) == before


def test_a_snapshot_of_the_metadata_graph_is_used_only_when_current(tmp_path: Path) -> None:
    first, last = SAMPLE_FILES[:-1], SAMPLE_FILES[-1]
    store = tmp_path / "s"
    build_store([str(corpus(tmp_path, first))], store, Settings(), nlp=shared_nlp())
    snapshot = store / SNAPSHOT_NAME
    header = snapshot.read_bytes().partition(b"\n")[0]
    # A snapshot of another digest (left by a build killed before it recorded the digest)
    # does not tell what the database holds: trusting this empty one would leave every old
    # triple of the metadata graph in place. It must be ignored.
    other = b"1" if header.endswith(b"0") else b"0"  # a digest that differs, whatever it was
    snapshot.write_bytes(header[:-1] + other + b"\n")
    build_store([str(corpus(tmp_path, [last], "extra"))], store, Settings(), nlp=shared_nlp())
    assert dump(store) == canonical(clean_build(corpus(tmp_path, SAMPLE_FILES, "full")))
    remove_documents(store, [last.stem], Settings())  # with the snapshot the build wrote
    assert dump(store) == canonical(clean_build(corpus(tmp_path, first, "again")))


def test_building_some_document_graphs_gives_those_of_the_whole_dataset() -> None:
    result = run_build([str(SAMPLE)], None, nlp=shared_nlp())
    some = {d.id for d in result.documents[1:4:2]}
    part = build_quads(result.documents, result.entities, result.facts, result.info, only_docs=some)
    keep = {doc_graph_iri(d) for d in some} | {meta_graph_iri()}
    assert part == [q for q in result.quads if q.graph_name.value in keep]


def test_an_unchanged_store_builds_no_document_graph(tmp_path: Path) -> None:
    store = tmp_path / "s"
    build_store([str(SAMPLE)], store, Settings(), nlp=shared_nlp())
    again = remove_documents(store, [], Settings())
    assert again.sync.unchanged == len(SAMPLE_FILES) + 1
    assert {q.graph_name.value for q in again.result.quads} == {  # built on demand, whole
        *(doc_graph_iri(p.stem) for p in SAMPLE_FILES),
        meta_graph_iri(),
    }
    assert read_store(store).quads == clean_build(SAMPLE)


def test_a_result_builds_its_quads_once_on_first_use() -> None:
    quad = ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("o"))
    calls: list[int] = []

    def make() -> list[ox.Quad]:
        calls.append(1)
        return [quad]

    result = BuildResult([], {}, [], make, BuildInfo("m", "1"))
    assert not calls
    assert result.quads == [quad] and result.quads is result.quads and calls == [1]


def test_the_store_and_the_commands_load_neither_the_pipeline_nor_spacy() -> None:
    code = (
        "import sys, kg.cli, kg.store, kg.export, kg.results; "
        "print(sorted(m for m in ('kg.pipeline', 'spacy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_changed_document_replaces_its_graph(tmp_path: Path) -> None:
    folder = corpus(tmp_path, SAMPLE_FILES)
    store = tmp_path / "s"
    build_store([str(folder)], store, Settings(), nlp=shared_nlp())
    target = folder / SAMPLE_FILES[0].name
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("\n\n", "\n\nThe talks lasted ninety minutes.\n\n", 1))
    done = build_store([str(folder)], store, Settings(), nlp=shared_nlp())
    assert done.analysed == [SAMPLE_FILES[0].stem]
    assert dump(store) == canonical(clean_build(folder))


def test_removing_an_unknown_document_changes_nothing(tmp_path: Path) -> None:
    store = tmp_path / "s"
    build_store([str(SAMPLE)], store, Settings(), nlp=shared_nlp())
    before = dump(store)
    with pytest.raises(StoreError, match="holds no document 'nope'"):
        remove_documents(store, ["nope"], Settings())
    assert dump(store) == before


def test_a_folder_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(StoreError, match="not empty and not a kg store"):
        build_store([str(SAMPLE)], tmp_path, Settings(), nlp=shared_nlp())
    with pytest.raises(StoreError, match="is not a kg store"):
        remove_documents(tmp_path, ["x"], Settings())


# --- the lock ----------------------------------------------------------------------------------


def test_second_writer_gets_a_clear_locked_error(tmp_path: Path) -> None:
    store = tmp_path / "s"
    build_store([str(SAMPLE)], store, Settings(), nlp=shared_nlp())
    # the lock is per open file description, so a child process holds it like another kg would
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom kg.store.lock import locked\n"
            "with locked(sys.argv[1], exclusive=True):\n"
            "    print('held', flush=True)\n    time.sleep(60)\n",
            str(store),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(
            StoreLockedError, match=rf"locked by another kg process \(pid {holder.pid}\)"
        ):
            build_store([str(SAMPLE)], store, Settings(), nlp=shared_nlp())
        result = CliRunner().invoke(app, ["remove", SAMPLE_FILES[0].stem, "--store", str(store)])
        assert result.exit_code == 5
        assert f"pid {holder.pid}" in result.output
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    with locked(store, exclusive=True):  # released when the holder died
        pass


# --- kill safety --------------------------------------------------------------------------------


def _kg(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "kg.cli", *args],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
    )


def test_build_killed_midway_leaves_whole_graphs_and_the_next_build_finishes(
    tmp_path: Path,
) -> None:
    store = tmp_path / "s"
    proc = _kg("build", str(SAMPLE), "--store", str(store), "--quiet", env={PAUSE_ENV: "2"})
    assert proc.stderr is not None
    lines = []
    for line in proc.stderr:  # the writer announces the pause after its second graph
        lines.append(line)
        if line.startswith(PAUSE_MARK):
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    assert any(line.startswith(PAUSE_MARK) for line in lines), "".join(lines)

    clean = group_by_graph(canonical_quads(clean_build(SAMPLE)))
    with open_rdf(store) as rdf:
        present = group_by_graph(store_quads(rdf))
    assert len(present) == 2  # two whole graphs were written, then the process died
    for graph, quads in present.items():
        assert sorted(map(str, quads)) == sorted({str(q) for q in clean[graph]})

    done = build_store([str(SAMPLE)], store, Settings(), nlp=shared_nlp())
    assert done.analysed == []  # the analyses were cached before the kill
    assert dump(store) == canonical(clean_build(SAMPLE))


# --- the update text -------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(values=st.lists(hostile, min_size=1, max_size=5), lang=st.booleans())
def test_graph_writes_round_trip_hostile_literals(values: list[str], lang: bool) -> None:
    g = ox.NamedNode("https://example.org/g")
    quads = [
        ox.Quad(
            ox.NamedNode(f"https://example.org/s{i}"),
            ox.NamedNode("https://example.org/p"),
            ox.Literal(v, language="zh") if lang else ox.Literal(v),
            g,
        )
        for i, v in enumerate(values)
    ]
    store = ox.Store()
    store.update(replace_update(g.value, [], quads))
    assert set(store.quads_for_pattern(None, None, None, g)) == set(quads)
    with tempfile.TemporaryDirectory() as folder:
        writer = GraphWriter(store, folder)
        changed = [*quads[1:], ox.Quad(quads[0].subject, quads[0].predicate, ox.Literal("new"), g)]
        writer.sync(changed, last="")  # a diff through N-Triples lines and one update
        assert set(store.quads_for_pattern(None, None, None, g)) == set(changed)


# --- the command line -------------------------------------------------------------------------


def test_cli_build_store_then_remove(tmp_path: Path) -> None:
    runner = CliRunner()
    store, out = tmp_path / "s", tmp_path / "out"
    res = runner.invoke(app, ["build", str(SAMPLE), "--store", str(store), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert f"{len(SAMPLE_FILES)} analysed" in res.output and (out / "graph.trig").is_file()
    res = runner.invoke(app, ["build", str(SAMPLE), "--store", str(store)])
    assert res.exit_code == 0 and "0 analysed" in res.output
    assert f"{len(SAMPLE_FILES) + 1} unchanged" in res.output  # five documents and the metadata
    res = runner.invoke(app, ["remove", SAMPLE_FILES[0].stem, "--store", str(store)])
    assert res.exit_code == 0 and f"{len(SAMPLE_FILES) - 1} left" in res.output
    res = runner.invoke(app, ["remove", "nope", "--store", str(store)])
    assert res.exit_code == 1 and "holds no document 'nope'" in res.output


def test_cli_build_without_store_writes_files_as_before(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["build", str(SAMPLE), "--out", str(tmp_path), "-q"])
    assert res.exit_code == 0, res.output
    assert {p.name for p in tmp_path.iterdir()} >= {"graph.trig", "facts.jsonl", "graph.html"}
    assert not (tmp_path / "store.json").exists()
