"""Quotes: words between quotation marks, attributed to the person or body that said them.

"“...,” Trump said.", "Trump said: “...”", "“...,” said the minister.", "X posted on Truth
Social: “...”", "the ministry quoted X as saying, “...”", "according to X, ... “...”", a quote
standing alone after an attributed one, and "“...,” he said." when the sentence before names its
subject.
Reported speech without quotation marks is not a quote. Rules: ontology/rules/quotes.yaml.
Speakers, subjects and pronouns are resolved by kg.extract.actors.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from kg.extract import ExtractionContext, register
from kg.extract.actors import (
    ACTOR_TYPES,
    QUOTES_CACHE,
    mention_of,
    subject_of,
)
from kg.extract.tokens import sentence, token_at
from kg.model import Claim, Mention
from kg.resources import load_yaml

NAME = "kg.quotes.v1"
SPEAKER_TYPES = ACTOR_TYPES
_CACHE = QUOTES_CACHE
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


def _attribute(
    ctx: ExtractionContext, start: int, end: int, earlier: list[QuoteSpan], rules: _Rules
) -> QuoteSpan:
    doc = ctx.doc
    inner_start, inner_end = start + 1, end - 1
    words = len(ctx.document.text[inner_start:inner_end].split())
    after_i = token_at(doc, end)
    first_i = token_at(doc, start)
    sent = sentence(doc, first_i) if first_i < len(doc) else None

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
        m = _phrase_speaker(ctx, doc[i + 1 : min(i + 8, len(doc))])
        if m is not None:
            return m, "quote.attribution_after", m.end
        return None
    if tok.lower_ in {"the", "a", "an"}:  # “...,” the foreign ministry said.
        phrase = _phrase_speaker(ctx, doc[i : min(i + 7, len(doc))])
        head = _phrase_end(doc, i)
        if phrase is not None and head < len(doc) and doc[head].lower_ in rules.verbs:
            return phrase, "quote.attribution_after", doc[head].idx + len(doc[head].text)
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


def _phrase_end(doc: Doc, i: int) -> int:
    """The token after a noun phrase starting at ``i`` (articles, adjectives, names, nouns)."""
    while i < len(doc) and (
        doc[i].lower_ in {"the", "a", "an"} or doc[i].pos_ in {"ADJ", "NOUN", "PROPN"}
    ):
        i += 1
    return i


def _phrase_speaker(ctx: ExtractionContext, toks: Span) -> Mention | None:
    """The speaker a noun phrase names: the phrase's head noun first ("the Chinese foreign
    ministry" is the ministry, not China), else the first entity in it."""
    doc = ctx.doc
    if not len(toks):
        return None
    end = _phrase_end(doc, toks.start)
    if end > toks.start:
        head = doc[end - 1]
        m = mention_of(ctx, head)
        if m is not None and m.type in SPEAKER_TYPES:
            return m
    for tok in toks:
        if tok.is_punct:
            break
        m = mention_of(ctx, tok)
        if m is not None and m.type in SPEAKER_TYPES:
            return m
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
                m = _phrase_speaker(ctx, doc[t.i + 2 : min(t.i + 9, sent.end)])
                if m is not None:
                    return m, "quote.according_to", t.idx
    return None
