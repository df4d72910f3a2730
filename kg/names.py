"""Name shapes and finding many names in a text at once (no spaCy: the resolution stage uses
them too)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence


def family_names(words: Sequence[str], particles: frozenset[str]) -> set[str]:
    """The forms a full name's family name takes alone, as the name writes them: its last word,
    the words from the first particle after the given name on ("Le Pen" of "Marine Le Pen",
    "von der Leyen"), and a last word without a particle joined by a hyphen ("Safadi" of
    "Ayman al-Safadi"). ``particles`` are lower case (lexicon `particles`)."""
    out = {words[-1]}
    for i in range(1, len(words) - 1):
        if words[i].lower() in particles:
            out.add(" ".join(words[i:]))
            break
    head, _, rest = words[-1].partition("-")
    if rest and head.lower() in particles:
        out.add(rest)
    return out


def sentence_form(name: str) -> str:
    """A name as it opens a sentence ("Von der Leyen")."""
    return name[:1].upper() + name[1:]

_PIECE = re.compile(r"\w+")


def find_names(text: str, names: Iterable[str]) -> Iterator[tuple[int, int, str]]:
    """Where ``text`` writes any of ``names`` as whole words: (start, end, name), left to right,
    the longest name first where several start at one place, never overlapping; the matches of
    ``\b(?:name|...)\b`` with the names longest first. To search many texts for the same
    names, build one :class:`NameFinder`."""
    return NameFinder(names).find(text)


class NameFinder:
    """Finds a fixed set of names in texts, as :func:`find_names` does, by looking each word
    up instead of trying every name at every position (linear in the text for thousands of
    names); the index of names by first word is built once."""

    def __init__(self, names: Iterable[str]) -> None:
        self.by_first: dict[str, list[str]] = {}
        for name in sorted(set(names), key=lambda n: (-len(n), n)):
            first = _PIECE.match(name)
            if first is not None and first.start() == 0:
                self.by_first.setdefault(first.group(), []).append(name)

    def find(self, text: str) -> Iterator[tuple[int, int, str]]:
        by_first = self.by_first
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
