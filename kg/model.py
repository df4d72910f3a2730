"""Plain frozen dataclasses the pipeline stages hand each other.

No spaCy ``Doc`` or rdflib graph crosses more than one stage boundary: extractors turn
spaCy spans into ``Mention`` and ``Evidence``; the graph layer turns ``Fact`` into triples.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Entity types a reference may carry; each is a class in ontology/kg.ttl.
ENTITY_TYPES = (
    "Person",
    "Organization",
    "Country",
    "Place",
    "GovernmentBody",
    "Media",
    "Company",
    "ThinkTank",
    "InternationalOrganization",
    "PoliticalParty",
)
# Entity types that are organisations of some kind (not people, countries or places).
ORGANIZATION_TYPES = frozenset(ENTITY_TYPES) - {"Person", "Country", "Place"}
# Who can act, speak, impose (not places), and who takes part in events.
ACTOR_TYPES = frozenset(ENTITY_TYPES) - {"Place"}
PARTICIPANT_TYPES = ACTOR_TYPES - {"Media", "ThinkTank", "Company"}


@dataclass(frozen=True, slots=True)
class Document:
    """One article: its text (offsets index into it) and its metadata."""

    id: str
    text: str
    path: str
    format: str  # txt, md, html, jsonl
    sha256: str
    title: str | None = None
    url: str | None = None
    author: str | None = None
    published: str | None = None  # ISO 8601 date or datetime, as given
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Mention:
    """An entity as one document names it.

    ``label`` is the canonical name the lexicon or in-document resolution gives
    ("Donald Trump" for "Trump"); ``text`` is the surface form as written.
    """

    text: str
    label: str
    type: str
    start: int
    end: int
    wikidata: str | None = None
    key: str | None = None  # lexicon key ("country:China") when the lexicon knows the entity
    resolved_by: str | None = None  # why label differs from text ("surname-in-document", ...)


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a fact is stated: a span of a document and the sentence around it."""

    doc: str
    sentence: str
    sentence_start: int
    start: int
    end: int
    quote: str
    extractor: str
    confidence: float
    rule: str | None = None  # id of the rule inside the extractor's rule set


@dataclass(frozen=True, slots=True)
class Claim:
    """One fact as one document states it, before merging.

    ``fields`` holds the kind's fields of docs/facts.md; entity-valued fields hold
    ``Mention`` objects (or tuples of them), every other value is a plain JSON value.
    """

    kind: str
    fields: dict[str, Any]
    evidence: Evidence

    def __hash__(self) -> int:  # fields is a dict: hash on identity of the evidence span
        return hash((self.kind, self.evidence))


@dataclass(frozen=True, slots=True)
class EntityRef:
    """A merged entity as facts refer to it."""

    id: str
    label: str
    type: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "label": self.label, "type": self.type}


@dataclass
class Entity:
    """A merged entity with every surface form and document that names it."""

    id: str
    label: str
    type: str
    aliases: set[str] = field(default_factory=set)
    docs: set[str] = field(default_factory=set)
    wikidata: str | None = None
    merge_reasons: list[dict[str, str]] = field(default_factory=list)
    mentions: int = 0  # mentions in all documents
    minor: bool = False  # named once and in no fact: hidden by the viewer by default


@dataclass
class Fact:
    """A merged fact: one id, the evidence of every document that states it."""

    id: str
    kind: str
    fields: dict[str, Any]  # entity-valued fields hold EntityRef (or lists of them)
    evidence: list[Evidence] = field(default_factory=list)
    conflicts_with: list[str] = field(default_factory=list)
    # the fields each piece of evidence states (its claim's non-empty fields)
    evidence_fields: dict[Evidence, tuple[str, ...]] = field(default_factory=dict)
    # each copy's id -> its original's (kg/resolve/copies.py), shared by every fact of a build
    source_of: Mapping[str, str] = field(default_factory=dict)

    @property
    def support(self) -> int:
        """Independent sources: the copy groups among the documents that state the fact."""
        return len({self.source_of.get(e.doc, e.doc) for e in self.evidence})

    @property
    def mentions(self) -> int:
        """Documents that state the fact, copies included."""
        return len({e.doc for e in self.evidence})
