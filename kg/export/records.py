"""The flat views of a build: facts.jsonl and entities.jsonl records (docs/facts.md)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg.kinds import KIND_FIELDS, LIST_FIELDS, PUBLIC_FIELDS
from kg.model import Entity, EntityRef, Evidence, Fact


def _jsonable(value: Any) -> Any:
    if isinstance(value, EntityRef):
        return value.as_dict()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def source_record(ev: Evidence, fields: tuple[str, ...] = ()) -> dict[str, Any]:
    """One source of a fact; ``fields`` names the fact's fields this mention states."""
    return {
        "doc": ev.doc,
        "sentence": ev.sentence,
        "start": ev.start,
        "end": ev.end,
        "quote": ev.quote,
        "extractor": ev.extractor,
        "confidence": ev.confidence,
        "fields": [f for f in fields if f in PUBLIC_FIELDS],
    }


def fact_record(fact: Fact) -> dict[str, Any]:
    """One line of facts.jsonl."""
    record: dict[str, Any] = {
        "id": fact.id,
        "kind": fact.kind,
        "support": fact.support,
        "mentions": fact.mentions,
        "sources": [source_record(e, fact.evidence_fields.get(e, ())) for e in fact.evidence],
        "conflicts_with": list(fact.conflicts_with),
    }
    for name in KIND_FIELDS.get(fact.kind, ()):
        value = fact.fields.get(name)
        if value is None and name in LIST_FIELDS:
            value = []
        record[name] = _jsonable(value)
    return record


def entity_record(entity: Entity) -> dict[str, Any]:
    """One line of entities.jsonl (with the merge log that explains it)."""
    record: dict[str, Any] = {
        "id": entity.id,
        "label": entity.label,
        "type": entity.type,
        "aliases": sorted(entity.aliases),
        "docs": sorted(entity.docs),
    }
    if entity.wikidata:
        record["wikidata"] = entity.wikidata
    record["mentions"] = entity.mentions
    if entity.minor:
        record["minor"] = True  # one mention, no fact
    record["merges"] = list(entity.merge_reasons)
    return record


def jsonl_lines(path: str | Path) -> Iterator[tuple[int, str]]:
    """The non-blank lines of a JSON-lines file kg wrote, with their 1-based numbers.

    Split on ``\\n`` only: ``str.splitlines`` also breaks at U+2028, U+2029, U+0085 and other
    separators, which ``json.dumps(..., ensure_ascii=False)`` leaves raw inside strings.
    """
    text = Path(path).read_text(encoding="utf-8")
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            yield number, line
