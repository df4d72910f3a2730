"""Quotes: words between quotation marks, attributed to the person or body that said them.

"“...,” Trump said.", "Trump said: “...”", "“...,” said the minister.", "X posted on Truth
Social: “...”", "the ministry quoted X as saying, “...”", "according to X, ... “...”", a quote
standing alone after an attributed one, and "“...,” he said." when the sentence before names its
subject.
Reported speech without quotation marks is not a quote. Rules: ontology/rules/quotes.yaml.

This module also resolves the few pronouns other extractors need ("he extended an invitation",
"invited the First Lady and me"): first-person pronouns inside a quote are its speaker; "he"/"him"
is the subject of the sentence's main clause, else the nearest person before it.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from kg.extract import ExtractionContext, register
from kg.model import Claim, Mention
from kg.resources import load_yaml

NAME = "kg.quotes.v1"
SPEAKER_TYPES = frozenset(
    {
        "Person",
        "Organization",
        "GovernmentBody",
        "Media",
        "Company",
        "ThinkTank",
        "InternationalOrganization",
        "PoliticalParty",
        "Country",
    }
)
_SUBJECT_DEPS = {"nsubj", "nsubjpass"}
_CHAIN_DEPS = {"conj", "xcomp", "advcl", "ccomp", "relcl", "acl", "pcomp", "prep"}
_CACHE = "kg.quotes"
# Between an attributed quote and a quote that continues it: the rest of that sentence only.
_CONTINUES = re.compile(r"(?:[^“”\"\n.!?]{0,120}[.!?])?[\s\u00a0]*$")


@dataclass(frozen=True)
class _Rules:
    confidence: dict[str, float]
    marks: tuple[tuple[str, str], ...]
    verbs: frozenset[str]
    min_words: int
    third: frozenset[str]
    first: frozenset[str]
    pattern: re.Pattern[str]


@functools.cache
def _rules() -> _Rules:
    data = load_yaml("rules/quotes.yaml")
    marks = tuple((str(a), str(b)) for a, b in data["marks"])
    pattern = re.compile(
        "|".join(f"{re.escape(a)}[^{re.escape(a + b)}\n]{{1,3000}}{re.escape(b)}" for a, b in marks)
    )
    return _Rules(
        confidence={r["id"]: float(r["confidence"]) for r in data["rules"]},
        marks=marks,
        verbs=frozenset(str(v).lower() for v in data["speech_verbs"]),
        min_words=int(data["min_partial_words"]),
        third=frozenset(data["third_person"]),
        first=frozenset(data["first_person"]),
        pattern=pattern,
    )


@dataclass(frozen=True)
class QuoteSpan:
    """A quotation in the text: outer span with marks, inner words, and who said it."""

    start: int
    end: int
    inner_start: int
    inner_end: int
    speaker: Mention | None
    rule: str | None
    evidence_start: int
    evidence_end: int


@register(NAME)
def extract_quotes(ctx: ExtractionContext) -> Iterator[Claim]:
    """Yield one quote claim per quotation whose speaker a rule finds."""
    rules = _rules()
    for q in quote_spans(ctx):
        if q.speaker is None or q.rule is None:
            continue
        text = ctx.document.text[q.inner_start : q.inner_end].strip().rstrip(",").strip()
        if not text:
            continue
        yield Claim(
            kind="quote",
            fields={"speaker": q.speaker, "text": text},
            evidence=ctx.evidence(
                q.evidence_start, q.evidence_end, NAME, rules.confidence[q.rule], q.rule
            ),
        )


def quote_spans(ctx: ExtractionContext) -> list[QuoteSpan]:
    """Every quotation of the document with its speaker (computed once per document)."""
    cached = ctx.doc.user_data.get(_CACHE)
    if cached is not None:
        return list(cached)
    rules = _rules()
    text = ctx.document.text
    out: list[QuoteSpan] = []
    ctx.doc.user_data[_CACHE] = out  # visible while building: "he said" looks at earlier quotes
    for m in rules.pattern.finditer(text):
        out.append(_attribute(ctx, m.start(), m.end(), out, rules))
    ctx.doc.user_data[_CACHE] = tuple(out)
    return out


def speaker_at(ctx: ExtractionContext, char: int) -> Mention | None:
    """The speaker of the quotation that holds character ``char``, if any."""
    for q in quote_spans(ctx):
        if q.inner_start <= char < q.inner_end:
            return q.speaker
    return None


def mention_of(ctx: ExtractionContext, tok: Token) -> Mention | None:
    """The entity mention a token belongs to, a resolved pronoun, or a lexicon organisation
    the NER missed ("the Chinese foreign ministry")."""
    index = _token_index(ctx)
    m = index.get(tok.i)
    if m is not None:
        return m
    if tok.lower_ in _rules().third or tok.lower_ in _rules().first:
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
    if tok.pos_ in {"NOUN", "PROPN"}:
        return _lexicon_phrase(ctx, tok)
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
    ctx: ExtractionContext, verb: Token, types: frozenset[str] = SPEAKER_TYPES
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
    rules = _rules()
    word = tok.lower_
    if word in rules.first:
        return speaker_at(ctx, tok.idx)
    if word not in rules.third:
        return None
    sent = tok.sent
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
    prev = ctx.doc[sent.start - 1].sent
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
    cached = ctx.doc.user_data.get(_CACHE)
    for q in reversed(cached or ()):
        if sent.start_char <= q.start < sent.end_char and q.speaker is not None:
            return q.speaker
    return None


def token_at(doc: Doc, char: int) -> int:
    """Index of the first token that ends after character ``char`` (len(doc) if none)."""
    starts = doc.user_data.get("kg.token_ends")
    if starts is None:
        starts = [t.idx + len(t.text) for t in doc]
        doc.user_data["kg.token_ends"] = starts
    return bisect.bisect_right(starts, char)


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


def _attribute(
    ctx: ExtractionContext, start: int, end: int, earlier: list[QuoteSpan], rules: _Rules
) -> QuoteSpan:
    doc = ctx.doc
    inner_start, inner_end = start + 1, end - 1
    words = len(ctx.document.text[inner_start:inner_end].split())
    after_i = token_at(doc, end)
    first_i = token_at(doc, start)
    sent = doc[first_i].sent if first_i < len(doc) else None

    def make(speaker: Mention | None, rule: str | None, e0: int, e1: int) -> QuoteSpan:
        return QuoteSpan(
            start, end, inner_start, inner_end, speaker, rule, min(e0, start), max(e1, end)
        )

    # “...,” SPEAKER said.  /  “...,” said SPEAKER.
    if after_i < len(doc):
        i = after_i
        while i < len(doc) and (doc[i].is_punct and doc[i].text in {",", "”", '"'}):
            i += 1
        found = _speaker_after(ctx, i, rules)
        if found is not None:
            speaker, rule, e1 = found
            return make(speaker, rule, start, e1)
    # SPEAKER said: “...”  /  X quoted SPEAKER as saying, “...”
    if sent is not None:
        found2 = _speaker_before(ctx, sent, start, words, rules)
        if found2 is not None:
            speaker, rule, e0 = found2
            return make(speaker, rule, e0, end)
    # A quote standing alone right after an attributed quote.
    if earlier and earlier[-1].speaker is not None:
        prev = earlier[-1]
        text = ctx.document.text
        gap = _CONTINUES.match(text, prev.end, start)
        ended = gap is not None and (gap.group(0).strip() or text[prev.end - 2] in ".!?")
        if ended and text[start + 1 : start + 2].isupper():
            return make(prev.speaker, "quote.continuation", start, end)
    return make(None, None, start, end)


def _speaker_after(
    ctx: ExtractionContext, i: int, rules: _Rules
) -> tuple[Mention | None, str, int] | None:
    doc = ctx.doc
    if i >= len(doc):
        return None
    tok = doc[i]
    if tok.lower_ in rules.verbs and i + 1 < len(doc):  # “...,” said Trump.
        j = i + 1
        while j < len(doc) and doc[j].lower_ in {"the", "a", "an"}:
            j += 1
        m = mention_of(ctx, doc[j]) if j < len(doc) else None
        if m is not None and m.type in SPEAKER_TYPES:
            return m, "quote.attribution_after", m.end
        return None
    m = mention_of(ctx, tok)
    if m is None or m.type not in SPEAKER_TYPES:
        return None
    pronoun = tok.lower_ in rules.third
    span = doc.char_span(m.start, m.end, alignment_mode="expand") if not pronoun else None
    j = span.end if span is not None and span.start <= i < span.end else i + 1
    while j < len(doc) and doc[j].pos_ in {"ADV", "AUX"} and doc[j].lower_ not in rules.verbs:
        j += 1
    if j < len(doc) and doc[j].lower_ in rules.verbs:
        rule = "quote.pronoun" if pronoun else "quote.attribution_after"
        return m, rule, doc[j].idx + len(doc[j].text)
    return None


def _speaker_before(
    ctx: ExtractionContext, sent: Span, start: int, words: int, rules: _Rules
) -> tuple[Mention | None, str, int] | None:
    doc = ctx.doc
    toks = [t for t in sent if t.idx < start]
    if not toks:
        return None
    last = toks[-1]
    introduced = last.text in {":", ","}
    # "X quoted SPEAKER as saying"
    for t in reversed(toks):
        if t.lower_ == "saying" and t.i >= 2 and doc[t.i - 1].lower_ == "as":
            k = t.i - 2
            m = mention_of(ctx, doc[k])
            if m is not None and m.type in SPEAKER_TYPES:
                return m, "quote.quoted_as_saying", m.start
    verbs = [t for t in toks if t.lower_ in rules.verbs and t.pos_ in {"VERB", "AUX"}]
    if verbs and (introduced or words >= rules.min_words):
        verb = verbs[-1]
        m = subject_of(ctx, verb)
        if m is not None:
            rule = "quote.attribution_before" if introduced else "quote.partial"
            e0 = m.start if m.start >= sent.start_char else verb.idx  # pronoun: not its antecedent
            return m, rule, min(e0, verb.idx)
    if words >= rules.min_words:
        for t in toks:
            if t.lower_ == "according" and t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "to":
                j = t.i + 2
                while j < len(doc) and doc[j].lower_ in {"the", "a", "an"}:
                    j += 1
                while j < len(doc) and not doc[j].is_punct and mention_of(ctx, doc[j]) is None:
                    j += 1
                m = mention_of(ctx, doc[j]) if j < len(doc) else None
                if m is not None and m.type in SPEAKER_TYPES:
                    return m, "quote.according_to", t.idx
    return None
