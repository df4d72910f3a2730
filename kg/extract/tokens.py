"""Token and sentence lookups by position, computed once per document.

spaCy makes a new ``Token`` object on every ``doc[i]`` and rescans the document for
``Token.sent`` and ``Doc.char_span``; extractors ask these questions thousands of times per
document, so :class:`Tokens` answers them from arrays built on first use.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from functools import cached_property

from spacy.attrs import IDX
from spacy.tokens import Doc, Span


class Tokens:
    """Position lookups over one analysed document and the text it was made from."""

    def __init__(self, doc: Doc, text: str) -> None:
        self.doc = doc
        self.text = text  # ``Doc.text`` joins every token's text anew on each call

    @cached_property
    def starts(self) -> list[int]:
        """Character offset of each token."""
        starts: list[int] = self.doc.to_array([IDX]).tolist()
        return starts

    @cached_property
    def sentences(self) -> list[Span]:
        """The document's sentences, listed once (``Token.sent`` rescans on every call)."""
        return list(self.doc.sents)

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [s.start for s in self.sentences]

    def token_at(self, char: int) -> int:
        """Index of the first token that ends after character ``char`` (len(doc) if none)."""
        i = bisect.bisect_right(self.starts, char) - 1
        if i < 0:
            return 0
        tok = self.doc[i]
        return i if tok.idx + len(tok.text) > char else i + 1

    def sentence(self, i: int) -> Span:
        """The sentence holding token ``i``."""
        k = bisect.bisect_right(self._sentence_starts, i) - 1
        return self.sentences[max(k, 0)]

    def sentence_at(self, char: int) -> Span | None:
        """The sentence of the token at character ``char``; white space belongs to the token
        after it (as ``doc.char_span(char, char + 1, alignment_mode="expand")`` has it). None
        past the last token."""
        i = self.token_at(char)
        return self.sentence(i) if i < len(self.doc) else None


def leftmost_titles(spans: Iterable[Span]) -> list[Span]:
    """Overlapping title spans resolved leftmost first, then longest: "Executive Vice President
    of the European Commission" is the title "Executive Vice President" and its organisation,
    never "President of the European Commission" (which is longer but starts later)."""
    out: list[Span] = []
    end = -1
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if span.start >= end:
            out.append(span)
            end = span.end
    return out

