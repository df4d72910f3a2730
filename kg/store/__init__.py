"""The persistent store: an on-disk Oxigraph database plus a per-document analysis cache.

Layout of a store folder (default ``.kg-store`` in the current folder)::

    LOCK          the writer's lock file (fcntl.flock), holding the writer's pid
    store.json    the base IRI, format and copy threshold of the store
    analyses/     one JSON file per document: what kg.pipeline.analyse found (kg/store/cache.py)
    graphs.json   signature or digest of each named graph as last written (a hint)
    meta.nt       the metadata graph's lines as last written, headed by its digest (a hint)
    oxigraph/     the Oxigraph (RocksDB) database: `oxigraph serve --location <store>/oxigraph`

A build analyses only new or changed documents (by their text and metadata), resolves over
every cached analysis, builds only the document graphs whose signature (kg/store/signature.py)
changed plus the metadata graph, and rewrites only the named graphs whose content changed, one
transaction per graph (kg/store/writer.py). ``remove_documents`` retracts documents the same
way. Copies, entity merges, ``kg:support`` and conflicts are therefore always those of a clean
build of the documents the store holds.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg import __version__
from kg.export.atomic import atomic_write
from kg.gcpause import gc_paused
from kg.graph import BuildInfo, Segment, build_quads, dataset_segments
from kg.iri import doc_graph_iri, document_key, meta_graph_iri
from kg.limits import printable
from kg.results import Analysis, BuildResult, Settings
from kg.store.cache import AnalysisCache, CacheEntry, CacheError
from kg.store.lock import StoreError, StoreLockedError, locked
from kg.store.signature import document_signatures
from kg.store.writer import GraphWriter, SyncReport

if TYPE_CHECKING:
    from spacy.language import Language

    from kg.ingest import InputWarning
    from kg.model import Document
    from kg.resolve import Resolution

DEFAULT_STORE = ".kg-store"
STORE_FORMAT = 1

__all__ = [
    "DEFAULT_STORE",
    "CacheError",
    "StoreBuild",
    "StoreError",
    "StoreLockedError",
    "build_store",
    "remove_documents",
    "read_store",
    "open_rdf",
    "store_quads",
]


@dataclass
class StoreBuild:
    """A finished store build or removal: the resolved corpus and what was written."""

    result: BuildResult
    analysed: list[str] = field(default_factory=list)  # ids run through spaCy this time
    reused: int = 0  # documents taken from the analysis cache
    removed: list[str] = field(default_factory=list)  # ids retracted
    sync: SyncReport = field(default_factory=SyncReport)
    seconds: dict[str, float] = field(default_factory=dict)  # time per stage


class _Clock:
    """Seconds spent per stage."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(now - self._last, 3)
        self._last = now


def rdf_path(folder: str | os.PathLike[str]) -> Path:
    """The Oxigraph database folder inside a store (what ``oxigraph serve --location`` takes)."""
    return Path(folder) / "oxigraph"


def _cache(folder: Path) -> AnalysisCache:
    return AnalysisCache(folder / "analyses")


@functools.cache
def _ontology_digest() -> str:
    from kg.resources import ontology_dir

    root = ontology_dir()
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(root)).encode("utf-8") + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


def analysis_key(settings: Settings) -> str:
    """What a cached analysis depends on: kg, spaCy model, extractors, ontology data files."""
    import spacy
    import spacy.util

    import kg.extract.builtin  # noqa: F401  (registers the built-in extractors)
    from kg.extract import registered
    from kg.nlp import resolve_model_name

    name = resolve_model_name(settings.model)
    try:
        path = Path(name) if Path(name).is_dir() else spacy.util.get_package_path(name)
        meta = spacy.util.get_model_meta(path)
        model = f"{meta.get('lang')}_{meta.get('name')} {meta.get('version')}"
    except (OSError, ImportError, ValueError):
        model = name  # not installed: load_nlp reports it if an analysis is needed
    extractors = sorted(settings.extractors) if settings.extractors else sorted(registered())
    parts = [__version__, spacy.__version__, model, ",".join(extractors), _ontology_digest()]
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()


def _same_content(a: Any, b: Any) -> bool:
    """Whether two documents analyse the same (the file's path does not matter)."""
    return bool(dataclasses.replace(a, path="") == dataclasses.replace(b, path=""))


def _without_key_clashes(
    documents: list[Document],
    entries: dict[str, CacheEntry],
    settings: Settings,
    on_warning: Callable[[InputWarning], None] | None,
) -> list[Document]:
    """``documents`` without those whose id is, by ``document_key``, the id of another document
    the store already holds (``ab-1`` when it holds ``AB-1``): one graph IRI, so keeping both
    would merge them silently. Each is skipped with a warning naming both (strict: raised)."""
    from kg.errors import InputError
    from kg.ingest import InputWarning

    held = {document_key(doc_id): doc_id for doc_id in entries}
    kept = []
    for d in documents:
        other = held.get(document_key(d.id))
        if other is None or other == d.id:
            kept.append(d)
            continue
        problem = printable(
            f"duplicate document id {d.id!r}: the store already holds {other!r} (from"
            f" {entries[other].document.path}), the same id to kg (ids that differ only in case,"
            f" spacing or Unicode normalisation are one id), so this one is skipped; rename it,"
            f" or first `kg remove {other} --store ...` if it replaces that document",
            settings.limits.warning_chars,
        )
        if settings.strict:
            raise InputError(d.path, problem)
        if on_warning is not None:
            on_warning(InputWarning(d.path, problem, skipped=True))
    return kept


def _read_meta(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / "store.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise StoreError(
            f"{folder}/store.json: unreadable ({exc}); is {folder} a kg store?"
        ) from exc
    return data if isinstance(data, dict) else {}


def _check_folder(folder: Path, create: bool) -> None:
    if folder.exists() and not folder.is_dir():
        raise StoreError(f"store {folder} is a file, not a folder; pass another --store")
    if not create and not (folder / "store.json").is_file():
        raise StoreError(
            f"{folder} is not a kg store (no store.json); build one with"
            f" `kg build INPUTS --store {folder}`"
        )
    is_store = (folder / "store.json").exists()
    if create and folder.is_dir() and not is_store and any(folder.iterdir()):
        raise StoreError(
            f"{folder} is a folder that is not empty and not a kg store; pass a new or"
            " empty folder to --store"
        )


@contextlib.contextmanager
def _writable(folder: Path) -> Iterator[ox.Store]:
    try:
        store = ox.Store(str(rdf_path(folder)))
    except OSError as exc:
        raise StoreError(
            f"{rdf_path(folder)}: cannot open the Oxigraph database ({exc}); another program"
            " (oxigraph serve?) may have it open"
        ) from exc
    try:
        yield store
        store.flush()
    finally:
        del store


def _info(entries: Sequence[CacheEntry], settings: Settings) -> BuildInfo:
    model = next((e.info for e in entries if e.info), {"model": "none", "model_version": "none"})
    stamp = None
    if settings.stamp_time:
        stamp = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    return BuildInfo(model["model"], model["model_version"], stamp)


def _resolve(
    entries: Sequence[CacheEntry], settings: Settings, base: str
) -> tuple[list[Document], Resolution, BuildInfo]:
    """Entities and facts resolved over every cached analysis, as a clean build resolves them."""
    from kg.resolve import resolve
    from kg.resolve.copies import find_copies

    analyses = sorted((e.analysis for e in entries), key=lambda a: a.document.id)
    documents = [a.document for a in analyses]
    copies = find_copies(documents, settings.copy_threshold)  # over the whole corpus
    with gc_paused():
        claims = [c for a in analyses for c in a.claims]
        mentions = {a.document.id: a.mentions for a in analyses}
        texts = {d.id: d.text for d in documents}
        resolution = resolve(
            claims, mentions, base, copies=copies, overrides=settings.overrides, texts=texts
        )
    return documents, resolution, _info(entries, settings)


OVERRIDES = "entities.yaml"  # the user's entity overrides, kept for every later build


def _with_overrides(folder: Path, settings: Settings, *, keep: bool) -> Settings:
    """The settings with the entity overrides in force: those given now (kept in the store
    when ``keep``), else those the store kept from an earlier build."""
    from kg.resolve import load_overrides

    kept = folder / OVERRIDES
    if settings.overrides is not None:
        if keep:
            atomic_write(kept, settings.overrides.text.encode("utf-8"))
        return settings
    if kept.is_file():  # entries naming an entity no longer in the store are passed over
        overrides = dataclasses.replace(load_overrides(kept), strict=False)
        return dataclasses.replace(settings, overrides=overrides)
    return settings


def _all_segments(
    documents: list[Document], resolution: Resolution, info: BuildInfo, base: str
) -> Callable[[], Iterator[Segment]]:
    """A function that streams the whole dataset, one document's graph at a time (what a
    ``BuildResult`` reads for its file exports and, on first use, its ``quads``)."""

    def stream() -> Iterator[Segment]:
        return dataset_segments(
            documents, resolution.entities, resolution.facts, info, base, copies=resolution.copies
        )

    return stream


def _read_cache(cache: AnalysisCache) -> dict[str, CacheEntry]:
    """Every cached analysis by document id (three times faster with the collector paused)."""
    with gc_paused():
        return {e.document.id: e for e in cache.read_all()}


def _resolve_and_sync(
    folder: Path, entries: Sequence[CacheEntry], settings: Settings, base: str, clock: _Clock
) -> tuple[BuildResult, SyncReport]:
    """Resolve the store's corpus and bring the database to it, building only stale graphs.

    A document graph whose signature (kg/store/signature.py) is the one it was written with is
    neither built nor compared; the metadata graph is always built and compared by digest. The
    returned result builds its full quad list only if a caller asks for it (file exports).
    """
    with gc_paused():
        documents, resolution, info = _resolve(entries, settings, base)
        entities, facts = resolution.entities, resolution.facts
        clock.lap("resolve")
        keys = document_signatures(documents, entities, facts, info, base)
        with _writable(folder) as store:
            writer = GraphWriter(store, folder)
            fresh = writer.present_keys(keys)
            stale = {d.id for d in documents if doc_graph_iri(d.id, base) not in fresh}
            quads = build_quads(
                documents, entities, facts, info, base, only_docs=stale, copies=resolution.copies
            )
            clock.lap("build")
            report = writer.sync(quads, last=meta_graph_iri(base), keys=keys)
    clock.lap("write")

    whole = len(stale) == len(documents)  # every graph was built: the dataset is at hand
    if whole:  # the dataset is at hand
        result = BuildResult(documents, entities, facts, lambda: quads, info)
    else:  # the file exports stream it
        segments = _all_segments(documents, resolution, info, base)
        result = BuildResult(documents, entities, facts, None, info, make_segments=segments)
    result.copies = resolution.copies
    return result, report


def build_store(
    inputs: Sequence[str | os.PathLike[str]],
    folder: str | os.PathLike[str],
    settings: Settings,
    *,
    on_warning: Callable[[InputWarning], None] | None = None,
    on_document: Callable[[Any], None] | None = None,
    nlp: Language | None = None,
    reanalyse: bool = False,
    exclude: Sequence[str | os.PathLike[str]] = (),
    on_phase: Callable[[str, int, int | None], None] | None = None,
) -> StoreBuild:
    """Add or update the documents of ``inputs`` in the store at ``folder``.

    Nothing under the store folder or a folder of ``exclude`` (the file exports) is read.

    Only documents that are new, changed, or cached under another model/kg/ontology version go
    through spaCy; documents already in the store and absent from ``inputs`` stay.
    ``on_phase(name, done, total)`` hears of the analysis (documents) and of the resolution
    and writing of the graphs (``sync``), as ``run_build``'s does.
    """
    phase = on_phase if on_phase is not None else _no_phase
    from kg.ingest import read_documents
    from kg.pipeline import analyse_with

    path = Path(folder)
    _check_folder(path, create=True)
    clock = _Clock()
    with locked(path, exclusive=True):
        atomic_write(path / "store.json", _meta_json(settings.base, settings.copy_threshold))
        settings = _with_overrides(path, settings, keep=True)
        cache = _cache(path)
        entries = _read_cache(cache)
        key = analysis_key(settings)
        documents = list(
            read_documents(
                inputs,
                strict=settings.strict,
                on_warning=on_warning,
                limits=settings.limits,
                exclude=[path, *exclude],
                html_reader=settings.html_reader,
            )
        )
        documents = _without_key_clashes(documents, entries, settings, on_warning)
        todo: list[Any] = []
        for d in documents:
            old = entries.get(d.id)
            if old is None or reanalyse or old.key != key or not _same_content(old.document, d):
                todo.append(d)
            elif old.document != d:  # same text and metadata, another path: no spaCy needed
                analysis = dataclasses.replace(old.analysis, document=d)
                cache.write(analysis, key, old.info)
                entries[d.id] = CacheEntry(analysis, key, old.info)
        seen = {d.id for d in documents}
        todo += [e.document for i, e in sorted(entries.items()) if i not in seen and e.key != key]
        analysed: list[str] = []
        clock.lap("read")
        if todo:

            def counted() -> Iterator[Any]:
                for d in todo:
                    if on_document is not None:
                        on_document(d)
                    yield d

            # only the new and changed documents, locally or on the cluster
            stream, (name, version) = analyse_with(counted(), settings, nlp)
            info = {"model": name, "model_version": version}
            phase("analyse", 0, len(todo))
            for analysis in stream:
                cache.write(analysis, key, info)
                entries[analysis.document.id] = CacheEntry(analysis, key, info)
                analysed.append(analysis.document.id)
                phase("analyse", len(analysed), len(todo))
        clock.lap("analyse")
        phase("sync", 0, 1)
        result, report = _resolve_and_sync(
            path, list(entries.values()), settings, settings.base, clock
        )
        phase("sync", 1, 1)
    return StoreBuild(result, analysed, len(entries) - len(analysed), [], report, clock.laps)


def _no_phase(name: str, done: int, total: int | None) -> None:
    """The default ``on_phase`` of ``build_store``."""


def _meta_json(base: str, copy_threshold: float) -> bytes:
    meta = {"format": STORE_FORMAT, "base": base, "copy_threshold": copy_threshold}
    return json.dumps(meta, indent=2).encode("utf-8")


def _stored_settings(meta: dict[str, Any], settings: Settings) -> Settings:
    """``settings`` with the copy threshold the store was last built with (a removal or an
    export resolves as that build did)."""
    threshold = meta.get("copy_threshold")
    if isinstance(threshold, (int, float)) and not isinstance(threshold, bool):
        return dataclasses.replace(settings, copy_threshold=float(threshold))
    return settings


def remove_documents(
    folder: str | os.PathLike[str], doc_ids: Sequence[str], settings: Settings
) -> StoreBuild:
    """Retract documents from the store; unknown ids are an error (nothing is changed)."""
    path = Path(folder)
    _check_folder(path, create=False)
    clock = _Clock()
    with locked(path, exclusive=True):
        meta = _read_meta(path)
        base = str(meta.get("base") or settings.base)
        settings = _with_overrides(path, _stored_settings(meta, settings), keep=False)
        cache = _cache(path)
        entries = _read_cache(cache)
        held = {document_key(doc_id): doc_id for doc_id in entries}  # `kg remove ab-1`: AB-1
        doc_ids = list(
            dict.fromkeys(d if d in entries else held.get(document_key(d), d) for d in doc_ids)
        )
        unknown = [d for d in doc_ids if d not in entries]
        if unknown:
            known = ", ".join(sorted(entries)[:10]) or "none"
            raise StoreError(
                f"store {path} holds no document {unknown[0]!r}"
                f"{f' (nor {len(unknown) - 1} more)' if len(unknown) > 1 else ''};"
                f" documents it holds include: {known}"
            )
        for doc_id in doc_ids:
            cache.delete(doc_id)
            del entries[doc_id]
        clock.lap("read")
        result, report = _resolve_and_sync(path, list(entries.values()), settings, base, clock)
    return StoreBuild(result, [], len(entries), list(doc_ids), report, clock.laps)


@contextlib.contextmanager
def open_rdf(folder: str | os.PathLike[str]) -> Iterator[ox.Store]:
    """The store's Oxigraph database opened read-only, under a shared lock (for queries)."""
    path = Path(folder)
    _check_folder(path, create=False)
    with locked(path, exclusive=False):
        try:
            store = ox.Store.read_only(str(rdf_path(path)))
        except OSError as exc:
            raise StoreError(f"{rdf_path(path)}: cannot open the Oxigraph database: {exc}") from exc
        try:
            yield store
        finally:
            del store


def store_quads(store: ox.Store) -> list[ox.Quad]:
    """Every quad of a store, sorted as a build sorts them."""
    return sorted(
        store.quads_for_pattern(None, None, None, None),
        key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)),
    )


def read_store(folder: str | os.PathLike[str], settings: Settings | None = None) -> BuildResult:
    """The store's corpus as a ``BuildResult`` for exporters, resolved from the analysis cache.

    Its quads, built on first use, are what a build writes (typed literals spelt as kg spells
    them); the Oxigraph database holds the same triples with typed literals in canonical form.
    """
    settings = settings or Settings()
    path = Path(folder)
    _check_folder(path, create=False)
    with locked(path, exclusive=False):
        meta = _read_meta(path)
        base = str(meta.get("base") or settings.base)
        settings = _with_overrides(path, _stored_settings(meta, settings), keep=False)
        entries = list(_read_cache(_cache(path)).values())
        documents, resolution, info = _resolve(entries, settings, base)
    segments = _all_segments(documents, resolution, info, base)
    result = BuildResult(
        documents, resolution.entities, resolution.facts, None, info, make_segments=segments
    )
    result.copies = resolution.copies
    return result


def cached_analyses(folder: str | os.PathLike[str]) -> list[Analysis]:
    """Every analysis cached in a store, sorted by document id (for tests and tools)."""
    entries = _cache(Path(folder)).read_all()
    return sorted((e.analysis for e in entries), key=lambda a: a.document.id)
