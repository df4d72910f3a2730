"""Every fact kind (ontology/kinds.yaml) and event type agrees with kg.ttl, shapes.ttl and
context.jsonld (whose terms are optional: a term compacts a predicate, the prefixes cover the
rest), and the tables derived from the declarations are what the exporters use."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD

from kg.errors import RuleError
from kg.kinds import KIND_FIELDS, FieldSpec, event_classes, kinds
from kg.schema import convert
from kg.vocab import ONTOLOGY_IRI, PREFIXES

ONTOLOGY = Path(__file__).resolve().parent.parent / "ontology"
SEM = Namespace(PREFIXES["sem"])
KG_GRAPH = Graph().parse(ONTOLOGY / "kg.ttl")
SHAPES = Graph().parse(ONTOLOGY / "shapes.ttl")
CONTEXT = json.loads((ONTOLOGY / "context.jsonld").read_text("utf-8"))["@context"]

# The datatype a shape must give a field of each value type (None: an IRI).
DATATYPES = {
    "text": XSD.string,
    "texts": XSD.string,
    "number": XSD.decimal,
    "duration": XSD.duration,
    "date": None,  # xsd:date, or sh:or of date, gYearMonth, gYear
    "entity": None,
    "entities": None,
    "document": None,
}


def _expand(value: str) -> str:
    prefix, _, local = value.partition(":")
    return PREFIXES[prefix] + local if prefix in PREFIXES else value


def _context_terms() -> dict[str, dict]:
    """Expanded IRI -> the context's definition of it."""
    out = {}
    for term, value in CONTEXT.items():
        definition = value if isinstance(value, dict) else {"@id": value}
        if isinstance(definition.get("@id"), str):
            out[_expand(definition["@id"])] = definition | {"term": term}
    return out


def _property_shapes(cls: str) -> dict[str, URIRef]:
    """Path IRI -> property shape, over every shape targeting ``cls``."""
    out = {}
    for shape in SHAPES.subjects(SH.targetClass, URIRef(cls)):
        for prop in SHAPES.objects(shape, SH.property):
            out[str(SHAPES.value(prop, SH.path))] = prop
    return out


def _declared(iri: str) -> bool:
    if not iri.startswith(ONTOLOGY_IRI):
        return True  # standard vocabularies: tests/test_ontology.py checks their terms
    return (URIRef(iri), RDF.type, None) in KG_GRAPH


def _field_problems(f: FieldSpec, where: str, shapes: dict, context: dict) -> list[str]:
    problems = []
    if not _declared(str(f.predicate)):
        problems.append(f"{where}: not declared in kg.ttl")
    prop = shapes.get(f.predicate)
    if prop is None:
        problems.append(f"{where}: no property shape")
    else:
        datatype = SHAPES.value(prop, SH.datatype)
        if DATATYPES[f.type] is not None and datatype != DATATYPES[f.type]:
            problems.append(f"{where}: shape datatype {datatype}, type {f.type}")
        if f.type in {"entity", "document"} and datatype is not None:
            problems.append(f"{where}: an IRI-valued field with a datatype in its shape")
    # A predicate without a term of its own compacts through its prefix ("kg:title"); a term
    # that exists must say that an entity's value is an IRI.
    term = context.get(f.predicate)
    if (
        term is not None
        and f.type in {"entity", "entities", "document"}
        and term.get("@type") != "@id"
    ):
        problems.append(f"{where}: context term {term['term']!r} is not '@type': '@id'")
    return problems


@pytest.mark.parametrize("name", list(kinds()))
def test_kind_matches_ontology_shapes_and_context(name: str) -> None:
    spec = kinds()[name]
    context = _context_terms()
    problems = []
    for cls in spec.classes:
        if not _declared(cls):
            problems.append(f"class {cls} is not declared in kg.ttl")
    shapes = _property_shapes(spec.classes[0])
    assert shapes, f"no shape targets {spec.classes[0]}"
    for f in spec.fields:
        if f.predicate is not None:
            where = f"{name}.{f.name} ({f.predicate})"
            problems += _field_problems(f, where, shapes, context)
    if spec.actors is not None and spec.actors not in shapes:
        problems.append(f"{name}: actors property {spec.actors} has no shape")
    assert problems == []


@pytest.mark.parametrize("etype", list(event_classes()))
def test_event_type_class_is_an_event_with_its_shape(etype: str) -> None:
    declared = event_classes()[etype]
    cls = URIRef(declared.iri)
    assert SEM.Event in set(KG_GRAPH.transitive_objects(cls, RDFS.subClassOf))
    # (the class needs no term of its own in context.jsonld: it compacts through the kg: prefix)
    values = []
    for prop in _property_shapes(declared.iri).values():
        if SHAPES.value(prop, SH.path) == URIRef(ONTOLOGY_IRI + "eventType"):
            values = [str(v) for v in SHAPES.items(SHAPES.value(prop, SH["in"]))]
    assert etype in values, f"the shape of {declared.iri} does not allow eventType {etype!r}"
    assert declared.cameo is None or declared.cameo.isdigit()


def test_derived_tables_follow_the_declaration_order() -> None:
    assert list(KIND_FIELDS) == list(kinds())
    assert KIND_FIELDS["office"][:3] == ("holder", "title", "organization")
    assert kinds()["event"].merge.collect == ["topics", "invitees"]


def test_a_malformed_declaration_names_the_file_and_key() -> None:
    from kg.kinds import KindDecl

    body = {"fields": {}, "merge": {"key": []}, "label": [], "scored": True, "colour": "red"}
    with pytest.raises(RuleError, match=r"kinds\.yaml: kinds\.x: unknown key 'colour'"):
        convert(body, KindDecl, "ontology/kinds.yaml: kinds.x")
    del body["colour"]
    with pytest.raises(RuleError, match=r"missing key 'viewer'"):
        convert(body, KindDecl, "ontology/kinds.yaml: kinds.x")


def test_a_rule_file_has_one_schema() -> None:
    from kg.rules import SCHEMAS, QuoteRules, TariffRules, register_schema

    register_schema("tariffs", TariffRules)  # the same schema again: nothing changes
    assert SCHEMAS["tariffs"] is TariffRules
    with pytest.raises(RuleError, match=r"rules/tariffs\.yaml has a schema already"):
        register_schema("tariffs", QuoteRules)


def test_docs_list_every_event_type_with_its_code_and_rule_ids() -> None:
    """docs/extraction.md "Every event type": one row per type of rules/events.yaml, with its
    class, CAMEO code and the rule ids of its frames."""
    from kg.resources import load_yaml

    doc = (Path(__file__).parent.parent / "docs" / "extraction.md").read_text("utf-8")
    rows = {line.split("|")[1].strip(): line for line in doc.splitlines() if line.startswith("| `")}
    for name, t in (load_yaml("rules/events.yaml") or {})["types"].items():
        row = rows.get(f"`{name}`")
        assert row is not None, f"docs/extraction.md has no row for event type {name}"
        cells = [c.strip() for c in row.split("|")]
        assert cells[2] == f"`{t['class']}`" and cells[3] == (t.get("cameo") or "–"), row
        for f in t.get("frames", []):
            for rule in (f.get("rule"), f.get("otherwise")):
                assert rule is None or f"`{rule}`" in cells[5], f"{name}: {rule} not in its row"
