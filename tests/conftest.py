"""Shared fixtures: one spaCy pipeline per test session, analysed texts, a sample build."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.extract import ExtractionContext, build_context, extract
from kg.lexicon import load_lexicon
from kg.model import Claim, Document
from kg.nlp import shared_nlp

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "trump-xi-call"


def analyse(
    text: str,
    doc_id: str = "t",
    published: str | None = None,
    title: str | None = None,
    author: str | None = None,
) -> ExtractionContext:
    """Run the pipeline's spaCy stage and mention finder on one text (with its metadata)."""
    nlp = shared_nlp()
    sdoc = nlp(text)
    lexicon = load_lexicon()
    document = Document(
        id=doc_id,
        text=text,
        path=f"{doc_id}.txt",
        format="txt",
        sha256="0",
        published=published,
        title=title,
        author=author,
    )
    return build_context(document, sdoc, lexicon)


def claims_of(text: str, kind: str, **kw: str) -> list[Claim]:
    return [c for c in extract(analyse(text, **kw)) if c.kind == kind]


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory):
    """The sample corpus built once per session into a temporary folder."""
    from kg.pipeline import run_build

    out = tmp_path_factory.mktemp("sample-build")
    result = run_build([str(SAMPLE)], out, nlp=shared_nlp())
    return result, out
