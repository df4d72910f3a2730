"""Who speaks and who a word names: the entity a token belongs to, pronouns, the subject of a
verb, and the document's quotations with their speakers.

- :func:`mention_of`: the mention a token belongs to; a capitalised first or last name of a person
  the document names in full when the NER missed that occurrence ("“...,” Trump clarified"); a
  lexicon organisation written in lower case ("the Chinese foreign ministry").
- :func:`resolve_pronoun`: first-person pronouns inside a quotation are its speaker; "he", "him",
  "his" is the subject of the sentence's main clause (never the subject of its own verb for
  "him"), else the nearest person before it, else the speaker or subject of the sentence before.
- :func:`find_quotes`: words between quotation marks, attributed to the person or body that said
  them ("“...,” Trump said.", "Trump said: “...”", "“...,” said the minister.", "the ministry
  quoted X as saying, “...”", "according to X, ... “...”", a quote standing alone after an
  attributed one, "“...,” he said."). Reported speech without quotation marks is not a quote.
  Rules: ontology/rules/quotes.yaml. The context keeps the result (``ctx.quotes``).

Pronouns need the quotations and attributing a quotation needs pronouns: both live here.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from kg.extract.context import ExtractionContext
from kg.model import ACTOR_TYPES, Mention
from kg.rules import QuoteRules, rules_file

SPEAKER_TYPES = ACTOR_TYPES
_SUBJECT_DEPS = {"nsubj", "nsubjpass"}
_CHAIN_DEPS = {"conj", "xcomp", "advcl", "ccomp", "relcl", "acl", "pcomp", "prep"}
# Between an attributed quote and a quote that continues it: the rest of that sentence only.
_CONTINUES = re.compile(r"(?:[^“”\"\n.!?]{0,120}[.!?])?[\s\u00a0]*$")


@dataclass(frozen=True)
class QuoteVocabulary:
    confidence: dict[str, float]
    marks: tuple[tuple[str, str], ...]
    verbs: frozenset[str]
    min_words: int
    third: frozenset[str]
    first: frozenset[str]
    pattern: re.Pattern[str]
    first_plural: frozenset[str] = frozenset()
    voice_title: re.Pattern[str] | None = None  # "Statement by X on ...": group `who`


@functools.cache
def quote_rules() -> QuoteVocabulary:
    data = rules_file("quotes", QuoteRules)
    marks = tuple(data.marks)
    pattern = re.compile(
        "|".join(f"{re.escape(a)}[^{re.escape(a + b)}\n]{{1,3000}}{re.escape(b)}" for a, b in marks)
    )
    return QuoteVocabulary(
        confidence=data.confidence(),
        marks=marks,
        verbs=frozenset(v.lower() for v in data.speech_verbs),
        min_words=data.min_partial_words,
        third=frozenset(data.third_person),
        first=frozenset(data.first_person),
        pattern=pattern,
        first_plural=frozenset(data.first_person_plural),
        voice_title=_voice_title(data.voice_titles, data.voice_title_ends),
    )


def _voice_title(titles: list[str], ends: list[str]) -> re.Pattern[str] | None:
    if not titles:
        return None
    alt = "|".join(re.escape(t) for t in sorted(titles, key=lambda t: (-len(t), t)))
    stop = "|".join(re.escape(e) for e in sorted(ends, key=lambda e: (-len(e), e)))
    return re.compile(
        rf"(?i)^\s*(?:(?:the|a)\s+)?(?:{alt})\s+(?:by|from|of)\s+(?P<who>.+?)"
        rf"(?:\s+(?:{stop})\s|\s*[:\u2013\u2014|]|\s+-\s|$)"
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


def mention_of(ctx: ExtractionContext, tok: Token) -> Mention | None:
    """The entity mention a token belongs to, a resolved pronoun, or a lexicon organisation
    the NER missed ("the Chinese foreign ministry")."""
    m = ctx.mention_tokens.get(tok.i)
    if m is not None:
        return m
    rules = quote_rules()
    if tok.lower_ in rules.third or tok.lower_ in rules.first or tok.lower_ in rules.first_plural:
        return resolve_pronoun(ctx, tok)
    if tok.text[:1].isupper() and tok.text[1:].islower() and not tok.is_sent_start:
        label = ctx.surnames.get(tok.text)
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


def _mention_in_subtree(ctx: ExtractionContext, tok: Token) -> Mention | None:
    """The head entity of a subject phrase ("Chinese President Xi Jinping" -> Xi Jinping)."""
    index = ctx.mention_tokens
    found = [index[i] for i in range(tok.left_edge.i, tok.i + 1) if i in index]
    people = [m for m in found if m.type == "Person"]
    if people:
        return people[-1]
    return found[-1] if found else None


def resolve_pronoun(ctx: ExtractionContext, tok: Token) -> Mention | None:
    """The person a pronoun names, by the simple rules of this module's docstring."""
    rules = quote_rules()
    word = tok.lower_
    if word in rules.first or word in rules.first_plural:
        if any(q.inner_start <= tok.idx < q.inner_end for q in ctx.quotes):
            return speaker_at(ctx, tok.idx) if word in rules.first else None
        person, body = ctx.voice
        # "we" in a person's statement may be the speaker and whom they spoke with: no one;
        # in a body's release it is the body
        own = person if word in rules.first else (body if person is None else None)
        if own is None:
            return None
        return Mention(tok.text, own.label, own.type, tok.idx, tok.idx + len(tok.text),
                       own.wikidata, own.key, "document-voice")
    if word not in rules.third:
        return None
    sent = ctx.sentence(tok.i)
    found = _person_in_sentence(ctx, tok, sent)
    if found is not None or sent.start == 0:
        return found
    return _person_of_sentence_before(ctx, ctx.sentence(sent.start - 1))


def _person_in_sentence(ctx: ExtractionContext, tok: Token, sent: Span) -> Mention | None:
    """The subject of the sentence's main clause, else the nearest person before ``tok``;
    never the subject of the pronoun's own verb ("X told him": him is not X)."""
    own_subject = None
    if tok.dep_ in {"dobj", "pobj", "dative", "conj"}:
        verb = tok.head
        while verb.dep_ == "conj" and verb.head is not verb:
            verb = verb.head
        own_subject = next((c for c in verb.children if c.dep_ in _SUBJECT_DEPS), None)
    index = ctx.mention_tokens
    main = next((c for c in sent.root.children if c.dep_ in _SUBJECT_DEPS), None)
    if main is not None and main.i < tok.i and main is not own_subject:
        m = index.get(main.i)
        if m is not None and m.type == "Person":
            return m
    for i in range(tok.i - 1, sent.start - 1, -1):
        m = index.get(i)
        if m is not None and m.type == "Person" and not (own_subject and own_subject.i == i):
            return m
    return None


def _person_of_sentence_before(ctx: ExtractionContext, prev: Span) -> Mention | None:
    """The speaker of a quote in the sentence before, else its subject, else its first person."""
    speaker = _last_speaker_in(ctx, prev)
    if speaker is not None and speaker.type == "Person":
        return speaker
    index = ctx.mention_tokens
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
    for q in reversed(ctx.quotes):
        if sent.start_char <= q.start < sent.end_char and q.speaker is not None:
            return q.speaker
    return None


_VOICE_BODY_TYPES = frozenset(
    {"Country", "GovernmentBody", "InternationalOrganization", "Organization", "Company",
     "PoliticalParty"}
)


def document_voice(ctx: ExtractionContext) -> tuple[Mention | None, Mention | None]:
    """Whose own words the document is: the person ("I") and the body ("we", when no person
    speaks) its metadata names. The person comes from a title such as "Statement by President
    X on ..." or an author "The White House (statement by X)", and is the document's mention of
    that person when it names them (same surname); the body is an author the lexicon knows
    ("European Commission", "The White House"). Either may be None: nothing is guessed, and a
    byline's author (a reporter) speaks for no one."""
    document = ctx.document
    author = " ".join((document.author or "").split())
    inner = re.search(r"\(([^()]+)\)", author)
    outer = author[: inner.start()].strip() if inner else author
    person = None
    for text in (document.title, inner.group(1) if inner else None):
        person = person or _voice_person(ctx, text)
    body = None
    named = re.sub(r"(?i)^the\s+", "", outer)
    entry = (ctx.lexicon.lookup(named) or ctx.lexicon.lookup(f"the {named}")) if named else None
    if entry is not None and entry.type in _VOICE_BODY_TYPES:
        body = Mention(outer, entry.name, entry.type, 0, 0, entry.wikidata, entry.key)
    return person, body


def _voice_person(ctx: ExtractionContext, text: str | None) -> Mention | None:
    pattern = quote_rules().voice_title
    m = pattern.match(" ".join(text.split())) if pattern is not None and text else None
    if m is None:
        return None
    words = [w for w in re.split(r"[\s,]+", m.group("who")) if w]
    lexicon = ctx.lexicon
    titled = {w.lower() for o in lexicon.offices.values() for v in o.variants for w in v.split()}
    honorifics = {h.lower().rstrip(".") for h in lexicon.honorifics}
    skip = titled | honorifics | {"the", "of"}
    while words and (words[0].lower() in skip or words[0].lower().rstrip(".") in skip):
        words.pop(0)
    while words and words[-1].lower().rstrip(".") in {"jr", "sr", "ii", "iii", "iv"}:
        words.pop()
    if not 2 <= len(words) <= 4 or not all(w[:1].isupper() for w in words):
        return None
    name = " ".join(words)
    if lexicon.lookup(name) is not None:
        return None  # "Statement by the European Commission": a body, not a person
    surname = words[-1]
    known = [p for p in ctx.mentions if p.type == "Person" and p.label.split()[-1] == surname]
    label = known[0].label if known else name
    return Mention(name, label, "Person", 0, 0)


def find_quotes(ctx: ExtractionContext, so_far: list[QuoteSpan]) -> list[QuoteSpan]:
    """Every quotation of the document with its speaker, appended to ``so_far`` as found (the
    context shows that list to attributions that look back: :attr:`ExtractionContext.quotes`)."""
    rules = quote_rules()
    for m in rules.pattern.finditer(ctx.text):
        so_far.append(_attribute(ctx, m.start(), m.end(), so_far, rules))
    return so_far


def speaker_at(ctx: ExtractionContext, char: int) -> Mention | None:
    """The speaker of the quotation that holds character ``char``, if any."""
    for q in ctx.quotes:
        if q.inner_start <= char < q.inner_end:
            return q.speaker
    return None


def _attribute(
    ctx: ExtractionContext, start: int, end: int, earlier: list[QuoteSpan], rules: QuoteVocabulary
) -> QuoteSpan:
    doc = ctx.doc
    inner_start, inner_end = start + 1, end - 1
    words = len(ctx.document.text[inner_start:inner_end].split())
    after_i = ctx.token_at(end)
    first_i = ctx.token_at(start)
    sent = ctx.sentence(first_i) if first_i < len(doc) else None

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
    ctx: ExtractionContext, i: int, rules: QuoteVocabulary
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
    ctx: ExtractionContext, sent: Span, start: int, words: int, rules: QuoteVocabulary
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
