"""The RDF vocabulary kg writes: standard namespaces and our own closed ``KG`` namespace.

``KG`` is a ``DefinedNamespace``: a typo in a term fails at import time instead of writing a
term that ``ontology/kg.ttl`` does not declare. A test checks both lists agree.
"""

from __future__ import annotations

from typing import Any

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

ONTOLOGY_IRI = "https://w3id.org/kg-news/ontology#"
DEFAULT_BASE = "https://w3id.org/kg-news/id/"


class KG(DefinedNamespace):
    """Terms of ontology/kg.ttl: only what W3C ORG, SEM, PROV-O, OA and schema.org lack."""

    _NS = Namespace(ONTOLOGY_IRI)
    _fail = True

    # classes: entities
    GovernmentBody: URIRef
    MediaOrganization: URIRef
    Company: URIRef
    ThinkTank: URIRef
    InternationalOrganization: URIRef
    PoliticalParty: URIRef
    # classes: facts
    Fact: URIRef
    OfficeHolding: URIRef
    Affiliation: URIRef
    Authorship: URIRef
    TariffMeasure: URIRef
    Figure: URIRef
    Quote: URIRef
    MergeRecord: URIRef
    # event classes (sem:Event subclasses) are declared with their event types in
    # rules/events.yaml and written by IRI (kg.kinds.event_classes)
    # fact properties
    title: URIRef
    asWritten: URIRef
    status: URIRef
    support: URIRef
    mentions: URIRef
    conflictsWith: URIRef
    post: URIRef
    roleLabel: URIRef
    author: URIRef
    document: URIRef
    # tariff properties
    imposedBy: URIRef
    target: URIRef
    targetCompany: URIRef
    instrument: URIRef
    quota: URIRef
    quotaSide: URIRef
    goods: URIRef
    ratePercent: URIRef
    previousRatePercent: URIRef
    duration: URIRef
    effectiveDate: URIRef
    # event properties
    eventType: URIRef
    participant: URIRef
    initiator: URIRef
    invitee: URIRef
    dateText: URIRef
    date: URIRef
    topic: URIRef
    cameoCode: URIRef
    # figure and quote properties
    subject: URIRef
    value: URIRef
    unit: URIRef
    concerns: URIRef
    speaker: URIRef
    text: URIRef
    # evidence and provenance
    extractor: URIRef
    rule: URIRef
    statesField: URIRef
    confidence: URIRef
    sentence: URIRef
    sentenceStart: URIRef
    sentenceEnd: URIRef
    sha256: URIRef
    fileName: URIRef
    copyOf: URIRef
    copySimilarity: URIRef
    copyMethod: URIRef
    model: URIRef
    modelVersion: URIRef
    # entities and merging
    entityType: URIRef
    mentionedIn: URIRef
    mergeRecord: URIRef
    alias: URIRef
    reason: URIRef
    inDocument: URIRef


class Terms:
    """A namespace's terms as plain strings, each looked up once and then cached.

    rdflib resolves ``KG.support`` through ``__getattr__`` on every access (closed namespaces
    check the term each time); the graph builder writes hundreds of thousands of triples, so it
    reads terms through this cache. A misspelt term still fails on its first use.
    """

    def __init__(self, namespace: Any) -> None:
        self._ns = namespace

    def __getattr__(self, name: str) -> str:
        if name.startswith("__"):
            raise AttributeError(name)
        value = str(getattr(self._ns, name))
        setattr(self, name, value)
        return value

    def __getitem__(self, name: str) -> str:
        return str(self._ns[name])


ORG = Namespace("http://www.w3.org/ns/org#")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
OA = Namespace("http://www.w3.org/ns/oa#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SCHEMA = Namespace("https://schema.org/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
WD = Namespace("http://www.wikidata.org/entity/")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")

# Every prefix the exporters bind, so output never shows ns1:.
PREFIXES: dict[str, str] = {
    "kg": ONTOLOGY_IRI,
    "org": str(ORG),
    "sem": str(SEM),
    "oa": str(OA),
    "prov": str(PROV),
    "schema": str(SCHEMA),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "wd": str(WD),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "owl": str(OWL),
}

# Entity type (docs/facts.md) -> RDF classes written for it (ours first, then the standard one).
ENTITY_CLASSES: dict[str, tuple[str, ...]] = {
    "Person": (str(SCHEMA.Person),),
    "Country": (str(SCHEMA.Country),),
    "Place": (str(SCHEMA.Place),),
    "Organization": (str(ORG.Organization),),
    "GovernmentBody": (str(KG.GovernmentBody), str(ORG.Organization)),
    "Media": (str(KG.MediaOrganization), str(ORG.Organization)),
    "Company": (str(KG.Company), str(ORG.Organization)),
    "ThinkTank": (str(KG.ThinkTank), str(ORG.Organization)),
    "InternationalOrganization": (str(KG.InternationalOrganization), str(ORG.Organization)),
    "PoliticalParty": (str(KG.PoliticalParty), str(ORG.Organization)),
}


class FastTerms:
    """Every namespace above as :class:`Terms`, for modules that write many triples."""

    def __init__(self) -> None:
        self.KG = Terms(KG)
        self.ORG = Terms(ORG)
        self.SEM = Terms(SEM)
        self.OA = Terms(OA)
        self.PROV = Terms(PROV)
        self.SCHEMA = Terms(SCHEMA)
        self.SKOS = Terms(SKOS)
        self.DCTERMS = Terms(DCTERMS)
        self.WD = Terms(WD)
        self.RDF = Terms(RDF)
        self.RDFS = Terms(RDFS)
        self.XSD = Terms(XSD)
        self.OWL = Terms(OWL)


FAST = FastTerms()
