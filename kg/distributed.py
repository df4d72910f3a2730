"""Analysis on a Dask cluster: ``kg build --engine dask`` (the optional extra ``kg[dask]``).

The driver walks the inputs (kg.ingest.Reader.files) and submits the files in partitions of
about ``partition_size`` files of about equal bytes; each worker reads its files
(kg.ingest.read_file, at their absolute paths: the workers must see the corpus where the
driver does, as on a shared file system), analyses their documents and keeps the analyses
(compact records: mentions and claims, no spaCy ``Doc``); the driver takes back, per file,
only its problems and documents (partition_read) and admits them in file order
(kg.ingest.Reader.admit: duplicate ids across files, the length limit, strict mode), so the
warnings, ids and documents are exactly those of a local build. The cluster resolves from the
analyses its workers hold, and its workers write the document graphs of ``parts/``
(DaskReading.write_parts); the driver writes the rest: the outputs are byte-identical (parts/
holds the same quads, cut by partition). With ``read_on="driver"`` (``--read-on driver``, for
workers without the files) and for a store build (which compares every document with its
cache first) the driver reads the documents and sends them in the tasks instead, and takes
the analyses back. Each worker loads the spaCy model once (a module-level cache
in the worker process: the model is never pickled into a task).

A partition whose worker dies is recomputed by Dask on the workers that remain (the scheduler
re-runs the tasks a lost worker held; ``retries`` covers a task that fails for another reason),
so no document is lost or analysed into the result twice. When no worker remains, the build
fails with an error naming the partitions not analysed, and a rerun starts afresh.

Without ``scheduler`` a ``LocalCluster`` of ``workers`` processes (one thread each, Dask's
profiler off and glibc's trim threshold: LOCAL_CLUSTER_CONFIG) is started and closed with the
build; with ``scheduler`` (``tcp://HOST:8786``) the running cluster is used, whose workers must
have kg and the model installed (and trafilatura, if the driver has it: "auto" is fixed there).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from kg.errors import KGError
from kg.gcpause import gc_paused
from kg.limits import Limits
from kg.model import Document
from kg.results import Analysis

if TYPE_CHECKING:
    from kg.graph import BuildInfo, DocEntities, DocFacts
    from kg.ingest import FileItem, Reader
    from kg.model import Fact
    from kg.resolve.entities import EntityIndex
    from kg.resolve.facts import KeyedClaim, OfficeOwners, Resolved
    from kg.resolve.keys import KeyTable
    from kg.resolve.surnames import Owners

T = TypeVar("T")

ENGINES = ("local", "dask")
READ_ON = ("workers", "driver")  # who reads the files with --engine dask
PARTITION_SIZE = 16  # documents per task: small enough to spread, large enough to batch spaCy
_MODELS: dict[str | None, Any] = {}  # per worker process: model name -> loaded pipeline
INSTALL = "pip install 'kg[dask]'"
# The local cluster's workers run (docs/scale.md, measured on this 2-core machine):
# - with glibc's own trim threshold: Dask starts its workers with MALLOC_TRIM_THRESHOLD_=65536,
#   so that freed memory goes back to the system at once, and spaCy then spends 15 to 25% more
#   time in each document (the heap grown and given back again, batch after batch);
# - without Dask's statistical profiler, which samples every worker's stack every 10 ms for a
#   dashboard kg does not start (about 5% of a worker's time).
# A running cluster (--scheduler) keeps its own configuration.
LOCAL_CLUSTER_CONFIG: dict[str, Any] = {
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,  # None: not set
    "distributed.worker.profile.enabled": False,
}


@dataclass(frozen=True)
class DaskSettings:
    """Where and how to run: a scheduler address, or the size of a local cluster."""

    scheduler: str | None = None
    workers: int = 2
    partition_size: int = PARTITION_SIZE
    retries: int = 2
    read_on: str = "workers"  # who reads the files: "workers" (a shared file system) or "driver"


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
    # with the cyclic collector paused, as a local build analyses (kg/gcpause.py): a worker
    # holds its partitions' analyses, which a full collection would scan again and again
    with gc_paused():
        analyses = [compact(a) for a in stream]
    return (meta.name, meta.version), analyses


def read_and_analyse_partition(
    files: Sequence[tuple[str, str]],
    model: str | None,
    batch_size: int,
    extractors: Sequence[str] | None,
    limits: Limits,
    html_reader: str,
) -> tuple[tuple[str, str], list[list[tuple[FileItem, Analysis | None]]]]:
    """Run on a worker: read the partition's files, each (the path as the build names it,
    where to read it), into their problems and documents (kg.ingest.read_file), and analyse
    every document within the length limit. Per file, its items in order, each document with
    its analysis; the driver admits them (kg.ingest.Reader: duplicate ids across files, the
    warnings) in file order, so the documents and warnings are those of a local build."""
    from kg.ingest import Parsed, read_file, within_length

    def wanted(item: FileItem) -> bool:  # what the driver may admit
        return isinstance(item, Parsed) and within_length(item.document, limits)

    read = [read_file(Path(name), limits, html_reader, Path(source)) for name, source in files]
    documents = [item.document for items in read for item in items if isinstance(item, Parsed)
                 and wanted(item)]
    meta, analyses = analyse_partition(documents, model, batch_size, extractors, limits)
    analysed = iter(analyses)
    return meta, [[(item, next(analysed) if wanted(item) else None) for item in items]
                  for items in read]


def partition_read(
    result: tuple[tuple[str, str], list[list[tuple[FileItem, Analysis | None]]]],
) -> tuple[tuple[str, str], list[list[tuple[FileItem, bool]]]]:
    """Run on a worker, on a partition's result it holds: what the driver admits from it (per
    file, its items in order, each with whether it was analysed), without the analyses, which
    stay on the worker for resolution."""
    meta, files = result
    return meta, [[(item, analysis is not None) for item, analysis in items] for items in files]


class _Runner:
    """Partitions submitted to a Dask cluster, their results taken back in order."""

    def __init__(self, dask: DaskSettings, on_partition: Callable[[int, int], None] | None):
        self.dask = dask
        self.on_partition = on_partition
        self.model: tuple[str, str] | None = None

    def results(
        self,
        func: Callable[..., tuple[tuple[str, str], Any]],
        items: Iterable[Any],
        name: Callable[[Any], str],
        weight: Callable[[Any], int],
        *args: Any,
    ) -> Iterator[Any]:
        """Each partition's result (the second of what ``func`` returns), in order; the
        client and a local cluster are closed at the end."""
        client, cluster = _connect(self.dask)
        try:
            yield from self.gather(self.submit(client, func, items, name, weight, args))
        finally:
            client.close()
            if cluster is not None:
                cluster.close()

    def submit(
        self,
        client: Any,
        func: Callable[..., tuple[tuple[str, str], Any]],
        items: Iterable[Any],
        name: Callable[[Any], str],
        weight: Callable[[Any], int],
        args: tuple[Any, ...],
    ) -> list[Any]:
        """One task per partition of ``items``, in order: their futures."""
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        partitions = _partitions(items, self.dask.partition_size, workers, weight)
        futures = []
        for i, part in enumerate(partitions):
            names = "\0".join(name(x) for x in part).encode("utf-8", "surrogateescape")
            digest = hashlib.sha256(names).hexdigest()
            futures.append(
                client.submit(
                    func,
                    part,
                    *args,
                    key=f"kg-analyse-{i:05d}-{digest[:16]}",
                    retries=self.dask.retries,
                    pure=False,
                )
            )
        return futures

    def gather(self, futures: Sequence[Any]) -> Iterator[Any]:
        """The partitions' results in order, as each comes back."""
        for i, future in enumerate(futures):
            model, result = _result(future, futures, i, "analyse")
            self.model = self.model or model
            if self.on_partition is not None:
                self.on_partition(i + 1, len(futures))
            yield result


def _result(future: Any, futures: Sequence[Any], i: int, what: str) -> Any:
    """The result of task ``i`` of ``futures``, or the error naming what was lost."""
    from distributed import wait

    try:
        return future.result()
    except Exception as exc:
        with contextlib.suppress(TimeoutError):  # some still running: they count as lost
            wait(futures, timeout=0)
        lost = [f.key for f in futures if f.status != "finished"]
        raise KGError(
            f"the Dask cluster did not {what} {len(lost)} of {len(futures)} partitions"
            f" (first: partition {i}: {type(exc).__name__}: {exc}); nothing was written,"
            " run the build again"
        ) from None


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
        self.args = (model, batch_size, extractors, limits)
        self._runner = _Runner(dask, on_partition)

    @property
    def model(self) -> tuple[str, str] | None:
        return self._runner.model

    def __iter__(self) -> Iterator[Analysis]:
        results = self._runner.results(
            analyse_partition, self.documents, _document_id, _text_length, *self.args
        )
        for analyses in results:
            yield from analyses


# Where an admitted document sits in a partition's result: (file, item) indices.
_Admitted = list[tuple[int, int]]


class DaskReading:
    """The analyses of the documents in ``files``, read and analysed on a Dask cluster and
    admitted by ``reader`` in file order (kg.ingest.Reader: its warnings, duplicate ids and
    strict mode exactly as a local build's); ``on_file(done)`` hears of each file read.

    Each worker reads its files from their absolute path, so a remote cluster's workers must
    see the corpus at the same path as the driver (a shared file system); otherwise build with
    ``DaskSettings(read_on="driver")`` (``--read-on driver``).

    Once every analysis is taken, the cluster resolves them too (kg.resolve.Remote), from the
    partition results its workers still hold, the documents the driver admitted only:
    ``key_table()`` in two rounds (each partition's family-name owners, merged here and
    scattered; then each partition's key table with the corpus surnames, merged on the cluster
    in a tree of ``FAN_IN`` tables a task), and ``merge_facts(index, base)`` in two more (each
    partition's claims resolved with the index and its office owners, merged here and
    scattered; then its claims keyed and cut into ``buckets`` by key, and each bucket's facts
    made by one task). Use it as a context manager, or ``close()`` it: the client (and a local
    cluster) stay open from the first analysis until then.
    """

    def __init__(
        self,
        files: Sequence[Path],
        reader: Reader,
        *,
        model: str | None,
        batch_size: int,
        extractors: Sequence[str] | None,
        html_reader: str,
        dask: DaskSettings,
        on_file: Callable[[int], None] | None = None,
    ) -> None:
        from kg.html_text import chosen_reader

        self.files = [(str(p), str(p.absolute())) for p in files]
        self.reader = reader
        # "auto" as this process reads: a worker without trafilatura fails, never reads otherwise
        self.args = (model, batch_size, extractors, reader.limits, chosen_reader(html_reader))
        self.on_file = on_file
        self._runner = _Runner(dask, None)
        self._client: Any = None
        self._cluster: Any = None
        self._futures: list[Any] = []  # each partition's result, held on its worker
        self._admitted: list[_Admitted] = []
        self._ids: list[list[str]] = []  # each partition's admitted documents
        self._owners: list[Any] = []  # each partition's family-name owners

    @property
    def model(self) -> tuple[str, str] | None:
        return self._runner.model

    def __enter__(self) -> DaskReading:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the client, and the local cluster if this started one."""
        client, cluster, self._client, self._cluster = self._client, self._cluster, None, None
        self._futures, self._owners = [], []
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()

    def __iter__(self) -> Iterator[Document]:
        self._client, self._cluster = client, _ = _connect(self._runner.dask)
        try:
            yield from self._admit(client)
        except BaseException:
            self.close()
            raise

    def _admit(self, client: Any) -> Iterator[Document]:
        futures = self._runner.submit(
            client, read_and_analyse_partition, self.files, _file_name, _file_size, self.args
        )
        self._futures = futures
        read = [client.submit(partition_read, f, pure=False) for f in futures]
        done = 0
        for future, partition in zip(futures, self._runner.gather(read), strict=True):
            kept: _Admitted = []
            ids: list[str] = []
            for i, items in enumerate(partition):
                for j, (item, analysed) in enumerate(items):
                    document = self.reader.admit(item)
                    if document is not None and analysed:
                        kept.append((i, j))
                        ids.append(document.id)
                        yield document
                done += 1
                if self.on_file is not None:
                    self.on_file(done)
            self._admitted.append(kept)
            self._ids.append(ids)
            self._owners.append(client.submit(partition_owners, future, kept, pure=False))

    def key_table(self) -> KeyTable | None:
        """The corpus's entity key table, computed and merged on the cluster (None before
        the analyses are taken, or without any)."""
        if self._client is None or not self._futures:
            return None
        return _cluster_table(self._client, self._futures, self._admitted, self._owners)

    def merge_facts(self, index: EntityIndex, base: str) -> list[Fact]:
        """The facts of the admitted documents' claims (kg.resolve.facts.merge_facts), merged
        by key on the cluster with the entities of ``index`` (none without a document)."""
        if self._client is None or not self._futures:
            return []
        return _cluster_facts(self._client, self._futures, self._admitted, index, base)


    def write_parts(
        self,
        folder: Path,
        inputs: Callable[[list[str]], tuple[dict[str, DocFacts], dict[str, DocEntities]]],
        build: str,
        info: BuildInfo,
        base: str,
        part_quads: int | None = None,
    ) -> list[dict[str, Any]]:
        """Write the graphs of the admitted documents into ``folder`` (a ``parts/`` being
        written: kg.export.rdf.write_partitioned), each partition's on the worker that holds
        its documents (kg.export.rdf.write_part_files), with the facts and entities
        ``inputs(ids)`` gives for its documents (kg.graph.graph_inputs); their manifest
        entries, in partition order. The workers must see ``folder`` at its absolute path, as
        they see the corpus. At most ``2 x workers`` partitions are sent at once, so what
        their inputs take here stays bounded."""
        if self._client is None or not self._futures:
            return []
        client, where = self._client, str(folder.absolute())
        window = 2 * max(1, len(client.scheduler_info().get("workers", {})))
        retries = self._runner.dask.retries
        todo = [(k, f, kept, ids) for k, (f, kept, ids)
                in enumerate(zip(self._futures, self._admitted, self._ids, strict=True)) if ids]

        def send(k: int, future: Any, kept: _Admitted, ids: list[str]) -> Any:
            # scattered, not in the task: a scheduler keeps a task's arguments until the end
            shared = _scattered(client, inputs(ids), retries)
            return client.submit(partition_parts, future, kept, shared, build, info, base,
                                 where, k, part_quads, pure=False)

        def written(item: tuple[int, Any, _Admitted, list[str]], task: Any) -> Any:
            # scattered data is not recomputed: if its worker died, it is sent again
            for _ in range(retries):
                try:
                    return task.result()
                except Exception:  # any loss: sent again, then reported
                    task = send(*item)
            return _result(task, [task], item[0], "write the graphs of")

        pending: list[tuple[tuple[int, Any, _Admitted, list[str]], Any]] = []
        entries: list[dict[str, Any]] = []
        for item in todo:
            pending.append((item, send(*item)))
            if len(pending) >= window:  # the oldest back before another is sent
                entries.extend(written(*pending.pop(0)))
        for item, task in pending:
            entries.extend(written(item, task))
        return entries


def _scattered(client: Any, data: Any, retries: int) -> Any:
    """``data`` scattered to the cluster, tried again (a second apart) if the worker it was
    sent to is lost meanwhile (the scheduler then knows it is gone)."""
    for attempt in range(retries + 1):
        try:
            return client.scatter(data, hash=False)
        except OSError:  # distributed's CommClosedError: the worker died during the send
            if attempt == retries:
                raise
            time.sleep(1)
    raise AssertionError("unreachable")


def partition_parts(
    result: tuple[tuple[str, str], list[list[tuple[FileItem, Analysis | None]]]],
    kept: _Admitted,
    inputs: tuple[dict[str, DocFacts], dict[str, DocEntities]],
    build: str,
    info: BuildInfo,
    base: str,
    folder: str,
    partition: int,
    part_quads: int | None,
) -> list[dict[str, Any]]:
    """Run on a worker, on a partition's result it holds: write its admitted documents'
    graphs as N-Quads files into ``folder`` (kg.export.rdf.write_part_files); their manifest
    entries."""
    from kg.export.rdf import write_part_files
    from kg.graph import document_segments

    facts, entities = inputs
    documents = [a.document for a in _admitted_analyses(result, kept)]
    segments = document_segments(documents, entities, facts, build, info, base)
    with gc_paused():  # as a local build writes: see kg/gcpause.py
        return write_part_files(Path(folder), partition, segments, part_quads)


def _cluster_facts(
    client: Any, futures: Sequence[Any], admitted: Sequence[_Admitted], index: EntityIndex,
    base: str,
) -> list[Fact]:
    """Fact merging as map / merge / reduce by key on the cluster (DaskReading.merge_facts)."""
    from kg.resolve.facts import merge_office_owners, office_owners

    shared_index = client.scatter(index, broadcast=True)
    resolved = [
        client.submit(partition_resolved, f, kept, shared_index, pure=False)
        for f, kept in zip(futures, admitted, strict=True)
    ]
    owners_of = [client.submit(office_owners, r, pure=False) for r in resolved]
    owners = merge_office_owners(
        _result(f, owners_of, i, "find the office owners of") for i, f in enumerate(owners_of)
    )
    shared_owners = client.scatter(owners, broadcast=True)
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    buckets = 2 * workers
    cut = [client.submit(partition_buckets, r, shared_owners, buckets, pure=False)
           for r in resolved]
    reduced = [
        client.submit(bucket_facts, [client.submit(_bucket, c, b, pure=False) for c in cut],
                      base, pure=False)
        for b in range(buckets)
    ]
    facts = [f for i, r in enumerate(reduced) for f in _result(r, reduced, i, "merge the facts of")]
    return sorted(facts, key=lambda f: f.id)


def partition_resolved(
    result: tuple[tuple[str, str], list[list[tuple[FileItem, Analysis | None]]]],
    kept: _Admitted,
    index: EntityIndex,
) -> list[Resolved]:
    """Run on a worker: a partition's admitted claims with their entities (those naming an
    entity the user dropped left out: kg.resolve.kept_claims)."""
    from kg.resolve import kept_claims
    from kg.resolve.facts import resolved_claims

    claims = [c for a in _admitted_analyses(result, kept) for c in a.claims]
    return resolved_claims(kept_claims(claims, index), index)


def partition_buckets(
    resolved: list[Resolved], owners: OfficeOwners, buckets: int
) -> list[list[KeyedClaim]]:
    """Run on a worker: a partition's claims keyed (with the corpus's office owners) and cut
    into ``buckets`` by a hash of the key that is the same in every process."""
    from kg.resolve.facts import keyed_claims

    out: list[list[KeyedClaim]] = [[] for _ in range(buckets)]
    for keyed in keyed_claims(resolved, owners):
        digest = hashlib.blake2b(keyed.key.encode("utf-8"), digest_size=8).digest()
        out[int.from_bytes(digest, "big") % buckets].append(keyed)
    return out


def _bucket(cut: list[list[KeyedClaim]], b: int) -> list[KeyedClaim]:
    return cut[b]


def bucket_facts(parts: list[list[KeyedClaim]], base: str) -> list[Fact]:
    """Run on a worker: the facts of one bucket's key groups, from every partition."""
    from kg.resolve.facts import facts_of

    return facts_of([k for part in parts for k in part], base)


FAN_IN = 8  # key tables merged by one task of the tree


def _cluster_table(
    client: Any, futures: Sequence[Any], admitted: Sequence[_Admitted], owners: Sequence[Any]
) -> KeyTable:
    """The corpus's entity key table, computed and merged on the cluster (DaskReading)."""
    from kg.resolve import merge_owners
    from kg.resolve.keys import merge

    corpus = merge_owners(_result(f, owners, i, "find the names of") for i, f in enumerate(owners))
    shared = client.scatter(corpus, broadcast=True)
    level = [
        client.submit(partition_table, f, kept, shared, pure=False)
        for f, kept in zip(futures, admitted, strict=True)
    ]
    while len(level) > 1:
        level = [
            client.submit(merge, level[k : k + FAN_IN], pure=False)
            for k in range(0, len(level), FAN_IN)
        ]
    table: KeyTable = _result(level[0], level, 0, "merge the key tables of")
    return table


def _admitted_analyses(
    result: tuple[tuple[str, str], list[list[tuple[FileItem, Analysis | None]]]],
    kept: _Admitted,
) -> list[Analysis]:
    files = result[1]
    return [a for i, j in kept if (a := files[i][j][1]) is not None]


def partition_owners(
    result: tuple[tuple[str, str], list[list[tuple[FileItem, Analysis | None]]]],
    kept: _Admitted,
) -> Owners:
    """Run on a worker, on a partition's result it holds: the family names of the full names
    its admitted documents write, and whose they are (kg.resolve.surnames.surname_owners)."""
    from kg.resolve import resolvable_mentions, surname_owners

    analyses = _admitted_analyses(result, kept)
    claims = [c for a in analyses for c in a.claims]
    mentions = {a.document.id: a.mentions for a in analyses}
    return surname_owners(resolvable_mentions(claims, mentions))


def partition_table(
    result: tuple[tuple[str, str], list[list[tuple[FileItem, Analysis | None]]]],
    kept: _Admitted,
    owners: Owners,
) -> KeyTable:
    """Run on a worker: the key table of a partition's admitted documents, with the family
    names of the corpus's ``owners`` they write (kg.resolve.resolvable_mentions)."""
    from kg.resolve import key_table, resolvable_mentions

    analyses = _admitted_analyses(result, kept)
    claims = [c for a in analyses for c in a.claims]
    mentions = {a.document.id: a.mentions for a in analyses}
    texts = {a.document.id: a.document.text for a in analyses}
    return key_table(resolvable_mentions(claims, mentions, texts, owners))


def _document_id(document: Document) -> str:
    return document.id


def _text_length(document: Document) -> int:
    return len(document.text)


def _file_name(file: tuple[str, str]) -> str:
    return file[0]


def _file_size(file: tuple[str, str]) -> int:
    """A file's size in bytes (0 if it cannot be read: the worker reports why)."""
    try:
        return os.stat(file[1]).st_size
    except OSError:
        return 0


def _partitions(
    items: Iterable[T], size: int, workers: int = 1, weight: Callable[[T], int] | None = None
) -> list[list[T]]:
    """The items (documents, files) in order, cut into partitions of about ``size`` items: as
    many as a multiple of ``workers`` (so no worker idles while another does a last partition
    alone), each of about the same ``weight`` (a document's characters by default: spaCy's
    time is about linear in them)."""
    measure: Callable[[Any], int] = weight if weight is not None else _text_length
    docs = list(items)
    if not docs:
        return []
    count = -(-len(docs) // max(1, size))
    count = min(len(docs), -(-count // workers) * workers)
    weights = [measure(d) for d in docs]
    total = sum(weights) or 1
    out: list[list[T]] = [[]]
    done = 0
    for i, (d, w) in enumerate(zip(docs, weights, strict=True)):
        left = len(docs) - i  # items still to place, this one included
        middle = done + w / 2  # an item goes where most of it falls
        due = middle >= total * len(out) / count or left == count - len(out)
        if out[-1] and due and len(out) < count:
            out.append([])
        out[-1].append(d)
        done += w
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
    import dask

    with dask.config.set(LOCAL_CLUSTER_CONFIG):  # the worker processes take it at their start
        cluster = LocalCluster(
            n_workers=settings.workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
    return Client(cluster), cluster
