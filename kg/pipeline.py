"""The build: read documents, analyse them with spaCy, extract claims, resolve, export.

``run_build`` is what ``kg build`` calls; each stage is a public function of its own module.
The types the stages hand over (``Settings``, ``Analysis``, ``BuildResult``) live in
kg/results.py and are re-exported here.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import itertools
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from spacy.language import Language
from spacy.tokens import Doc

from kg.errors import ExportError, KGError
from kg.export import export_many
from kg.export.rdf import write_partitioned
from kg.extract import build_context, extract
from kg.gcpause import gc_paused
from kg.graph import (
    BuildInfo,
    Segment,
    build_iri,
    dataset_segments,
    graph_inputs,
    group_by_document,
)
from kg.ingest import InputWarning, read_documents
from kg.lexicon import load_lexicon
from kg.limits import Limits
from kg.model import Claim, Document, Mention
from kg.nlp import load_nlp, model_info, resolve_model_name
from kg.resolve import Overrides, Remote, Resolution, resolve
from kg.resolve.copies import DEFAULT_THRESHOLD, find_copies
from kg.results import Analysis, BuildResult, Settings
from kg.segment import in_pieces, join, spacy_inputs
from kg.vocab import DEFAULT_BASE
from kg.walk import mark_output_folder

if TYPE_CHECKING:
    from kg.distributed import DaskReading

T = TypeVar("T")


def analyse(
    documents: Iterable[Document],
    nlp: Language,
    *,
    jobs: int = 1,
    batch_size: int = 16,
    extractors: Sequence[str] | None = None,
    limits: Limits = Limits(),
) -> Iterator[Analysis]:
    """Run spaCy and every extractor over documents, streaming through ``nlp.pipe``.

    A long document, or one with a run of characters spaCy's tokeniser is slow on, goes
    through spaCy in pieces joined again into one ``Doc`` of the same text (kg/segment.py).
    """
    lexicon = load_lexicon()

    def analysis(document: Document, sdoc: Doc) -> Analysis:
        ctx = build_context(document, sdoc, lexicon)
        return Analysis(document, ctx.mentions, list(extract(ctx, extractors)))

    def kind(document: Document) -> bool:
        return in_pieces(document.text, limits)

    # Documents in order; a run of ordinary ones streams through one batched nlp.pipe, a
    # document in pieces goes through spaCy alone, one piece at a time (bounded memory).
    for pieces_wanted, group in itertools.groupby(documents, key=kind):
        if not pieces_wanted:
            for document, sdoc in _parsed(group, nlp, batch_size, jobs):
                yield analysis(document, sdoc)
            continue
        for document in group:
            pieces = spacy_inputs(document.text, nlp, limits)
            yield analysis(document, join(list(nlp.pipe(pieces, batch_size=1))))


def _parsed(
    documents: Iterable[Document], nlp: Language, batch_size: int, jobs: int
) -> Iterator[tuple[Document, Doc]]:
    """Each document with its spaCy ``Doc``, in order, through one batched ``nlp.pipe``."""
    pending: dict[int, Document] = {}

    def texts() -> Iterator[tuple[str, int]]:
        for i, document in enumerate(documents):
            pending[i] = document
            yield document.text, i

    for sdoc, i in nlp.pipe(texts(), as_tuples=True, batch_size=batch_size, n_process=jobs):
        yield pending.pop(i), sdoc


def assemble(
    analyses: Iterable[Analysis],
    info: BuildInfo,
    base: str = DEFAULT_BASE,
    copy_threshold: float = DEFAULT_THRESHOLD,
    overrides: Overrides | None = None,
) -> BuildResult:
    """Find the copies among the documents (kg/resolve/copies.py), resolve entities and facts
    across documents (with the user's entity overrides); the result streams the RDF dataset
    to the exports (``segments``) and builds it as one list only if asked (``quads``).

    ``analyses`` may be a stream: each is taken apart as it comes (its document, mentions and
    claims), and no list of them is kept."""
    documents: list[Document] = []
    claims: list[Claim] = []
    mentions: dict[str, list[Mention]] = {}
    with gc_paused():  # millions of small acyclic objects: see kg/gcpause.py
        for a in analyses:
            a = compact(a)
            documents.append(a.document)
            claims.extend(a.claims)
            mentions[a.document.id] = a.mentions
        copies = find_copies(documents, copy_threshold)
        texts = {d.id: d.text for d in documents}
        resolution = resolve(
            claims, mentions, base, copies=copies, overrides=overrides, texts=texts
        )
    return _result(documents, resolution, info, base)


def assemble_remote(
    documents: Iterable[Document],
    remote: Remote,
    info: BuildInfo,
    base: str = DEFAULT_BASE,
    copy_threshold: float = DEFAULT_THRESHOLD,
    overrides: Overrides | None = None,
) -> BuildResult:
    """``assemble`` for documents whose analyses are elsewhere (on a Dask cluster's workers:
    kg.distributed.DaskReading), which computes the entity key table and the facts once the
    stream is spent (kg.resolve.Remote): only the documents come here, for the copies and the
    exports, never their mentions and claims."""
    with gc_paused():
        kept = list(documents)
        copies = find_copies(kept, copy_threshold)
        resolution = resolve([], {}, base, copies=copies, overrides=overrides, remote=remote)
    return _result(kept, resolution, info, base)


def _result(
    documents: list[Document], resolution: Resolution, info: BuildInfo, base: str
) -> BuildResult:
    entities, facts, copies = resolution.entities, resolution.facts, resolution.copies

    def segments() -> Iterator[Segment]:
        return dataset_segments(documents, entities, facts, info, base, copies=copies)

    result = BuildResult(documents, entities, facts, None, info, make_segments=segments)
    result.copies = copies
    return result


def compact(analysis: Analysis) -> Analysis:
    """The same analysis (equal in every field) holding each value once: a claim's mention
    equal to one of the document's mentions is that mention, and claims of one sentence share
    its text. A build holds every analysis until resolution is done; this halves what the
    claims take."""
    shared: dict[Any, Any] = {m: m for m in analysis.mentions}
    sentences: dict[str, str] = {}

    def one(value: Any) -> Any:
        if isinstance(value, Mention):
            return shared.setdefault(value, value)
        if isinstance(value, list):
            return [one(v) for v in value]
        if isinstance(value, tuple):
            return tuple(one(v) for v in value)
        return value

    claims = []
    for c in analysis.claims:
        ev = c.evidence
        sentence = sentences.setdefault(ev.sentence, ev.sentence)
        if sentence is not ev.sentence:
            ev = dataclasses.replace(ev, sentence=sentence)
        claims.append(Claim(c.kind, {k: one(v) for k, v in c.fields.items()}, ev))
    return Analysis(analysis.document, analysis.mentions, claims)


def run_build(
    inputs: Sequence[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str] | None,
    settings: Settings = Settings(),
    *,
    on_warning: Callable[[InputWarning], None] | None = None,
    on_document: Callable[[Document], None] | None = None,
    nlp: Language | None = None,
    on_phase: Callable[[str, int, int | None], None] | None = None,
) -> BuildResult:
    """Build a knowledge graph from files and folders; write the exports to ``out_dir``.

    ``on_phase(name, done, total)`` hears of the progress of each phase in turn: ``read``
    (files), ``analyse`` (documents), ``resolve`` and ``write`` (export files); it is called
    at the start of a phase with ``done`` 0 and at its end with ``done == total``.
    """
    started = time.perf_counter()
    phase = on_phase if on_phase is not None else _no_phase
    warnings: list[InputWarning] = []

    def warn(w: InputWarning) -> None:
        warnings.append(w)
        if on_warning is not None:
            on_warning(w)

    dask = settings.engine == "dask"
    if not dask:
        nlp = nlp if nlp is not None else load_nlp(settings.model)
    stamp = None
    if settings.stamp_time:
        stamp = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    exclude = [out_dir] if out_dir is not None else []
    job = _Reading(inputs, settings, exclude, warn, on_document, phase)
    count: int | None = None  # documents to analyse; read on the cluster, known at the end

    def progressed(items: Iterable[T]) -> Iterator[T]:
        done = 0
        for done, item in enumerate(items, 1):  # as each leaves spaCy and the extractors
            phase("analyse", done, count)
            yield item
        if count is None:
            phase("analyse", done, done)
        phase("resolve", 0, 1)

    args = (settings.base, settings.copy_threshold, settings.overrides)
    # the dataset and its exports form no cycles: see kg/gcpause.py
    with gc_paused(), contextlib.ExitStack() as stack:
        if dask and (settings.dask is None or settings.dask.read_on == "workers"):
            documents, model, remote = read_on_dask(job)
            stack.enter_context(remote)  # the workers hold the analyses until it closes
            result = assemble_remote(
                progressed(documents), remote, BuildInfo(*model, stamp), *args
            )
            if "parts" in settings.exports and out_dir is not None:
                result.make_parts = remote_parts(result, remote, settings.base)
            else:
                remote.close()  # resolved: nothing more for the cluster to do
        else:
            analyses, model, count = _read_here(job, nlp)
            result = assemble(progressed(analyses), BuildInfo(*model, stamp), *args)
        phase("resolve", 1, 1)
        result.warnings = warnings
        names = [Path(p).name or str(p) for p in inputs]
        result.title = names[0] if len(names) == 1 else f"{names[0]} and {len(names) - 1} more"
        if out_dir is not None:
            phase("write", 0, len(settings.exports))
            result.outputs.extend(export_complete(settings.exports, result, Path(out_dir)))
            phase("write", len(settings.exports), len(settings.exports))
    result.seconds = time.perf_counter() - started
    return result


def remote_parts(
    result: BuildResult, remote: DaskReading, base: str = DEFAULT_BASE
) -> Callable[[Path], int]:
    """What writes ``parts/`` for a build whose analyses a Dask cluster holds
    (``BuildResult.make_parts``): the metadata graph here, each partition's document graphs
    on the worker that holds its documents (kg.distributed.DaskReading.write_parts), so that
    this process never makes the documents' quads. The files hold the quads of the local
    build's ``parts/``, cut by partition instead (docs/scale.md)."""

    def write(path: Path) -> int:
        documents, entities, facts = result.documents, result.entities, result.facts
        info = result.info
        by_doc, entity_docs = group_by_document(documents, entities, facts)
        meta = dataset_segments(documents, entities, facts, info, base, only_docs=frozenset(),
                                copies=result.copies)
        build = build_iri(documents, info, base)

        def partitions(folder: Path) -> list[dict[str, Any]]:
            return remote.write_parts(
                folder, lambda ids: graph_inputs(ids, by_doc, entity_docs), build, info, base
            )

        return write_partitioned(path, meta, partitions)

    return write


def _no_phase(name: str, done: int, total: int | None) -> None:
    """The default ``on_phase`` of ``run_build``: progress goes nowhere."""


@dataclasses.dataclass(frozen=True)
class _Reading:
    """What a build reads and whom it tells: the inputs, the settings, what not to read (the
    output folder), and the callbacks for warnings, documents and progress."""

    inputs: Sequence[str | os.PathLike[str]]
    settings: Settings
    exclude: Sequence[str | os.PathLike[str]]
    warn: Callable[[InputWarning], None]
    on_document: Callable[[Document], None] | None
    phase: Callable[[str, int, int | None], None]


def _read_here(
    job: _Reading, nlp: Language | None
) -> tuple[Iterable[Analysis], tuple[str, str], int | None]:
    """The analyses of the documents read in this process (in full first, so that the
    analysis has a total to count towards), on the engine of the settings, with the model and
    the number of documents."""
    settings, phase = job.settings, job.phase
    documents = list(
        read_documents(
            job.inputs,
            strict=settings.strict,
            on_warning=job.warn,
            limits=settings.limits,
            exclude=job.exclude,
            on_file=lambda done, total: phase("read", done, total),
            html_reader=settings.html_reader,
        )
    )

    def counted() -> Iterator[Document]:
        for document in documents:
            if job.on_document is not None:
                job.on_document(document)
            yield document

    phase("analyse", 0, len(documents))
    stream, model = analyse_with(counted(), settings, nlp)
    return stream, model, len(documents)


def read_on_dask(job: _Reading) -> tuple[Iterable[Document], tuple[str, str], DaskReading]:
    """The documents of the inputs, read and analysed on a Dask cluster
    (kg.distributed.DaskReading): this process only walks the folders and admits what the
    workers read, in file order, so the warnings and documents are a local build's; the
    analyses stay on the workers. The last is the cluster, which resolves them once the
    documents are spent (kg.resolve.Remote; to be closed)."""
    from kg.distributed import DaskReading, DaskSettings
    from kg.ingest import Reader

    settings, phase, on_document = job.settings, job.phase, job.on_document
    reader = Reader(strict=settings.strict, on_warning=job.warn, limits=settings.limits)
    files = reader.files(job.inputs, job.exclude)
    phase("read", 0, len(files))
    runner = DaskReading(
        files,
        reader,
        model=settings.model,
        batch_size=settings.batch_size,
        extractors=settings.extractors,
        html_reader=settings.html_reader,
        dask=settings.dask or DaskSettings(),
        on_file=lambda done: phase("read", done, len(files)),
    )
    phase("analyse", 0, None)

    def counted() -> Iterator[Document]:
        for document in runner:
            if on_document is not None:
                on_document(document)
            yield document

    stream, model = _awaited(counted(), runner, settings)
    if not stream:  # no document: the cluster has nothing to resolve
        runner.close()
    return stream, model, runner


def _awaited(
    stream: Iterator[T], runner: Any, settings: Settings
) -> tuple[Iterable[T], tuple[str, str]]:
    """The stream of a cluster's analyses (or documents) with its first awaited, and the
    model's (name, version) as the workers ran it (``runner.model``), or as it loads here if
    no document came back (no worker ran the model)."""
    first = next(stream, None)
    if first is None or runner.model is None:
        meta = model_info(load_nlp(resolve_model_name(settings.model)))
        return [], (meta.name, meta.version)
    return itertools.chain([first], stream), runner.model


def analyse_with(
    documents: Iterable[Document], settings: Settings, nlp: Language | None = None
) -> tuple[Iterable[Analysis], tuple[str, str]]:
    """The analyses of ``documents`` on the engine ``settings`` names, with the model's (name,
    version): streamed from ``nlp`` (loaded if not given) locally, computed on the cluster
    with ``engine`` "dask"."""
    if settings.engine == "dask":  # in partitions on a Dask cluster (kg/distributed.py)
        return analyse_on_dask(documents, settings)
    nlp = nlp if nlp is not None else load_nlp(settings.model)
    meta = model_info(nlp)
    stream = analyse(
        documents,
        nlp,
        jobs=settings.jobs,
        batch_size=settings.batch_size,
        extractors=settings.extractors,
        limits=settings.limits,
    )
    return stream, (meta.name, meta.version)


def analyse_on_dask(
    documents: Iterable[Document], settings: Settings
) -> tuple[Iterable[Analysis], tuple[str, str]]:
    """The analyses of ``documents`` computed on a Dask cluster (``settings.dask``), in order,
    with the model's (name, version) as the workers ran it: a stream, partition by partition
    as they come back (the first is awaited here, for the model)."""
    from kg.distributed import DaskAnalysis, DaskSettings

    runner = DaskAnalysis(
        documents,
        model=settings.model,
        batch_size=settings.batch_size,
        extractors=settings.extractors,
        limits=settings.limits,
        dask=settings.dask or DaskSettings(),
    )
    return _awaited(iter(runner), runner, settings)


def export_complete(names: Sequence[str], result: BuildResult, out: Path) -> list[Path]:
    """Write the exports ``names`` into ``out`` as one set: each file goes to a hidden staging
    folder inside ``out`` first and all are moved into place only once every one is complete,
    so a build that fails (a full disk, an error) leaves the previous build's files as they
    were, never a mix of old and new. ``out`` is marked as kg's (kg.walk.OUTPUT_MARKER). A
    result without documents raises ``KGError`` and writes nothing."""
    if not result.documents:  # a mistyped path must not replace a good build by an empty one
        raise KGError(
            f"no documents to build: every input was skipped or none was found, so nothing is"
            f" written to {out} (its files, if any, are as they were); check the input paths"
        )
    if out.exists() and not out.is_dir():
        raise KGError(f"--out {out} is a file, not a folder; pass a new folder or a kg output")
    try:
        mark_output_folder(out)  # before any export: even a half-written set is never read
    except OSError as exc:
        raise ExportError(f"{out}: cannot write the outputs: {exc.strerror or exc}") from exc
    staging = Path(tempfile.mkdtemp(prefix=".kg-build-", dir=out))
    try:
        written = export_many(names, result, staging)
        moved = []
        for path in written:
            target = out / path.name
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            os.replace(path, target)
            moved.append(target)
        return moved
    finally:
        shutil.rmtree(staging, ignore_errors=True)


__all__ = [
    "Settings",
    "BuildResult",
    "Analysis",
    "analyse",
    "assemble",
    "assemble_remote",
    "run_build",
    "export_complete",
    "KGError",
]
