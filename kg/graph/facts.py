"""Triples of one merged fact, from its kind's declaration (ontology/kinds.yaml; docs/model.md).

Each declared field with a predicate gives one triple per value, typed by the field's value type;
a kind may name a hook (``HOOKS``) for the few triples that are special: an office's
``org:Post`` and ``org:Role``, a document's ``schema:author``, an event's class and CAMEO code.
Returns plain ``(subject, predicate, object)`` tuples; objects are IRIs (``str``) or pyoxigraph
literals. The same fact gives the same triples in every document graph that states it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pyoxigraph as ox

from kg.graph.terms import date_literal, lit, typed
from kg.iri import doc_iri, mint_iri
from kg.kinds import FieldSpec, KindSpec, event_classes, kind
from kg.model import EntityRef, Fact
from kg.vocab import FAST

Triple = tuple[str, Any, "str | ox.Literal"]

# Plain-string terms, cached: this module writes most of the dataset's triples.
KG, ORG, RDF, RDFS, SCHEMA, XSD = FAST.KG, FAST.ORG, FAST.RDF, FAST.RDFS, FAST.SCHEMA, FAST.XSD
_DURATION = str(XSD.duration)


def _entities(value: Any) -> list[EntityRef]:
    if isinstance(value, EntityRef):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, EntityRef)]
    return []


def _objects(f: FieldSpec, value: Any, base: str) -> Iterable[str | ox.Literal]:
    """The RDF objects of one field value, by the field's declared type."""
    if f.type in ("entity", "entities"):
        return [e.id for e in _entities(value)]
    if f.type == "texts":
        return [lit(v) for v in value or []]
    if f.type == "number":
        return [] if value is None else [lit(float(value))]
    if not value:
        return []
    if f.type == "date":
        return [date_literal(value)]
    if f.type == "duration":
        return [typed(value, _DURATION)]
    if f.type == "document":
        return [doc_iri(value, base)]
    return [lit(value)]


class _Writer:
    """Writes one fact's triples into ``out``: declared fields, then the actors' union."""

    def __init__(self, fact: Fact, spec: KindSpec, out: list[Triple], base: str) -> None:
        self.fact, self.spec, self.out, self.base = fact, spec, out, base
        self.actors: set[str] = set()

    def field(self, name: str) -> None:
        f = self.spec.field(name)
        if f.predicate is None:
            return
        for obj in _objects(f, self.fact.fields.get(name), self.base):
            self.out.append((self.fact.id, f.predicate, obj))
            if f.actor and isinstance(obj, str):
                self.actors.add(obj)
        if f.actor and name == self._last_actor():
            self.out += [(self.fact.id, self.spec.actors, a) for a in sorted(self.actors)]

    def fields(self, skip: Iterable[str] = ()) -> None:
        left_out = set(skip)
        for f in self.spec.fields:
            if f.name not in left_out:
                self.field(f.name)

    def _last_actor(self) -> str | None:
        actors = [f.name for f in self.spec.fields if f.actor]
        return actors[-1] if actors and self.spec.actors else None


def fact_triples(fact: Fact, base: str) -> list[Triple]:
    """Every triple that states ``fact`` (its classes, then its fields)."""
    spec = kind(fact.kind)
    out: list[Triple] = [(fact.id, RDF.type, str(KG.Fact))]
    out += [(fact.id, RDF.type, c) for c in spec.classes]
    writer = _Writer(fact, spec, out, base)
    if spec.hook is None:
        writer.fields()
    else:
        HOOKS[spec.hook](writer)
    return out


def _office(w: _Writer) -> None:
    """An office holding also names an ``org:Role`` (the title) and an ``org:Post`` (the title
    in its organisation), which a current holder ``org:holds``."""
    fid, f, base = w.fact.id, w.fact.fields, w.base
    holder: EntityRef = f["holder"]
    org: EntityRef | None = f.get("organization")
    title: str = f["title"]
    role = mint_iri("role", title, title, base)
    post_label = f"{title} of {org.label}" if org else title
    post = mint_iri("post", f"{title}|{org.id if org else ''}", post_label, base)
    w.field("holder")
    w.out.append((fid, ORG.role, role))
    w.field("title")
    w.out += [
        (fid, KG.post, post),
        (role, RDF.type, str(ORG.Role)),
        (role, RDFS.label, lit(title)),
        (post, RDF.type, str(ORG.Post)),
        (post, RDFS.label, lit(post_label)),
        (post, ORG.role, role),
    ]
    w.field("organization")
    if org is not None:
        w.out.append((post, ORG.postIn, org.id))
    w.field("status")
    if f.get("status") == "current":
        w.out.append((holder.id, ORG.holds, post))
    w.field("as_written")


def _event_type(w: _Writer) -> None:
    """An event is also an instance of its type's class, with the type's CAMEO code."""
    etype = w.fact.fields.get("event_type") or "event"
    declared = event_classes().get(etype)
    if declared is not None:
        w.out.append((w.fact.id, RDF.type, declared.iri))
    w.out.append((w.fact.id, KG.eventType, lit(etype)))
    if declared is not None and declared.cameo:
        w.out.append((w.fact.id, KG.cameoCode, lit(declared.cameo)))
    w.fields(skip=["event_type"])


def _authorship(w: _Writer) -> None:
    """The document also names its author (``schema:author``)."""
    w.fields()
    f = w.fact.fields
    w.out.append((doc_iri(f["doc"], w.base), SCHEMA.author, f["author"].id))


HOOKS: dict[str, Callable[[_Writer], None]] = {
    "office": _office,
    "event_type": _event_type,
    "authorship": _authorship,
}
