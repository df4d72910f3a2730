"""Token and sentence lookups by position, computed once per document.

spaCy makes a new ``Token`` object on every ``doc[i]`` and rescans the document for
``Token.sent`` and ``Doc.char_span``; extractors ask these questions thousands of times per
document, so the answers come from arrays kept in ``doc.user_data``.
"""

from __future__ import annotations

import bisect

from spacy.attrs import IDX
from spacy.tokens import Doc, Span


def known_text(doc: Doc, text: str) -> None:
    """Record ``text``, the string ``doc`` was made from, as its text (spares :func:`doc_text`
    the join)."""
    doc.user_data["kg.text"] = text


def doc_text(doc: Doc) -> str:
    """The document's text (``Doc.text`` joins every token's text anew on each call)."""
    text = doc.user_data.get("kg.text")
    if text is None:
        text = doc.user_data["kg.text"] = doc.text
    return text  # type: ignore[no-any-return]


def token_at(doc: Doc, char: int) -> int:
    """Index of the first token that ends after character ``char`` (len(doc) if none)."""
    starts = doc.user_data.get("kg.token_starts")
    if starts is None:
        starts = doc.to_array([IDX]).tolist()
        doc.user_data["kg.token_starts"] = starts
    i = bisect.bisect_right(starts, char) - 1
    if i < 0:
        return 0
    tok = doc[i]
    return i if tok.idx + len(tok.text) > char else i + 1


def sentence(doc: Doc, i: int) -> Span:
    """The sentence holding token ``i`` (sentences are listed once per document, not rescanned
    the way ``Token.sent`` does)."""
    sents = doc.user_data.get("kg.sentences")
    if sents is None:
        sents = list(doc.sents)
        doc.user_data["kg.sentences"] = sents
        doc.user_data["kg.sentence_starts"] = [s.start for s in sents]
    k = bisect.bisect_right(doc.user_data["kg.sentence_starts"], i) - 1
    return sents[max(k, 0)]  # type: ignore[no-any-return]


def sentence_at(doc: Doc, char: int) -> Span | None:
    """The sentence of the token at character ``char``; white space belongs to the token after
    it (as ``doc.char_span(char, char + 1, alignment_mode="expand")`` has it). None past the
    last token."""
    i = token_at(doc, char)
    return sentence(doc, i) if i < len(doc) else None
