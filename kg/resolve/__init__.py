"""Resolution: merge mentions into entities and claims into facts, with an audit trail."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from kg.model import Claim, Entity, EntityRef, Fact, Mention
from kg.resolve.copies import Copies
from kg.resolve.entities import EntityIndex, resolve_from
from kg.resolve.facts import merge_facts
from kg.resolve.keys import KeyTable, key_table
from kg.resolve.overrides import Overrides, load_overrides
from kg.resolve.surnames import Owners, add_surnames, merge_owners, surname_owners
from kg.rules import OfficeRules, rules_file
from kg.vocab import DEFAULT_BASE

__all__ = [
    "Copies",
    "Remote",
    "Resolution",
    "kept_claims",
    "resolve",
    "resolvable_mentions",
    "surname_owners",
    "merge_owners",
    "EntityIndex",
    "KeyTable",
    "key_table",
    "resolve_from",
    "Overrides",
    "load_overrides",
]


class Remote(Protocol):
    """Resolution's map-reduce steps run elsewhere (on a Dask cluster:
    kg.distributed.DaskReading), on the analyses given to ``resolve``: the entity key table
    of their mentions, and their facts once the entities are known."""

    def key_table(self) -> KeyTable | None: ...

    def merge_facts(self, index: EntityIndex, base: str) -> list[Fact]: ...


@dataclass
class Resolution:
    entities: dict[str, Entity]
    facts: list[Fact]
    copies: Copies = field(default_factory=Copies)


def resolve(
    claims: Sequence[Claim],
    mentions_by_doc: Mapping[str, Sequence[Mention]],
    base: str = DEFAULT_BASE,
    copies: Copies | None = None,
    overrides: Overrides | None = None,
    texts: Mapping[str, str] | None = None,
    remote: Remote | None = None,
) -> Resolution:
    """Merge every document's mentions and claims into entities and facts, with the user's
    entity overrides applied (a claim naming an entity the user dropped goes with it).

    ``copies`` (kg/resolve/copies.py) makes each fact's ``support`` count a group of copies
    once; each copy keeps its own evidence. With the documents' ``texts``, family names NER
    missed are found from the full names of the rest of the corpus (kg/resolve/surnames.py).
    With ``remote`` the key table of the mentions (kg/resolve/keys.py) and the facts are
    computed elsewhere, from the same analyses (on a Dask cluster, partition by partition).
    """
    table = remote.key_table() if remote is not None else None
    if table is None:
        table = key_table(resolvable_mentions(claims, mentions_by_doc, texts))
    index = resolve_from(table, base, overrides)
    if remote is not None:
        facts = remote.merge_facts(index, base)
    else:
        facts = merge_facts(kept_claims(claims, index), index, base)
    if copies is not None and copies.records:
        originals = copies.originals()  # one mapping shared by every fact
        for fact in facts:
            fact.source_of = originals
    _titled_aliases(facts, index.entities)
    _flag_minor(index.mention_counts(table), facts, index)
    return Resolution(index.entities, facts, copies if copies is not None else Copies())


def resolvable_mentions(
    claims: Sequence[Claim],
    mentions_by_doc: Mapping[str, Sequence[Mention]],
    texts: Mapping[str, str] | None = None,
    owners: Owners | None = None,
) -> dict[str, list[Mention]]:
    """The mentions entity resolution takes, per document: its own, then the entities its
    claims name that NER missed (a byline's author); with the documents' ``texts``, the family
    names of kg/resolve/surnames.py too (every list then in the order of the text, if the
    corpus has such names).

    For a partition of the corpus, give the whole corpus's ``owners`` of family names
    (``merge_owners`` of each partition's ``surname_owners`` of these mentions without
    ``texts``): the lists are then those of the whole corpus's resolution, in the same order,
    which is what its key tables (kg/resolve/keys.py) need."""
    all_mentions = {doc: list(ms) for doc, ms in mentions_by_doc.items()}
    known = {doc: set(ms) for doc, ms in all_mentions.items()}
    for claim in claims:
        doc = claim.evidence.doc
        for v in _mentions_of(claim):
            if v not in known.setdefault(doc, set()):
                known[doc].add(v)
                all_mentions.setdefault(doc, []).append(v)
    if texts is not None:
        if owners is None:
            owners = surname_owners(all_mentions)
        all_mentions = add_surnames(all_mentions, texts, owners)
    return all_mentions


def kept_claims(claims: Sequence[Claim], index: EntityIndex) -> Sequence[Claim]:
    """The claims that name no entity the user dropped (their facts go with it)."""
    if not index.drops:
        return claims
    return [c for c in claims if not any(index.dropped(m) for m in _mentions_of(c))]


def _mentions_of(claim: Claim) -> list[Mention]:
    out: list[Mention] = []
    for value in claim.fields.values():
        for v in value if isinstance(value, (list, tuple)) else [value]:
            if isinstance(v, Mention):
                out.append(v)
    return out


def _flag_minor(counts: Mapping[str, int], facts: Sequence[Fact], index: EntityIndex) -> None:
    """Set each entity's count of mentions, and flag those named once and in no fact
    (``minor``): kept in entities.jsonl, hidden by the viewer until asked for."""
    in_facts = set()
    for fact in facts:
        for value in fact.fields.values():
            for v in value if isinstance(value, (list, tuple)) else [value]:
                if isinstance(v, EntityRef):
                    in_facts.add(v.id)
    for eid, entity in index.entities.items():
        entity.mentions = counts[eid]
        entity.minor = counts[eid] <= 1 and eid not in in_facts


def _titled_aliases(facts: Sequence[Fact], entities: dict[str, Entity]) -> None:
    """Names written with a title before them ("Chinese President Xi Jinping", "President Xi")
    are surface forms of the holder too: users search for them."""
    markers = rules_file("offices", OfficeRules).status_markers
    status = {w.lower() for ws in markers.values() for w in ws}
    for fact in facts:
        if fact.kind != "office":
            continue
        entity = entities.get(fact.fields["holder"].id)
        if entity is None:
            continue
        records = {(r["alias"], r["doc"]) for r in entity.merge_reasons}
        for ev in fact.evidence:
            if ev.rule not in {"office.prenominal", "office.title_comma"}:
                continue
            words = ev.quote.split()
            while words and words[0].lower().strip("-") in status:
                words.pop(0)
            alias = " ".join(words).rstrip(",")
            if alias and alias != entity.label and (alias, ev.doc) not in records:
                records.add((alias, ev.doc))
                entity.aliases.add(alias)
                entity.merge_reasons.append(
                    {"alias": alias, "doc": ev.doc, "reason": "titled-name"}
                )
        entity.merge_reasons.sort(key=lambda r: (r["doc"], r["alias"], r["reason"]))
