"""The fact kinds, declared once in ontology/kinds.yaml; every table about kinds derives from here.

A :class:`KindSpec` holds a kind's public fields (in facts.jsonl order, each with its value type
and RDF predicate), its RDF classes, how its claims merge, which fields name it, and how the
viewer draws it. tests/test_kinds.py checks every spec against kg.ttl, shapes.ttl and
context.jsonld.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from kg.errors import RuleError
from kg.schema import load
from kg.vocab import PREFIXES

VALUE_TYPES = frozenset(
    {"entity", "entities", "text", "texts", "number", "date", "duration", "document"}
)
LIST_TYPES = frozenset({"entities", "texts"})


@dataclass(frozen=True)
class FieldDecl:
    type: str
    predicate: str | None = None
    role: str | None = None
    actor: bool = False


@dataclass(frozen=True)
class MergeDecl:
    key: list[str]
    value: list[str] = field(default_factory=list)
    collect: list[str] = field(default_factory=list)
    # fields that, stated differently by two claims, make them two facts, not a conflict
    # (a meeting in June and one in September); a date joins a more precise one it contains
    distinct: list[str] = field(default_factory=list)
    # distinct field -> the field of its text as written: within one document, two claims whose
    # value is left unresolved but written differently ("today" and "in June" with no
    # publication date) are two facts; across documents such texts say nothing
    unresolved: dict[str, str] = field(default_factory=dict)
    # distinct text field -> words that name nothing in it: two values of the field are apart
    # only when their other words share none ("upholstered furniture" and "kitchen cabinets"
    # are two goods; "steel and aluminum imports" and "aluminum" are one)
    words: dict[str, list[str]] = field(default_factory=dict)
    # distinct fields that an unknown value fills only within a document: a claim of another
    # document joins a fact only when it states these exactly where the fact does ("the
    # tariffs" of one story is not "the 25% tariffs on steel" of another)
    known_across: list[str] = field(default_factory=list)
    # distinct field -> groups of values that agree with each other: one state told in other
    # words ("imposed" and "raised" are both a tariff in force at its rate)
    alike: dict[str, list[list[str]]] = field(default_factory=dict)
    # the claim's (internal) field holding its document's year: claims whose distinct fields
    # are all unknown, from documents of two known years, are two facts ("the visit" of a 2019
    # readout is not "the visit" of a 2025 one); a dated claim joins an undated fact only when
    # its date is of that fact's year
    epoch: str | None = None


@dataclass(frozen=True)
class EdgeDecl:
    source: str = field(metadata={"key": "from"})
    default: str = field()
    to: str = field()
    label: str | None = None
    dashed: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class HubDecl:
    node: str
    caption: str
    links: list[tuple[str, str, bool]]
    truncate: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class RatesDecl:
    """A rate history (the viewer's step chart): ``value`` over time, per ``source`` -> ``to``."""

    source: str = field(metadata={"key": "from"})
    to: str = field()
    value: str = field()
    previous: str | None = None  # the rate it replaced, when a source says so


@dataclass(frozen=True)
class TimelineDecl:
    """Where a kind's facts go on the viewer's timeline."""

    date: str  # the date field placing a fact on the axis
    end: str | None = None  # a date field ending its span (an office's end)
    undated: bool = True  # listed apart when it has no date; False: left off the timeline
    rates: RatesDecl | None = None


@dataclass(frozen=True)
class ViewerDecl:
    panel: int
    summary: str
    draw: str
    edge: EdgeDecl | None = None
    hub: HubDecl | None = None
    mention: list[str] = field(default_factory=list)
    timeline: TimelineDecl | None = None


@dataclass(frozen=True)
class KindDecl:
    fields: dict[str, FieldDecl]
    merge: MergeDecl
    label: list[str]
    viewer: ViewerDecl
    scored: bool
    module: str
    classes: list[str] = field(default_factory=list, metadata={"key": "class"})
    actors: str | None = None
    hook: str | None = None


@dataclass(frozen=True)
class KindsFile:
    kinds: dict[str, KindDecl]


@dataclass(frozen=True)
class FieldSpec:
    """One public field of a kind."""

    name: str
    type: str
    predicate: str | None  # full IRI, or None when the field is not written to RDF
    role: str  # edge label in the property-graph exports
    actor: bool

    @property
    def is_list(self) -> bool:
        return self.type in LIST_TYPES


@dataclass(frozen=True)
class KindSpec:
    """A fact kind as ontology/kinds.yaml declares it."""

    name: str
    module: str  # the module of the kind's extractor
    classes: tuple[str, ...]  # full IRIs, besides kg:Fact
    fields: tuple[FieldSpec, ...]
    merge: MergeDecl
    label: tuple[str, ...]
    scored: bool
    actors: str | None
    hook: str | None
    panel: int
    summary: str
    draw: str
    edge: EdgeDecl | None
    hub: HubDecl | None
    mention: tuple[str, ...]
    timeline: TimelineDecl | None = None

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> FieldSpec:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


def expand(curie: str, where: str) -> str:
    """The full IRI of a prefixed name such as ``kg:title``."""
    prefix, _, local = curie.partition(":")
    if prefix not in PREFIXES or not local:
        raise RuleError(
            f"{where}: {curie!r} is not a prefixed name of a known vocabulary"
            f" (prefixes: {', '.join(PREFIXES)})"
        )
    return PREFIXES[prefix] + local


@functools.cache
def kinds() -> dict[str, KindSpec]:
    """Every fact kind, in declaration (report) order."""
    raw = load("kinds.yaml", KindsFile)
    return {name: _spec(name, decl) for name, decl in raw.kinds.items()}


def _spec(name: str, decl: KindDecl) -> KindSpec:
    where = f"ontology/kinds.yaml: kinds.{name}"
    fields = []
    for fname, f in decl.fields.items():
        if f.type not in VALUE_TYPES:
            raise RuleError(
                f"{where}.fields.{fname}: unknown type {f.type!r}; use one of"
                f" {', '.join(sorted(VALUE_TYPES))}"
            )
        predicate = expand(f.predicate, f"{where}.fields.{fname}") if f.predicate else None
        fields.append(FieldSpec(fname, f.type, predicate, f.role or fname, f.actor))
    names = {f.name for f in fields}
    edge = decl.viewer.edge
    hub = decl.viewer.hub
    ends = [edge.source, edge.to, *([edge.label] if edge.label else [])] if edge else []
    timeline = decl.viewer.timeline
    rates = timeline.rates if timeline else None
    dated = [timeline.date, *([timeline.end] if timeline.end else [])] if timeline else []
    rated = [rates.source, rates.to, rates.value, rates.previous or rates.value] if rates else []
    for part, listed in (
        ("merge.key", decl.merge.key),
        ("merge.value", decl.merge.value),
        ("merge.collect", decl.merge.collect),
        ("merge.distinct", decl.merge.distinct),
        ("merge.unresolved", [*decl.merge.unresolved, *decl.merge.unresolved.values()]),
        ("label", decl.label),
        ("viewer.mention", decl.viewer.mention),
        ("viewer.edge", ends),
        ("viewer.hub.links", [link[0] for link in hub.links] if hub else []),
        ("viewer.timeline", dated),
        ("viewer.timeline.rates", rated),
    ):
        for n in listed:
            if n not in names:
                raise RuleError(f"{where}.{part}: {n!r} is not a field of {name}")
    types = {f.name: f.type for f in fields}
    rate_types = ["entity", "entity", "number", "number"] if rated else []
    typed = [(n, "date") for n in dated] + list(zip(rated, rate_types, strict=True))
    for n, wanted in typed:
        if types[n] != wanted:
            raise RuleError(f"{where}.viewer.timeline: {n!r} is a {types[n]}, not a {wanted}")
    parts: tuple[tuple[str, list[str]], ...] = (
        ("words", list(decl.merge.words)),
        ("known_across", decl.merge.known_across),
        ("alike", list(decl.merge.alike)),
    )
    for part, listed in parts:
        for n in listed:
            if n not in decl.merge.distinct:
                raise RuleError(f"{where}.merge.{part}: {n!r} is not one of merge.distinct")
    if decl.viewer.draw not in {"edge", "hub", "mention"} or (
        decl.viewer.draw != "mention" and getattr(decl.viewer, decl.viewer.draw) is None
    ):
        raise RuleError(
            f"{where}.viewer.draw: {decl.viewer.draw!r} needs its own key (edge, hub) or is"
            " mention; one of edge, hub, mention"
        )
    return KindSpec(
        name=name,
        module=decl.module,
        classes=tuple(expand(c, f"{where}.class") for c in decl.classes),
        fields=tuple(fields),
        merge=decl.merge,
        label=tuple(decl.label),
        scored=decl.scored,
        actors=expand(decl.actors, f"{where}.actors") if decl.actors else None,
        hook=decl.hook,
        panel=decl.viewer.panel,
        summary=decl.viewer.summary,
        draw=decl.viewer.draw,
        edge=edge,
        hub=hub,
        mention=tuple(decl.viewer.mention),
        timeline=timeline,
    )


def kind(name: str) -> KindSpec:
    """The spec of one kind; an unknown kind is an error naming the known ones."""
    spec = kinds().get(name)
    if spec is None:
        raise RuleError(f"unknown fact kind {name!r}; declared: {', '.join(kinds())}")
    return spec


@dataclass(frozen=True)
class EventClass:
    """The RDF class and CAMEO code of an event type (rules/events.yaml `types`)."""

    iri: str
    cameo: str | None


@functools.cache
def event_classes() -> dict[str, EventClass]:
    """Event type -> its class and CAMEO code, in declaration order."""
    from kg.rules import EventRules, rules_file

    types = rules_file("events", EventRules).types
    return {
        name: EventClass(expand(t.class_, f"rules/events.yaml: types.{name}.class"), t.cameo)
        for name, t in types.items()
    }


# Derived tables.
FACT_KINDS: tuple[str, ...] = tuple(kinds())
KIND_FIELDS: dict[str, tuple[str, ...]] = {k: s.field_names for k, s in kinds().items()}
PUBLIC_FIELDS: frozenset[str] = frozenset(f for names in KIND_FIELDS.values() for f in names)
LIST_FIELDS: frozenset[str] = frozenset(
    f.name for s in kinds().values() for f in s.fields if f.is_list
)
SCORED_KINDS: tuple[str, ...] = tuple(k for k, s in kinds().items() if s.scored)
