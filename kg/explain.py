"""Audit views of a finished build: how an entity came to be, which facts conflict.

Both read the build's ``entities.jsonl`` and ``facts.jsonl``, so they work on any build folder.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import KGError
from kg.export.records import jsonl_lines
from kg.terminal import shown


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise KGError(f"{path}: not found; pass the folder a `kg build --out` wrote")
    out = []
    for n, line in jsonl_lines(path):
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise KGError(f"{path}:{n}: not a JSON line ({exc.msg}); rebuild the folder") from exc
    return out


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in folded if not unicodedata.combining(c)).split())


@dataclass
class Explanation:
    """An entity, every name it was merged from (with reasons), and the facts naming it."""

    entity: dict[str, Any]
    facts: list[dict[str, Any]]


def _refers_to(value: Any, entity_id: str) -> bool:
    if isinstance(value, dict):
        return value.get("id") == entity_id
    if isinstance(value, list):
        return any(_refers_to(v, entity_id) for v in value)
    return False


def explain(build_dir: str | Path, name: str) -> list[Explanation]:
    """Entities whose label or an alias matches ``name`` (case- and accent-insensitive)."""
    build = Path(build_dir)
    wanted = _fold(name)
    entities = [
        e
        for e in _read_jsonl(build / "entities.jsonl")
        if wanted in {_fold(e["label"]), *(_fold(a) for a in e.get("aliases", []))}
    ]
    facts = _read_jsonl(build / "facts.jsonl") if entities else []
    return [
        Explanation(e, [f for f in facts if any(_refers_to(v, e["id"]) for v in f.values())])
        for e in entities
    ]


def format_explanation(ex: Explanation) -> str:
    """The entity, its aliases, merges and facts as lines of text (values escaped by ``shown``)."""
    e = ex.entity
    lines = [f"{shown(e['label'])} ({shown(e['type'])})  {shown(e['id'])}"]
    if e.get("wikidata"):
        lines.append(f"  wikidata: {shown(e['wikidata'])}")
    lines.append(f"  aliases: {', '.join(shown(a) for a in e.get('aliases', []))}")
    lines.append(f"  documents: {', '.join(shown(d) for d in e.get('docs', []))}")
    lines.append("  merged from:")
    for m in e.get("merges", []):
        where = f" in {shown(m['doc'])}" if m.get("doc") else ""
        lines.append(f"    {m['alias']!r}{where}: {shown(m['reason'])}")
    lines.append(f"  facts ({len(ex.facts)}):")
    for f in ex.facts:
        lines.append(f"    [{shown(f['kind'])}] {summarise(f)}  {_support(f)}")
    return "\n".join(lines)


_COMMON = {"id", "kind", "support", "mentions", "sources", "conflicts_with"}


def _support(fact: dict[str, Any]) -> str:
    """``support N``, and the documents when copies make them more (``support 1, mentions 11``);
    a table written before mentions were counted gives support only."""
    support, mentions = fact["support"], fact.get("mentions", fact["support"])
    return f"support {support}" + (f", mentions {mentions}" if mentions != support else "")


def summarise(fact: dict[str, Any]) -> str:
    """One line naming a fact's main fields (values escaped by ``shown``)."""
    parts = []
    for key, value in fact.items():
        if key in _COMMON or value in (None, []):
            continue
        if isinstance(value, dict):
            value = value.get("label", value)
        elif isinstance(value, list):
            value = ", ".join(
                str(v.get("label", v)) if isinstance(v, dict) else str(v) for v in value
            )
        parts.append(f"{key}={shown(value)}")
    return "; ".join(parts)


def conflicts(build_dir: str | Path) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Pairs of facts that cannot both hold, each pair once, in id order."""
    facts = {f["id"]: f for f in _read_jsonl(Path(build_dir) / "facts.jsonl")}
    pairs = []
    for fid in sorted(facts):
        for other in facts[fid].get("conflicts_with", []):
            if fid < other and other in facts:
                pairs.append((facts[fid], facts[other]))
    return pairs


def format_conflicts(pairs: list[tuple[dict[str, Any], dict[str, Any]]]) -> str:
    if not pairs:
        return "no conflicting facts"
    lines = []
    for a, b in pairs:
        lines.append(f"[{shown(a['kind'])}] conflict:")
        for f in (a, b):
            lines.append(f"  {summarise(f)}  ({_support(f)})")
            for s in f["sources"]:
                lines.append(f"    {shown(s['doc'])} [{s['start']}:{s['end']}] {s['quote']!r}")
    return "\n".join(lines)
