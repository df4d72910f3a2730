"""The extraction context: one analysed document and its typed, lazily computed indexes.

Extractors are pure functions of an :class:`ExtractionContext`. Whatever several of them need
about a document (token positions, sentences, which mention a token belongs to, the surnames
of people named in full, who acts for which country, the quotations and their speakers, time
expressions, durations) is an attribute of the context, computed on first use and then kept:
the same value whichever extractor asks first, so results never depend on the order extractors
run in. The indexes hold spans of the spaCy ``Doc`` but the ``Doc`` holds nothing of them, so a
context and its ``Doc`` are freed together without the cyclic collector.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from spacy.attrs import LOWER
from spacy.tokens import Doc, Span

from kg.extract.mentions import find_mentions
from kg.extract.tokens import Tokens, leftmost_titles
from kg.lexicon import Lexicon
from kg.model import Document, Evidence, Mention
from kg.nlp import TITLES_KEY
from kg.timex import Timex, find_timexes

if TYPE_CHECKING:
    from kg.extract.countries import Actors
    from kg.extract.numbers import Duration
    from kg.extract.speakers import QuoteSpan


@dataclass(eq=False)
class ExtractionContext:
    """One analysed document: its text, the spaCy ``Doc``, the lexicon, its entity mentions."""

    document: Document
    doc: Doc
    lexicon: Lexicon
    mentions: list[Mention] = field(default_factory=list)
    tokens: Tokens | None = None
    _quotes: tuple[QuoteSpan, ...] | None = field(default=None, repr=False)
    _quotes_so_far: list[QuoteSpan] | None = field(default=None, repr=False)
    _durations: dict[int, list[Duration]] = field(default_factory=dict, repr=False)
    # token index -> index of the verb it is an argument of (-1: none), filled by
    # kg.extract.event_types.governor: frames, anchors and time ask it of one trigger often
    governors: dict[int, int] = field(default_factory=dict, repr=False)
    # nouns whose governor is the verb before them, not the parse's (event_types.governor)
    reattached: set[int] = field(default_factory=set, repr=False)

    def __post_init__(self) -> None:
        if self.tokens is None:
            self.tokens = Tokens(self.doc, self.document.text)

    # --- positions -------------------------------------------------------------------------

    @property
    def text(self) -> str:
        return self.document.text

    @property
    def positions(self) -> Tokens:
        assert self.tokens is not None  # set in __post_init__
        return self.tokens

    def token_at(self, char: int) -> int:
        """Index of the first token that ends after character ``char``."""
        return self.positions.token_at(char)

    def sentence(self, i: int) -> Span:
        """The sentence holding token ``i``."""
        return self.positions.sentence(i)

    def sentence_at(self, char: int) -> Span | None:
        return self.positions.sentence_at(char)

    @cached_property
    def titles(self) -> list[Span]:
        """The office titles the title ruler found, overlaps resolved (leftmost, then longest)."""
        return leftmost_titles(self.doc.spans.get(TITLES_KEY, []))

    # --- mentions ---------------------------------------------------------------------------

    @cached_property
    def _by_start(self) -> dict[int, Mention]:
        out: dict[int, Mention] = {}
        for m in self.mentions:
            out.setdefault(m.start, m)
        return out

    @cached_property
    def _by_end(self) -> dict[int, Mention]:
        out: dict[int, Mention] = {}
        for m in self.mentions:
            out.setdefault(m.end, m)
        return out

    @cached_property
    def mention_tokens(self) -> dict[int, Mention]:
        """Token index -> the mention that token belongs to (the first, when they overlap)."""
        index: dict[int, Mention] = {}
        for m in self.mentions:
            span = self.doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is not None:
                for i in range(span.start, span.end):
                    index.setdefault(i, m)
        return index

    @cached_property
    def surnames(self) -> dict[str, str]:
        """First and last names of the people the document names in full, when unambiguous
        (the NER misses some repetitions: "“...,” Trump clarified")."""
        counts: dict[str, Counter[str]] = {}
        for m in self.mentions:  # "Mrs. Obama" (an honorific that distinguishes) names no one else
            if m.type == "Person" and " " in m.label and m.resolved_by != "honorific-distinguishes":
                parts = m.label.split()
                for part in {parts[0], parts[-1]}:
                    counts.setdefault(part, Counter())[m.label] += 1
        table = {}
        for part, labels in counts.items():
            ranked = labels.most_common(2)
            if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
                table[part] = ranked[0][0]
        return table

    def mention_starting(self, char: int) -> Mention | None:
        """The mention that starts at character ``char``, if any."""
        return self._by_start.get(char)

    def mention_ending(self, char: int) -> Mention | None:
        """The mention that ends at character ``char``, if any."""
        return self._by_end.get(char)

    def mention_covering(self, start: int, end: int) -> Mention | None:
        """The first mention inside ``[start, end)``, if any."""
        for m in self.mentions:
            if m.start >= start and m.end <= end:
                return m
            if m.start >= end:
                break
        return None

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        return [m for m in self.mentions if m.start >= start and m.end <= end]

    def named_after(self, i: int, types: AbstractSet[str]) -> tuple[Mention | None, int]:
        """The mention of one of ``types`` that starts at token ``i`` after optional articles
        and one descriptor noun ("the consultancy Teneo"; but in "the Foundation for ..." the
        noun is part of the name). Returns the mention and the token where it starts."""
        doc = self.doc
        while i < len(doc) and doc[i].lower_ in {"the", "a", "an"}:
            i += 1
        if (
            i + 1 < len(doc)
            and doc[i].lower_ in self.lexicon.descriptors
            and self.mention_starting(doc[i].idx) is None
        ):
            i += 1
        m = self.mention_starting(doc[i].idx) if i < len(doc) else None
        return (m, i) if m is not None and m.type in types else (None, i)

    @cached_property
    def title_holders(self) -> dict[int, Mention]:
        """Token index -> a person NER missed whom a title introduces in apposition ("India's
        Minister of Commerce and Industry, Piyush Goyal,"); see
        :func:`kg.extract.syntax.title_holders`."""
        from kg.extract.syntax import title_holders

        return title_holders(self)

    # --- who acts, who speaks ---------------------------------------------------------------

    @cached_property
    def actors(self) -> Actors:
        """Who holds which title and acts for which country in the document."""
        from kg.extract.countries import find_actors

        return find_actors(self)

    @cached_property
    def voice(self) -> tuple[Mention | None, Mention | None]:
        """Whose own words the document is, from its metadata: the person ("I") and the
        body ("we"); see :func:`kg.extract.speakers.document_voice`."""
        from kg.extract.speakers import document_voice

        return document_voice(self)

    @property
    def quotes(self) -> tuple[QuoteSpan, ...]:
        """Every quotation of the document with its speaker, in text order.

        Built in one pass on first use. While it is being built, a quote's attribution may
        look back at the quotes before it ("“...,” he said" after an attributed quote): it then
        sees exactly those, whoever asked first, so the result is always the same.
        """
        if self._quotes is not None:
            return self._quotes
        if self._quotes_so_far is not None:  # asked while attributing a later quote
            return tuple(self._quotes_so_far)
        from kg.extract.speakers import find_quotes

        self._quotes_so_far = []
        try:
            self._quotes = tuple(find_quotes(self, self._quotes_so_far))
        finally:
            self._quotes_so_far = None
        return self._quotes

    # --- time -------------------------------------------------------------------------------

    @cached_property
    def timexes(self) -> list[Timex]:
        """The document's time expressions, in text order."""
        return find_timexes(self.document.text, self.document.published)

    @property
    def epoch(self) -> str | None:
        """The year of the document's publication (metadata or dateline), or None. The years
        its text names are no guide (a 2025 story recalls a 2017 visit). Undated events of
        documents of two years are not merged (merge `epoch` of ontology/kinds.yaml)."""
        published = self.document.published
        return published[:4] if published and published[:4].isdigit() else None

    @cached_property
    def _timex_starts(self) -> list[int]:
        return [t.start for t in self.timexes]

    def timexes_in(self, sent: Span) -> list[Timex]:
        """The time expressions that start in ``sent`` (found by bisection)."""
        lo = bisect.bisect_left(self._timex_starts, sent.start_char)
        hi = bisect.bisect_left(self._timex_starts, sent.end_char, lo)
        return self.timexes[lo:hi]

    def durations_in(self, sent: Span) -> list[Duration]:
        """The durations written in ``sent`` (offsets relative to the sentence's start)."""
        found = self._durations.get(sent.start)
        if found is None:
            from kg.extract.numbers import find_durations

            text = self.document.text[sent.start_char : sent.end_char]
            found = self._durations[sent.start] = list(find_durations(text))
        return found

    # --- words ------------------------------------------------------------------------------

    @cached_property
    def in_at(self) -> list[int]:
        """Indices of the tokens "in" and "at" (any case), from one array."""
        keys = {self.doc.vocab.strings.add(w) for w in ("in", "at")}
        return [i for i, k in enumerate(self.doc.to_array([LOWER]).tolist()) if k in keys]

    def in_at_within(self, sent: Span) -> list[int]:
        lo = bisect.bisect_left(self.in_at, sent.start)
        return self.in_at[lo : bisect.bisect_left(self.in_at, sent.end, lo)]

    @cached_property
    def topic_words(self) -> list[tuple[int, int, str]]:
        """Topic trigger words (token start, end, topic label) outside titles and names."""
        from kg.extract.events import find_topic_words

        return find_topic_words(self)

    # --- evidence ---------------------------------------------------------------------------

    def sentence_of(self, start: int, end: int) -> tuple[int, int]:
        """Character bounds of the sentence(s) holding ``[start, end)``."""
        first = self.sentence_at(start)
        last = self.sentence_at(max(end - 1, start))
        s0 = first.start_char if first is not None else start
        s1 = last.end_char if last is not None else end
        text = self.document.text
        while s0 < start and text[s0].isspace():  # sentences hold no surrounding white space
            s0 += 1
        while s1 > end and text[s1 - 1].isspace():
            s1 -= 1
        return s0, max(s1, end)

    def evidence(
        self, start: int, end: int, extractor: str, confidence: float, rule: str | None = None
    ) -> Evidence:
        """Evidence for the span ``[start, end)`` of the document's text."""
        text = self.document.text
        s0, s1 = self.sentence_of(start, end)
        return Evidence(
            doc=self.document.id,
            sentence=text[s0:s1],
            sentence_start=s0,
            start=start,
            end=end,
            quote=text[start:end],
            extractor=extractor,
            confidence=round(confidence, 3),
            rule=rule,
        )


def build_context(document: Document, doc: Doc, lexicon: Lexicon) -> ExtractionContext:
    """The context of one analysed document: its mentions found, its indexes ready to compute."""
    tokens = Tokens(doc, document.text)
    mentions = find_mentions(tokens, lexicon, document.title)
    return ExtractionContext(document, doc, lexicon, mentions, tokens)
