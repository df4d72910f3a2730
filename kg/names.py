"""Finding many names in a text at once (no spaCy: the resolution stage uses it too)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

_PIECE = re.compile(r"\w+")


def find_names(text: str, names: Iterable[str]) -> Iterator[tuple[int, int, str]]:
    """Where ``text`` writes any of ``names`` as whole words: (start, end, name), left to right,
    the longest name first where several start at one place, never overlapping; the matches of
    ``\b(?:name|...)\b`` with the names longest first, found by looking each word up instead of
    trying every name at every position (linear in the text for thousands of names)."""
    by_first: dict[str, list[str]] = {}
    for name in sorted(set(names), key=lambda n: (-len(n), n)):
        first = _PIECE.match(name)
        if first is not None and first.start() == 0:
            by_first.setdefault(first.group(), []).append(name)
    end = 0
    for piece in _PIECE.finditer(text):
        start = piece.start()
        if start < end:
            continue
        for name in by_first.get(piece.group(), ()):
            stop = start + len(name)
            if text.startswith(name, start) and not (
                stop < len(text) and _PIECE.match(text, stop) and name[-1:].isalnum()
            ):
                yield start, stop, name
                end = stop
                break
