"""Signatures of document graphs: a digest of everything a document's named graph is built from.

A store rebuilds and rewrites only the document graphs whose signature changed since they were
written. The signature is computed from the resolved corpus without building any quad, so it
must cover every input :func:`kg.graph.build_quads` reads for a document's graph: the base IRI,
kg's version, the model, the code and data that shape triples, the document's id and text
(through its sha256: quotes' prefixes and suffixes come from the text), each entity the
document mentions (id, label, type, the aliases recorded for this document), and each fact it
states (id, kind, every field, with entity references' ids, labels and types) with its evidence
from this document and the fields each piece of evidence states. Anything else a document graph
held would make an unchanged signature hide a changed graph: tests compare incremental stores
with clean builds quad for quad.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import operator
from collections.abc import Sequence
from pathlib import Path

from kg import __version__
from kg.graph import BuildInfo, group_by_document
from kg.iri import doc_graph_iri
from kg.model import Document, Entity, Evidence, Fact

PREFIX = "sig:"  # marks a signature in graphs.json (other entries are digests of quads)

# The modules whose code decides a document graph's triples (their text is part of the
# signature, so a kg edited without a version bump still rewrites its graphs).
_CODE = ("graph/__init__.py", "graph/facts.py", "graph/terms.py", "iri.py", "vocab.py", "model.py")


@functools.cache
def _code_digest() -> str:
    from kg.store import _ontology_digest

    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256(_ontology_digest().encode("ascii"))
    for name in _CODE:
        h.update(name.encode("utf-8") + b"\0" + (root / name).read_bytes())
    return h.hexdigest()


def document_signatures(
    documents: Sequence[Document],
    entities: dict[str, Entity],
    facts: Sequence[Fact],
    info: BuildInfo,
    base: str,
) -> dict[str, str]:
    """The signature of each document's named graph, by graph IRI."""
    head = repr((_code_digest(), __version__, base, info.model, info.model_version))
    by_doc, entity_docs = group_by_document(documents, entities, facts)
    evidence_values = operator.attrgetter(*(f.name for f in dataclasses.fields(Evidence)))
    fact_parts: dict[str, str] = {}  # a fact is stated by many documents: describe it once
    out: dict[str, str] = {}
    for d in documents:
        parts = [head, repr((d.id, d.sha256))]
        for entity, names in entity_docs.get(d.id, []):
            parts.append(repr((entity.id, entity.label, entity.type, names)))
        for fact, evs in by_doc.get(d.id, {}).values():
            part = fact_parts.get(fact.id)
            if part is None:
                part = fact_parts[fact.id] = repr((fact.id, fact.kind, sorted(fact.fields.items())))
            parts.append(part)
            for ev in evs:
                parts.append(repr((evidence_values(ev), fact.evidence_fields.get(ev, ()))))
        text = "\n".join(parts).encode("utf-8", "surrogatepass")
        out[doc_graph_iri(d.id, base)] = PREFIX + hashlib.sha256(text).hexdigest()
    return out
