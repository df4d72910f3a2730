"""Build the RDF dataset: one named graph per document, one metadata graph.

The dataset is built as pyoxigraph quads (serialising 100k triples with rdflib takes seconds,
with pyoxigraph a fraction of one); :func:`to_rdflib` turns it into an ``rdflib.Dataset`` for
callers who model with rdflib. No blank nodes: every node has a minted IRI. The model is
documented in docs/model.md and ontology/kg.ttl.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pyoxigraph as ox
import rdflib

from kg import __version__
from kg.graph.facts import Triple, fact_triples
from kg.graph.terms import date_literal, lit, node, typed
from kg.iri import doc_graph_iri, doc_iri, meta_graph_iri, mint_iri
from kg.kinds import PUBLIC_FIELDS
from kg.model import Document, Entity, Evidence, Fact
from kg.resolve.copies import Copies, Copy
from kg.vocab import DEFAULT_BASE, ENTITY_CLASSES, FAST

QUOTE_CONTEXT = 32  # characters of oa:prefix / oa:suffix around an evidence quote
FLUSH_AT = 4096  # quads of the metadata graph handed out at once (a run of one graph)

# Plain-string terms, cached: this module writes most of the dataset's triples.
DCTERMS, KG, OA, OWL, PROV = FAST.DCTERMS, FAST.KG, FAST.OA, FAST.OWL, FAST.PROV
RDF, RDFS, SCHEMA, SKOS, WD, XSD = FAST.RDF, FAST.RDFS, FAST.SCHEMA, FAST.SKOS, FAST.WD, FAST.XSD


@dataclass(frozen=True)
class BuildInfo:
    """What the build activity records: the model and, when asked for, the time."""

    model: str
    model_version: str
    started: str | None = None  # ISO 8601; None keeps builds byte-identical


@dataclass(frozen=True)
class Segment:
    """A run of quads of one graph, in the dataset's order, and those of them the union of
    every graph (graph.ttl) states for the first time: an entity's name, type and aliases are
    stated once in the metadata graph, a fact's triples at the first document that states it."""

    graph: ox.NamedNode
    quads: list[ox.Quad]
    union: list[ox.Triple]


class QuadSink:
    """Collects the quads of one graph at a time, in a deterministic insertion order, and hands
    them out as segments (:class:`Segment`) whenever the graph changes.

    Every traversal that feeds it is ordered (documents, entities and facts by id, evidence by
    position), so serialisations are byte-identical without sorting the whole dataset. A quad
    given twice within a run is kept once; no quad recurs across runs (they differ in graph or
    subject: a run ends between documents, entities or facts), so nothing is remembered from
    one run to the next and memory stays bounded by the largest document.
    """

    def __init__(self) -> None:
        self.graph: ox.NamedNode = node(meta_graph_iri())
        self.union = True  # whether quads added now belong in the union (graph.ttl)
        self._quads: dict[ox.Quad, bool] = {}  # the run of the current graph
        self._done: list[Segment] = []
        self._nodes: dict[str, ox.NamedNode] = {}  # the run's IRIs (the vocabulary's kept)
        self._vocabulary: dict[str, ox.NamedNode] = {}

    def node(self, iri: str) -> ox.NamedNode:
        n = self._nodes.get(iri)
        if n is None:
            n = self._nodes[iri] = ox.NamedNode(iri)
        return n

    def add(self, s: str, p: str, o: ox.NamedNode | ox.Literal | str) -> None:
        predicate = self._vocabulary.get(p)
        if predicate is None:
            predicate = self._vocabulary[p] = ox.NamedNode(p)
        obj = self.node(o) if isinstance(o, str) else o
        quad = ox.Quad(self.node(s), predicate, obj, self.graph)
        if quad not in self._quads:
            self._quads[quad] = self.union

    def switch(self, graph: ox.NamedNode) -> None:
        """Go on in ``graph`` (a new run if it is another graph)."""
        if graph != self.graph:
            self.flush()
            self.graph = graph

    def boundary(self) -> None:
        """The end of a scope within the current graph (one entity, fact or document of the
        metadata graph): a long run is handed out."""
        if len(self._quads) >= FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        if self._quads:
            quads = list(self._quads)
            union = [q.triple for q, u in self._quads.items() if u]
            self._done.append(Segment(self.graph, quads, union))
            self._quads = {}
            self._nodes = {}

    def segments(self) -> list[Segment]:
        """The segments completed since the last call."""
        done, self._done = self._done, []
        return done


def segments_of(quads: Sequence[ox.Quad]) -> Iterator[Segment]:
    """Segments of a dataset held in memory: each run of one graph, with the union as the
    stream of :func:`dataset_segments` marks it: a triple the metadata graph states is in the
    union there, any other at its first occurrence. The metadata graph is the first quad's
    (a build writes its build activity first)."""
    if not quads:
        return
    meta = quads[0].graph_name
    assert isinstance(meta, ox.NamedNode)
    in_meta = {q.triple for q in quads if q.graph_name == meta}
    seen: set[ox.Triple] = set()
    run: list[ox.Quad] = []
    for q in quads:
        if run and q.graph_name != run[0].graph_name:
            yield _segment(run, seen, in_meta, meta)
            run = []
        run.append(q)
    if run:
        yield _segment(run, seen, in_meta, meta)


def _segment(
    run: list[ox.Quad], seen: set[ox.Triple], in_meta: set[ox.Triple], meta: ox.NamedNode
) -> Segment:
    graph = run[0].graph_name
    assert isinstance(graph, ox.NamedNode)  # kg writes no triple into the default graph
    union = []
    for q in run:
        t = q.triple
        if t not in seen and (graph == meta or t not in in_meta):
            seen.add(t)
            union.append(t)
    return Segment(graph, run, union)


DocFacts = dict[str, tuple[Fact, list[Evidence]]]
DocEntities = list[tuple[Entity, list[str]]]


def group_by_document(
    documents: Sequence[Document], entities: dict[str, Entity], facts: Sequence[Fact]
) -> tuple[dict[str, DocFacts], dict[str, DocEntities]]:
    """What each document's graph states: its facts with their evidence from it, and the
    entities it mentions with the aliases recorded for it (in the order the graph writes them).

    Grouped once: a popular fact or entity is named by thousands of documents, and scanning all
    its evidence for every document would make the build quadratic.
    """
    by_doc: dict[str, DocFacts] = {d.id: {} for d in documents}
    for fact in facts:
        for ev in fact.evidence:
            by_doc.setdefault(ev.doc, {}).setdefault(fact.id, (fact, []))[1].append(ev)
    entity_docs: dict[str, DocEntities] = {d.id: [] for d in documents}
    for entity in entities.values():
        aliases: dict[str, list[str]] = {doc_id: [] for doc_id in entity.docs}
        for r in entity.merge_reasons:
            if r["doc"]:
                aliases.setdefault(r["doc"], []).append(r["alias"])
        for doc_id in sorted(aliases):
            entity_docs.setdefault(doc_id, []).append((entity, aliases[doc_id]))
    return by_doc, entity_docs


def build_quads(
    documents: Sequence[Document],
    entities: dict[str, Entity],
    facts: Sequence[Fact],
    info: BuildInfo,
    base: str = DEFAULT_BASE,
    only_docs: AbstractSet[str] | None = None,
    copies: Copies | None = None,
) -> list[ox.Quad]:
    """Every quad of the dataset, in the order of :func:`dataset_segments` (so serialisations
    are byte-identical), as one list: for corpora that fit in memory."""
    segments = dataset_segments(documents, entities, facts, info, base, only_docs, copies)
    return [q for segment in segments for q in segment.quads]


def dataset_segments(
    documents: Sequence[Document],
    entities: dict[str, Entity],
    facts: Sequence[Fact],
    info: BuildInfo,
    base: str = DEFAULT_BASE,
    only_docs: AbstractSet[str] | None = None,
    copies: Copies | None = None,
) -> Iterator[Segment]:
    """The dataset as a stream of segments (:class:`Segment`), one document's graph at a time:
    the exports write it out as it comes, so no more than one document's quads are in memory.

    With ``only_docs``, the graphs of the other documents are left out (the metadata graph is
    always whole): the quads are those of the full dataset in those graphs, in the same order.
    ``copies`` (kg/resolve/copies.py) are recorded between document IRIs in the metadata graph.
    """
    sink = QuadSink()
    meta = node(meta_graph_iri(base))
    documents = sorted(documents, key=lambda d: d.id)  # the same order whatever the input order
    build = _build_activity(sink, meta, documents, info, base)
    for d in documents:
        sink.boundary()
        _document(sink, d, doc_iri(d.id, base))
        yield from sink.segments()
    by_doc, entity_docs = group_by_document(documents, entities, facts)
    stated = _Stated(by_doc, base)
    for document in documents:
        by_doc_here = by_doc.pop(document.id, {})
        if only_docs is not None and document.id not in only_docs:
            sink.switch(meta)
            sink.add(build, PROV.wasInformedBy, analysis_iri(document, info, base))
            for fact, _ in by_doc_here.values():
                stated.done(fact)
            continue
        _document_graph(sink, document, entity_docs.pop(document.id, []), by_doc_here,
                        stated, build, info, base)
        yield from sink.segments()
    sink.switch(meta)
    yield from _corpus_meta(sink, entities, facts, copies, base)
    sink.flush()
    yield from sink.segments()


def build_iri(documents: Iterable[Document], info: BuildInfo, base: str = DEFAULT_BASE) -> str:
    """The IRI of the build activity: the tool, the model and every document's id and text
    (by SHA-256), whatever their order."""
    digest = hashlib.sha256()
    for d in sorted(documents, key=lambda d: d.id):
        digest.update(f"{d.id}\0{d.sha256}\n".encode())
    key = f"{__version__}|{info.model}|{info.model_version}|{digest.hexdigest()}"
    return mint_iri("build", key, "build", base)


def graph_inputs(
    doc_ids: Iterable[str], by_doc: dict[str, DocFacts], entity_docs: dict[str, DocEntities]
) -> tuple[dict[str, DocFacts], dict[str, DocEntities]]:
    """What the graphs of the documents ``doc_ids`` need of :func:`group_by_document`'s
    grouping, to be written elsewhere (on the Dask worker that holds those documents) by
    :func:`document_segments`: each fact with the evidence of these documents only and each
    entity with its id, label and type only (their quads), the same object wherever two of
    the documents share it, so that a popular fact is not sent with all its evidence."""
    facts: dict[str, Fact] = {}
    entities: dict[str, Entity] = {}
    wanted = list(doc_ids)
    evidence: dict[str, list[Evidence]] = {}
    for doc_id in wanted:
        for fact_id, (_, evs) in by_doc.get(doc_id, {}).items():
            evidence.setdefault(fact_id, []).extend(evs)
    out_facts: dict[str, DocFacts] = {}
    out_entities: dict[str, DocEntities] = {}
    for doc_id in wanted:
        here: DocFacts = {}
        for fact_id, (fact, evs) in by_doc.get(doc_id, {}).items():
            slim = facts.get(fact_id)
            if slim is None:
                evs_all = evidence[fact_id]
                fields = {e: fact.evidence_fields[e] for e in evs_all if e in fact.evidence_fields}
                slim = facts[fact_id] = Fact(fact.id, fact.kind, fact.fields, evs_all,
                                             evidence_fields=fields)
            here[fact_id] = (slim, evs)
        out_facts[doc_id] = here
        named: DocEntities = []
        for entity, aliases in entity_docs.get(doc_id, []):
            core = entities.get(entity.id)
            if core is None:
                core = entities[entity.id] = Entity(entity.id, entity.label, entity.type)
            named.append((core, aliases))
        out_entities[doc_id] = named
    return out_facts, out_entities


def document_segments(
    documents: Iterable[Document],
    entity_docs: dict[str, DocEntities],
    by_doc: dict[str, DocFacts],
    build: str,
    info: BuildInfo,
    base: str = DEFAULT_BASE,
) -> Iterator[Segment]:
    """The graphs of some documents of a dataset (in order of id), quad for quad and in the
    order :func:`dataset_segments` writes them, without their quads of the metadata graph
    (the build's link to each analysis), which ``dataset_segments(..., only_docs=set())``
    writes with the rest of that graph. ``build`` is the dataset's :func:`build_iri`; the
    facts and entities are those of :func:`graph_inputs` (or :func:`group_by_document`).
    The segments' union marks are not the dataset's (graph.ttl is not written from them)."""
    sink = QuadSink()
    meta = node(meta_graph_iri(base))
    stated = _Stated(by_doc, base)
    for document in sorted(documents, key=lambda d: d.id):
        _document_graph(sink, document, entity_docs.get(document.id, []),
                        by_doc.get(document.id, {}), stated, build, info, base)
        yield from (s for s in sink.segments() if s.graph != meta)
    sink.flush()
    yield from (s for s in sink.segments() if s.graph != meta)


def _document_graph(
    sink: QuadSink,
    document: Document,
    entity_names: DocEntities,
    facts: DocFacts,
    stated: _Stated,
    build: str,
    info: BuildInfo,
    base: str,
) -> None:
    """One document's graph: its analysis, the entities it names, the facts it states with
    their evidence (and, in the metadata graph, the build's link to the analysis)."""
    graph = node(doc_graph_iri(document.id, base))
    sink.switch(graph)
    d_iri = doc_iri(document.id, base)
    analysis = _analysis_activity(sink, document, d_iri, info, base)
    sink.switch(node(meta_graph_iri(base)))
    sink.add(build, PROV.wasInformedBy, analysis)
    sink.switch(graph)
    for entity, names in entity_names:
        sink.union = False  # the metadata graph states the entity's name, type and aliases
        _entity_core(sink, entity)
        sink.union = True
        sink.add(entity.id, KG.mentionedIn, d_iri)
        for alias in names:  # the metadata graph has those of entity.aliases
            label = lit(alias)
            sink.union = alias not in entity.aliases and stated.new_shared(
                (entity.id, SKOS.altLabel, label)
            )
            sink.add(entity.id, SKOS.altLabel, label)
        sink.union = True
    for fact, evs in facts.values():
        triples, first = stated.of(fact)
        for s, p, o in triples:  # a role or post many facts share: in the union once
            sink.union = first and (s == fact.id or stated.new_shared((s, p, o)))
            sink.add(s, p, o)
        sink.union = True
        sink.add(fact.id, PROV.wasDerivedFrom, d_iri)
        for ev in evs:
            _evidence(sink, fact, ev, document.text, d_iri, analysis, base)
        stated.done(fact)


class _Stated:
    """What the stream has stated so far, as much as the union (graph.ttl) needs: each fact's
    triples (the same in every graph that states it), kept from the first document that
    states the fact to the last, then forgotten; and the few triples many facts or
    documents share (roles, posts, aliases the entity does not list)."""

    def __init__(self, by_doc: dict[str, DocFacts], base: str) -> None:
        self.base = base
        self.left: dict[str, int] = {}  # documents still to write, for facts stated by several
        for doc_facts in by_doc.values():
            for fact_id in doc_facts:
                self.left[fact_id] = self.left.get(fact_id, 0) + 1
        self.kept: dict[str, list[Triple]] = {}
        # triples about nodes facts share (roles, posts), and aliases the entity lists not
        self.shared: set[Triple] = set()

    def new_shared(self, triple: Triple) -> bool:
        """Whether a triple about a node other than the fact is met for the first time."""
        if triple in self.shared:
            return False
        self.shared.add(triple)
        return True

    def of(self, fact: Fact) -> tuple[list[Triple], bool]:
        """The fact's triples, and whether this is the first document to state them."""
        triples = self.kept.get(fact.id)
        if triples is not None:
            return triples, False
        triples = fact_triples(fact, self.base)
        if self.left.get(fact.id, 0) > 1:
            self.kept[fact.id] = triples
        return triples, True

    def done(self, fact: Fact) -> None:
        left = self.left.get(fact.id, 0) - 1
        self.left[fact.id] = left
        if left <= 0:
            self.kept.pop(fact.id, None)


def _corpus_meta(
    sink: QuadSink,
    entities: dict[str, Entity],
    facts: Sequence[Fact],
    copies: Copies | None,
    base: str,
) -> Iterator[Segment]:
    """What the metadata graph says about the corpus as a whole: copies, merged entities,
    each fact's support (independent sources), mentions (documents) and conflicts."""
    for copy in (copies.records if copies is not None else {}).values():
        sink.boundary()
        _copy(sink, copy, base)
        yield from sink.segments()
    for entity in entities.values():
        sink.boundary()
        _entity_meta(sink, entity, base)
        yield from sink.segments()
    for fact in facts:
        sink.boundary()
        sink.add(fact.id, KG.support, lit(fact.support))
        sink.add(fact.id, KG.mentions, lit(fact.mentions))
        for other in fact.conflicts_with:
            sink.add(fact.id, KG.conflictsWith, other)
        yield from sink.segments()


def _software(base: str) -> str:
    return mint_iri("software", f"kg {__version__}", f"kg {__version__}", base)


def analysis_iri(document: Document, info: BuildInfo, base: str = DEFAULT_BASE) -> str:
    """The IRI of the analysis of one document: its text, the tool and the model only."""
    key = f"{document.id}|{document.sha256}|{__version__}|{info.model}|{info.model_version}"
    return mint_iri("analysis", key, document.id, base)


def _analysis_activity(
    sink: QuadSink, document: Document, d_iri: str, info: BuildInfo, base: str
) -> str:
    """The analysis of one document, which generated its evidence (in the document's graph).

    Its IRI depends on that document's text, the tool and the model only, so adding a document
    to a corpus leaves every other document's graph as it was.
    """
    activity = analysis_iri(document, info, base)
    sink.add(activity, RDF.type, str(PROV.Activity))
    sink.add(activity, RDFS.label, lit(f"kg analysis of {document.id}"))
    sink.add(activity, PROV.used, d_iri)
    sink.add(activity, PROV.wasAssociatedWith, _software(base))
    sink.add(activity, KG.model, lit(info.model))
    sink.add(activity, KG.modelVersion, lit(info.model_version))
    return activity


def _build_activity(
    sink: QuadSink, meta: ox.NamedNode, documents: Sequence[Document], info: BuildInfo, base: str
) -> str:
    sink.switch(meta)
    build = build_iri(documents, info, base)
    agent = _software(base)
    sink.add(agent, RDF.type, str(PROV.SoftwareAgent))
    sink.add(agent, RDFS.label, lit(f"kg {__version__}"))
    sink.add(agent, SCHEMA.softwareVersion, lit(__version__))
    sink.add(build, RDF.type, str(PROV.Activity))
    sink.add(build, RDFS.label, lit(f"kg build of {len(documents)} documents"))
    sink.add(build, PROV.wasAssociatedWith, agent)
    sink.add(build, KG.model, lit(info.model))
    sink.add(build, KG.modelVersion, lit(info.model_version))
    if info.started:
        sink.add(build, PROV.startedAtTime, typed(info.started, str(XSD.dateTime)))
    for d in documents:
        sink.add(build, PROV.used, doc_iri(d.id, base))
    return build


def _document(sink: QuadSink, d: Document, d_iri: str) -> None:
    sink.add(d_iri, RDF.type, str(PROV.Entity))
    sink.add(d_iri, RDF.type, str(SCHEMA.NewsArticle))
    sink.add(d_iri, DCTERMS.identifier, lit(d.id))
    sink.add(d_iri, KG.sha256, lit(d.sha256))
    sink.add(d_iri, KG.fileName, lit(d.path.replace("\\", "/").rsplit("/", 1)[-1]))
    if d.title:
        sink.add(d_iri, SCHEMA.headline, lit(d.title))
    if d.url:
        sink.add(d_iri, SCHEMA.url, typed(d.url, str(XSD.anyURI)))
    if d.author:
        sink.add(d_iri, SCHEMA.author, lit(d.author))
    if d.published:
        sink.add(d_iri, SCHEMA.datePublished, date_literal(d.published))
    if d.language:
        sink.add(d_iri, SCHEMA.inLanguage, lit(d.language))


def _copy(sink: QuadSink, copy: Copy, base: str) -> None:
    """A copy and its original: ``kg:copyOf`` (a sub-property of ``prov:alternateOf``, also
    written, for tools without inference), the similarity and the method that found it."""
    d_iri, original = doc_iri(copy.doc, base), doc_iri(copy.original, base)
    sink.add(d_iri, KG.copyOf, original)
    sink.add(d_iri, PROV.alternateOf, original)
    sink.add(d_iri, KG.copySimilarity, lit(copy.similarity))
    sink.add(d_iri, KG.copyMethod, lit(copy.method))


def _entity_core(sink: QuadSink, entity: Entity) -> None:
    for cls in ENTITY_CLASSES.get(entity.type, ENTITY_CLASSES["Organization"]):
        sink.add(entity.id, RDF.type, cls)
    sink.add(entity.id, RDFS.label, lit(entity.label))
    sink.add(entity.id, KG.entityType, lit(entity.type))


def _entity_meta(sink: QuadSink, entity: Entity, base: str) -> None:
    _entity_core(sink, entity)
    for alias in sorted(entity.aliases):
        sink.add(entity.id, SKOS.altLabel, lit(alias))
    if entity.wikidata:
        sink.add(entity.id, OWL.sameAs, str(WD[entity.wikidata]))
    for r in entity.merge_reasons:
        rec = mint_iri(
            "merge",
            f"{entity.id}|{r['alias']}|{r['doc']}|{r['reason']}",
            "merge",
            base,
            fold_case=False,
        )
        sink.add(entity.id, KG.mergeRecord, rec)
        sink.add(rec, RDF.type, str(KG.MergeRecord))
        sink.add(rec, KG.alias, lit(r["alias"]))
        sink.add(rec, KG.reason, lit(r["reason"]))
        if r["doc"]:
            sink.add(rec, KG.inDocument, doc_iri(r["doc"], base))


def _evidence(
    sink: QuadSink, fact: Fact, ev: Evidence, text: str, d_iri: str, analysis: str, base: str
) -> None:
    fact_id = fact.id
    ann = mint_iri(
        "evidence", f"{fact_id}|{ev.doc}|{ev.start}|{ev.end}|{ev.extractor}", "evidence", base
    )
    target, pos, quote = f"{ann}/target", f"{ann}/position", f"{ann}/quote"
    sink.add(ann, RDF.type, str(OA.Annotation))
    sink.add(ann, OA.motivatedBy, str(OA.describing))
    sink.add(ann, OA.hasBody, fact_id)
    sink.add(ann, OA.hasTarget, target)
    sink.add(ann, KG.extractor, lit(ev.extractor))
    if ev.rule:
        sink.add(ann, KG.rule, lit(ev.rule))
    sink.add(ann, KG.confidence, lit(Decimal(str(ev.confidence))))
    for name in fact.evidence_fields.get(ev, ()):
        if name in PUBLIC_FIELDS:
            sink.add(ann, KG.statesField, lit(name))
    sink.add(ann, KG.sentence, lit(ev.sentence))
    sink.add(ann, KG.sentenceStart, lit(ev.sentence_start))
    sink.add(ann, KG.sentenceEnd, lit(ev.sentence_start + len(ev.sentence)))
    sink.add(ann, PROV.wasGeneratedBy, analysis)
    sink.add(target, RDF.type, str(OA.SpecificResource))
    sink.add(target, OA.hasSource, d_iri)
    sink.add(target, OA.hasSelector, pos)
    sink.add(target, OA.hasSelector, quote)
    sink.add(pos, RDF.type, str(OA.TextPositionSelector))
    sink.add(pos, OA.start, typed(str(ev.start), str(XSD.nonNegativeInteger)))
    sink.add(pos, OA.end, typed(str(ev.end), str(XSD.nonNegativeInteger)))
    sink.add(quote, RDF.type, str(OA.TextQuoteSelector))
    sink.add(quote, OA.exact, lit(ev.quote))
    prefix = text[max(0, ev.start - QUOTE_CONTEXT) : ev.start]
    suffix = text[ev.end : ev.end + QUOTE_CONTEXT]
    if prefix:
        sink.add(quote, OA.prefix, lit(prefix))
    if suffix:
        sink.add(quote, OA.suffix, lit(suffix))


def to_rdflib(quads: Iterable[ox.Quad]) -> rdflib.Dataset:
    """The dataset as an ``rdflib.Dataset``, for callers who model with rdflib."""
    ds = rdflib.Dataset()
    graphs: dict[str, rdflib.Graph] = {}
    for q in quads:
        g = str(q.graph_name.value) if isinstance(q.graph_name, ox.NamedNode) else ""
        graph = graphs.get(g)
        if graph is None:
            graph = graphs[g] = ds.graph(rdflib.URIRef(g)) if g else ds.default_context
        graph.add((_term(q.subject), _term(q.predicate), _term(q.object)))
    return ds


def _term(t: Any) -> rdflib.term.Identifier:
    if isinstance(t, ox.NamedNode):
        return rdflib.URIRef(t.value)
    if isinstance(t, ox.Literal):
        if t.language:
            return rdflib.Literal(t.value, lang=t.language)
        dt = t.datatype.value
        if dt == str(XSD.string):
            return rdflib.Literal(t.value)
        return rdflib.Literal(t.value, datatype=rdflib.URIRef(dt))
    raise TypeError(f"unexpected RDF term {t!r}: kg writes no blank nodes")
