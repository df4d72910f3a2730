"""The interactive single-file HTML viewer of the graph (a build's ``graph.html``).

Self-contained: vis-network (vendored in kg/assets/vis-network/) and the viewer's code are
inlined, the graph is escaped JSON in a ``<script type="application/json">`` block, and a
Content-Security-Policy forbids every fetch, so the page works from ``file://`` offline.
Article strings are data: the page builds its DOM with ``textContent`` only. The same input
gives a byte-identical page: everything is sorted, nothing is timed.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from kg.errors import ExportError, KGError
from kg.export.atomic import atomic_write
from kg.export.timeline import timeline_view
from kg.kinds import KindSpec, kinds
from kg.resources import asset_path

# How each kind is drawn, summarised and ordered in a panel is its `viewer` declaration in
# ontology/kinds.yaml (kg.kinds): an edge between two entities, a hub node linked to the entities
# it names, or nothing (a quote shows in its speaker's panel). A kind the viewer does not know is a
# hub linked to every entity it names.
_FIELD = re.compile(r"\{(\w+)\}")
_COMMON = {"id", "kind", "support", "mentions", "sources", "conflicts_with"}
_PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")
_JSON_UNSAFE = re.compile("[<>&\u2028\u2029\ud800-\udfff]")
_GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


def render_html(
    facts: list[dict], entities: list[dict], summary: dict, *, max_nodes: int = 1500
) -> str:
    """The viewer page for these ``facts.jsonl`` and ``entities.jsonl`` records, as a string.

    ``summary`` may carry ``title``, ``documents``, ``entities``, ``facts``, ``build_seconds``
    and ``docs`` (doc id -> title/url/author/published); every key is optional. Above
    ``max_nodes`` nodes the page starts with physics off, on a spiral layout ranked by
    support, and shows the top ``max_nodes`` nodes with a "show more" control.
    """
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ExportError(f"render_html: max_nodes must be a positive integer, got {max_nodes!r}")
    data = build_view_data(facts, entities, summary, max_nodes=max_nodes)
    parts = {
        "VIS_CSS": _read_vis("vis-network.css"),
        "VIS_JS": _read_vis("vis-network.min.js"),
        "VIEWER_CSS": _read_own("viewer.css"),
        "VIEWER_JS": _read_own("viewer.js"),
        "TIMELINE_JS": _read_own("timeline.js"),
    }
    for name, text in parts.items():
        if re.search(r"</(script|style)|<!--", text, re.IGNORECASE):
            raise ExportError(
                f"render_html: {name} contains '</script', '</style' or '<!--', which would end"
                " its inline block early; use the vis-network of kg/assets/vis-network/VENDORED.md"
            )
    parts["DATA"] = embed_json(data)
    template = _read_own("html_template.html")
    return _PLACEHOLDER.sub(lambda m: parts[m.group(1)], template)


def write_html(
    facts: list[dict], entities: list[dict], summary: dict, path: str | Path, **kw: Any
) -> None:
    """Render the viewer and write it to ``path`` atomically (temporary file, then rename)."""
    page = render_html(facts, entities, summary, **kw).encode("utf-8")
    try:
        atomic_write(path, page)
    except OSError as exc:
        raise ExportError(
            f"{path}: cannot write the HTML viewer: {exc}; make the folder writable"
        ) from exc


def embed_json(data: Any) -> str:
    """JSON text safe inside a ``<script>`` block: ``<>&``, U+2028/9, lone surrogates escaped."""
    try:
        text = json.dumps(
            data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
        )
    except ValueError as exc:
        raise ExportError(
            f"render_html: the graph holds a number JSON cannot carry ({exc}); replace NaN or"
            " infinite values (confidence, rates, figures) with null"
        ) from exc
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def locate_quote(sentence: str, quote: str) -> tuple[int, int] | None:
    """UTF-16 offsets (as JavaScript counts) of ``quote`` inside ``sentence``, or None.

    Tries an exact match first, then one where any run of whitespace (a no-break space, a
    line break) matches any other.
    """
    if not quote or not sentence:
        return None
    start = sentence.find(quote)
    if start >= 0:
        span = (start, start + len(quote))
    else:
        words = quote.split()
        if not words:
            return None
        found = re.search(r"\s+".join(re.escape(w) for w in words), sentence)
        if found is None:
            return None
        span = found.span()
    return _utf16_len(sentence[: span[0]]), _utf16_len(sentence[: span[1]])


def build_view_data(
    facts: list[dict], entities: list[dict], summary: dict, *, max_nodes: int = 1500
) -> dict[str, Any]:
    """The JSON document the page embeds: nodes in rank order, edges, facts, sentences, docs."""
    summary = summary if isinstance(summary, dict) else {}
    facts = _sorted_unique(facts, "facts")
    entities = _sorted_unique(entities, "entities")
    return _Builder(facts, entities, summary).data(max_nodes)


def _sorted_unique(records: list[dict], name: str) -> list[dict]:
    seen: set[str] = set()
    for i, record in enumerate(records):
        rid = record.get("id") if isinstance(record, dict) else None
        if not isinstance(rid, str) or not rid:
            raise ExportError(
                f"render_html: {name}[{i}] has no string 'id' ({record!r:.80}); every line of"
                f" {name}.jsonl needs one (see docs/facts.md)"
            )
        if rid in seen:
            raise ExportError(f"render_html: {name} holds id {rid!r} twice; merge them first")
        seen.add(rid)
    return sorted(records, key=lambda r: r["id"])


class _Builder:
    """Turns fact and entity records into the viewer's nodes, edges and panel data."""

    def __init__(self, facts: list[dict], entities: list[dict], summary: dict) -> None:
        self.facts = facts
        self.entities = entities
        self.summary = summary
        self.doc_meta: dict[str, dict] = {
            str(k): v for k, v in (summary.get("docs") or {}).items() if isinstance(v, dict)
        }
        self.nodes: dict[str, dict[str, Any]] = {}
        self.edges: list[tuple[str, str, str, int, bool]] = []
        self.fact_nodes: list[list[str]] = [[] for _ in facts]
        doc_ids = set(self.doc_meta)
        for fact in facts:
            doc_ids.update(str(s.get("doc")) for s in _sources(fact))
            if fact.get("kind") == "authorship" and fact.get("doc"):
                doc_ids.add(str(fact["doc"]))
        for entity in entities:
            doc_ids.update(str(d) for d in entity.get("docs") or [])
        self.doc_ids = sorted(doc_ids)
        self.doc_index = {d: i for i, d in enumerate(self.doc_ids)}
        for entity in entities:
            node = self._node(entity["id"], entity.get("label"), entity.get("type"))
            node["aliases"] = sorted(
                {str(a) for a in entity.get("aliases") or []} - {node["label"]}
            )
            node["docs"].update(self.doc_index[str(d)] for d in entity.get("docs") or [])
            if entity.get("wikidata"):
                node["wikidata"] = str(entity["wikidata"])
            if entity.get("minor") is True:
                node["minor"] = 1  # named once, in no fact: hidden until the user asks
        for index, fact in enumerate(facts):
            self._add_fact(index, fact)

    def _node(self, key: str, label: Any, type_: Any) -> dict[str, Any]:
        if key not in self.nodes:
            self.nodes[key] = {
                "id": key,
                "label": str(label) if label not in (None, "") else key,
                "type": str(type_) if type_ else "other",
                "aliases": [],
                "docs": set(),
                "facts": set(),
            }
        return self.nodes[key]

    def _ref(self, index: int, ref: Any) -> str | None:
        if not isinstance(ref, dict) or not isinstance(ref.get("id"), str) or not ref["id"]:
            return None
        return self._attach(index, ref["id"], ref.get("label"), ref.get("type"))

    def _edge(
        self, index: int, src: str | None, dst: str | None, label: str, dashed: bool = False
    ) -> None:
        if src is not None and dst is not None:
            self.edges.append((src, dst, label, index, dashed))

    def _attach(self, index: int, key: str, label: Any, type_: Any) -> str:
        """Make (or find) the node ``key`` and record that fact ``index`` involves it."""
        node = self._node(key, label, type_)
        node["facts"].add(index)
        self.fact_nodes[index].append(key)
        return key

    def _add_fact(self, index: int, fact: dict) -> None:
        spec = kinds().get(_text(fact.get("kind")))
        if spec is not None and spec.edge is not None:
            self._add_edge(index, fact, spec)
        elif spec is not None and spec.draw == "mention":
            for name in spec.mention:
                for ref in _refs(fact.get(name)):
                    self._ref(index, ref)
        else:
            if spec is not None and spec.hub is not None:
                type_, roles = spec.hub.node, spec.hub.links
            else:  # a kind this viewer does not know
                type_, roles = "other", [(k, k, False) for k in sorted(fact) if k not in _COMMON]
            hub = self._attach(index, fact["id"], _hub_label(fact), type_)
            linked: dict[str, list[str]] = {}
            inward: dict[str, bool] = {}
            for field, role, to_hub in roles:
                for ref in _refs(fact.get(field)):
                    key = self._ref(index, ref)
                    if key is not None and role not in linked.setdefault(key, []):
                        linked[key].append(role)
                        inward.setdefault(key, to_hub)
            for key, names in linked.items():
                ends = (key, hub) if inward[key] else (hub, key)
                self._edge(index, *ends, ", ".join(names))
        docs = {self.doc_index[str(s.get("doc"))] for s in _sources(fact)}
        for key in self.fact_nodes[index]:
            self.nodes[key]["docs"].update(docs)

    def _add_edge(self, index: int, fact: dict, spec: KindSpec) -> None:
        """One edge between the entities (or the entity and the document) the fact names."""
        edge = spec.edge
        assert edge is not None
        src = self._ref(index, fact.get(edge.source))
        if spec.field(edge.to).type == "document":
            doc = _text(fact.get(edge.to))
            if not doc:
                return
            title = _text(self.doc_meta.get(doc, {}).get("title")) or doc
            dst: str | None = self._attach(index, "doc:" + doc, title, "Document")
            self.nodes["doc:" + doc]["docs"].add(self.doc_index[doc])
        else:
            dst = self._ref(index, fact.get(edge.to))
        label = (_text(fact.get(edge.label)) if edge.label else "") or edge.default
        dashed = any(fact.get(k) == v for k, v in edge.dashed.items())
        self._edge(index, src, dst, label, dashed)

    def data(self, max_nodes: int) -> dict[str, Any]:
        support = [_support(f) for f in self.facts]
        weight = dict.fromkeys(self.nodes, 0)
        degree = dict.fromkeys(self.nodes, 0)
        for src, dst, _label, index, _dashed in self.edges:
            for key in (src, dst):
                weight[key] += support[index]
                degree[key] += 1
        # A node's own support: independent sources (a group of copies counts once) among the
        # documents that mention it, or the support of one of its facts if that is more.
        source = self._doc_sources()
        own = {
            k: max(len({source[d] for d in n["docs"]}), *(support[f] for f in n["facts"]), 0)
            for k, n in self.nodes.items()
        }
        order = sorted(
            self.nodes,
            key=lambda k: (-weight[k], -own[k], -degree[k], self.nodes[k]["label"].casefold(), k),
        )
        rank = {key: i for i, key in enumerate(order)}
        large = len(order) > max_nodes
        spacing = 45.0 if large else 70.0
        kind_rank = {name: spec.panel for name, spec in kinds().items()}
        nodes = [self.nodes[key] for key in order]
        for i, node in enumerate(nodes):
            radius = spacing * math.sqrt(i)
            node["docs"] = sorted(node["docs"])
            node["facts"] = sorted(
                node["facts"],
                key=lambda f: (kind_rank.get(_text(self.facts[f].get("kind")), 99), -support[f], f),
            )
            node["support"], node["weight"] = own[node["id"]], weight[node["id"]]
            node["x"] = round(radius * math.cos(i * _GOLDEN_ANGLE), 1)
            node["y"] = round(radius * math.sin(i * _GOLDEN_ANGLE), 1)
        edges = sorted(
            [rank[s], rank[d], label, index, 1 if dashed else 0]
            for s, d, label, index, dashed in self.edges
        )
        sentences = sorted({_text(s.get("sentence")) for f in self.facts for s in _sources(f)})
        sentence_index = {s: i for i, s in enumerate(sentences)}
        facts = [
            self._fact_record(
                fact,
                support[i],
                [rank[k] for k in dict.fromkeys(self.fact_nodes[i])],
                sentence_index,
            )
            for i, fact in enumerate(self.facts)
        ]
        types = Counter(node["type"] for node in nodes)
        own_nodes = {f["id"] for f in self.facts} | {"doc:" + d for d in self.doc_ids}
        labels = {rank[k]: n["label"] for k, n in self.nodes.items() if k not in own_nodes}
        return {
            "meta": self._meta(len(nodes), max_nodes, large),
            "docs": [self._doc_record(d) for d in self.doc_ids],
            "nodes": nodes,
            "edges": edges,
            "facts": facts,
            "sentences": sentences,
            "types": sorted(([t, c] for t, c in types.items()), key=lambda tc: (-tc[1], tc[0])),
            "timeline": timeline_view(self.facts, [f["nodes"] for f in facts], rank, labels),
        }

    def _fact_record(
        self, fact: dict, support: int, nodes: list[int], sentence_index: dict[str, int]
    ) -> dict[str, Any]:
        sources = [
            {
                "doc": self.doc_index[str(src.get("doc"))],
                "s": sentence_index[_text(src.get("sentence"))],
                "quote": _text(src.get("quote")),
                "start": src.get("start"),
                "end": src.get("end"),
                "extractor": _text(src.get("extractor")),
                "confidence": src.get("confidence"),
                "mark": locate_quote(_text(src.get("sentence")), _text(src.get("quote"))),
            }
            for src in _sources(fact)
        ]
        shown = {k: _display(v) for k, v in sorted(fact.items()) if k not in _COMMON}
        return {
            "id": fact["id"],
            "kind": _text(fact.get("kind")) or "fact",
            "summary": summarise_fact(fact, self.doc_meta),
            "support": support,
            "mentions": max(_mentions(fact), support),
            "conflicts": sorted(str(c) for c in fact.get("conflicts_with") or []),
            "sources": sources,
            "docs": sorted({s["doc"] for s in sources}),
            "fields": [[k, v] for k, v in shown.items() if v],
            "nodes": nodes,
        }

    def _doc_sources(self) -> list[int]:
        """Each document's independent source, by index: its original's if it is a copy."""
        out = []
        for i, doc in enumerate(self.doc_ids):
            original = _text(self.doc_meta.get(doc, {}).get("copy_of"))
            out.append(self.doc_index.get(original, i))
        return out

    def _doc_record(self, doc: str) -> dict[str, Any]:
        meta = self.doc_meta.get(doc, {})
        keys = ("title", "url", "author", "published", "copy_of")
        return {"id": doc} | {k: str(meta[k]) for k in keys if meta.get(k) not in (None, "")}

    def _meta(self, total: int, max_nodes: int, large: bool) -> dict[str, Any]:
        given = self.summary
        meta = {
            "title": _text(given.get("title")) or "Knowledge graph",
            "documents": given.get("documents", len(self.doc_ids)),
            "entities": given.get("entities", len(self.entities)),
            "facts": given.get("facts", len(self.facts)),
            "build_seconds": given.get("build_seconds"),
            "triples": given.get("triples"),
            "model": given.get("model"),
            "built": given.get("built"),
        }
        meta = {k: v for k, v in meta.items() if v is not None}
        return meta | {"nodes": total, "max_nodes": max_nodes, "large": large}


def summarise_fact(fact: dict, docs: dict[str, dict] | None = None) -> str:
    """One line of plain text saying what a fact states, for the panel and conflict notes."""
    kind = _text(fact.get("kind")) or "fact"
    values = _values(fact, kind)
    if kind == "authorship" and values.get("doc"):
        values["doc"] = _text((docs or {}).get(values["doc"], {}).get("title")) or values["doc"]
    spec = kinds().get(kind)
    return _fill(spec.summary if spec is not None else "{kind}", values)


def _values(fact: dict, kind: str) -> dict[str, str]:
    """A fact's fields as display text, with the computed ``kind`` and ``amount``."""
    values = {k: _display(v) for k, v in fact.items() if k not in _COMMON}
    values.update(kind=kind, amount=_amount(fact))
    values["event_type"] = (values.get("event_type") or "event").replace("_", " ")
    return values


def _fill(template: str, values: dict[str, str]) -> str:
    """A ``|``-separated template: each part shown when all its ``{fields}`` have a value."""
    return "".join(
        part.format_map(values)
        for part in template.split("|")
        if all(values.get(name) for name in _FIELD.findall(part))
    )


def _hub_label(fact: dict) -> str:
    kind = _text(fact.get("kind"))
    spec = kinds().get(kind)
    if spec is None or spec.hub is None:
        return kind or "fact"
    values = _values(fact, kind)
    for name, size in spec.hub.truncate.items():
        text = values.get(name) or kind
        values[name] = text if len(text) <= size else text[: size - 1] + "…"
    return _fill(spec.hub.caption, values) or kind


def _amount(fact: dict) -> str:
    value, unit = fact.get("value"), _text(fact.get("unit"))
    if not isinstance(value, int | float) or not _is_number(value):
        return f"? {unit}".strip()
    if unit in ("percent", "%"):
        return f"{_number(value)}%"
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(value) >= size:
            return f"{_number(round(value / size, 2))} {word} {unit}".strip()
    return f"{_number(value)} {unit}".strip()


def _display(value: Any) -> str:
    if value is None or value == [] or value == "":
        return ""
    if isinstance(value, dict):
        return _label(value)
    if isinstance(value, list):
        return ", ".join(s for s in (_display(v) for v in value) if s)
    if _is_number(value):
        return _number(value)
    return str(value)


def _refs(value: Any) -> Iterator[dict]:
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            yield item


def _sources(fact: dict) -> list[dict]:
    return [s for s in fact.get("sources") or [] if isinstance(s, dict)]


def _support(fact: dict) -> int:
    value = fact.get("support")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return len({s.get("doc") for s in _sources(fact)})


def _mentions(fact: dict) -> int:
    value = fact.get("mentions")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return len({s.get("doc") for s in _sources(fact)})


def _label(ref: Any) -> str:
    if isinstance(ref, dict):
        return _text(ref.get("label")) or _text(ref.get("id")) or "?"
    return "?" if ref is None else str(ref)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _number(value: Any) -> str:
    if not _is_number(value):
        return "?"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _read_own(name: str) -> str:
    return resources.files("kg.export").joinpath(name).read_text(encoding="utf-8")


def _read_vis(name: str) -> str:
    """A file of the vendored vis-network (kg/assets/vis-network/VENDORED.md)."""
    try:
        return asset_path(f"vis-network/{name}").read_text(encoding="utf-8")
    except (OSError, KGError) as exc:
        raise ExportError(f"render_html: cannot read vis-network's {name}: {exc}") from exc
