"""What the tariff rules share: the tables of ontology/rules/tariffs.yaml, the measure a
sentence is read into, and the small helpers the ordered rules are written with."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from spacy.tokens import Doc, Span, Token

from kg.extract.context import ExtractionContext
from kg.extract.numbers import Quantity
from kg.extract.speakers import mention_of
from kg.model import Mention
from kg.rules import TariffRules, rules_file

# Who can impose a tariff: narrower than kg.model.ACTOR_TYPES (no media, companies, parties).
IMPOSER_TYPES = frozenset(
    {"Country", "Organization", "GovernmentBody", "InternationalOrganization", "Person"}
)
PARTY_TYPES = IMPOSER_TYPES - {"Person"}  # whose goods, on whom a tariff falls
R = TypeVar("R")


@dataclass(frozen=True)
class Tables:
    """The tables of rules/tariffs.yaml the extractor reads, built once."""

    confidence: dict[str, float]
    triggers: tuple[str, ...]
    trigger_words: frozenset[str]  # the one-word triggers
    conditional: frozenset[str]
    conditional_goods: frozenset[str]
    value_hedges: frozenset[str]
    status: dict[str, str]
    adjectives: dict[str, str]
    change_words: frozenset[str]
    stops: frozenset[str]
    goods_for: frozenset[str]
    quota_words: tuple[str, ...]
    quota_sides: dict[str, tuple[str, ...]]
    retaliation_words: frozenset[str]
    company_types: frozenset[str]
    goods_examples: tuple[tuple[str, ...], ...]  # each as its words
    referring_determiners: tuple[tuple[str, ...], ...]  # each as its words
    referring_parties: frozenset[str]
    effective: re.Pattern[str]
    duration: re.Pattern[str]
    facing: frozenset[str]
    trade_subject: str
    threat_modals: frozenset[str]
    open_marks: frozenset[str]
    zero_words: frozenset[str]
    vague_amounts: frozenset[str]
    currency_words: frozenset[str]
    threat_verbs: frozenset[str]
    instruments: dict[str, str | None]
    instrument_nouns: frozenset[str]
    mutual_owners: frozenset[str]
    mutual_words: tuple[str, ...]
    range_words: frozenset[str]
    goods_demonyms: dict[str, str]


def cue(words: list[str]) -> re.Pattern[str]:
    """Whether a text ends with one of ``words`` (and "a"/"the", "period of"): a cue before a
    date or a duration."""
    alt = "|".join(r"\s+".join(map(re.escape, w.split())) for w in sorted(words, key=len)[::-1])
    return re.compile(rf"(?:^|\W)(?:{alt})(?:\s+(?:a|an|the))?(?:\s+period\s+of)?\s*$", re.I)


@functools.cache
def tables() -> Tables:
    """The tables, from the typed rule file (kg.rules.TariffRules)."""
    spec = rules_file("tariffs", TariffRules)
    return Tables(
        confidence=spec.confidence(),
        triggers=tuple(spec.triggers) + tuple(spec.conditional_triggers),
        trigger_words=frozenset(w.lower() for w in spec.triggers if " " not in w),
        conditional=frozenset(spec.conditional_triggers),
        conditional_goods=frozenset(spec.conditional_goods),
        value_hedges=frozenset(spec.value_hedges),
        status={w.lower(): s for s, ws in spec.status_verbs.items() for w in ws},
        adjectives={w.lower(): s for s, ws in spec.status_adjectives.items() for w in ws},
        change_words=frozenset(spec.change_words),
        stops=frozenset(spec.goods_stops),
        goods_for=frozenset(spec.goods_for),
        quota_words=tuple(spec.quota_words),
        quota_sides={side: tuple(ws) for side, ws in spec.quota_sides.items()},
        retaliation_words=frozenset(w.lower() for w in spec.retaliation_words),
        company_types=frozenset(spec.company_types),
        goods_examples=tuple(tuple(w.lower().split()) for w in spec.goods_examples),
        referring_determiners=tuple(tuple(w.lower().split()) for w in spec.referring_determiners),
        referring_parties=frozenset(spec.referring_parties),
        effective=cue(spec.effective_cues),
        duration=cue(spec.duration_cues),
        facing=frozenset(spec.facing_verbs),
        trade_subject=spec.trade_value_subject,
        threat_modals=frozenset(spec.threat_modals),
        open_marks=frozenset(spec.open_marks),
        zero_words=frozenset(spec.zero_words),
        vague_amounts=frozenset(spec.vague_amounts),
        currency_words=frozenset(spec.currency_words),
        threat_verbs=frozenset(w.lower() for w in spec.status_verbs.get("threatened", [])),
        instruments=dict(spec.instruments),
        instrument_nouns=frozenset(spec.instrument_nouns),
        mutual_owners=frozenset(spec.mutual_owners),
        mutual_words=tuple(w.lower() for w in spec.mutual_words),
        range_words=frozenset(spec.range_words),
        goods_demonyms=dict(spec.goods_demonyms),
    )


def first(rules: Iterable[Callable[..., R | None]], *args: Any) -> R | None:
    """The answer of the first of ``rules`` (tried in order) that gives one for ``args``."""
    for rule in rules:
        found = rule(*args)
        if found is not None:
            return found
    return None


def actor(
    ctx: ExtractionContext, tok: Token, types: frozenset[str] = IMPOSER_TYPES
) -> Mention | None:
    """The mention ``tok`` belongs to (or a pronoun names) when it is of one of ``types``."""
    m = mention_of(ctx, tok)
    return m if m is not None and m.type in types else None


class Imposer(NamedTuple):
    """Who imposes a measure, and the rule that found them."""

    mention: Mention
    rule: str  # the rule id kept in `_imposer_rule`
    start: int | None = None  # token where it starts when the measure's own words start there
    path: str | None = None  # the declared path that found it, kept in `_imposer_path`
    others: tuple[Mention, ...] = ()  # further imposers ("imposed by those countries")


@dataclass(frozen=True)
class Measure:
    """A tariff measure of a sentence: its numbers and, once read, its tariff word, status,
    status verb and imposer."""

    rate: Quantity | None
    previous: Quantity | None = None
    change: Quantity | None = None
    first: int = 0  # token index of the first number of the measure
    last: int = 0  # token index after its last number
    trigger: Span | None = None
    shared: bool = False  # its tariff word is an earlier measure's ("10% on X and 25% on Y")
    status: str | None = None
    verb: int | None = None
    imposer: Imposer | None = None
    range_low: bool = False  # the lower bound of a range ("ranging from 9.9% to 15.2%")
    instrument: str | None = None  # the legal instrument named ("Section 232", "anti-dumping")
    left: int = 0  # token where the measure's own words (verb, trigger, imposer) start


def referring_end(doc: Doc, i: int, right: int) -> int | None:
    """The token after a phrase at ``i`` that refers back to parties ("those countries",
    "both nations", "the two economies"), or None."""
    for words in tables().referring_determiners:
        j = i + len(words)
        same = j < right and [t.lower_ for t in doc[i:j]] == list(words)
        if same and doc[j].lower_ in tables().referring_parties:
            return j + 1
    return None


def referred(ctx: ExtractionContext, at: int) -> list[Mention]:
    """The parties a referring phrase stands for: the last two or more joined by "and" (or
    commas) before token ``at`` in its sentence, else in the sentence before. They may be the
    imposers themselves ("A and B will remove tariffs on imports from both countries": each
    on the other; kg.extract.tariffs drops a side's own name)."""
    doc = ctx.doc
    sent = ctx.sentence(at)
    spans = [(sent.start, at)]
    if sent.start > 0:
        before = ctx.sentence(sent.start - 1)
        spans.append((before.start, before.end))
    for lo, hi in spans:
        found: list[Mention] = []
        for k in range(hi - 1, lo - 1, -1):  # from the end: the last list before the phrase
            tok = doc[k]
            if tok.dep_ != "conj" or tok.head.i >= tok.i:
                continue
            group = [tok.head, *tok.head.conjuncts]
            parties = [actor(ctx, t, PARTY_TYPES) for t in sorted(group, key=lambda t: t.i)]
            named = {p.label: p for p in parties if p is not None}
            if len(named) >= 2 and all(p is not None for p in parties):
                found = list(named.values())
                break
        if found:
            return found
    return []
