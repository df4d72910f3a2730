"""Merge claims into facts: one id per fact, evidence from every document, conflicts kept.

How each kind merges is data (ontology/kinds.yaml `merge`). Before merging, an office whose
organisation the sentence does not name ("President Donald Trump") takes it from the same
holder's qualified office elsewhere in the corpus when that is unambiguous, and a spouse's
title ("First Lady Jane Doe") takes the country of the head of state or government who shares
her surname in the same document.
"""

from __future__ import annotations

import functools
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kg.iri import mint_iri
from kg.kinds import MergeDecl, kinds
from kg.lexicon import load_lexicon
from kg.model import Claim, EntityRef, Evidence, Fact, Mention
from kg.resolve.entities import EntityIndex
from kg.resolve.keys import merge_sets
from kg.vocab import DEFAULT_BASE

_NO_SPEC = MergeDecl(key=[])
_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")


def merge_specs() -> dict[str, MergeDecl]:
    """How each kind's claims merge (ontology/kinds.yaml `merge`)."""
    return {name: spec.merge for name, spec in kinds().items()}


def to_refs(value: Any, index: EntityIndex) -> Any:
    """Replace mentions (and lists of them) by merged entity references."""
    if isinstance(value, Mention):
        return index.ref(value)
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, Mention) for v in value):
        return sorted({index.ref(v) for v in value}, key=lambda r: r.id)
    return value


def _canon(value: Any) -> Any:
    if isinstance(value, EntityRef):
        return value.id
    if isinstance(value, list):
        return [_canon(v) for v in value]
    return value


def _key_string(kind: str, fields: dict[str, Any], names: Sequence[str]) -> str:
    return kind + json.dumps([_canon(fields.get(n)) for n in names], ensure_ascii=False)


def _label(kind: str, fields: dict[str, Any]) -> str:
    """The readable part of a fact's IRI: the kind and the values of its label fields."""
    parts = [kind]
    for name in kinds()[kind].label if kind in kinds() else ():
        v = fields.get(name)
        if isinstance(v, EntityRef):
            parts.append(v.label)
        elif isinstance(v, str):
            parts.append(v)
    return " ".join(parts)


@dataclass
class _Cluster:
    """Claims about one fact: equal keys, and value fields that never disagree."""

    values: dict[str, Any]
    claims: list[tuple[Claim, dict[str, Any]]]
    apart: dict[str, str]  # the distinct fields' values, the most precise seen
    # (field, document) -> a distinct value left unresolved, as written there (merge `unresolved`)
    texts: dict[tuple[str, str], str] = field(default_factory=dict)
    split: str = ""  # what set it apart from a cluster of the same key and values: its texts
    docs: set[str] = field(default_factory=set)
    epochs: set[str] = field(default_factory=set)  # the years of its documents (merge `epoch`)


def merge_facts(
    claims: Iterable[Claim], index: EntityIndex, base: str = DEFAULT_BASE
) -> list[Fact]:
    """Merge claims into facts, sorted by id; conflicting facts name each other.

    Claims with equal key fields are about one thing. Among them, a value field left empty is
    unknown, not different: a claim joins the first fact (in document order) whose stated
    values it does not contradict, and fills in what it adds. Claims whose values contradict
    become separate facts that name each other in ``conflicts_with``.

    The same steps run on partitions of the corpus (map, merge, reduce by key):
    ``resolved_claims`` and ``office_owners`` per partition, ``merge_office_owners`` of them
    all, ``keyed_claims`` per partition with the corpus's owners, and ``facts_of`` any set of
    whole key groups (the claims of a key are merged only with each other).
    """
    resolved = resolved_claims(claims, index)
    return facts_of(keyed_claims(resolved, office_owners(resolved)), base)


# A claim with its fields as entity references (``to_refs``) and where it sits: (document,
# start, end, kind, extractor, its place among its document's claims), the order of merging.
@dataclass(frozen=True, slots=True)
class Resolved:
    claim: Claim
    fields: dict[str, Any]
    order: tuple[str, int, int, str, str, int]


@dataclass(frozen=True, slots=True)
class KeyedClaim:
    """A resolved claim with its merge key (ontology/kinds.yaml `merge` key fields)."""

    key: str
    claim: Claim
    fields: dict[str, Any]
    order: tuple[str, int, int, str, str, int]


# (holder id, title) -> the organisations of that holder's qualified offices of that title
OfficeOwners = dict[tuple[str, str], set[EntityRef]]


def resolved_claims(claims: Iterable[Claim], index: EntityIndex) -> list[Resolved]:
    """The claims with their mentions as the index's entities, in the order of merging (map)."""
    seen: dict[str, int] = defaultdict(int)  # claims of each document so far
    out = []
    for c in claims:
        ev = c.evidence
        place = seen[ev.doc]
        seen[ev.doc] += 1
        fields = {k: to_refs(v, index) for k, v in c.fields.items()}
        out.append(Resolved(c, fields, (ev.doc, ev.start, ev.end, c.kind, ev.extractor, place)))
    out.sort(key=lambda r: r.order)
    return out


def office_owners(resolved: Iterable[Resolved]) -> OfficeOwners:
    """The organisations of the qualified offices of some claims, per holder and title (map;
    ``merge_office_owners`` joins those of several partitions)."""
    owners: OfficeOwners = defaultdict(set)
    for r in resolved:
        fields = r.fields
        if r.claim.kind != "office":
            continue
        if fields.get("organization") is not None and not fields.get("_organization_inferred"):
            owners[(fields["holder"].id, fields["title"])].add(fields["organization"])
    return dict(owners)


def merge_office_owners(parts: Iterable[OfficeOwners]) -> OfficeOwners:
    """The owners of the whole corpus from those of its partitions (in any order)."""
    return merge_sets(parts)


def keyed_claims(resolved: Sequence[Resolved], owners: OfficeOwners) -> list[KeyedClaim]:
    """The claims with their merge keys, the organisations of unqualified offices filled in
    first from the corpus's ``owners`` (and a spouse's from her document): every claim of a
    document must be in the same call."""
    _infer_office_owners([(r.claim, r.fields) for r in resolved], owners)
    specs = merge_specs()
    out = []
    for r in resolved:
        spec = specs.get(r.claim.kind, _NO_SPEC)
        public = {k: v for k, v in r.fields.items() if not k.startswith("_")}
        names = spec.key if spec.key else tuple(sorted(public))
        out.append(KeyedClaim(_key_string(r.claim.kind, public, names), r.claim, r.fields,
                              r.order))
    return out


def facts_of(keyed: Iterable[KeyedClaim], base: str = DEFAULT_BASE) -> list[Fact]:
    """The facts of some whole key groups of claims, sorted by id (reduce): the claims of a
    key are taken in the order of merging, whatever order they come in."""
    specs = merge_specs()
    groups: dict[str, list[_Cluster]] = {}
    for item in sorted(keyed, key=lambda k: k.order):
        claim, fields, key = item.claim, item.fields, item.key
        spec = specs.get(claim.kind, _NO_SPEC)
        public = {k: v for k, v in fields.items() if not k.startswith("_")}
        stated = {n: _canon(public[n]) for n in spec.value if public.get(n) not in (None, [])}
        apart = _apart(public, spec)
        texts = _unresolved(claim, fields, spec)
        epoch = fields.get(spec.epoch) if spec.epoch else None
        cluster = _cluster_for(
            groups.setdefault(key, []), claim, (stated, apart, texts), epoch, spec
        )
        _learn(cluster, stated, apart, texts, spec)
        cluster.claims.append((claim, fields))
        cluster.docs.add(claim.evidence.doc)
        if epoch:
            cluster.epochs.add(str(epoch))
    facts: dict[str, Fact] = {}
    for key, clusters in groups.items():
        group_kind = clusters[0].claims[0][0].kind
        ids = [_fact_from(key, cluster, specs, base, facts) for cluster in clusters]
        for i, fid in enumerate(ids):  # clusters apart by a distinct field are two things
            rivals = {
                other
                for j, other in enumerate(ids)
                if j != i
                and _compatible(clusters[i].apart, clusters[j].apart, group_kind)
                and other != fid
            }
            if rivals:
                facts[fid].conflicts_with = sorted(set(facts[fid].conflicts_with) | rivals)
    return [facts[k] for k in sorted(facts)]


def _apart(public: dict[str, Any], spec: MergeDecl) -> dict[str, str]:
    """A claim's stated distinct values; a text field of merge `words` as its naming words,
    sorted and space-separated (none: unknown, like an empty value)."""
    out = {}
    for n in spec.distinct:
        value = public.get(n)
        if value in (None, []):
            continue
        if n in spec.words:
            ignored = _ignored_words(tuple(spec.words[n]))
            named = {w for w in _WORD.findall(str(value).lower()) if w not in ignored}
            if named:
                out[n] = " ".join(sorted(named))
        else:
            out[n] = str(value)
    return out


@functools.cache
def _ignored_words(declared: tuple[str, ...]) -> frozenset[str]:
    """The words of a merge `words` field that name nothing: those declared, and the words of
    every country's names and demonyms ("Chinese goods" and "imports from China" are the same
    goods; whose they are is the target's field)."""
    lex = load_lexicon()
    places = [
        text
        for table in (lex.surface, lex.demonyms)
        for text, key in table.items()
        if key.startswith("country:")
    ]
    return frozenset(declared).union(w for text in places for w in _WORD.findall(text.lower()))


def _cluster_for(
    clusters: list[_Cluster],
    claim: Claim,
    told: tuple[dict[str, Any], dict[str, str], dict[tuple[str, str], str]],
    epoch: Any,
    spec: MergeDecl,
) -> _Cluster:
    """The cluster of its key a claim joins (``told``: its stated values, distinct values and
    unresolved texts), or a new one appended to ``clusters``."""
    stated, apart, texts = told
    fitting = [
        c
        for c in clusters
        if _fits(c, stated, apart, claim.kind)
        and all(
            _known_fits(n in apart, n in c.apart, claim.evidence.doc, c.docs)
            for n in spec.known_across
        )
    ]
    timely = [c for c in fitting if _same_epoch(c, apart, epoch, spec)]
    found = next(
        (c for c in timely if all(_within(c.texts.get(k), v) for k, v in texts.items())),
        None,
    )
    if found is not None:
        return found
    found = _Cluster({}, [], {})
    if timely:  # apart only by an unresolved text: its id must differ
        found.split = json.dumps(sorted(texts.items()), ensure_ascii=False)
    elif fitting:  # apart only by the documents' years
        found.split = json.dumps(["epoch", epoch], ensure_ascii=False)
    clusters.append(found)
    return found


def _learn(
    cluster: _Cluster,
    stated: dict[str, Any],
    apart: dict[str, str],
    texts: dict[tuple[str, str], str],
    spec: MergeDecl,
) -> None:
    """What a joining claim tells its cluster: its values, distinct values and texts."""
    cluster.values.update(stated)
    for n, v in apart.items():
        known = cluster.apart.get(n, "")
        if n in spec.words:  # a goods phrase's words: the cluster's are all it was told
            cluster.apart[n] = " ".join(sorted(set(v.split()) | set(known.split())))
        elif n in spec.alike:  # the first of values alike stands
            cluster.apart.setdefault(n, v)
        elif len(v) > len(known):
            cluster.apart[n] = v
    for k, v in texts.items():
        if len(v) > len(cluster.texts.get(k, "")):
            cluster.texts[k] = v


def _same_epoch(cluster: _Cluster, apart: dict[str, str], epoch: Any, spec: MergeDecl) -> bool:
    """Merge `epoch`: whether a claim may join a cluster by the years of their documents. A
    cluster or claim that states a distinct value (a date) is told apart by it, but a dated
    claim joins an undated cluster only when its date is of a year of the cluster's documents;
    two undated ones join when their documents share a year or one of them has none."""
    if not spec.epoch or cluster.apart or not cluster.epochs:
        return True
    if apart:
        years = {v[:4] for v in apart.values() if v[:4].isdigit()}
        return not years or bool(years & cluster.epochs)
    return not epoch or str(epoch) in cluster.epochs


def _known_fits(stated: bool, known: bool, doc: str, docs: set[str]) -> bool:
    """Merge `known_across`: a claim stating a field as the cluster does (both or neither)
    joins; one leaving it unknown joins a cluster that has a claim of its document; one
    stating it joins a cluster that leaves it unknown only when all that cluster's claims are
    of its document."""
    if stated == known:
        return True
    return doc in docs if known else docs <= {doc}


def _fits(cluster: _Cluster, stated: dict[str, Any], apart: dict[str, str], kind: str) -> bool:
    """Whether a claim's values and distinct values contradict none of the cluster's."""
    return all(cluster.values.get(n, v) == v for n, v in stated.items()) and _compatible(
        cluster.apart, apart, kind
    )


def _unresolved(
    claim: Claim, fields: dict[str, Any], spec: MergeDecl
) -> dict[tuple[str, str], str]:
    """The claim's distinct values left unresolved, as written, keyed by field and document
    (merge `unresolved`): "today", "in June" without a publication date; not vague words
    ("shortly", "in the coming weeks": time.vague), which name no time to tell two apart."""
    out = {}
    for name, text_field in spec.unresolved.items():
        text = fields.get(text_field)
        if fields.get(name) is None and text and fields.get("_date_rule") != "time.vague":
            out[(name, claim.evidence.doc)] = " ".join(str(text).lower().split())
    return out


def _within(known: str | None, value: str) -> bool:
    """Whether a stated distinct value fits a cluster's: equal, or one contains the other
    ("2019-06" and "2019-06-13")."""
    return known is None or known.startswith(value) or value.startswith(known)


def _compatible(a: dict[str, str], b: dict[str, str], kind: str) -> bool:
    """Whether distinct values ``b`` fit ``a`` (one unknown on either side always does)."""
    agree = _agreement(kind)
    return all(n not in a or agree.get(n, str.__eq__)(a[n], v) for n, v in b.items())


@functools.cache
def _agreement(kind: str) -> dict[str, Callable[[str, str], bool]]:
    """How two stated values of each distinct field agree: dates when one contains the other,
    the fields of merge `words` when they share a naming word, those of merge `alike` when
    equal or of one group, any other field when equal."""
    spec = kinds().get(kind)
    if spec is None:
        return {}
    out: dict[str, Callable[[str, str], bool]] = {
        f.name: _within for f in spec.fields if f.type == "date"
    }
    for name in spec.merge.words:
        out[name] = _share_a_word
    for name, groups in spec.merge.alike.items():
        out[name] = functools.partial(_alike, {v: i for i, g in enumerate(groups) for v in g})
    return out


def _alike(group_of: dict[str, int], a: str, b: str) -> bool:
    return a == b or (a in group_of and group_of.get(a) == group_of.get(b))


def _share_a_word(a: str, b: str) -> bool:
    return not set(a.split()).isdisjoint(b.split())


def _fact_from(
    key: str, cluster: _Cluster, specs: dict[str, MergeDecl], base: str, facts: dict[str, Fact]
) -> str:
    """Build (or extend) the fact of one cluster; returns its id."""
    claim, fields = cluster.claims[0]
    spec = specs.get(claim.kind, _NO_SPEC)
    public = {k: v for k, v in fields.items() if not k.startswith("_")}
    full = key + json.dumps([cluster.values.get(n) for n in spec.value], ensure_ascii=False)
    if cluster.apart:  # only then: facts without distinct values keep their ids
        full += json.dumps([cluster.apart.get(n) for n in spec.distinct], ensure_ascii=False)
    full += cluster.split
    fact_id = mint_iri(f"fact/{claim.kind}", full, _label(claim.kind, public), base)
    fact = facts.get(fact_id)
    if fact is None:
        fact = facts[fact_id] = Fact(id=fact_id, kind=claim.kind, fields=dict(fields))
        for name in spec.collect:
            fact.fields[name] = []
    for claim, fields in cluster.claims:
        _absorb(fact, fields, spec)
        known = fact.evidence_fields.get(claim.evidence)
        if known is None:  # the dict doubles as the evidence set: no list scan per claim
            fact.evidence.append(claim.evidence)
            known = ()
        stated = {k for k, v in fields.items() if not k.startswith("_") and v not in (None, [], ())}
        fact.evidence_fields[claim.evidence] = tuple(sorted(stated.union(known)))
    fact.evidence.sort(key=_evidence_order)
    for name in spec.collect:
        fact.fields[name] = sorted(fact.fields[name], key=lambda v: json.dumps(_canon(v)))
    return fact_id


def _evidence_order(e: Evidence) -> tuple[str, int, int, str]:
    return (e.doc, e.start, e.end, e.extractor)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _absorb(fact: Fact, fields: dict[str, Any], spec: MergeDecl) -> None:
    for name, value in fields.items():
        if name in spec.collect:
            for v in _as_list(value):
                if v not in fact.fields[name]:
                    fact.fields[name].append(v)
        elif fact.fields.get(name) is None and value is not None:
            fact.fields[name] = value


def _infer_office_owners(
    resolved: list[tuple[Claim, dict[str, Any]]], owners: OfficeOwners
) -> None:
    """Fill the organisation of unqualified offices where the corpus (its ``owners``) makes it
    unambiguous."""
    offices = [(c, f) for c, f in resolved if c.kind == "office"]
    for _, fields in offices:
        candidates = owners.get((fields["holder"].id, fields["title"]), set())
        if (
            len(candidates) == 1
            and fields.get("organization") not in candidates
            and (fields.get("organization") is None or fields.get("_organization_inferred"))
        ):
            fields["organization"] = next(iter(candidates))
            fields["_organization_inferred"] = "same holder and title qualified elsewhere"
    lexicon = load_lexicon()
    leaders, spouses = lexicon.categories_where("leader"), lexicon.categories_where("spouse")
    heads: dict[tuple[str, str], set[EntityRef]] = defaultdict(set)  # (doc, surname) -> countries
    for claim, fields in offices:
        if fields.get("category") in leaders and fields.get(
            "organization"
        ):
            heads[(claim.evidence.doc, fields["holder"].label.split()[-1])].add(
                fields["organization"]
            )
    for claim, fields in offices:
        if fields.get("organization") is None and fields.get("category") in spouses:
            candidates = heads.get((claim.evidence.doc, fields["holder"].label.split()[-1]), set())
            if len(candidates) == 1:
                fields["organization"] = next(iter(candidates))
                fields["_organization_inferred"] = "spouse of the head of state with that surname"
