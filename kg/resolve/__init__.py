"""Resolution: merge mentions into entities and claims into facts, with an audit trail."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kg.model import Claim, Entity, Fact, Mention
from kg.resolve.entities import EntityIndex, resolve_entities
from kg.resolve.facts import merge_facts
from kg.vocab import DEFAULT_BASE

__all__ = ["Resolution", "resolve", "EntityIndex"]


@dataclass
class Resolution:
    entities: dict[str, Entity]
    facts: list[Fact]


def resolve(
    claims: Sequence[Claim],
    mentions_by_doc: Mapping[str, Sequence[Mention]],
    base: str = DEFAULT_BASE,
) -> Resolution:
    """Merge every document's mentions and claims into entities and facts."""
    all_mentions = {doc: list(ms) for doc, ms in mentions_by_doc.items()}
    for claim in claims:  # entities a claim names but NER missed (a byline's author) still count
        for value in claim.fields.values():
            values = value if isinstance(value, (list, tuple)) else [value]
            for v in values:
                if isinstance(v, Mention) and v not in all_mentions.setdefault(
                    claim.evidence.doc, []
                ):
                    all_mentions[claim.evidence.doc].append(v)
    index = resolve_entities(all_mentions, base)
    facts = merge_facts(claims, index, base)
    return Resolution(index.entities, facts)
