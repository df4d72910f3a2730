"""Walks over the parse shared by the event and tariff extractors: who a phrase names, the
verb a noun is an argument of, the subject of a verb, the objects of "with"/"between".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from kg.extract.context import ExtractionContext
from kg.extract.speakers import mention_of
from kg.model import PARTICIPANT_TYPES, Mention

_ARGUMENT_DEPS = {"dobj", "nsubj", "nsubjpass", "attr", "oprd", "pobj", "prep", "conj", "appos"}


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


def governor(tok: Token) -> Token | None:
    """The verb whose argument the noun ``tok`` is ("held a call", "following a call")."""
    for _ in range(3):
        if tok.dep_ in _ARGUMENT_DEPS:
            tok = tok.head
            if tok.pos_ in {"VERB", "AUX"}:
                return tok
        else:
            return None
    return None


def subject_entities(ctx: ExtractionContext, verb: Token | None) -> list[Mention]:
    """Participants named by the subject of ``verb`` (with its conjuncts), climbing to the verb
    an infinitive depends on ("X and Y agreed to resume talks")."""
    tok = verb
    for _ in range(3):
        if tok is None:
            return []
        subj = next((c for c in tok.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        if subj is not None:
            return entities_among(ctx, subj.subtree, PARTICIPANT_TYPES)
        if tok.dep_ not in {"xcomp", "conj", "advcl", "pcomp", "acl"} or tok.head is tok:
            return []
        tok = tok.head
    return []


def prep_objects(
    ctx: ExtractionContext, tok: Token, preps: set[str], limit: int = 8
) -> list[Mention]:
    """Mentions governed by "with"/"between" after ``tok`` in its clause ("a call with X")."""
    doc = ctx.doc
    sent = ctx.sentence(tok.i)
    for i in range(tok.i + 1, min(tok.i + limit, sent.end)):
        if doc[i].lower_ in preps:
            objs = [c for c in doc[i].children if c.dep_ == "pobj"]
            toks = list(objs[0].subtree) if objs else doc[i + 1 : min(i + 10, sent.end)]
            return entities_among(ctx, toks, PARTICIPANT_TYPES)
        if doc[i].pos_ in {"VERB"} or doc[i].text in {";", "."}:
            break
    return []


def possessor(ctx: ExtractionContext, tok: Token) -> list[Mention]:
    return entities_among(ctx, (c for c in tok.children if c.dep_ == "poss"), frozenset({"Person"}))
