"""kg build --engine dask (kg/distributed.py): on a 2-worker LocalCluster the outputs equal a
local build's byte for byte, a worker killed mid-build loses and duplicates no document, and a
store built on the cluster analyses only new documents."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

from kg.distributed import DaskSettings  # noqa: E402
from kg.nlp import shared_nlp  # noqa: E402
from kg.pipeline import run_build  # noqa: E402
from kg.results import Settings  # noqa: E402
from tests.conftest import SAMPLE  # noqa: E402

NEWS_DEV = Path(__file__).parent / "data" / "news-dev"


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as c:
        yield c


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _dask(cluster, **kw) -> Settings:
    return Settings(engine="dask", dask=DaskSettings(scheduler=cluster.scheduler_address, **kw))


@pytest.mark.parametrize(
    ("corpus", "read_on"),
    [(SAMPLE, "workers"), (NEWS_DEV, "workers"), (NEWS_DEV, "driver")],
    ids=["sample", "news-dev", "news-dev-read-on-driver"],
)
def test_a_dask_build_equals_the_local_build_byte_for_byte(
    cluster, corpus: Path, read_on: str, tmp_path: Path
) -> None:
    run_build([str(corpus)], tmp_path / "local", nlp=shared_nlp())
    run_build([str(corpus)], tmp_path / "dask", _dask(cluster, partition_size=4, read_on=read_on))
    local, dask = _files(tmp_path / "local"), _files(tmp_path / "dask")
    assert sorted(dask) == sorted(local) and "graph.nq" in local
    assert [n for n in local if local[n] != dask[n]] == []


# Hostile inputs (tests/hostile.py) whose problems are found while reading a file (HTML
# too), or only across files (the same id in two files, or twice in one JSONL file), all in
# one folder: the cases' `good.txt` files collide across folders too. Read on the workers in
# partitions of two files, they give a local build's warnings in its order and its outputs.
MIXED = (
    "id-case", "id-spaces", "id-suffix", "id-nfd", "id-jsonl-lines", "id-jsonl-files",
    "surrogate-id", "utf-32", "jsonl-nul", "escape-codes", "long-warning", "html-big",
    "date-invalid", "punctuation-run", "file-name-bytes", "links-and-fifos", "long-document",
    "html-amp", "html-unclosed-p",
)


def _mixed(folder: Path) -> Path:
    from tests.hostile import BY_NAME, make_case

    for name in MIXED:
        make_case(BY_NAME[name], folder)
    return folder


def test_documents_read_on_the_workers_give_the_local_warnings_and_outputs(
    cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The inputs named relative to a working folder the workers do not share (they read
    each file at its absolute path, and name it as the build does)."""
    from kg.limits import Limits

    _mixed(tmp_path / "in")
    monkeypatch.chdir(tmp_path)
    limits = Limits(document_chars=2_000)  # the long document is skipped, on either engine
    seen: dict[str, list[tuple[str, str, bool]]] = {"local": [], "dask": []}
    paths = {}
    for name, settings in (
        ("local", Settings(limits=limits)),
        ("dask", dataclasses.replace(_dask(cluster, partition_size=2), limits=limits)),
    ):
        result = run_build(
            ["in"], tmp_path / name, settings, nlp=shared_nlp(),
            on_warning=lambda w, got=seen[name]: got.append((w.path, w.problem, w.skipped)),
        )
        paths[name] = [d.path for d in result.documents]
    assert seen["dask"] == seen["local"]
    problems = " ".join(p for _, p, _ in seen["local"])
    assert "duplicate document id" in problems and "over the limit" in problems
    assert "UTF-32" in problems and "in/id-case/ab-1.txt" in {p for p, _, _ in seen["local"]}
    assert paths["dask"] == paths["local"] and all(p.startswith("in/") for p in paths["local"])
    local, dask = _files(tmp_path / "local"), _files(tmp_path / "dask")
    assert [n for n in local if local[n] != dask[n]] == []


def test_a_strict_build_read_on_the_workers_stops_at_the_local_build_s_first_skip(
    cluster, tmp_path: Path
) -> None:
    from kg.errors import InputError

    folder = _mixed(tmp_path / "in")
    errors = []
    for settings in (Settings(strict=True), dataclasses.replace(_dask(cluster), strict=True)):
        with pytest.raises(InputError) as caught:
            run_build([str(folder)], tmp_path / "out", settings, nlp=shared_nlp())
        errors.append(str(caught.value))
    assert errors[0] == errors[1] and str(folder) in errors[0]
    assert not (tmp_path / "out").exists()


def test_a_worker_killed_mid_build_loses_and_duplicates_nothing(
    cluster, tmp_path: Path
) -> None:
    from kg.distributed import DaskAnalysis
    from kg.ingest import read_documents

    documents = list(read_documents([str(NEWS_DEV)]))
    killed = []

    def kill_one(done: int, total: int) -> None:
        if done == 1 and not killed:  # the first partition is back, the others are running
            nanny = next(iter(cluster.workers.values()))
            killed.append(nanny.process.process.pid)
            nanny.process.process.kill()

    runner = DaskAnalysis(
        documents, model=None, batch_size=16, extractors=None, limits=Settings().limits,
        dask=DaskSettings(scheduler=cluster.scheduler_address, partition_size=1),
        on_partition=kill_one,
    )
    analysed = [a.document.id for a in runner]
    assert killed
    assert analysed == [d.id for d in documents]  # every document once, in order
    cluster.wait_for_workers(2, timeout=60)  # the nanny brings the worker back


def test_a_worker_killed_while_reading_loses_and_duplicates_nothing(
    cluster, tmp_path: Path
) -> None:
    from kg.distributed import DaskReading
    from kg.ingest import Reader, read_documents

    warnings: list[object] = []
    reader = Reader(on_warning=warnings.append)
    killed = []

    def kill_one(done: int) -> None:
        if done == 1 and not killed:  # the first file is back, the others are being read
            nanny = next(iter(cluster.workers.values()))
            killed.append(nanny.process.process.pid)
            nanny.process.process.kill()

    runner = DaskReading(
        reader.files([str(NEWS_DEV)]), reader, model=None, batch_size=16, extractors=None,
        html_reader="auto", dask=DaskSettings(scheduler=cluster.scheduler_address,
                                              partition_size=1),
        on_file=kill_one,
    )
    with runner:
        analysed = list(runner)
    assert killed and warnings == []
    assert analysed == list(read_documents([str(NEWS_DEV)]))  # each once, in order, as read
    cluster.wait_for_workers(2, timeout=60)


def test_a_store_built_on_the_cluster_analyses_only_new_documents(
    cluster, tmp_path: Path
) -> None:
    from kg.store import build_store

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    texts = sorted(NEWS_DEV.glob("*.txt"))[:3]
    for path in texts[:2]:
        (corpus / path.name).write_bytes(path.read_bytes())
    store = tmp_path / "store"
    first = build_store([corpus], store, _dask(cluster))
    assert len(first.analysed) == 2
    (corpus / texts[2].name).write_bytes(texts[2].read_bytes())
    second = build_store([corpus], store, _dask(cluster))
    assert second.analysed == [texts[2].stem]


def test_partitions_keep_the_order_and_share_the_characters_among_the_workers() -> None:
    """news-dev's 16 real documents (1 to 2 KB each) in partitions of 3 for 2 workers: six
    partitions (a multiple of the workers), in document order, of about equal text."""
    from kg.distributed import _partitions
    from kg.ingest import read_documents

    documents = list(read_documents([str(Path(__file__).parent / "data" / "news-dev")]))
    parts = _partitions(documents, 3, 2)
    assert [d for p in parts for d in p] == documents
    assert len(parts) == 6 and all(parts)
    sizes = [sum(len(d.text) for d in p) for p in parts]
    assert max(sizes) <= 2 * min(sizes)
    assert _partitions(documents[:1], 3, 2) == [documents[:1]]  # never an empty partition


@pytest.mark.parametrize("corpus", ["news-dev", "mixed"])
def test_the_key_table_and_facts_computed_on_the_cluster_are_the_local_build_s(
    cluster, corpus: str, tmp_path: Path
) -> None:
    """Each partition's family-name owners, then its key table (with the corpus's surnames),
    merged on the cluster, from the documents admitted only: the hostile folder's duplicate ids
    (across partitions, and twice in one JSONL file) were analysed on the workers but are not
    in the table. With the entities decided from it, the facts merged by key on the cluster
    are the local build's."""
    from kg.distributed import DaskReading
    from kg.ingest import Reader, read_documents
    from kg.pipeline import analyse
    from kg.resolve import key_table, resolvable_mentions
    from kg.resolve.entities import resolve_from
    from kg.resolve.facts import merge_facts
    from kg.vocab import DEFAULT_BASE

    folder = NEWS_DEV if corpus == "news-dev" else _mixed(tmp_path / "in")
    reader = Reader()
    runner = DaskReading(
        reader.files([str(folder)]), reader, model=None, batch_size=16, extractors=None,
        html_reader="auto", dask=DaskSettings(scheduler=cluster.scheduler_address,
                                              partition_size=3),
    )
    with runner:
        analysed = list(runner)
        table = runner.key_table()
        local = list(analyse(read_documents([str(folder)]), shared_nlp()))
        claims = [c for a in local for c in a.claims]
        index = resolve_from(table) if table is not None else None
        facts = runner.merge_facts(index, DEFAULT_BASE) if index is not None else None
    assert analysed == [a.document for a in local]
    mentions = {a.document.id: a.mentions for a in local}
    texts = {a.document.id: a.document.text for a in local}
    expected = key_table(resolvable_mentions(claims, mentions, texts))
    assert table is not None and table.records() > 0
    assert table == expected
    assert facts and len(facts) > (100 if corpus == "news-dev" else 1)
    assert facts == merge_facts(claims, resolve_from(expected))


def test_a_worker_killed_before_the_key_table_is_made_costs_nothing(
    cluster, tmp_path: Path
) -> None:
    """Killed when the last file is back: the key table's rounds need the partitions that
    worker held, and Dask computes them again on the other."""
    from kg.distributed import DaskReading
    from kg.ingest import Reader, read_documents
    from kg.pipeline import analyse
    from kg.resolve import key_table, resolvable_mentions

    reader = Reader()
    files = reader.files([str(NEWS_DEV)])
    killed = []

    def kill_at_the_end(done: int) -> None:
        if done == len(files) and not killed:
            nanny = next(iter(cluster.workers.values()))
            killed.append(nanny.process.process.pid)
            nanny.process.process.kill()

    runner = DaskReading(
        files, reader, model=None, batch_size=16, extractors=None, html_reader="auto",
        dask=DaskSettings(scheduler=cluster.scheduler_address, partition_size=2),
        on_file=kill_at_the_end,
    )
    with runner:
        analysed = [d.id for d in runner]
        table = runner.key_table()
    local = list(analyse(read_documents([str(NEWS_DEV)]), shared_nlp()))
    assert killed and analysed == [a.document.id for a in local]
    claims = [c for a in local for c in a.claims]
    mentions = {a.document.id: a.mentions for a in local}
    texts = {a.document.id: a.document.text for a in local}
    assert table == key_table(resolvable_mentions(claims, mentions, texts))
    cluster.wait_for_workers(2, timeout=60)


def test_a_dask_build_with_entity_overrides_equals_the_local_build(
    cluster, tmp_path: Path
) -> None:
    """The user's merges, splits, renames and drops (docs/model.md) reach the entities decided
    from the cluster's key table and the facts merged on the cluster (a dropped entity's
    claims are left out on the workers)."""
    from kg.resolve.overrides import parse_overrides
    from tests.test_key_tables import OVERRIDES

    overrides = parse_overrides(OVERRIDES, "news-dev-overrides.yaml")
    local = run_build([str(NEWS_DEV)], tmp_path / "local", Settings(overrides=overrides),
                      nlp=shared_nlp())
    settings = dataclasses.replace(_dask(cluster, partition_size=3), overrides=overrides)
    run_build([str(NEWS_DEV)], tmp_path / "dask", settings)
    plain = run_build([str(NEWS_DEV)], None, nlp=shared_nlp())
    assert {f.id for f in local.facts} != {f.id for f in plain.facts}
    labels = {e.label for e in local.entities.values()}
    assert "Trump (unresolved)" in labels and "State of the" not in labels
    assert "State of the" in {e.label for e in plain.entities.values()}
    got, want = _files(tmp_path / "dask"), _files(tmp_path / "local")
    assert [n for n in want if want[n] != got[n]] == []


@pytest.mark.parametrize("corpus", ["news-dev", "mixed"])
def test_parts_written_on_the_workers_hold_the_local_build_s_quads(
    cluster, corpus: str, tmp_path: Path
) -> None:
    """parts/ of a Dask build: the metadata graph written by the driver, each partition's
    document graphs by the worker that holds its documents (kg.distributed.write_parts). The
    quads are the local build's parts/ and graph.nq, each once; every file the manifest lists
    is there with its checksum and count, and graph.nq is still the local build's, byte for
    byte."""
    import pyoxigraph as ox

    from kg.export.rdf import MANIFEST

    folder = NEWS_DEV if corpus == "news-dev" else _mixed(tmp_path / "in")
    exports = ("nq", "parts", "facts")
    local = run_build([str(folder)], tmp_path / "local", Settings(exports=exports),
                      nlp=shared_nlp())
    settings = dataclasses.replace(_dask(cluster, partition_size=3), exports=exports)
    dask = run_build([str(folder)], tmp_path / "dask", settings)
    assert dask.triples == local.triples > 100
    assert _files(tmp_path / "dask") == _files(tmp_path / "local")  # graph.nq, facts.jsonl

    def loaded(parts: Path) -> tuple[list[ox.Quad], list[str]]:
        manifest = json.loads((parts / MANIFEST).read_text("utf-8"))
        quads: list[ox.Quad] = []
        for entry in manifest["parts"]:
            data = (parts / entry["file"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
            assert len(data) == entry["bytes"] and data.count(b"\n") == entry["quads"]
            quads += ox.parse(data, format=ox.RdfFormat.N_QUADS)
        assert manifest["quads"] == len(quads)
        assert sorted(e["file"] for e in manifest["parts"]) == sorted(
            p.name for p in parts.iterdir() if p.name != MANIFEST)
        return quads, [e["file"] for e in manifest["parts"]]

    mine, names = loaded(tmp_path / "dask" / "parts")
    theirs, _ = loaded(tmp_path / "local" / "parts")
    assert len(mine) == len(theirs) == dask.triples and set(mine) == set(theirs)
    assert names[0] == "meta-00000.nq" and len(names) > 3  # a file per partition
    whole = ox.parse(path=str(tmp_path / "dask" / "graph.nq"), format=ox.RdfFormat.N_QUADS)
    assert set(whole) == set(mine)


def test_a_worker_killed_while_the_parts_are_written_costs_nothing(
    cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed as the third partition's graphs are sent: the partitions that worker held are
    analysed again by Dask on the other, a task it was running is run again (its file written
    anew), and parts/ still holds the local build's quads, each once."""
    import pyoxigraph as ox

    import kg.pipeline as pipeline
    from kg.export.rdf import MANIFEST

    real, killed = pipeline.graph_inputs, []

    def kill_at_the_third(ids, *args):  # type: ignore[no-untyped-def]
        if len(killed) < 3:
            killed.append(ids)
            if len(killed) == 3:
                nanny = next(iter(cluster.workers.values()))
                nanny.process.process.kill()
        return real(ids, *args)

    monkeypatch.setattr(pipeline, "graph_inputs", kill_at_the_third)
    settings = dataclasses.replace(_dask(cluster, partition_size=2), exports=("parts",))
    run_build([str(NEWS_DEV)], tmp_path / "dask", settings)
    local = run_build([str(NEWS_DEV)], None, nlp=shared_nlp())
    parts = tmp_path / "dask" / "parts"
    manifest = json.loads((parts / MANIFEST).read_text("utf-8"))
    quads = [q for e in manifest["parts"]
             for q in ox.parse(path=str(parts / e["file"]), format=ox.RdfFormat.N_QUADS)]
    assert len(killed) == 3 and len(manifest["parts"]) > 4
    assert len(quads) == len(local.quads) and set(quads) == set(local.quads)
    cluster.wait_for_workers(2, timeout=60)
