"""Affiliations: people tied to an organisation without holding one of its offices.

"Craig Singleton of the Foundation for Defense of Democracies", "Gabriel Wildau of consultancy
Teneo", "Jane Doe, a senior analyst at Eurasia Group", "Eurasia Group analyst Jane Doe".
Rules and role vocabulary: ontology/rules/affiliations.yaml.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass

from kg.extract import ExtractionContext, register
from kg.model import ORGANIZATION_TYPES, Claim, Mention
from kg.nlp import TITLES_KEY
from kg.rules import AffiliationRules, rules_file

NAME = "kg.affiliations.v1"
_ORG_TYPES = ORGANIZATION_TYPES


@dataclass(frozen=True)
class _Rules:
    confidence: dict[str, float]
    prepositions: frozenset[str]
    roles: dict[tuple[str, ...], str]
    modifiers: frozenset[str]


@functools.cache
def _rules() -> _Rules:
    data = rules_file("affiliations", AffiliationRules)
    return _Rules(
        confidence=data.confidence(),
        prepositions=frozenset(data.prepositions),
        roles={tuple(r.lower().split()): r for r in data.roles},
        modifiers=frozenset(m.lower() for m in data.role_modifiers),
    )


@register(NAME)
def extract_affiliations(ctx: ExtractionContext) -> Iterator[Claim]:
    """Yield one affiliation claim per person tied to an organisation by a rule.

    A role that is an office title ("chief executive of Apple") is left to the office
    extractor, so one phrase never gives both an office and an affiliation.
    """
    rules = _rules()
    doc = ctx.doc
    titled = {i for span in doc.spans.get(TITLES_KEY, []) for i in range(span.start, span.end)}
    for person in ctx.mentions:
        if person.type != "Person":
            continue
        tok = doc.char_span(person.start, person.end, alignment_mode="expand")
        if tok is None or tok.end >= len(doc):
            continue
        claim = _of(ctx, person, tok.end, rules) or _role_at(ctx, person, tok.end, rules)
        if claim is None:
            claim = _org_role(ctx, person, tok.start, rules)
        if claim is not None and not _overlaps_title(ctx, claim, titled):
            yield claim


def _overlaps_title(ctx: ExtractionContext, claim: Claim, titled: set[int]) -> bool:
    span = ctx.doc.char_span(claim.evidence.start, claim.evidence.end, alignment_mode="expand")
    return span is not None and any(i in titled for i in range(span.start, span.end))


def _org_after(ctx: ExtractionContext, i: int) -> tuple[Mention | None, int]:
    """An organisation mention at token ``i``, after optional articles and one descriptor."""
    return ctx.named_after(i, _ORG_TYPES)


def _of(ctx: ExtractionContext, person: Mention, i: int, rules: _Rules) -> Claim | None:
    if ctx.doc[i].lower_ not in rules.prepositions:
        return None
    org, _ = _org_after(ctx, i + 1)
    if org is None:
        return None
    return _claim(ctx, person, org, None, person.start, org.end, "affiliation.of")


def _role(ctx: ExtractionContext, i: int, rules: _Rules) -> tuple[str | None, int]:
    """The longest role noun phrase starting at token ``i`` (after modifiers)."""
    doc = ctx.doc
    while i < len(doc) and doc[i].lower_ in rules.modifiers:
        i += 1
    for size in (3, 2, 1):
        words = tuple(t.lower_ for t in doc[i : i + size])
        if len(words) == size and words in rules.roles:
            return rules.roles[words], i + size
    return None, i


def _role_at(ctx: ExtractionContext, person: Mention, i: int, rules: _Rules) -> Claim | None:
    doc = ctx.doc
    if doc[i].text != ",":
        return None
    j = i + 1
    if j < len(doc) and doc[j].lower_ in {"a", "an", "the"}:
        j += 1
    role, j = _role(ctx, j, rules)
    if role is None or j >= len(doc) or doc[j].lower_ not in rules.prepositions:
        return None
    org, _ = _org_after(ctx, j + 1)
    if org is None:
        return None
    return _claim(ctx, person, org, role, person.start, org.end, "affiliation.role_at")


def _org_role(ctx: ExtractionContext, person: Mention, start: int, rules: _Rules) -> Claim | None:
    """ "Eurasia Group analyst Jane Doe": an organisation, a role, then the person."""
    doc = ctx.doc
    for size in (3, 2, 1):
        j = start - size
        if j <= 0:
            continue
        words = tuple(t.lower_ for t in doc[j:start])
        if words not in rules.roles:
            continue
        k = j - 1
        if doc[k].text in {"'s", "’s"}:
            k -= 1
        org = ctx.mention_ending(doc[k].idx + len(doc[k].text))
        if org is not None and org.type in _ORG_TYPES:
            role = rules.roles[words]
            return _claim(ctx, person, org, role, org.start, person.end, "affiliation.org_role")
    return None


def _claim(
    ctx: ExtractionContext,
    person: Mention,
    org: Mention,
    role: str | None,
    start: int,
    end: int,
    rule: str,
) -> Claim:
    return Claim(
        kind="affiliation",
        fields={"person": person, "organization": org, "role": role},
        evidence=ctx.evidence(start, end, NAME, _rules().confidence[rule], rule),
    )
