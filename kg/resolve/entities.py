"""Entity resolution across documents, in layers that can be audited.

1. Lexicon: a mention the lexicon knows (alias, metonym, demonym) is that lexicon entry.
2. Exact name: mentions of one type group with the same normalised name are one entity.
3. In-document name: a short person name took its full form in the document (kg.extract.mentions).
4. Name order: a two-word name written family name first in capitals ("MOTEGI Toshimitsu") is
   the same two words in the other order, when the corpus has them ("Toshimitsu Motegi").
   Name variants across documents: full names with one surname whose given names are the same
   or variants of one name (lexicon/honorifics.yaml `given_name_variants`: Joe = Joseph) and
   whose middle parts are initials that do not disagree ("Joe Biden", "Donald J. Trump",
   "Joseph R. Biden") are one person, named by the fullest form; a name that fits two forms that
   disagree ("George Bush": "George W. Bush", "George H. W. Bush") stays apart, and so does a
   name with a middle name ("John Paul Smith").
5. Surname across documents: a person named only by one name merges with the single full
   name in the corpus whose first or last name it is (variants counted once); with several
   candidates it stays apart.
Merges never chain: names are re-pointed only to fuller names, never through a shared surname.
Every alias of every entity carries the reason it was merged, per document.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kg.iri import mint_iri, normalise_key
from kg.lexicon import load_lexicon
from kg.model import ORGANIZATION_TYPES, Entity, EntityRef, Mention
from kg.vocab import DEFAULT_BASE

_INITIAL = re.compile(r"[^\W\d_]\.?")  # "j.", "r": a middle initial


def type_group(etype: str) -> str:
    """Types whose names may be compared: every kind of organisation is one group."""
    if etype in {"Person", "Country", "Place"}:
        return etype.lower()
    return "org"


def base_key(m: Mention) -> str:
    if m.key:
        return normalise_key(m.key)
    label = m.label[4:] if m.label.lower().startswith("the ") else m.label
    return f"{type_group(m.type)}:{normalise_key(label)}"


@dataclass
class EntityIndex:
    """Merged entities and the map from each (document, mention) to its entity."""

    entities: dict[str, Entity]
    _by_key: dict[str, str]  # resolved key -> entity id
    _remap: dict[str, str]  # single-name person key -> full-name key

    def ref(self, mention: Mention) -> EntityRef:
        key = base_key(mention)
        entity = self.entities[self._by_key[self._remap.get(key, key)]]
        return EntityRef(entity.id, entity.label, entity.type)


def resolve_entities(
    mentions_by_doc: Mapping[str, Sequence[Mention]], base: str = DEFAULT_BASE
) -> EntityIndex:
    """Merge the mentions of every document into entities (deterministic for a given input)."""
    by_key: dict[str, list[tuple[str, Mention]]] = defaultdict(list)
    for doc_id in sorted(mentions_by_doc):
        for m in mentions_by_doc[doc_id]:
            by_key[base_key(m)].append((doc_id, m))
    variants = {**_order_layer(by_key), **_variant_layer(by_key)}
    remap, ambiguous = _surname_layer(by_key, variants)
    remap = {**variants, **remap}
    groups: dict[str, list[tuple[str, Mention, str]]] = defaultdict(list)
    for key in sorted(by_key):
        target = remap.get(key, key)
        for doc_id, m in by_key[key]:
            groups[target].append((doc_id, m, _reason(m, key, target)))
    entities: dict[str, Entity] = {}
    by_resolved: dict[str, str] = {}
    for key in sorted(groups):
        entity = _make_entity(key, groups[key], base)
        if key in ambiguous:
            entity.merge_reasons.append(
                {"alias": entity.label, "doc": "", "reason": f"not merged: {ambiguous[key]}"}
            )
        entities[entity.id] = entity
        by_resolved[key] = entity.id
    return EntityIndex(entities, by_resolved, remap)


def _name_parts(key: str) -> list[str]:
    return [p.strip(".,") for p in key[len("person:") :].split() if p.strip(".,")]


def _order_layer(by_key: Mapping[str, list[tuple[str, Mention]]]) -> dict[str, str]:
    """Point a two-word name written family name first, in capitals ("MOTEGI Toshimitsu", the
    style of Japanese government readouts), at the same two words in the other order when the
    corpus has them ("Toshimitsu Motegi"). Without capitals the order proves nothing ("Suga
    Yoshihide" of one text is not re-pointed)."""
    remap: dict[str, str] = {}
    for key in sorted(by_key):
        parts = _name_parts(key) if key.startswith("person:") else []
        if len(parts) != 2:
            continue
        other = f"person:{parts[1]} {parts[0]}"
        if other in by_key and any(
            m.text.split() and _family_first(m.text) for _, m in by_key[key]
        ):
            remap[key] = other
    return remap


def _family_first(text: str) -> bool:
    """ "MOTEGI Toshimitsu", "Mr. MOTEGI Toshimitsu": the first of the last two words is all
    capitals, the second is not."""
    words = [w.strip(".,") for w in text.split()][-2:]
    return (
        len(words) == 2
        and len(words[0]) >= 2
        and words[0].isalpha()
        and words[0].isupper()
        and not words[1].isupper()
    )


def _variant_layer(by_key: Mapping[str, list[tuple[str, Mention]]]) -> dict[str, str]:
    """Point full person names at the fullest compatible form of the same name in the corpus."""
    given = load_lexicon().given_name_variants
    by_surname: dict[str, list[str]] = defaultdict(list)
    for key in sorted(by_key):
        parts = _name_parts(key) if key.startswith("person:") else []
        if len(parts) >= 2 and all(_INITIAL.fullmatch(p) for p in parts[1:-1]):
            by_surname[parts[-1]].append(key)  # a middle name ("John Paul Smith") joins none

    def fits(a: list[str], b: list[str]) -> bool:
        same_given = a[0] == b[0] or given.get(a[0], a[0]) == given.get(b[0], b[0])
        middle_a, middle_b = [w[0] for w in a[1:-1]], [w[0] for w in b[1:-1]]
        return same_given and (not middle_a or not middle_b or middle_a == middle_b)

    def fullness(key: str) -> tuple[int, int, str]:
        return (len(_name_parts(key)), len(key), key)

    remap: dict[str, str] = {}
    for keys in by_surname.values():
        for key in keys:
            fuller = [k for k in keys if fullness(k) > fullness(key)
                      and fits(_name_parts(k), _name_parts(key))]
            if fuller and all(fits(_name_parts(a), _name_parts(b)) for a in fuller for b in fuller):
                remap[key] = max(fuller, key=fullness)
    return remap


def _surname_layer(
    by_key: Mapping[str, list[tuple[str, Mention]]],
    variants: Mapping[str, str],
) -> tuple[dict[str, str], dict[str, str]]:
    """Point one-word person names at the single compatible full name of the corpus."""
    full_by_part: dict[str, set[str]] = defaultdict(set)
    honorific = {h.lower().rstrip(".") for h in load_lexicon().distinguishing}
    for key in by_key:
        if key.startswith("person:") and " " in key:
            parts = key[len("person:") :].split()
            if parts[0].rstrip(".") in honorific:
                continue  # "Mrs. Obama" is not the full name of an "Obama"
            full_by_part[parts[0]].add(key)
            full_by_part[parts[-1]].add(key)
    remap: dict[str, str] = {}
    ambiguous: dict[str, str] = {}
    for key in by_key:
        if not key.startswith("person:") or " " in key:
            continue
        found = full_by_part.get(key[len("person:") :], set())
        candidates = sorted({variants.get(c, c) for c in found})
        if len(candidates) == 1:
            remap[key] = candidates[0]
        elif candidates:
            names = ", ".join(c[len("person:") :] for c in candidates)
            ambiguous[key] = f"one-word name matches several full names ({names})"
    return remap, ambiguous


def _reason(m: Mention, key: str, target: str) -> str:
    if key != target:
        return "surname-across-documents" if " " not in key else "name-variant-across-documents"
    if m.resolved_by:
        return m.resolved_by
    if m.key:
        return "lexicon-alias" if m.text != m.label else "lexicon-name"
    return "exact-name"


def _make_entity(key: str, members: list[tuple[str, Mention, str]], base: str) -> Entity:
    types = Counter(m.type for _, m, _ in members)
    etype = _pick_type(types)
    lexicon_names = [m.label for _, m, _ in members if m.key]
    if lexicon_names:
        label = lexicon_names[0]
    else:
        labels = Counter(m.label for _, m, _ in members)
        # the form the group is keyed by first: "Toshimitsu Motegi", not a family-first
        # "Motegi Toshimitsu" re-pointed at it, however often that one is written
        own = f"{type_group(etype)}:" if key.startswith(f"{type_group(etype)}:") else ""
        label = max(
            labels,
            key=lambda s: (len(s.split()), own + normalise_key(s) == key, labels[s], s),
        )
    wikidata = next((m.wikidata for _, m, _ in members if m.wikidata), None)
    entity = Entity(
        id=mint_iri(type_group(etype), key, label, base),
        label=label,
        type=etype,
        wikidata=wikidata,
    )
    seen: set[tuple[str, str]] = set()
    for doc_id, m, reason in members:
        entity.docs.add(doc_id)
        entity.aliases.add(m.label)
        stands_for = _stands_for(m)
        if not stands_for and m.resolved_by != "title-in-document":
            entity.aliases.add(m.text)  # "the Treasury Secretary" is no alias
        alias = m.label if stands_for else m.text
        if (alias, doc_id) not in seen:  # one record per surface form and document
            seen.add((alias, doc_id))
            entity.merge_reasons.append({"alias": alias, "doc": doc_id, "reason": reason})
    entity.merge_reasons.sort(key=lambda r: (r["doc"], r["alias"], r["reason"]))
    return entity


# Mentions whose words name something else that stands for the entity: a person acting for
# a country ("Donald J. Trump" imposing a tariff: the United States), a body's country ("the
# Senate" confirming: the United States), a title implying one ("chair of the Federal Reserve":
# the Federal Reserve; "U.S. Trade Representative": the United States), a legal instrument only
# one government uses ("the Section 232 tariffs": the United States). The
# entity enters the document through them, under its own name, with the reason naming the words.
_STANDS_FOR = ("acts-for-country:", "body-country:", "title-implies-", "instrument-implies-")


def _stands_for(m: Mention) -> bool:
    return m.resolved_by is not None and m.resolved_by.startswith(_STANDS_FOR)


def _pick_type(types: Counter[str]) -> str:
    """The most frequent type; among organisations a specific type beats the generic one."""
    if any(t in types for t in ORGANIZATION_TYPES - {"Organization"}):
        types = Counter({t: n for t, n in types.items() if t != "Organization"})
    return min(types, key=lambda t: (-types[t], t))
