"""Property-graph exports: GraphML and GEXF (Gephi, networkx) and CSV for Neo4j.

The property graph has three kinds of node: entities (``type`` = entity type), facts
(``type`` = the fact's class, ``kind``, ``support`` = independent sources, ``mentions`` =
documents) and documents. Edges go from a fact to each entity it names, labelled with the role
(``holder``, ``organization``, ``participant`` …), from a fact to the documents stating it
(``stated_in``), between conflicting facts (``conflicts_with``), and from a document that is a
copy to its original (``copy_of``, kg/resolve/copies.py).

The evidence is on the ``stated_in`` edges: one edge per mention (so a fact a document states
twice has two edges to it), carrying ``doc``, ``sentence``, ``sentence_start``, ``start``,
``end``, ``quote``, ``extractor``, ``rule`` (when the rule set names one), ``confidence`` and
``fields`` (see :data:`EVIDENCE_PROPERTIES`). Edges, not evidence nodes: a mention qualifies
the fact–document link, a query stays one hop (``MATCH (f:Fact)-[s:STATED_IN]->(d:Document)
RETURN s.quote, s.start``), and layouts in Gephi or yEd are not pulled about by as many extra
nodes as there are mentions.

The Neo4j export is a folder of CSV files with ``neo4j-admin database import`` headers
(``:ID``, ``:LABEL``, ``:START_ID``, ``:END_ID``, ``:TYPE``, typed properties such as
``support:int``) plus ``import.sh`` (which passes ``--multiline-fields=true``: a sentence or an
alias may hold a line break, written as it is inside a quoted field) and ``import.cypher``, a
``LOAD CSV`` script for a running server. GEXF is written here, not by networkx, whose writer
stamps the day's date and a ``networkx_key`` attribute and reads ``start``/``end`` as time
spells: every format is byte-identical for the same input.

XML 1.0 cannot hold most control characters (U+0000-U+001F but tab and line breaks), lone
surrogates, U+FFFE and U+FFFF, even escaped: GraphML and GEXF show each as U+FFFD (an id that
holds one also gets a hash of the original, so two ids stay two nodes). The RDF, JSON-lines
and Neo4j exports keep the text exactly.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import quoteattr

import networkx as nx

from kg.export import exporter
from kg.export.atomic import atomic_open, atomic_write
from kg.export.records import fact_record, source_record
from kg.kinds import kinds

if TYPE_CHECKING:
    from kg.model import Document, Entity, Evidence, Fact
    from kg.pipeline import BuildResult

_SAFE_LABEL = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# An id is an XML attribute, where a parser turns tab and line breaks into spaces.
_NOT_XML_ID = re.compile("[^\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


# The properties of a ``stated_in`` edge, in this order (its evidence: kg.model.Evidence).
EVIDENCE_PROPERTIES = (
    "start",
    "end",
    "doc",
    "quote",
    "sentence",
    "sentence_start",
    "extractor",
    "rule",
    "confidence",
    "fields",
)
EdgeProps = tuple[tuple[str, Any], ...]
Edge = tuple[str, str, str, EdgeProps]  # (from, to, role, properties)


@dataclass
class PropertyGraph:
    """Nodes and edges with scalar properties, in a stable order."""

    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> properties
    edges: list[Edge] = field(default_factory=list)  # sorted


def _class_name(kind: str) -> str:
    spec = kinds().get(kind)
    iri = spec.classes[0] if spec is not None and spec.classes else kind
    return re.split(r"[#/]", iri)[-1] or kind


def fact_label(record: dict[str, Any]) -> str:
    """A short caption: the kind and the values of its label fields (ontology/kinds.yaml)."""
    parts = [record["kind"]]
    spec = kinds().get(record["kind"])
    for name in spec.label if spec is not None else ():
        value = record.get(name)
        if isinstance(value, dict):
            parts.append(value["label"])
        elif isinstance(value, str):
            parts.append(value)
    return " ".join(parts)


def property_graph(build: BuildResult) -> PropertyGraph:
    """The build as a property graph (see the module docstring)."""
    pg = PropertyGraph()
    for d in sorted(build.documents, key=lambda d: d.id):
        pg.nodes[f"doc:{d.id}"] = _document_node(d)
    for key in sorted(build.entities):
        e = build.entities[key]
        pg.nodes[e.id] = _entity_node(e)
    for fact in sorted(build.facts, key=lambda f: f.id):
        _add_fact(pg, fact)
    for copy in build.copies.records.values():
        pg.edges.append((f"doc:{copy.doc}", f"doc:{copy.original}", "copy_of", ()))
    pg.edges = sorted(set(pg.edges))
    return pg


def _document_node(d: Document) -> dict[str, Any]:
    props: dict[str, Any] = {
        "label": d.title or d.id,
        "type": "Document",
        "kind": "document",
        "doc": d.id,
    }
    props.update({k: v for k, v in (("url", d.url), ("published", d.published)) if v})
    return props


def _entity_node(e: Entity) -> dict[str, Any]:
    props: dict[str, Any] = {
        "label": e.label,
        "type": e.type,
        "kind": "entity",
        "docs": len(e.docs),
    }
    if e.wikidata:
        props["wikidata"] = e.wikidata
    props["aliases"] = sorted(e.aliases)
    return props


def _add_fact(pg: PropertyGraph, fact: Fact) -> None:
    """The fact's node, after those of entities it names that have no entity record, and its
    edges: one per entity named, one per document stating it, one per conflict."""
    record = fact_record(fact)
    props: dict[str, Any] = {
        "label": fact_label(record),
        "type": _class_name(fact.kind),
        "kind": fact.kind,
        "support": fact.support,
        "mentions": fact.mentions,
    }
    for f in kinds()[fact.kind].fields:
        value = record.get(f.name)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            props[f.name] = value
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            props[f.name] = list(value)
        _add_references(pg, fact.id, value, f.role)
    pg.nodes[fact.id] = props
    for ev in fact.evidence:
        pg.edges.append((fact.id, f"doc:{ev.doc}", "stated_in", _evidence(fact, ev)))
    for other in fact.conflicts_with:
        if fact.id < other:
            pg.edges.append((fact.id, other, "conflicts_with", ()))


def _evidence(fact: Fact, ev: Evidence) -> EdgeProps:
    """One mention's properties, in :data:`EVIDENCE_PROPERTIES` order (no rule: left out)."""
    values = {
        "start": ev.start,
        "end": ev.end,
        "doc": ev.doc,
        "quote": ev.quote,
        "sentence": ev.sentence,
        "sentence_start": ev.sentence_start,
        "extractor": ev.extractor,
        "rule": ev.rule,
        "confidence": ev.confidence,
        "fields": tuple(source_record(ev, fact.evidence_fields.get(ev, ()))["fields"]),
    }
    return tuple((k, values[k]) for k in EVIDENCE_PROPERTIES if values[k] is not None)


def _add_references(pg: PropertyGraph, fact_id: str, value: Any, role: str) -> None:
    """An edge with ``role`` to each entity a field's value refers to."""
    for ref in value if isinstance(value, list) else [value]:
        if isinstance(ref, dict) and "id" in ref:
            if ref["id"] not in pg.nodes:  # a reference without an entity record
                pg.nodes[ref["id"]] = {"label": ref["label"], "type": ref["type"], "kind": "entity"}
            pg.edges.append((fact_id, ref["id"], role, ()))


def xml_text(text: str) -> str:
    """``text`` with each character XML 1.0 cannot hold replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def xml_id(node: str) -> str:
    """A node id XML can hold: itself if it can, else with U+FFFD for each character XML
    cannot hold or would read back as a space (tab, line breaks), and a short hash of the
    original, so two ids that differ only in such characters stay two nodes."""
    if not _NOT_XML_ID.search(node):
        return node
    digest = hashlib.sha256(node.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{_NOT_XML_ID.sub(chr(0xFFFD), node)}~{digest}"


def _xml_value(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        value = "|".join(value)
    return xml_text(value) if isinstance(value, str) else value


def _edge_attributes(role: str, props: EdgeProps) -> dict[str, Any]:
    return {"label": role, "role": role, **{k: _xml_value(v) for k, v in props}}


def to_networkx(pg: PropertyGraph) -> nx.MultiDiGraph:
    """A networkx multigraph for GraphML: list properties become ``|``-joined strings, ids and
    text are what XML 1.0 can hold (:func:`xml_text`, :func:`xml_id`), and each edge has the
    key ``e<N>``, N its place in :attr:`PropertyGraph.edges` (GraphML's edge id)."""
    graph = nx.MultiDiGraph()
    for node, props in pg.nodes.items():
        graph.add_node(xml_id(node), **{k: _xml_value(v) for k, v in props.items()})
    for n, (source, target, role, evidence) in enumerate(pg.edges):
        attributes = _edge_attributes(role, evidence)
        graph.add_edge(xml_id(source), xml_id(target), key=f"e{n}", **attributes)
    return graph


@exporter("graphml", "graph.graphml")
def export_graphml(build: BuildResult, path: Path) -> None:
    """GraphML for Gephi, yEd, Cytoscape and networkx: typed nodes, role-labelled edges, the
    evidence on ``stated_in`` edges."""
    with atomic_open(path) as handle:
        nx.write_graphml(to_networkx(property_graph(build)), handle, encoding="utf-8")


@exporter("gexf", "graph.gexf")
def export_gexf(build: BuildResult, path: Path) -> None:
    """GEXF 1.2 for Gephi: typed nodes, role-labelled edges, the evidence on ``stated_in``
    edges; no date, so the same build gives the same bytes."""
    atomic_write(path, gexf_bytes(property_graph(build)))


_GEXF_TYPES = {"int": "integer", "float": "double", "string[]": "string", "string": "string"}


def gexf_bytes(pg: PropertyGraph) -> bytes:
    """The property graph as GEXF 1.2 (the version networkx and Gephi read), written directly:
    attribute ids in first-seen order, typed as in the Neo4j export, lists ``|``-joined."""
    nodes = [(xml_id(i), {k: _xml_value(v) for k, v in p.items()}) for i, p in pg.nodes.items()]
    edges = [
        (f"e{n}", xml_id(s), xml_id(t), _edge_attributes(role, props))
        for n, (s, t, role, props) in enumerate(pg.edges)
    ]
    node_attrs = _gexf_attributes([p for _, p in nodes], skip={"label"})
    edge_attrs = _gexf_attributes([p for *_, p in edges], skip={"label"})
    out = [
        "<?xml version='1.0' encoding='utf-8'?>",
        '<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">',
        "  <meta>",
        "    <creator>kg</creator>",
        "    <description>kg knowledge graph: entities, facts, documents; the evidence on"
        " stated_in edges</description>",
        "  </meta>",
        '  <graph defaultedgetype="directed" mode="static">',
    ]
    for cls, attrs in (("node", node_attrs), ("edge", edge_attrs)):
        out.append(f'    <attributes class="{cls}" mode="static">')
        for name, (aid, typ) in attrs.items():
            out.append(f"      <attribute id={_q(aid)} title={_q(name)} type={_q(typ)} />")
        out.append("    </attributes>")
    out.append("    <nodes>")
    for node, props in nodes:
        out.append(f"      <node id={_q(node)} label={_q(str(props.get('label', node)))}>")
        out.extend(_gexf_values(props, node_attrs))
        out.append("      </node>")
    out.append("    </nodes>")
    out.append("    <edges>")
    for eid, source, target, props in edges:
        ends = f"source={_q(source)} target={_q(target)}"
        out.append(f"      <edge id={_q(eid)} {ends} label={_q(str(props['label']))}>")
        out.extend(_gexf_values(props, edge_attrs))
        out.append("      </edge>")
    out.extend(["    </edges>", "  </graph>", "</gexf>", ""])
    return "\n".join(out).encode("utf-8")


def _gexf_attributes(records: list[dict[str, Any]], skip: set[str]) -> dict[str, tuple[str, str]]:
    """Attribute name -> (id, GEXF type), names in first-seen order."""
    names = [k for k in dict.fromkeys(k for p in records for k in p) if k not in skip]
    return {
        name: (str(i), _GEXF_TYPES[_neo4j_type([p.get(name) for p in records])])
        for i, name in enumerate(names)
    }


def _gexf_values(props: dict[str, Any], attrs: dict[str, tuple[str, str]]) -> list[str]:
    values = [
        f"          <attvalue for={_q(aid)} value={_q(_gexf_text(props[name]))} />"
        for name, (aid, _) in attrs.items()
        if props.get(name) is not None
    ]
    return ["        <attvalues>", *values, "        </attvalues>"] if values else []


def _gexf_text(value: Any) -> str:
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _q(text: str) -> str:
    """An XML attribute value, quoted; tab and line breaks kept as character references."""
    return quoteattr(text, {"\t": "&#9;", "\n": "&#10;", "\r": "&#13;"})


# --- Neo4j -------------------------------------------------------------------------------------

_ARRAY_DELIMITER = ";"  # neo4j-admin import's default


def _neo4j_type(values: list[Any]) -> str:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "int"
    if present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return "float"
    if present and all(isinstance(v, (list, tuple)) for v in present):
        return "string[]"
    return "string"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return _ARRAY_DELIMITER.join(str(v).replace(_ARRAY_DELIMITER, ",") for v in value)
    return str(value)


def _labels(props: dict[str, Any]) -> list[str]:
    kind = {"entity": "Entity", "document": "Document"}.get(props["kind"], "Fact")
    labels = ["KgNode", kind]
    if _SAFE_LABEL.match(str(props["type"])) and props["type"] != kind:
        labels.append(str(props["type"]))
    return labels


def neo4j_tables(pg: PropertyGraph) -> dict[str, tuple[list[str], list[list[str]]]]:
    """CSV tables (file name -> header, rows) for ``neo4j-admin database import``."""
    tables: dict[str, tuple[list[str], list[list[str]]]] = {}
    groups = {"entities.csv": "entity", "facts.csv": None, "documents.csv": "document"}
    for filename, kind in groups.items():
        nodes = [
            (i, p)
            for i, p in pg.nodes.items()
            if (p["kind"] == kind if kind else p["kind"] not in ("entity", "document"))
        ]
        names = sorted({k for _, p in nodes for k in p} - {"label", "type", "kind"})
        columns = ["label", "type", "kind", *names]
        header = ["id:ID"]
        for c in columns:
            t = _neo4j_type([p.get(c) for _, p in nodes])
            header.append(c if t == "string" else f"{c}:{t}")
        header.append(":LABEL")
        rows = [[i, *(_cell(p.get(c)) for c in columns), ";".join(_labels(p))] for i, p in nodes]
        tables[filename] = (header, rows)
    evidence = [dict(props) for *_, props in pg.edges]
    header = [":START_ID", ":END_ID", ":TYPE", "role"]
    for name in EVIDENCE_PROPERTIES:
        t = _neo4j_type([e.get(name) for e in evidence])
        header.append(name if t == "string" else f"{name}:{t}")
    tables["relationships.csv"] = (
        header,
        [
            [s, t, role.upper(), role, *(_cell(e.get(n)) for n in EVIDENCE_PROPERTIES)]
            for (s, t, role, _), e in zip(pg.edges, evidence, strict=True)
        ],
    )
    return tables


def _csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _cypher_sets(var: str, columns: list[str]) -> str:
    """``SET var.name = …`` for each typed CSV column (an empty cell sets nothing: null)."""
    sets = []
    for column in columns:
        name, _, typ = column.partition(":")
        value = f"row.`{column}`"
        conv = {
            "int": f"toInteger({value})",
            "float": f"toFloat({value})",
            "string[]": f"split({value}, '{_ARRAY_DELIMITER}')",
        }.get(typ, value)
        sets.append(f"{var}.`{name}` = CASE WHEN {value} = '' THEN null ELSE {conv} END")
    return f" SET {', '.join(sets)}" if sets else ""


def cypher_script(tables: dict[str, tuple[list[str], list[list[str]]]]) -> str:
    """A LOAD CSV script creating the same graph on a running Neo4j (files in its import dir)."""
    out = [
        "// kg property graph: copy the CSV files into Neo4j's import folder, then run",
        "// cypher-shell -f import.cypher   (or use neo4j-admin database import instead)",
        "CREATE CONSTRAINT kg_node_id IF NOT EXISTS FOR (n:KgNode) REQUIRE n.id IS UNIQUE;",
    ]
    for filename in ("entities.csv", "facts.csv", "documents.csv"):
        header, rows = tables[filename]
        sets = _cypher_sets("n", header[1:-1])
        for labels in sorted({row[-1] for row in rows}):
            label_text = ":".join(f"`{x}`" for x in labels.split(";") if _SAFE_LABEL.match(x))
            out.append(
                f"LOAD CSV WITH HEADERS FROM 'file:///{filename}' AS row"
                f" WITH row WHERE row.`:LABEL` = '{labels}'"
                f" MERGE (n:{label_text} {{id: row.`id:ID`}})" + sets + ";"
            )
    header, rels = tables["relationships.csv"]
    start = next(i for i, c in enumerate(header) if c.partition(":")[0] == "start")
    for rel_type in sorted({r[2] for r in rels}):
        if not _SAFE_LABEL.match(rel_type):
            continue
        # A mention is keyed by its span, so a fact stated twice in one document keeps two
        # STATED_IN edges there and running the script again adds nothing.
        spans = any(r[start] for r in rels if r[2] == rel_type)
        key = " {start: toInteger(row.`start:int`), end: toInteger(row.`end:int`)}" if spans else ""
        out.append(
            "LOAD CSV WITH HEADERS FROM 'file:///relationships.csv' AS row"
            f" WITH row WHERE row.`:TYPE` = '{rel_type}'"
            " MATCH (a:KgNode {id: row.`:START_ID`}), (b:KgNode {id: row.`:END_ID`})"
            f" MERGE (a)-[r:`{rel_type}`{key}]->(b)" + _cypher_sets("r", header[3:]) + ";"
        )
    return "\n".join(out) + "\n"


@exporter("neo4j", "neo4j")
def export_neo4j(build: BuildResult, path: Path) -> None:
    """A folder of CSV files for neo4j-admin database import, plus import.cypher."""
    tables = neo4j_tables(property_graph(build))
    path.mkdir(parents=True, exist_ok=True)
    for filename, (header, rows) in tables.items():
        atomic_write(path / filename, _csv_bytes(header, rows))
    atomic_write(path / "import.cypher", cypher_script(tables).encode("utf-8"))
    atomic_write(path / "import.sh", IMPORT_SH.encode("utf-8"))


# --multiline-fields: a quoted field may hold a line break (a sentence, an alias NER took over
# a line end); neo4j-admin rejects one without it. The text is written exactly, not escaped.
IMPORT_SH = """#!/bin/sh
# Import kg's property graph into a new Neo4j database (default name: neo4j) from this folder.
# Usage: sh import.sh [DATABASE]   (Neo4j stopped, neo4j-admin on PATH)
set -e
cd "$(dirname "$0")"
neo4j-admin database import full "${1:-neo4j}" --overwrite-destination \\
  --multiline-fields=true \\
  --nodes=entities.csv --nodes=facts.csv --nodes=documents.csv \\
  --relationships=relationships.csv
"""
