"""Triples of one merged fact, by kind (the model is in docs/model.md).

Returns plain ``(subject, predicate, object)`` tuples; objects are IRIs (``str``) or pyoxigraph
literals. The same fact gives the same triples in every document graph that states it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyoxigraph as ox

from kg.graph.terms import date_literal, lit, typed
from kg.iri import doc_iri, mint_iri
from kg.model import EntityRef, Fact
from kg.vocab import EVENT_CLASSES, FACT_CLASSES, FAST

Triple = tuple[str, Any, "str | ox.Literal"]

# Plain-string terms, cached: this module writes most of the dataset's triples.
KG, ORG, RDF, RDFS, SCHEMA, SEM, XSD = (
    FAST.KG,
    FAST.ORG,
    FAST.RDF,
    FAST.RDFS,
    FAST.SCHEMA,
    FAST.SEM,
    FAST.XSD,
)


def _typed(value: str, datatype: Any) -> ox.Literal:
    return typed(value, str(datatype))


def _entities(value: Any) -> list[EntityRef]:
    if isinstance(value, EntityRef):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, EntityRef)]
    return []


def fact_triples(fact: Fact, base: str) -> list[Triple]:
    """Every triple that states ``fact`` (type, kind-specific properties)."""
    out: list[Triple] = [(fact.id, RDF.type, str(KG.Fact))]
    out.append((fact.id, RDF.type, FACT_CLASSES[fact.kind]))
    _BY_KIND[fact.kind](fact, fact.fields, out, base)
    return out


def _office(fact: Fact, f: dict[str, Any], out: list[Triple], base: str) -> None:
    holder: EntityRef = f["holder"]
    org: EntityRef | None = f.get("organization")
    title: str = f["title"]
    role = mint_iri("role", title, title, base)
    post_label = f"{title} of {org.label}" if org else title
    post = mint_iri("post", f"{title}|{org.id if org else ''}", post_label, base)
    out += [
        (fact.id, ORG.member, holder.id),
        (fact.id, ORG.role, role),
        (fact.id, KG.title, lit(title)),
        (fact.id, KG.post, post),
        (role, RDF.type, str(ORG.Role)),
        (role, RDFS.label, lit(title)),
        (post, RDF.type, str(ORG.Post)),
        (post, RDFS.label, lit(post_label)),
        (post, ORG.role, role),
    ]
    if org is not None:
        out += [(fact.id, ORG.organization, org.id), (post, ORG.postIn, org.id)]
    if f.get("status"):
        out.append((fact.id, KG.status, lit(f["status"])))
        if f["status"] == "current":
            out.append((holder.id, ORG.holds, post))
    for written in f.get("as_written") or []:
        out.append((fact.id, KG.asWritten, lit(written)))


def _affiliation(fact: Fact, f: dict[str, Any], out: list[Triple], base: str) -> None:
    out += [
        (fact.id, ORG.member, f["person"].id),
        (fact.id, ORG.organization, f["organization"].id),
    ]
    if f.get("role"):
        out.append((fact.id, KG.roleLabel, lit(f["role"])))


def _authorship(fact: Fact, f: dict[str, Any], out: list[Triple], base: str) -> None:
    d = doc_iri(f["doc"], base)
    out += [
        (fact.id, KG.author, f["author"].id),
        (fact.id, KG.document, d),
        (d, SCHEMA.author, f["author"].id),
    ]


def _tariff(fact: Fact, f: dict[str, Any], out: list[Triple], base: str) -> None:
    for field, prop in (("imposed_by", KG.imposedBy), ("target", KG.target)):
        for e in _entities(f.get(field)):
            out.append((fact.id, prop, e.id))
    if f.get("goods"):
        out.append((fact.id, KG.goods, lit(f["goods"])))
    for field, prop in (
        ("rate_percent", KG.ratePercent),
        ("previous_rate_percent", KG.previousRatePercent),
        ("trade_value_usd", KG.tradeValue),
    ):
        if f.get(field) is not None:
            out.append((fact.id, prop, lit(float(f[field]))))
    if f.get("duration"):
        out.append((fact.id, KG.duration, _typed(f["duration"], XSD.duration)))
    if f.get("effective_date"):
        out.append((fact.id, KG.effectiveDate, date_literal(f["effective_date"])))
    if f.get("status"):
        out.append((fact.id, KG.status, lit(f["status"])))


def _event(fact: Fact, f: dict[str, Any], out: list[Triple], base: str) -> None:
    etype = f.get("event_type") or "event"
    cls, cameo = EVENT_CLASSES.get(etype, (None, None))
    if cls:
        out.append((fact.id, RDF.type, cls))
    out.append((fact.id, KG.eventType, lit(etype)))
    if cameo:
        out.append((fact.id, KG.cameoCode, lit(cameo)))
    actors: set[str] = set()
    for field, prop in (
        ("participants", KG.participant),
        ("initiator", KG.initiator),
        ("invitees", KG.invitee),
    ):
        for e in _entities(f.get(field)):
            out.append((fact.id, prop, e.id))
            actors.add(e.id)
    out += [(fact.id, SEM.hasActor, a) for a in sorted(actors)]
    for e in _entities(f.get("place")):
        out.append((fact.id, SEM.hasPlace, e.id))
    if f.get("date"):
        out.append((fact.id, KG.date, date_literal(f["date"])))
    if f.get("date_text"):
        out.append((fact.id, KG.dateText, lit(f["date_text"])))
    if f.get("duration"):
        out.append((fact.id, KG.duration, _typed(f["duration"], XSD.duration)))
    for topic in f.get("topics") or []:
        out.append((fact.id, KG.topic, lit(topic)))


def _figure(fact: Fact, f: dict[str, Any], out: list[Triple], base: str) -> None:
    out.append((fact.id, KG.subject, lit(f["subject"])))
    out.append((fact.id, KG.value, lit(float(f["value"]))))
    if f.get("unit"):
        out.append((fact.id, KG.unit, lit(f["unit"])))
    if f.get("date"):
        out.append((fact.id, KG.date, date_literal(f["date"])))
    for e in _entities(f.get("entities")):
        out.append((fact.id, KG.concerns, e.id))


def _quote(fact: Fact, f: dict[str, Any], out: list[Triple], base: str) -> None:
    out.append((fact.id, RDF.type, str(SCHEMA.Quotation)))
    for e in _entities(f.get("speaker")):
        out.append((fact.id, KG.speaker, e.id))
    out.append((fact.id, KG.text, lit(f["text"])))


_BY_KIND: dict[str, Callable[[Fact, dict[str, Any], list[Triple], str], None]] = {
    "office": _office,
    "affiliation": _affiliation,
    "authorship": _authorship,
    "tariff": _tariff,
    "event": _event,
    "figure": _figure,
    "quote": _quote,
}
