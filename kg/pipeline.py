"""The build: read documents, analyse them with spaCy, extract claims, resolve, export.

``run_build`` is what ``kg build`` calls; each stage is a public function of its own module.
The types the stages hand over (``Settings``, ``Analysis``, ``BuildResult``) live in
kg/results.py and are re-exported here.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from spacy.language import Language

from kg.errors import KGError
from kg.export import export_many
from kg.extract import build_context, extract
from kg.gcpause import gc_paused
from kg.graph import BuildInfo, build_quads
from kg.ingest import InputWarning, read_documents
from kg.lexicon import load_lexicon
from kg.model import Document
from kg.nlp import load_nlp, model_info
from kg.resolve import resolve
from kg.results import Analysis, BuildResult, Settings
from kg.vocab import DEFAULT_BASE


def analyse(
    documents: Iterable[Document],
    nlp: Language,
    *,
    jobs: int = 1,
    batch_size: int = 16,
    extractors: Sequence[str] | None = None,
) -> Iterator[Analysis]:
    """Run spaCy and every extractor over documents, streaming through ``nlp.pipe``."""
    lexicon = load_lexicon()
    pending: dict[int, Document] = {}

    def texts() -> Iterator[tuple[str, int]]:
        for i, document in enumerate(documents):
            pending[i] = document
            yield document.text, i

    for sdoc, i in nlp.pipe(texts(), as_tuples=True, batch_size=batch_size, n_process=jobs):
        document = pending.pop(i)
        ctx = build_context(document, sdoc, lexicon)
        yield Analysis(document, ctx.mentions, list(extract(ctx, extractors)))


def assemble(
    analyses: Sequence[Analysis], info: BuildInfo, base: str = DEFAULT_BASE
) -> BuildResult:
    """Resolve entities and facts across documents and build the RDF dataset."""
    claims = [c for a in analyses for c in a.claims]
    mentions = {a.document.id: a.mentions for a in analyses}
    with gc_paused():  # millions of small acyclic objects: see kg/gcpause.py
        resolution = resolve(claims, mentions, base)
        documents = [a.document for a in analyses]
        quads = build_quads(documents, resolution.entities, resolution.facts, info, base)
    return BuildResult(documents, resolution.entities, resolution.facts, lambda: quads, info)


def run_build(
    inputs: Sequence[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str] | None,
    settings: Settings = Settings(),
    *,
    on_warning: Callable[[InputWarning], None] | None = None,
    on_document: Callable[[Document], None] | None = None,
    nlp: Language | None = None,
) -> BuildResult:
    """Build a knowledge graph from files and folders; write the exports to ``out_dir``."""
    started = time.perf_counter()
    warnings: list[InputWarning] = []

    def warn(w: InputWarning) -> None:
        warnings.append(w)
        if on_warning is not None:
            on_warning(w)

    nlp = nlp if nlp is not None else load_nlp(settings.model)
    meta = model_info(nlp)
    stamp = None
    if settings.stamp_time:
        stamp = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    info = BuildInfo(meta.name, meta.version, stamp)
    documents = read_documents(inputs, strict=settings.strict, on_warning=warn)

    def counted() -> Iterator[Document]:
        for document in documents:
            if on_document is not None:
                on_document(document)
            yield document

    analyses = list(
        analyse(
            counted(),
            nlp,
            jobs=settings.jobs,
            batch_size=settings.batch_size,
            extractors=settings.extractors,
        )
    )
    with gc_paused():  # the dataset and its exports form no cycles: see kg/gcpause.py
        result = assemble(analyses, info, settings.base)
        result.warnings = warnings
        names = [Path(p).name or str(p) for p in inputs]
        result.title = names[0] if len(names) == 1 else f"{names[0]} and {len(names) - 1} more"
        if out_dir is not None:
            result.outputs.extend(export_many(settings.exports, result, Path(out_dir)))
    result.seconds = time.perf_counter() - started
    return result


__all__ = ["Settings", "BuildResult", "Analysis", "analyse", "assemble", "run_build", "KGError"]
