"""What spaCy is given for one document: the text itself, or pieces that keep every offset.

spaCy refuses a text over ``nlp.max_length`` (error E088), needs memory in proportion to the
longest text it parses, and its tokeniser is quadratic on a long run of punctuation (20 KB of
``=`` took a minute). So a document longer than ``Limits.spacy_chars`` is cut at paragraph
boundaries (else line breaks, else spaces) into pieces, and a run without whitespace of more
than ``Limits.word_chars`` characters, or with more than ``Limits.run_punctuation`` characters
other than letters and digits, is made one token without going through the tokeniser. The
pieces are parsed apart and joined with ``Doc.from_docs``: the joined ``Doc``'s text is
exactly the document's text, so every character offset points into it. An ordinary document is
handed over as its text, unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.language import Language
from spacy.tokens import Doc

from kg.limits import Limits, one_token_runs

_BREAKS = (re.compile(r"\n[ \t]*\n"), re.compile(r"\n"), re.compile(r"\s"))


def split_points(text: str, size: int) -> list[int]:
    """Offsets where ``text`` is cut into pieces of at most ``size`` characters (a piece ends
    after a blank line if one is within reach, else after a line break, else after a space,
    else at ``size``). Empty for a text no longer than ``size``."""
    points: list[int] = []
    start = 0
    while len(text) - start > size:
        end = start + size
        cut = None
        for pattern in _BREAKS:
            ends = [m.end() for m in pattern.finditer(text, start + size // 2, end)]
            if ends:
                cut = ends[-1]
                break
        cut = cut if cut is not None and cut > start else end
        points.append(cut)
        start = cut
    return points


def in_pieces(text: str, limits: Limits) -> bool:
    """Whether ``text`` goes to spaCy in pieces (too long, or a run too slow to tokenise)."""
    return len(text) > limits.spacy_chars or bool(one_token_runs(text, limits))


def spacy_inputs(text: str, nlp: Language, limits: Limits) -> Sequence[str | Doc]:
    """What to give ``nlp.pipe`` for ``text``: ``[text]`` for an ordinary document, else
    tokenised pieces whose texts, joined, are ``text``."""
    runs = one_token_runs(text, limits)
    if len(text) <= limits.spacy_chars and not runs:
        return [text]
    bounds = [0, *split_points(text, limits.spacy_chars), len(text)]
    pieces = []
    for start, end in zip(bounds, bounds[1:], strict=False):
        inside = [(max(a, start), min(b, end)) for a, b in runs if a < end and b > start]
        pieces.append(_tokenised(text, start, end, inside, nlp))
    return pieces


def _tokenised(
    text: str, start: int, end: int, runs: list[tuple[int, int]], nlp: Language
) -> str | Doc:
    """``text[start:end]`` as a tokenised ``Doc`` with each run one token, or as text."""
    if not runs:
        return text[start:end]
    parts: list[Doc] = []
    at = start
    for a, b in runs:
        if a > at:
            parts.append(nlp.make_doc(text[at:a]))
        parts.append(Doc(nlp.vocab, words=[text[a:b]], spaces=[False]))
        at = b
    if at < end:
        parts.append(nlp.make_doc(text[at:end]))
    joined = Doc.from_docs(parts, ensure_whitespace=False)
    if joined is None or joined.text != text[start:end]:
        raise ValueError("tokenised piece does not reproduce its text")  # cannot happen
    return joined


def join(docs: list[Doc]) -> Doc:
    """One ``Doc`` of the parsed pieces of a document (the document's exact text)."""
    if len(docs) == 1:
        return docs[0]
    joined = Doc.from_docs(docs, ensure_whitespace=False)
    if joined is None:
        raise ValueError("no pieces to join")
    return joined
