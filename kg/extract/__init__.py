"""Extractors: pure functions from an analysed document to claims, registered by versioned name.

An extractor takes an :class:`ExtractionContext` and yields :class:`kg.model.Claim` objects whose
evidence carries the extractor's registered name. Bump the version in the name when the output
changes meaning, so provenance says which rule set produced a fact.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from spacy.tokens import Doc

from kg.errors import RegistryError
from kg.extract.tokens import sentence_at
from kg.lexicon import Lexicon
from kg.model import Claim, Document, Evidence, Mention

Extractor = Callable[["ExtractionContext"], Iterable[Claim]]

_NAME = re.compile(r"^kg\.[a-z_]+\.v[0-9]+$")
_REGISTRY: dict[str, Extractor] = {}


def register(name: str) -> Callable[[Extractor], Extractor]:
    """Register an extractor under a dotted, versioned name such as ``kg.offices.v1``."""
    if not _NAME.match(name):
        raise RegistryError(f"extractor name {name!r} must look like 'kg.<kind>.v<N>'")

    def decorator(func: Extractor) -> Extractor:
        if name in _REGISTRY:
            raise RegistryError(f"extractor {name!r} is registered twice; bump its version")
        _REGISTRY[name] = func
        return func

    return decorator


def registered() -> dict[str, Extractor]:
    """Every registered extractor by name (importing the built-in modules registers them)."""
    from kg.extract import builtin  # noqa: F401  (registers the built-in extractors)

    return dict(sorted(_REGISTRY.items()))


@dataclass
class ExtractionContext:
    """One analysed document: its text, the spaCy ``Doc``, the lexicon and its entity mentions."""

    document: Document
    doc: Doc
    lexicon: Lexicon
    mentions: list[Mention] = field(default_factory=list)
    _by_start: dict[int, Mention] = field(default_factory=dict, repr=False)
    _by_end: dict[int, Mention] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for m in self.mentions:
            self._by_start.setdefault(m.start, m)
            self._by_end.setdefault(m.end, m)

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

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        return [m for m in self.mentions if m.start >= start and m.end <= end]

    def sentence_of(self, start: int, end: int) -> tuple[int, int]:
        """Character bounds of the sentence(s) holding ``[start, end)``."""
        first = sentence_at(self.doc, start)
        last = sentence_at(self.doc, max(end - 1, start))
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


def default_extractors() -> tuple[str, ...]:
    """The extractors a build runs by default: the built-in ones."""
    from kg.extract.builtin import DEFAULT_EXTRACTORS

    return DEFAULT_EXTRACTORS


def extract(ctx: ExtractionContext, names: Iterable[str] | None = None) -> Iterator[Claim]:
    """Run the named extractors (the built-in ones by default) over one document."""
    extractors = registered()
    for name in names if names is not None else default_extractors():
        if name not in extractors:
            raise RegistryError(f"unknown extractor {name!r}; registered: {', '.join(extractors)}")
        yield from extractors[name](ctx)
