"""kg build --engine dask (kg/distributed.py): on a 2-worker LocalCluster the outputs equal a
local build's byte for byte, a worker killed mid-build loses and duplicates no document, and a
store built on the cluster analyses only new documents."""

from __future__ import annotations

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


@pytest.mark.parametrize("corpus", [SAMPLE, NEWS_DEV], ids=["sample", "news-dev"])
def test_a_dask_build_equals_the_local_build_byte_for_byte(
    cluster, corpus: Path, tmp_path: Path
) -> None:
    run_build([str(corpus)], tmp_path / "local", nlp=shared_nlp())
    run_build([str(corpus)], tmp_path / "dask", _dask(cluster, partition_size=4))
    local, dask = _files(tmp_path / "local"), _files(tmp_path / "dask")
    assert sorted(dask) == sorted(local) and "graph.nq" in local
    assert [n for n in local if local[n] != dask[n]] == []


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
