"""Who acts: the entity a token names, the subject of a verb, the person a pronoun stands for,
and the country a person or government body acts for.

Shared by the quote, tariff and event extractors. Everything is computed once per document and
kept in ``doc.user_data`` (the document's own scratch space), never in module state.
- :func:`mention_of`: the mention a token belongs to; a capitalised first or last name of a person
  the document names in full when the NER missed that occurrence ("“...,” Trump clarified"); a
  lexicon organisation written in lower case ("the Chinese foreign ministry").
- :func:`resolve_pronoun`: first-person pronouns inside a quotation are its speaker; "he", "him",
  "his" is the subject of the sentence's main clause (never the subject of its own verb for
  "him"), else the nearest person before it, else the speaker or subject of the sentence before.
- :func:`acting_country`: rules ``actor.*`` of ontology/rules/tariffs.yaml (docs/extraction.md).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans
from spacy.vocab import Vocab

from kg.extract import ExtractionContext
from kg.extract.tokens import sentence
from kg.model import ENTITY_TYPES, Mention
from kg.nlp import TITLES_KEY
from kg.resources import load_yaml

ACTOR_TYPES = frozenset(ENTITY_TYPES) - {"Place"}  # who can act, speak, impose
# Types of entities that take part in events (an event's participants).
PARTICIPANT_TYPES = ACTOR_TYPES - {"Media", "ThinkTank", "Company"}
QUOTES_CACHE = "kg.quotes"  # where kg.extract.quotes keeps a document's quotations
_SUBJECT_DEPS = {"nsubj", "nsubjpass"}
_ARGUMENT_DEPS = {"dobj", "nsubj", "nsubjpass", "attr", "oprd", "pobj", "prep", "conj", "appos"}
_CHAIN_DEPS = {"conj", "xcomp", "advcl", "ccomp", "relcl", "acl", "pcomp", "prep"}


@functools.cache
def _pronouns() -> tuple[frozenset[str], frozenset[str]]:
    data = load_yaml("rules/quotes.yaml")
    return frozenset(data["third_person"]), frozenset(data["first_person"])


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


def mention_of(ctx: ExtractionContext, tok: Token) -> Mention | None:
    """The entity mention a token belongs to, a resolved pronoun, or a lexicon organisation
    the NER missed ("the Chinese foreign ministry")."""
    index = _token_index(ctx)
    m = index.get(tok.i)
    if m is not None:
        return m
    if tok.lower_ in _pronouns()[0] or tok.lower_ in _pronouns()[1]:
        return resolve_pronoun(ctx, tok)
    if tok.text[:1].isupper() and tok.text[1:].islower() and not tok.is_sent_start:
        label = _surnames(ctx).get(tok.text)
        if label is not None:
            return Mention(
                tok.text,
                label,
                "Person",
                tok.idx,
                tok.idx + len(tok.text),
                None,
                None,
                "name-in-document",
            )
    if tok.pos_ in {"NOUN", "PROPN"} and tok.lower_ in ctx.lexicon.descriptors:
        return _lexicon_phrase(ctx, tok)  # "the Chinese foreign ministry"
    return None


def _surnames(ctx: ExtractionContext) -> dict[str, str]:
    """First and last names of the people a document names in full, when unambiguous
    (the NER misses some repetitions: "“...,” Trump clarified")."""
    table = ctx.doc.user_data.get("kg.surnames")
    if table is None:
        counts: dict[str, Counter[str]] = {}
        for m in ctx.mentions:
            if m.type == "Person" and " " in m.label:
                parts = m.label.split()
                for part in {parts[0], parts[-1]}:
                    counts.setdefault(part, Counter())[m.label] += 1
        table = {}
        for part, labels in counts.items():
            ranked = labels.most_common(2)
            if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
                table[part] = ranked[0][0]
        ctx.doc.user_data["kg.surnames"] = table
    return table


def subject_of(
    ctx: ExtractionContext, verb: Token, types: frozenset[str] = ACTOR_TYPES
) -> Mention | None:
    """The entity that is the subject of ``verb``, climbing through conjoined and adverbial
    verbs."""
    tok: Token | None = verb
    for _ in range(4):
        if tok is None:
            return None
        for child in tok.children:
            if child.dep_ in _SUBJECT_DEPS:
                m = mention_of(ctx, child)
                if m is None:
                    m = _mention_in_subtree(ctx, child)
                return m if m is not None and m.type in types else None
        if tok.dep_ not in _CHAIN_DEPS or tok.head is tok:
            return None
        tok = tok.head
    return None


def resolve_pronoun(ctx: ExtractionContext, tok: Token) -> Mention | None:
    """The person a pronoun names, by the simple rules of this module's docstring."""
    third, first = _pronouns()
    word = tok.lower_
    if word in first:
        from kg.extract.quotes import speaker_at  # quotes need this module: import late

        return speaker_at(ctx, tok.idx)
    if word not in third:
        return None
    sent = sentence(tok.doc, tok.i)
    own_subject = None
    if tok.dep_ in {"dobj", "pobj", "dative", "conj"}:
        verb = tok.head
        while verb.dep_ == "conj" and verb.head is not verb:
            verb = verb.head
        own_subject = next((c for c in verb.children if c.dep_ in _SUBJECT_DEPS), None)
    root = sent.root
    index = _token_index(ctx)
    main = next((c for c in root.children if c.dep_ in _SUBJECT_DEPS), None)
    if main is not None and main.i < tok.i and main is not own_subject:
        m = index.get(main.i)
        if m is not None and m.type == "Person":
            return m
    for i in range(tok.i - 1, sent.start - 1, -1):
        m = index.get(i)
        if m is not None and m.type == "Person":
            if own_subject is not None and own_subject.i == i:
                continue
            return m
    if sent.start == 0:
        return None
    prev = sentence(ctx.doc, sent.start - 1)
    speaker = _last_speaker_in(ctx, prev)
    if speaker is not None and speaker.type == "Person":
        return speaker
    main = next((c for c in prev.root.children if c.dep_ in _SUBJECT_DEPS), None)
    if main is not None:
        m = index.get(main.i)
        if m is not None and m.type == "Person":
            return m
    return next(
        (index[i] for i in range(prev.start, prev.end) if i in index and index[i].type == "Person"),
        None,
    )


def _last_speaker_in(ctx: ExtractionContext, sent: Span) -> Mention | None:
    cached = ctx.doc.user_data.get(QUOTES_CACHE)
    for q in reversed(cached or ()):
        if sent.start_char <= q.start < sent.end_char and q.speaker is not None:
            return q.speaker
    return None


def _token_index(ctx: ExtractionContext) -> dict[int, Mention]:
    key = "kg.mention_tokens"
    index = ctx.doc.user_data.get(key)
    if index is None:
        index = {}
        for m in ctx.mentions:
            span = ctx.doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is not None:
                for i in range(span.start, span.end):
                    index.setdefault(i, m)
        ctx.doc.user_data[key] = index
    return index


def _lexicon_phrase(ctx: ExtractionContext, tok: Token) -> Mention | None:
    """A lexicon organisation written in lower case ("the Chinese foreign ministry")."""
    left = tok.left_edge.i
    while left < tok.i and ctx.doc[left].lower_ in {"the", "a", "an"}:
        left += 1
    span = ctx.doc[left : tok.i + 1]
    if len(span) < 2:
        return None
    words = span.text.split()
    titled = " ".join(w if w[:1].isupper() else w.capitalize() for w in words)
    entry = ctx.lexicon.lookup(titled)
    if entry is None or entry.type == "Country":
        return None
    return Mention(
        span.text,
        entry.name,
        entry.type,
        span.start_char,
        span.end_char,
        entry.wikidata,
        entry.key,
        "lexicon-case-insensitive",
    )


def _mention_in_subtree(ctx: ExtractionContext, tok: Token) -> Mention | None:
    """The head entity of a subject phrase ("Chinese President Xi Jinping" -> Xi Jinping)."""
    index = _token_index(ctx)
    found = [index[i] for i in range(tok.left_edge.i, tok.i + 1) if i in index]
    people = [m for m in found if m.type == "Person"]
    if people:
        return people[-1]
    return found[-1] if found else None


@dataclass
class _Actors:
    countries: dict[str, Counter[str]] = field(default_factory=dict)  # person label -> countries
    categories: dict[str, set[str]] = field(
        default_factory=dict
    )  # person label -> office categories
    country_mentions: dict[str, Mention] = field(default_factory=dict)
    frequency: Counter[str] = field(default_factory=Counter)


def _actors(ctx: ExtractionContext) -> _Actors:
    cached = ctx.doc.user_data.get("kg.actors")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    doc = ctx.doc
    actors = _Actors()
    for m in ctx.mentions:
        if m.type == "Country":
            actors.frequency[m.label] += 1
            actors.country_mentions.setdefault(m.label, m)
    titles = filter_spans(list(doc.spans.get(TITLES_KEY, [])))
    starts = {t.start: t for t in titles}
    for title in titles:
        office = ctx.lexicon.offices.get(title.id_)
        if office is None:
            continue
        person = _person_after(ctx, title, starts) or _person_before(ctx, title)
        if person is None:
            continue
        actors.categories.setdefault(person.label, set()).add(office.category)
        country = _title_country(ctx, title, office.country)
        if country is not None:
            actors.countries.setdefault(person.label, Counter())[country.label] += 1
            actors.country_mentions.setdefault(country.label, country)
    doc.user_data["kg.actors"] = actors
    return actors


def _person_after(ctx: ExtractionContext, title: Span, starts: dict[int, Span]) -> Mention | None:
    doc = ctx.doc
    i = title.end
    while i < len(doc) and (i in starts or doc[i].text.rstrip(".") in ctx.lexicon.honorifics):
        i = starts[i].end if i in starts else i + 1
    m = mention_of(ctx, doc[i]) if i < len(doc) else None
    return m if m is not None and m.type == "Person" and m.start == doc[i].idx else None


def _person_before(ctx: ExtractionContext, title: Span) -> Mention | None:
    """ "Jane Doe, the U.S. Trade Representative": the person before an appositive title."""
    doc = ctx.doc
    i = title.start - 1
    while i >= 0 and (doc[i].lower_ in {"the", "a", "an"} or _country_at(ctx, i) is not None):
        i -= 1
    if i < 1 or doc[i].text != ",":
        return None
    m = mention_of(ctx, doc[i - 1])
    return m if m is not None and m.type == "Person" else None


def _country_at(ctx: ExtractionContext, i: int) -> Mention | None:
    m = mention_of(ctx, ctx.doc[i]) if 0 <= i < len(ctx.doc) else None
    return m if m is not None and m.type == "Country" else None


def _title_country(ctx: ExtractionContext, title: Span, implied: str | None) -> Mention | None:
    doc = ctx.doc
    for i in range(title.start, title.end):  # "U.S. Trade Representative"
        m = _country_at(ctx, i)
        if m is not None:
            return m
    i = title.start - 1
    if i >= 0 and doc[i].text in {"'s", "’s"}:
        i -= 1
    m = _country_at(ctx, i)
    if m is not None:
        return m
    if title.end + 1 < len(doc) and doc[title.end].lower_ == "of":
        j = title.end + 1 + (doc[title.end + 1].lower_ == "the")
        m = _country_at(ctx, j)
        if m is not None:
            return m
    if implied:
        entry = ctx.lexicon.entries.get(f"country:{implied}")
        if entry is not None:
            return Mention(
                title.text,
                entry.name,
                "Country",
                title.start_char,
                title.end_char,
                entry.wikidata,
                entry.key,
                "title-implies-country",
            )
    return None


def acting_country(ctx: ExtractionContext, actor: Mention) -> tuple[Mention, str | None]:
    """The country a person or government body acts for, with the rule that said so.

    Returns the actor itself (and None) when no rule applies.
    """
    if actor.type == "GovernmentBody" and actor.key:
        entry = ctx.lexicon.entries.get(actor.key)
        home = (
            ctx.lexicon.entries.get(f"country:{entry.country}") if entry and entry.country else None
        )
        if home is not None:
            return _as_country(actor, home.name, home.wikidata, home.key), "actor.body_country"
    if actor.type != "Person":
        return actor, None
    actors = _actors(ctx)
    own = actors.countries.get(actor.label)
    if own:
        label = own.most_common(1)[0][0]
        return _country_like(ctx, actor, label), "actor.title_country"
    ranks = actors.categories.get(actor.label, set()) & ctx.lexicon.categories_where(
        "acts_for_country"
    )
    if not ranks:
        return actor, None
    held = {
        c
        for person, cats in actors.categories.items()
        if person != actor.label and cats & ranks
        for c in actors.countries.get(person, ())
    }
    for label, _ in sorted(actors.frequency.items(), key=lambda kv: (-kv[1], kv[0])):
        if label not in held:
            return _country_like(ctx, actor, label), "actor.document_country"
    return actor, None


def country_counts(ctx: ExtractionContext) -> Counter[str]:
    """How often the document names each country (by label)."""
    return Counter(_actors(ctx).frequency)


def country_mention(ctx: ExtractionContext, label: str) -> Mention | None:
    """The first mention of the country ``label`` in the document."""
    return _actors(ctx).country_mentions.get(label)


def person_categories(ctx: ExtractionContext, person: Mention) -> set[str]:
    """Office categories (head_of_state, minister...) a person's titles have in the document."""
    return set(_actors(ctx).categories.get(person.label, set()))


def _country_like(ctx: ExtractionContext, actor: Mention, label: str) -> Mention:
    known = _actors(ctx).country_mentions.get(label)
    entry = ctx.lexicon.entries.get(known.key) if known is not None and known.key else None
    return _as_country(
        actor, label, entry.wikidata if entry else None, known.key if known else None
    )


def _as_country(actor: Mention, label: str, wikidata: str | None, key: str | None) -> Mention:
    return Mention(
        actor.text,
        label,
        "Country",
        actor.start,
        actor.end,
        wikidata,
        key,
        f"acts-for-country:{actor.label}",
    )


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
    sent = sentence(tok.doc, tok.i)
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
