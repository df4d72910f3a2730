"""Entity resolution across documents, in layers that can be audited.

1. Lexicon: a mention the lexicon knows (alias, metonym, demonym) is that lexicon entry.
2. Exact name: mentions of one type group with the same folded name are one entity (accents and
   the lexicon's spelling folds: "Pedro Sánchez" = "Pedro Sanchez", labelled with the accents).
3. In-document name: a short person name took its full form in the document (kg.extract.mentions).
4. Name order: a two-word name written family name first in capitals ("MOTEGI Toshimitsu") is
   the same two words in the other order, when the corpus has them ("Toshimitsu Motegi").
   Name variants across documents: full names with one surname whose given names are the same
   or variants of one name (lexicon/honorifics.yaml `given_name_variants`: Joe = Joseph) and
   whose middle parts are initials that do not disagree ("Joe Biden", "Donald J. Trump",
   "Joseph R. Biden") are one person, named by the fullest form; a name that fits two forms that
   disagree ("George Bush": "George W. Bush", "George H. W. Bush") stays apart, and so does a
   name with a middle name ("John Paul Smith").
5. Surname across documents: a person named only by one name, or by a family name with its
   particles ("Von der Leyen"), merges with the single full name in the corpus whose first or
   family name it is (variants counted once), also when NER typed it an organisation or a place;
   with several candidates it stays apart (an organisation or place so named is a person all
   the same).
Merges never chain: names are re-pointed only to fuller names, never through a shared surname.
Every alias of every entity carries the reason it was merged, per document.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from kg.errors import KGError
from kg.iri import mint_iri, normalise_key
from kg.lexicon import load_lexicon
from kg.model import ORGANIZATION_TYPES, Entity, EntityRef, Mention
from kg.names import family_names
from kg.resolve.keys import KeyTable, Record, base_key, key_table, name_key, type_group
from kg.resolve.overrides import Overrides, name_of
from kg.vocab import DEFAULT_BASE

_INITIAL = re.compile(r"[^\W\d_]\.?")  # "j.", "r": a middle initial


@dataclass
class EntityIndex:
    """Merged entities and the map from each (document, mention) to its entity."""

    entities: dict[str, Entity]
    _by_key: dict[str, str]  # resolved key -> entity id
    _remap: dict[str, str]  # mention key -> resolved key (layers, then the user's merges)
    # the user's splits: (mention key, normalised surface form) -> resolved key
    _split: dict[tuple[str, str], str] = field(default_factory=dict)
    _dropped: frozenset[str] = frozenset()  # resolved keys the user dropped

    def _resolved(self, mention: Mention) -> str:
        return self._resolved_key(base_key(mention), mention.text)

    def _resolved_key(self, key: str, text: str) -> str:
        split = self._split.get((key, name_of(text))) if self._split else None
        return split if split is not None else self._remap.get(key, key)

    def ref(self, mention: Mention) -> EntityRef:
        entity = self.entities[self._by_key[self._resolved(mention)]]
        return EntityRef(entity.id, entity.label, entity.type)

    @property
    def drops(self) -> bool:
        """Whether the user dropped any entity."""
        return bool(self._dropped)

    def dropped(self, mention: Mention) -> bool:
        """Whether the user dropped the entity of ``mention`` (its facts go with it)."""
        return self._resolved(mention) in self._dropped

    def mention_counts(self, table: KeyTable) -> dict[str, int]:
        """Per entity id, how many mentions of the table's documents name it (those of the
        entities the user dropped left out): what counting ``ref`` of every mention gives."""
        counts = dict.fromkeys(self.entities, 0)
        for key, records in table.keys.items():
            for r in records:
                resolved = self._resolved_key(key, r.text)
                if resolved not in self._dropped:
                    counts[self._by_key[resolved]] += r.times
        return counts


@dataclass
class _UserOps:
    """The user's overrides as operations on resolved keys (kg.resolve.overrides)."""

    merged: dict[str, str] = field(default_factory=dict)  # resolved key -> the kept one
    split: dict[tuple[str, str], tuple[str, str | None]] = field(default_factory=dict)
    rename: dict[str, str] = field(default_factory=dict)
    drop: set[str] = field(default_factory=set)


def resolve_entities(
    mentions_by_doc: Mapping[str, Sequence[Mention]],
    base: str = DEFAULT_BASE,
    overrides: Overrides | None = None,
) -> EntityIndex:
    """Merge the mentions of every document into entities (deterministic for a given input),
    then apply the user's overrides, if any."""
    return resolve_from(key_table(mentions_by_doc), base, overrides)


# A key's members: its records (kg/resolve/keys.py), in the order of the mentions.
_Members = Mapping[str, Sequence[Record]]


def resolve_from(
    table: KeyTable, base: str = DEFAULT_BASE, overrides: Overrides | None = None
) -> EntityIndex:
    """The entities of the documents a key table holds (the decide step after
    ``kg.resolve.keys.merge``), with the user's overrides applied: what ``resolve_entities``
    gives for the mentions of the same documents."""
    by_key = table.keys
    variants = {**_order_layer(by_key), **_variant_layer(by_key)}
    remap, ambiguous = _surname_layer(by_key, variants)
    remap = {**variants, **remap}
    index = _assemble(by_key, remap, ambiguous, base, _UserOps())
    if overrides:
        index = _assemble(by_key, remap, ambiguous, base, _user_ops(overrides, index))
    return index


def _assemble(
    by_key: _Members,
    remap: dict[str, str],
    ambiguous: Mapping[str, str],
    base: str,
    ops: _UserOps,
) -> EntityIndex:
    """The entities of the resolved keys, with the user's operations applied."""
    groups: dict[str, list[tuple[Record, str]]] = defaultdict(list)
    # the user's splits: (key, surface form) -> (the last mention split, its group)
    split_of: dict[tuple[str, str], tuple[tuple[str, int], str]] = {}
    final = dict(remap)
    for key in sorted(by_key):
        layered = remap.get(key, key)
        target = ops.merged.get(layered, layered)
        if target != layered:
            final[key] = target
        for m in by_key[key]:
            reason = "user" if target != layered else _reason(m, key, layered)
            split = None
            if ops.split:  # normalising each name costs: only when the user splits one
                split = ops.split.get((target, name_of(m.text))) or ops.split.get(
                    (target, name_of(m.label))
                )
            group = target
            if split is not None:
                group, reason = split[0], "user"
                last = (m.doc, m.last)
                had = split_of.get((key, name_of(m.text)))
                if had is None or had[0] < last:
                    split_of[(key, name_of(m.text))] = (last, group)
                m = m._replace(label=m.text)  # no longer the full name it took
            if group not in ops.drop:
                groups[group].append((m, reason))
    labels = {new: label for new, label in ops.split.values() if label}
    entities: dict[str, Entity] = {}
    by_resolved: dict[str, str] = {}
    for key in sorted(groups):
        person = key in ambiguous and not key.startswith("person:")
        entity = _make_entity(key, groups[key], base, person)
        if key in ambiguous:
            entity.merge_reasons.append(
                {"alias": entity.label, "doc": "", "reason": f"not merged: {ambiguous[key]}"}
            )
        new_label = ops.rename.get(key) or labels.get(key)
        if new_label and new_label != entity.label:  # the id stays: minted before the rename
            entity.label = new_label
            entity.aliases.add(new_label)
            entity.merge_reasons.append({"alias": new_label, "doc": "", "reason": "user"})
        entities[entity.id] = entity
        by_resolved[key] = entity.id
    splits = {k: group for k, (_, group) in split_of.items()}
    return EntityIndex(entities, by_resolved, final, splits, frozenset(ops.drop))


def _user_ops(overrides: Overrides, index: EntityIndex) -> _UserOps:
    """The user's overrides as operations on the resolved keys of ``index``'s entities."""
    find = _finder(overrides, index)
    ops = _UserOps()

    def kept(key: str) -> str:
        return ops.merged.get(key, key)

    for i, group in enumerate(overrides.merge):
        found = [k for k in (find(n, f"merge[{i}]") for n in group) if k is not None]
        for other in found[1:]:
            _merge_into(ops.merged, other, kept(found[0]))
    for i, split in enumerate(overrides.split):
        target = find(split.entity, f"split[{i}]")
        owner = kept(target) if target is not None else ""
        for alias in split.aliases if owner else ():
            ops.split[(owner, name_of(alias))] = (f"{owner}#user-split-{i}", split.label or alias)
    for i, (name, to) in enumerate(overrides.rename):
        target = find(name, f"rename[{i}]")
        if target is not None:
            ops.rename[kept(target)] = to
    for i, name in enumerate(overrides.drop):
        target = find(name, f"drop[{i}]")
        if target is not None:
            ops.drop.add(kept(target))
    return ops


def _merge_into(merged: dict[str, str], other: str, keep: str) -> None:
    """Point ``other``, and what was merged into it before, at ``keep``."""
    for k, v in list(merged.items()):
        if v == other:
            merged[k] = keep
    if other != keep:
        merged[other] = keep


def _finder(overrides: Overrides, index: EntityIndex) -> Callable[[str, str], str | None]:
    """The resolved key of the one entity a user's name (id, label or alias) names; an error
    naming the entry when it names none (unless the overrides are not strict) or several."""
    key_of = {eid: key for key, eid in index._by_key.items()}
    names: dict[str, set[str]] = defaultdict(set)
    for eid, entity in index.entities.items():
        for name in (eid, entity.label, *entity.aliases):
            names[name_of(name)].add(key_of[eid])

    def find(name: str, at: str) -> str | None:
        found = sorted(names.get(name_of(name), set()))
        if len(found) == 1:
            return found[0]
        if not found:
            if not overrides.strict:
                return None
            raise KGError(f"{overrides.source}: {at}: no entity is named {name!r}")
        labels = "; ".join(
            f"{index.entities[index._by_key[k]].label} ({index._by_key[k]})" for k in found
        )
        raise KGError(
            f"{overrides.source}: {at}: {name!r} names several entities ({labels}); "
            "give the entity's id instead"
        )

    return find


def _name_parts(key: str) -> list[str]:
    return [p.strip(".,") for p in key[len("person:") :].split() if p.strip(".,")]


def _family_start(parts: Sequence[str]) -> int:
    """Where the family name starts: at the first particle after the given name ("ursula | von
    der leyen", "marine | le pen"), else at the last word."""
    particles = load_lexicon().particles
    for i in range(1, len(parts) - 1):
        if parts[i] in particles:
            return i
    return len(parts) - 1


def _one_name(key: str) -> bool:
    """A person named by one name: one word, or a family name opening with a particle
    ("le pen", "von der leyen")."""
    parts = key[len("person:") :].split()
    return len(parts) == 1 or (len(parts) <= 4 and parts[0] in load_lexicon().particles)


def _order_layer(by_key: _Members) -> dict[str, str]:
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
            m.text.split() and _family_first(m.text) for m in by_key[key]
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


def _variant_layer(by_key: _Members) -> dict[str, str]:
    """Point full person names at the fullest compatible form of the same name in the corpus."""
    given = load_lexicon().given_name_variants
    by_surname: dict[str, list[str]] = defaultdict(list)
    for key in sorted(by_key):
        parts = _name_parts(key) if key.startswith("person:") else []
        if len(parts) < 2 or _one_name(key):
            continue
        family = _family_start(parts)
        if all(_INITIAL.fullmatch(p) for p in parts[1:family]):  # a middle name joins none
            by_surname[" ".join(parts[family:])].append(key)

    def fits(a: list[str], b: list[str]) -> bool:
        same_given = a[0] == b[0] or given.get(a[0], a[0]) == given.get(b[0], b[0])
        middle_a = [w[0] for w in a[1 : _family_start(a)]]
        middle_b = [w[0] for w in b[1 : _family_start(b)]]
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
    by_key: _Members,
    variants: Mapping[str, str],
) -> tuple[dict[str, str], dict[str, str]]:
    """Point one-word person names at the single compatible full name of the corpus."""
    full_by_part: dict[str, set[str]] = defaultdict(set)
    lexicon = load_lexicon()
    honorific = {h.lower().rstrip(".") for h in lexicon.distinguishing}
    for key in by_key:
        if key.startswith("person:") and not _one_name(key):
            parts = key[len("person:") :].split()
            if parts[0].rstrip(".") in honorific:
                continue  # "Mrs. Obama" is not the full name of an "Obama"
            full_by_part[parts[0]].add(key)
            for family in family_names(parts, lexicon.particles):
                full_by_part[family].add(key)
    remap: dict[str, str] = {}
    ambiguous: dict[str, str] = {}
    for key in by_key:
        name = key.partition(":")[2]
        twin = _person_twin(key, by_key)
        if twin is not None:  # a full name NER typed a person elsewhere, an organisation here
            remap[key] = variants.get(twin, twin)
            continue
        if not _one_name(f"person:{name}") or not (
            key.startswith("person:") or _retypable(by_key[key])
        ):
            continue  # "Von der Leyen" or "Starmer" as an organisation or place may be a person
        found = full_by_part.get(name, set())
        candidates = sorted({variants.get(c, c) for c in found})
        if len(candidates) == 1:
            remap[key] = candidates[0]
        elif candidates:
            names = ", ".join(c[len("person:") :] for c in candidates)
            ambiguous[key] = f"one-word name matches several full names ({names})"
            if not key.startswith("person:"):  # a person's name, though not whose
                ambiguous[key] += "; a person's family name, not an organisation or place"
    return remap, ambiguous


def _person_twin(key: str, by_key: _Members) -> str | None:
    """The person key of the same full name, for an organisation or place NER made of it."""
    name = key.partition(":")[2]
    twin = f"person:{name}"
    if not key.startswith(("org:", "place:")) or " " not in name or twin not in by_key:
        return None
    return twin if _retypable(by_key[key]) and not _one_name(twin) else None


def _retypable(members: Sequence[Record]) -> bool:
    """Whether an organisation or place NER found may be a person's family name: a plain
    organisation or place (no company, agency or lexicon entry), written capitalised, never
    in capitals ("WHO"), and never with "the" ("the Miliband")."""
    return all(
        m.type in {"Organization", "Place"}
        and m.key is None
        and m.label[:1].isupper()
        and not m.label.isupper()
        and not m.text.lower().startswith("the ")
        for m in members
    )


def _reason(m: Record, key: str, target: str) -> str:
    if key != target:
        if _one_name(key):
            return "surname-across-documents"
        return "name-variant-across-documents"
    if m.resolved_by:
        return m.resolved_by
    if m.key:
        return "lexicon-alias" if m.text != m.label else "lexicon-name"
    return "exact-name"


def _make_entity(
    key: str, members: list[tuple[Record, str]], base: str, person: bool = False
) -> Entity:
    """The entity of a group's members: each a record and the reason it joined, in the order
    of the mentions (key, document, position)."""
    types: Counter[str] = Counter()
    labels: Counter[str] = Counter()
    for m, _ in members:
        types[m.type] += m.times
        labels[m.label] += m.times
    # a person's group: organisations or places NER made of the family name joined it as names
    # of that person ("Le Pen said" typed an organisation, twice, beside one "Marine Le Pen")
    person = person or (key.startswith("person:") and "Person" in types)
    etype = "Person" if person else _pick_type(types, key)
    lexicon_name = next((m.label for m, _ in members if m.key), None)
    if lexicon_name is not None:
        label = lexicon_name
    else:
        # the form the group is keyed by first: "Toshimitsu Motegi", not a family-first
        # "Motegi Toshimitsu" re-pointed at it, however often that one is written
        own = key.startswith(f"{type_group(etype)}:")
        label = max(
            labels,
            key=lambda s: (
                len(s.split()),
                own and name_key(s, etype) == key,
                not s.isascii(),  # "Sánchez" over "Sanchez": accents are lost, not added
                labels[s],
                s,
            ),
        )
    wikidata = next((m.wikidata for m, _ in members if m.wikidata), None)
    entity = Entity(
        id=mint_iri(type_group(etype), key, label, base),
        label=label,
        type=etype,
        wikidata=wikidata,
    )
    seen: set[tuple[str, str]] = set()
    for m, reason in members:
        doc_id = m.doc
        entity.docs.add(doc_id)
        entity.aliases.add(m.label)
        stands_for = _stands_for(m)
        if not stands_for and m.resolved_by != "title-in-document":
            entity.aliases.add(m.text)  # "the Treasury Secretary" is no alias
        alias = m.label if stands_for else m.text
        if reason == "exact-name" and normalise_key(m.label) != normalise_key(label):
            reason = "spelling-variant"  # "Pedro Sanchez" of an entity "Pedro Sánchez"
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


def _stands_for(m: Record) -> bool:
    return m.resolved_by is not None and m.resolved_by.startswith(_STANDS_FOR)


def _pick_type(types: Counter[str], key: str = "") -> str:
    """The most frequent type; among organisations a specific type beats the generic one; in a
    tie, the type the group is keyed by (a person's name NER once took for an organisation)."""
    if any(t in types for t in ORGANIZATION_TYPES - {"Organization"}):
        types = Counter({t: n for t, n in types.items() if t != "Organization"})
    keyed = key.partition(":")[0]
    return min(types, key=lambda t: (-types[t], type_group(t) != keyed, t))
