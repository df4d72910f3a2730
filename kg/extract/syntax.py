"""Matching helpers shared by the extractors: phrase matchers built once per vocabulary, the
entities a run of tokens names. Walks over the parse are declared tree patterns
(kg.extract.patterns, ontology/rules/patterns.yaml).
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable

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


def name_at(ctx: ExtractionContext, i: int, skip: Container[int] = ()) -> Mention | None:
    """The mention starting at token ``i``, or a name NER missed there, right after a title
    ("Prime Minister TAKAICHI welcomed", "Minister of Commerce and Industry, Piyush Goyal,"):
    one to three capitalised proper nouns that no mention, honorific or token of ``skip`` (a
    title) covers, with no entity type but a person's, followed by no further proper noun. A
    name the document gives in full elsewhere takes that full form ("TAKAICHI": "Sanae
    Takaichi")."""
    doc = ctx.doc
    m = ctx.mention_starting(doc[i].idx)
    if m is not None:
        return m
    k = i
    while k < len(doc) and k < i + 3 and _name_word(ctx, k, skip):
        k += 1
    if k == i or (k < len(doc) and (doc[k].pos_ == "PROPN" or doc[k].pos_ == "NOUN")):
        return None
    words = [w.title() if w.isupper() and len(w) > 2 else w for w in doc[i:k].text.split()]
    label = " ".join(words)
    start, end = doc[i].idx, doc[k - 1].idx + len(doc[k - 1])
    full = ctx.surnames.get(label) if len(words) == 1 else None
    reason = "surname-in-document" if full is not None else "name-after-title"
    return Mention(ctx.text[start:end], full or label, "Person", start, end, resolved_by=reason)


def _name_word(ctx: ExtractionContext, k: int, skip: Container[int]) -> bool:
    tok = ctx.doc[k]
    return (
        tok.pos_ == "PROPN"
        and tok.is_alpha
        and tok.text[0].isupper()
        and tok.ent_type_ in {"", "PERSON"}
        and k not in skip
        and k not in ctx.mention_tokens
        and tok.text not in ctx.lexicon.honorifics
    )


def title_holders(ctx: ExtractionContext) -> dict[int, Mention]:
    """Token index -> a person NER missed whom a title introduces in apposition ("India's
    Minister of Commerce and Industry, Piyush Goyal,"): the name :func:`name_at` finds right
    after the title's comma, closing the apposition, that the parse makes an apposition of
    the title. Names the mention finder gave are not repeated here."""
    doc = ctx.doc
    titled = {i for t in ctx.titles for i in range(t.start, t.end)}
    out: dict[int, Mention] = {}
    for title in ctx.titles:
        i = title.end
        if i + 1 >= len(doc) or doc[i].text != ",":
            continue
        m = name_at(ctx, i + 1, titled)
        if m is None or m.type != "Person" or i + 1 in ctx.mention_tokens:
            continue
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None or (span.end < len(doc) and doc[span.end].text not in {",", ";", ")", "."}):
            continue
        if span.root.dep_ != "appos" or not title.start <= span.root.head.i < title.end:
            continue
        for k in range(span.start, span.end):
            out.setdefault(k, m)
    return out
