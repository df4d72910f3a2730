"""Matching helpers shared by the extractors: phrase matchers built once per vocabulary, the
entities a run of tokens names. Walks over the parse are declared tree patterns
(kg.extract.patterns, ontology/rules/patterns.yaml).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from kg.extract.context import ExtractionContext
from kg.extract.speakers import mention_of
from kg.model import Mention

_MATCHERS: dict[tuple[int, str], tuple[Vocab, PhraseMatcher]] = {}


def phrase_matcher(vocab: Vocab, name: str, phrases: dict[str, str]) -> PhraseMatcher:
    """A case-insensitive PhraseMatcher of ``phrases`` (match key -> phrase), built once per
    vocabulary and name: extractors run it once over a document."""
    entry = _MATCHERS.get((id(vocab), name))
    if entry is None or entry[0] is not vocab:
        matcher = PhraseMatcher(vocab, attr="LOWER")
        for key, phrase in phrases.items():
            matcher.add(key, [Doc(vocab, words=words(phrase))])
        entry = (vocab, matcher)
        _MATCHERS[(id(vocab), name)] = entry
    return entry[1]


def words(phrase: str) -> list[str]:
    """A phrase split the way spaCy's tokenizer splits it (hyphens and apostrophes apart)."""
    return [w for w in re.split(r"(\s+|-|')", phrase) if w.strip()]


def entities_among(
    ctx: ExtractionContext, toks: Iterable[Token], types: frozenset[str]
) -> list[Mention]:
    """Entity mentions (and resolved pronouns) among ``toks``; people first if there are any."""
    out: dict[str, Mention] = {}
    for tok in toks:
        m = mention_of(ctx, tok)
        if m is not None and m.type in types:
            out.setdefault(m.label, m)
    people = [m for m in out.values() if m.type == "Person"]
    return people or list(out.values())
