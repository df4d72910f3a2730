"""Analysis on a Dask cluster: ``kg build --engine dask`` (the optional extra ``kg[dask]``).

The documents are read on the driver (so warnings, ids and collisions are exactly those of a
local build) and sent to the workers in partitions of ``partition_size``; each worker loads the
spaCy model once (a module-level cache in the worker process: the model is never pickled into
a task) and returns the partition's analyses, which are compact records (mentions and claims,
no spaCy ``Doc``). The driver takes them back in document order and resolves and exports as a
local build does, so the outputs are byte-identical to a local build of the same input.

A partition whose worker dies is recomputed by Dask on the workers that remain (the scheduler
re-runs the tasks a lost worker held; ``retries`` covers a task that fails for another reason),
so no document is lost or analysed into the result twice. When no worker remains, the build
fails with an error naming the partitions not analysed, and a rerun starts afresh.

Without ``scheduler`` a ``LocalCluster`` of ``workers`` processes (one thread each) is started
and closed with the build; with ``scheduler`` (``tcp://HOST:8786``) the running cluster is used,
whose workers must have kg and the model installed.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from kg.errors import KGError
from kg.limits import Limits
from kg.model import Document
from kg.results import Analysis

ENGINES = ("local", "dask")
PARTITION_SIZE = 16  # documents per task: small enough to spread, large enough to batch spaCy
_MODELS: dict[str | None, Any] = {}  # per worker process: model name -> loaded pipeline
INSTALL = "pip install 'kg[dask]'"


@dataclass(frozen=True)
class DaskSettings:
    """Where and how to run: a scheduler address, or the size of a local cluster."""

    scheduler: str | None = None
    workers: int = 2
    partition_size: int = PARTITION_SIZE
    retries: int = 2


def _worker_nlp(model: str | None) -> Any:
    """The spaCy pipeline of this worker process, loaded on first use."""
    if model not in _MODELS:
        from kg.nlp import load_nlp

        _MODELS[model] = load_nlp(model)
    return _MODELS[model]


def analyse_partition(
    documents: Sequence[Document],
    model: str | None,
    batch_size: int,
    extractors: Sequence[str] | None,
    limits: Limits,
) -> tuple[tuple[str, str], list[Analysis]]:
    """Run on a worker: the analyses of one partition, with the model's name and version,
    compact (each value once, kg.pipeline.compact: less to pickle and send)."""
    from kg.nlp import model_info
    from kg.pipeline import analyse, compact

    nlp = _worker_nlp(model)
    meta = model_info(nlp)
    stream = analyse(documents, nlp, batch_size=batch_size, extractors=extractors, limits=limits)
    analyses = [compact(a) for a in stream]
    return (meta.name, meta.version), analyses


class DaskAnalysis:
    """The analyses of a stream of documents computed on a Dask cluster, in document order.

    Iterate it for the analyses; ``model`` is then the (name, version) the workers ran.
    """

    def __init__(
        self,
        documents: Iterable[Document],
        *,
        model: str | None,
        batch_size: int,
        extractors: Sequence[str] | None,
        limits: Limits,
        dask: DaskSettings,
        on_partition: Callable[[int, int], None] | None = None,
    ) -> None:
        self.documents = documents
        self.model_name = model
        self.batch_size = batch_size
        self.extractors = extractors
        self.limits = limits
        self.dask = dask
        self.on_partition = on_partition
        self.model: tuple[str, str] | None = None

    def __iter__(self) -> Iterator[Analysis]:
        client, cluster = _connect(self.dask)
        try:
            yield from self._run(client)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()

    def _run(self, client: Any) -> Iterator[Analysis]:
        from distributed import wait

        workers = max(1, len(client.scheduler_info().get("workers", {})))
        partitions = _partitions(self.documents, self.dask.partition_size, workers)
        futures = []
        for i, part in enumerate(partitions):
            digest = hashlib.sha256("\0".join(d.id for d in part).encode("utf-8")).hexdigest()
            futures.append(
                client.submit(
                    analyse_partition,
                    part,
                    self.model_name,
                    self.batch_size,
                    self.extractors,
                    self.limits,
                    key=f"kg-analyse-{i:05d}-{digest[:16]}",
                    retries=self.dask.retries,
                    pure=False,
                )
            )
        done = 0
        for i, future in enumerate(futures):
            try:
                model, analyses = future.result()
            except Exception as exc:
                wait(futures, timeout=0)
                lost = [f.key for f in futures if f.status != "finished"]
                raise KGError(
                    f"the Dask cluster did not analyse {len(lost)} of {len(futures)} partitions"
                    f" (first: partition {i}: {type(exc).__name__}: {exc}); nothing was written,"
                    " run the build again"
                ) from None
            self.model = self.model or model
            done += len(analyses)
            if self.on_partition is not None:
                self.on_partition(i + 1, len(futures))
            yield from analyses


def _partitions(
    documents: Iterable[Document], size: int, workers: int = 1
) -> list[list[Document]]:
    """The documents in order, cut into partitions of about ``size`` documents: as many as a
    multiple of ``workers`` (so no worker idles while another does a last partition alone),
    each of about the same number of characters (spaCy's time is about linear in them)."""
    docs = list(documents)
    if not docs:
        return []
    count = -(-len(docs) // max(1, size))
    count = min(len(docs), -(-count // workers) * workers)
    total = sum(len(d.text) for d in docs) or 1
    out: list[list[Document]] = [[]]
    done = 0
    for i, d in enumerate(docs):
        left = len(docs) - i  # documents still to place, this one included
        middle = done + len(d.text) / 2  # a document goes where most of it falls
        due = middle >= total * len(out) / count or left == count - len(out)
        if out[-1] and due and len(out) < count:
            out.append([])
        out[-1].append(d)
        done += len(d.text)
    return out


def _connect(settings: DaskSettings) -> tuple[Any, Any]:
    """A client of the cluster at ``settings.scheduler``, or of a new local cluster."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise KGError(f"--engine dask needs Dask: {INSTALL}") from None
    if settings.scheduler:
        try:
            return Client(settings.scheduler, timeout="20s"), None
        except OSError as exc:
            raise KGError(f"no Dask scheduler answers at {settings.scheduler}: {exc}") from None
    cluster = LocalCluster(
        n_workers=settings.workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    return Client(cluster), cluster
