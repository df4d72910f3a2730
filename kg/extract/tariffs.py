"""Tariff measures: who imposes them on whose goods, at what rate, since when, for how long.

"Trump dropping tariffs on Chinese goods from 145 per cent to 30 per cent for a 90-day period",
"China cutting its tariffs on US imports from 125% to 10%", "a 25 percent tariff on steel",
"raised duties to 25%", "counter-tariffs of 25% on C$30 billion of US goods", "tariffs that had
reached as high as 145% on Chinese goods and 125% on U.S. exports" (two measures). Work is done
sentence by sentence, only on sentences holding a tariff word (one PhraseMatcher pass).

A sentence's measures are its rates ("from A to B" pairs, changes "by 10 points"), then the
tariff words no rate took that a status verb acts on. Each part of a measure is the first answer
of an ordered tuple of small rules (rule ids in ontology/rules/tariffs.yaml):

- its tariff word: ``_TRIGGER_RULES`` (after the numbers, before them, shared with a measure
  before);
- its status and status verb: ``_STATUS_RULES`` (a verb before it, a participle after the
  tariff word, an adjective, the direction of "from A to B", the shared tariff word's);
- its imposer: ``_IMPOSER_RULES`` (modifier, subject, agent, governing clause, shared); a
  conjunct of the previous measure's tariff word with neither a status nor an imposer of its
  own reads as that measure (``_read``); with no imposer written, ``_claims`` takes the other of
  two countries (``tariff.imposer.counterpart``);
- what it falls on: ``_GOODS_RULES`` (the phrase after "on", whose start ``_ON_RULES`` finds,
  else the subject of a facing verb).

A person acting on tariffs acts for a country: kg.extract.countries.acting_country resolves a
head of state, minister or trade representative to the country their title names in the
document (rules ``actor.*`` of ontology/rules/tariffs.yaml), and a government body to its
lexicon country.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans
from spacy.vocab import Vocab

from kg.extract import ExtractionContext, register
from kg.extract.countries import acting_country, country_counts, country_mention
from kg.extract.figures import figure_fields
from kg.extract.numbers import Duration, Quantity, find_money, find_percents
from kg.extract.patterns import paths, select, walk
from kg.extract.speakers import mention_of
from kg.extract.syntax import phrase_matcher
from kg.model import Claim, Mention
from kg.rules import TariffRules, rules_file
from kg.timex import Timex, find_timexes

NAME = "kg.tariffs.v1"
_ACTOR_TYPES = frozenset(
    {"Country", "Organization", "GovernmentBody", "InternationalOrganization", "Person"}
)
_PARTY_TYPES = _ACTOR_TYPES - {"Person"}  # whose goods, on whom a tariff falls
_R = TypeVar("_R")


@dataclass(frozen=True)
class _Rules:
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
    effective: re.Pattern[str]
    duration: re.Pattern[str]
    facing: frozenset[str]
    trade_subject: str


def _cue(words: list[str]) -> re.Pattern[str]:
    """Whether a text ends with one of ``words`` (and "a"/"the", "period of"): a cue before a
    date or a duration."""
    alt = "|".join(r"\s+".join(map(re.escape, w.split())) for w in sorted(words, key=len)[::-1])
    return re.compile(rf"(?:^|\W)(?:{alt})(?:\s+(?:a|an|the))?(?:\s+period\s+of)?\s*$", re.I)


@functools.cache
def _rules() -> _Rules:
    """The tables, from the typed rule file (kg.rules.TariffRules)."""
    spec = rules_file("tariffs", TariffRules)
    return _Rules(
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
        effective=_cue(spec.effective_cues),
        duration=_cue(spec.duration_cues),
        facing=frozenset(spec.facing_verbs),
        trade_subject=spec.trade_value_subject,
    )


def _matcher(vocab: Vocab) -> PhraseMatcher:
    return phrase_matcher(vocab, NAME, {t: t for t in _rules().triggers})


def _first(rules: Iterable[Callable[..., _R | None]], *args: Any) -> _R | None:
    """The answer of the first of ``rules`` (tried in order) that gives one for ``args``."""
    for rule in rules:
        found = rule(*args)
        if found is not None:
            return found
    return None


def _actor(
    ctx: ExtractionContext, tok: Token, types: frozenset[str] = _ACTOR_TYPES
) -> Mention | None:
    """The mention ``tok`` belongs to (or a pronoun names) when it is of one of ``types``."""
    m = mention_of(ctx, tok)
    return m if m is not None and m.type in types else None


# --- measures -------------------------------------------------------------------------------------


class _Imposer(NamedTuple):
    """Who imposes a measure, and the rule that found them."""

    mention: Mention
    rule: str  # the rule id kept in `_imposer_rule`
    start: int | None = None  # token where it starts when the measure's own words start there
    path: str | None = None  # the declared path that found it, kept in `_imposer_path`


@dataclass(frozen=True)
class _Measure:
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
    imposer: _Imposer | None = None
    left: int = 0  # token where the measure's own words (verb, trigger, imposer) start


@register(NAME)
def extract_tariffs(ctx: ExtractionContext) -> Iterator[Claim]:
    """Yield tariff claims from the sentences that hold a tariff word."""
    for start, triggers in _triggers_by_sentence(ctx).items():
        yield from _sentence(ctx, ctx.sentence(start), triggers)


def _triggers_by_sentence(ctx: ExtractionContext) -> dict[int, list[Span]]:
    """The tariff words of the document by the first token of their sentence, in text order."""
    doc = ctx.doc
    by_sentence: dict[int, list[Span]] = {}
    for span in filter_spans([doc[s:e] for _, s, e in _matcher(doc.vocab)(doc)]):
        if span.text.lower() in _rules().conditional and not _conditional_ok(ctx, span):
            continue
        by_sentence.setdefault(ctx.sentence(span.start).start, []).append(span)
    return by_sentence


def _conditional_ok(ctx: ExtractionContext, span: Span) -> bool:
    """ "taxes on American imports" is a tariff; "taxes on income" is not."""
    doc = ctx.doc
    if span.end >= len(doc) or doc[span.end].lower_ != "on":
        return False
    window = doc[span.end + 1 : min(span.end + 5, ctx.sentence(span.start).end)]
    return any(t.lower_ in _rules().conditional_goods for t in window)


def _sentence(ctx: ExtractionContext, sent: Span, triggers: list[Span]) -> Iterator[Claim]:
    """The claims of one sentence: its rated measures, then the measures without a rate, each
    read up to where the next one's own words start."""
    text = ctx.document.text[sent.start_char : sent.end_char]
    rated = _read_rated(ctx, sent, _measures(ctx, sent, text), triggers)
    used = {m.trigger.start for m in rated if m.trigger is not None}
    measures = [m for m in rated if m.trigger is not None] + _rate_less(ctx, sent, triggers, used)
    measures.sort(key=lambda m: m.first)
    for k, m in enumerate(measures):
        right = measures[k + 1].left if k + 1 < len(measures) else sent.end
        yield from _claims(ctx, sent, text, m, max(right, m.last))


def _measures(ctx: ExtractionContext, sent: Span, text: str) -> list[_Measure]:
    """Rates, "from A to B" pairs and changes ("by 10 points") of one sentence, in order.

    A change belongs to the rate nearest to it; with no rate, the last change is a measure."""
    pairs, changes = _rates_and_changes(text, list(find_percents(text)))
    if not pairs:
        return [_measure(ctx, sent, None, None, changes[-1])] if changes else []
    nearest: dict[int, Quantity] = {}
    for c in changes:  # a later change near the same rate replaces an earlier one
        nearest[min(range(len(pairs)), key=lambda k: abs(pairs[k][1].start - c.start))] = c
    return [
        _measure(ctx, sent, rate, previous, nearest.get(k))
        for k, (previous, rate) in enumerate(pairs)
    ]


def _rates_and_changes(
    text: str, pcts: list[Quantity]
) -> tuple[list[tuple[Quantity | None, Quantity]], list[Quantity]]:
    """The (previous rate, rate) pairs of a sentence's percentages, and its changes."""
    pairs: list[tuple[Quantity | None, Quantity]] = []
    changes: list[Quantity] = []
    i = 0
    while i < len(pcts):
        p = pcts[i]
        words_before = text[max(0, p.start - 20) : p.start].lower().split()
        last_word = words_before[-1] if words_before else None
        if p.kind == "points" or last_word in _rules().change_words:
            changes.append(p)
        elif (
            last_word == "from"
            and i + 1 < len(pcts)
            and text[p.end : pcts[i + 1].start].strip().lower() == "to"
        ):
            pairs.append((p, pcts[i + 1]))
            i += 1
        else:
            pairs.append((None, p))
        i += 1
    return pairs, changes


def _measure(
    ctx: ExtractionContext,
    sent: Span,
    rate: Quantity | None,
    previous: Quantity | None,
    change: Quantity | None,
) -> _Measure:
    """A measure of these numbers, with the tokens they span."""
    items = [q for q in (previous, rate, change) if q is not None]
    first = ctx.token_at(sent.start_char + min(q.start for q in items))
    last = ctx.token_at(sent.start_char + max(q.end for q in items) - 1) + 1
    return _Measure(rate=rate, previous=previous, change=change, first=first, last=last)


def _read_rated(
    ctx: ExtractionContext, sent: Span, numbers: list[_Measure], triggers: list[Span]
) -> list[_Measure]:
    """Each rated measure with its tariff word (``_TRIGGER_RULES``) and its reading (``_read``);
    a measure no tariff word fits stays without one, and is dropped."""
    out: list[_Measure] = []
    used: set[int] = set()
    for k, m in enumerate(numbers):
        prev = out[k - 1] if k else None
        floor = prev.last if prev is not None else sent.start
        found = _first(_TRIGGER_RULES, m, floor, triggers, used)
        if found is not None:
            trigger, shared = found
            used.add(trigger.start)
            m = _read(ctx, sent, dataclasses.replace(m, shared=shared), trigger, prev)
        out.append(m)
    return out


def _rate_less(
    ctx: ExtractionContext, sent: Span, triggers: list[Span], used: set[int]
) -> list[_Measure]:
    """Measures without a rate ("suspend the tariffs for five years"): a tariff word no rate
    took, when a status verb acts on it."""
    out = []
    for t in triggers:
        if t.start not in used:
            m = _read(ctx, sent, _Measure(rate=None, first=t.start, last=t.end), t, None)
            if m.verb is not None:
                out.append(m)
    return out


# --- the tariff word of a rated measure: (trigger, shared) ----------------------------------------


def _trigger_after(
    m: _Measure, floor: int, triggers: list[Span], used: set[int]
) -> tuple[Span, bool] | None:
    """ "a 25% tariff", "10% duties": a tariff word right after the numbers."""
    after = [t for t in triggers if m.last <= t.start <= m.last + 1]
    return (after[0], False) if after else None


def _trigger_before(
    m: _Measure, floor: int, triggers: list[Span], used: set[int]
) -> tuple[Span, bool] | None:
    """ "tariffs of 25%": the last tariff word between the previous measure and the numbers
    that no measure took."""
    own = [t for t in triggers if floor <= t.start < m.first and t.start not in used]
    return (own[-1], False) if own else None


def _trigger_shared(
    m: _Measure, floor: int, triggers: list[Span], used: set[int]
) -> tuple[Span, bool] | None:
    """ "tariffs of 10% on X and 25% on Y": the last tariff word before, already taken."""
    before = [t for t in triggers if t.start < m.first]
    return (before[-1], True) if before else None


_TRIGGER_RULES = (_trigger_after, _trigger_before, _trigger_shared)


# --- reading a measure: status, verb, imposer -----------------------------------------------------


@dataclass(frozen=True)
class _Site:
    """A measure being read, with the measure before it in its sentence."""

    ctx: ExtractionContext
    sent: Span
    m: _Measure
    trigger: Span
    prev: _Measure | None
    floor: int  # its words start after the previous measure's numbers


class _Status(NamedTuple):
    """A measure's status and the verb that gave it."""

    status: str
    verb: int | None  # the status verb's token, if a verb gave it
    rule: str  # which status rule gave it (not a rule id of the rule file)


def _read(
    ctx: ExtractionContext, sent: Span, m: _Measure, trigger: Span, prev: _Measure | None
) -> _Measure:
    """``m`` with its tariff word, status, verb, imposer and the token where its words start.

    "imposed a 10% tariff on X and a 25% tariff on Y": a tariff word conjoined to the previous
    measure's, with neither a status nor an imposer of its own, shares that measure's status,
    verb and imposer."""
    floor = prev.last if prev is not None else sent.start
    site = _Site(ctx, sent, m, trigger, prev, floor)
    own = _own_reading(site)
    if own.status is None and own.imposer is None and prev is not None and _conjoined(site):
        imposer = _inherited(prev.imposer)
        return dataclasses.replace(own, status=prev.status, verb=prev.verb, imposer=imposer)
    return own


def _own_reading(site: _Site) -> _Measure:
    """The measure as its own words give it: the first answer of ``_STATUS_RULES`` and of
    ``_IMPOSER_RULES``."""
    status = _first(_STATUS_RULES, site)
    verb = status.verb if status is not None else None
    imposer = _first(_IMPOSER_RULES, site, verb)
    return dataclasses.replace(
        site.m,
        trigger=site.trigger,
        status=status.status if status is not None else None,
        verb=verb,
        imposer=imposer,
        left=_left(site, verb, imposer),
    )


def _left(site: _Site, verb: int | None, imposer: _Imposer | None) -> int:
    """Where the measure's own words start: its numbers and tariff word (only its numbers when
    it shares the tariff word), its status verb, an imposer written before them; never before
    the previous measure's numbers."""
    m = site.m
    starts = [m.first if m.shared else min(site.trigger.start, m.first)]
    if verb is not None:
        starts.append(verb)
    if imposer is not None and imposer.start is not None:
        starts.append(imposer.start)
    return max(min(starts), site.floor)


def _conjoined(site: _Site) -> bool:
    """Whether the tariff word is a conjunct of the previous measure's tariff noun."""
    if site.prev is None or site.prev.trigger is None:
        return False
    root = site.trigger.root
    return root.dep_ == "conj" and site.prev.trigger.start <= root.head.i < site.prev.trigger.end


def _inherited(imposer: _Imposer | None) -> _Imposer | None:
    """The previous measure's imposer, as another measure takes it (not its own words)."""
    if imposer is None:
        return None
    return _Imposer(imposer.mention, imposer.rule, path=imposer.path)


# --- status rules: (status, verb token, which rule) ---------------------------------------------


def _status_by_verb(site: _Site) -> _Status | None:
    """ "cut its tariffs on US imports from 125% to 10%", "raised duties to 25%": the nearest
    status verb (a two-word one, "rolled back", first) before the numbers."""
    doc, status, trigger = site.ctx.doc, _rules().status, site.trigger
    for i in range(site.m.first - 1, max(site.floor, site.sent.start) - 1, -1):
        if trigger.start <= i < trigger.end:
            continue
        two = f"{doc[i].lower_} {doc[i + 1].lower_}" if i + 1 < len(doc) else ""
        if two in status:
            return _Status(status[two], i, "verb")
        if doc[i].lower_ in status and doc[i].pos_ in {"VERB", "AUX", "NOUN"}:
            return _Status(status[doc[i].lower_], i, "verb")
    return None


def _status_by_participle(site: _Site) -> _Status | None:
    """ "the 10% tariffs imposed by X": a status participle just after a tariff word that
    follows the numbers."""
    doc, status, trigger = site.ctx.doc, _rules().status, site.trigger
    if trigger.start < site.m.first:
        return None
    for i in range(trigger.end, min(trigger.end + 2, site.sent.end)):
        if doc[i].lower_ in status and doc[i].tag_ == "VBN":
            return _Status(status[doc[i].lower_], i, "participle")
    return None


def _status_by_adjective(site: _Site) -> _Status | None:
    """ "threatened tariffs", "new duties": a status adjective at most two words before the
    tariff word."""
    doc, adjectives, trigger = site.ctx.doc, _rules().adjectives, site.trigger
    for i in range(trigger.start - 1, max(site.floor, trigger.start - 3) - 1, -1):
        if doc[i].lower_ in adjectives:
            return _Status(adjectives[doc[i].lower_], None, "adjective")
    return None


def _status_by_rate_change(site: _Site) -> _Status | None:
    """ "from 145 per cent to 30 per cent": a lower rate is a cut, a higher one a rise."""
    m = site.m
    if m.previous is None or m.rate is None:
        return None
    return _Status("reduced" if m.rate.value < m.previous.value else "raised", None, "rate change")


def _status_shared(site: _Site) -> _Status | None:
    """ "raised tariffs to 10% on X and 25% on Y": the status of the measure whose tariff word
    this one shares."""
    if not site.m.shared or site.prev is None or site.prev.status is None:
        return None
    return _Status(site.prev.status, None, "shared")


_STATUS_RULES = (
    _status_by_verb,
    _status_by_participle,
    _status_by_adjective,
    _status_by_rate_change,
    _status_shared,
)


# --- imposer rules: (Mention, rule id), given the status verb -----------------------------------


def _imposer_by_modifier(site: _Site, verb: int | None) -> _Imposer | None:
    """ "U.S. tariffs", "China's new tariffs", "Canadian counter-tariffs": an actor just before
    the tariff word, past adjectives and a possessive "'s" (not "its", "their")."""
    doc, rules, floor = site.ctx.doc, _rules(), site.floor
    j = site.trigger.start - 1
    while j >= floor and (doc[j].lower_ in rules.adjectives or doc[j].pos_ == "ADJ"):
        j -= 1
    if j >= floor and doc[j].text in {"'s", "’s"}:
        j -= 1
    if j < floor or doc[j].lower_ in {"its", "their"}:
        return None
    mod = _actor(site.ctx, doc[j])
    if mod is None:
        return None
    return _Imposer(mod, "tariff.imposer.modifier", site.ctx.token_at(mod.start))


def _imposer_by_subject(site: _Site, verb: int | None) -> _Imposer | None:
    """ "China cutting its tariffs", "Washington raised duties": the subject of a status verb
    before the tariff word."""
    if verb is None or verb >= site.trigger.start:
        return None
    found = _subject(site.ctx, verb, site.floor)
    if found is None:
        return None
    subject, path = found
    return _Imposer(subject, "tariff.imposer.subject", site.ctx.token_at(subject.start), path)


def _imposer_by_agent(site: _Site, verb: int | None) -> _Imposer | None:
    """ "tariffs imposed by the United States": the agent of the status verb."""
    found = _agent(site.ctx, verb) if verb is not None else None
    return _Imposer(found[0], "tariff.imposer.agent", path=found[1]) if found else None


def _imposer_by_governing_clause(site: _Site, verb: int | None) -> _Imposer | None:
    """ "X moved to raise duties", "X signed proclamations imposing tariffs": the actor of the
    clause that governs a status verb without a subject."""
    found = _governing_actor(site.ctx, site.ctx.doc[verb]) if verb is not None else None
    return _Imposer(found[0], "tariff.imposer.governing", path=found[1]) if found else None


def _imposer_shared(site: _Site, verb: int | None) -> _Imposer | None:
    """ "tariffs of 10% on X and 25% on Y": the imposer of the measure whose tariff word this
    one shares."""
    return _inherited(site.prev.imposer) if site.m.shared and site.prev is not None else None


_IMPOSER_RULES = (
    _imposer_by_modifier,
    _imposer_by_subject,
    _imposer_by_agent,
    _imposer_by_governing_clause,
    _imposer_shared,
)


# --- walks over the parse: declared paths of ontology/rules/patterns.yaml ------------------------


Found = tuple[Mention, str]  # an actor and the id of the path that found it


def _path_actor(ctx: ExtractionContext, path_id: str, start: Token, floor: int = 0) -> Found | None:
    """The first actor the declared path ``path_id`` finds from ``start``, on tokens from
    ``floor`` on."""
    path = paths()[path_id]
    toks = [t for t in walk(ctx, path, [start], None) if t.i >= floor]
    found = select(ctx, path, toks)
    return (found[0], path_id) if found else None


def _subject(ctx: ExtractionContext, verb: int, floor: int) -> Found | None:
    """ "China cutting its tariffs": the subject of a status verb (path.left_actor), not before
    ``floor`` (the end of the measure before)."""
    return _path_actor(ctx, "path.left_actor", ctx.doc[verb], floor)


def _agent(ctx: ExtractionContext, verb: int) -> Found | None:
    """ "imposed by the United States": the agent of a passive status verb (path.passive_agent)."""
    return _path_actor(ctx, "path.passive_agent", ctx.doc[verb])


def _governing_actor(ctx: ExtractionContext, verb: Token) -> Found | None:
    """Who acts through a verb without a subject of its own: the subject of the clause it
    depends on ("X moved to raise duties", "X signed proclamations imposing tariffs",
    path.governing_actor). ("X urged Y to impose tariffs" gives Y by the subject rule: Y stands
    right before the verb.)"""
    return _path_actor(ctx, "path.governing_actor", verb)


# --- goods and target: what a measure falls on ----------------------------------------------------


class _Goods(NamedTuple):
    """What a measure falls on: goods words, the target and the trade value covered."""

    goods: str | None
    target: Mention | None
    rule: str | None  # the rule id kept in `_target_rule`
    value: Quantity | None  # the trade the measure covers, in document offsets
    end: int  # the token after the last one used
    left: int | None = None  # token where the goods start, when written before the measure


def _goods(ctx: ExtractionContext, m: _Measure, right: int) -> _Goods:
    """What ``m`` falls on (words before token ``right``): the first of ``_GOODS_RULES``."""
    found = _first(_GOODS_RULES, ctx, m, right)
    return found if found is not None else _Goods(None, None, None, None, m.last)


def _goods_after_on(ctx: ExtractionContext, m: _Measure, right: int) -> _Goods | None:
    """ "tariffs on Chinese goods", "on imports from Mexico", "against Canada", "on up to C$16.6
    billion ($12.8 billion) of American goods": the trade value and the goods after "on"."""
    on = _first(_ON_RULES, ctx, m, right)
    if on is None:
        return None
    value, start = _trade_value(ctx, _skip_hedges(ctx, on + 1, right), right)
    end, target, rule = _goods_words(ctx, start, right)
    while end > start and ctx.doc[end - 1].lower_ in {"the", "a", "an", "and"}:
        end -= 1
    if end == start:
        return _Goods(None, None, None, value, end)
    words = ctx.doc[start:end]
    if target is None or rule is not None:
        return _Goods(words.text, target, rule, value, end)
    if target.start == words.start_char and target.end >= words.end_char - 2:
        return _Goods(None, target, "tariff.target.country", value, end)  # "tariffs on China"
    return _Goods(words.text, target, "tariff.target.goods_country", value, end)


def _goods_facing(ctx: ExtractionContext, m: _Measure, right: int) -> _Goods | None:
    """ "Canadian steel will face a tariff of 25 percent": the subject of a facing verb."""
    facing = _facing_goods(ctx, m.trigger) if m.trigger is not None else None
    if facing is None:
        return None
    goods, target = facing
    return _Goods(goods.text, target, "tariff.target.facing", None, m.last, left=goods.start)


_GOODS_RULES = (_goods_after_on, _goods_facing)


def _on_after_numbers(ctx: ExtractionContext, m: _Measure, right: int) -> int | None:
    """ "tariffs of 25% on steel", "25% tariffs on steel": "on" right after the numbers (and a
    tariff word after them)."""
    doc, k = ctx.doc, m.last
    if k < right and k < len(doc) and doc[k].lower_ in {"tariff", "tariffs", "duty", "duties"}:
        k += 1
    return k if k < right and _goods_on(doc, k) else None


def _on_before_numbers(ctx: ExtractionContext, m: _Measure, right: int) -> int | None:
    """ "tariffs on Chinese goods from 145 per cent to 30 per cent": with the tariff word before
    the numbers, the first "on" between them."""
    trigger = m.trigger
    if trigger is None or trigger.start >= m.first:
        return None
    return next((i for i in range(trigger.end, min(right, m.first)) if _goods_on(ctx.doc, i)), None)


def _on_after_trigger(ctx: ExtractionContext, m: _Measure, right: int) -> int | None:
    """ "a 25% tariff imposed by X on steel": with the tariff word after the numbers, the first
    "on" within eight words of it."""
    trigger = m.trigger
    if trigger is None or trigger.start < m.first:
        return None
    end = min(right, trigger.end + 8)
    return next((i for i in range(trigger.end, end) if _goods_on(ctx.doc, i)), None)


_ON_RULES = (_on_after_numbers, _on_before_numbers, _on_after_trigger)


def _goods_on(doc: Doc, i: int) -> bool:
    """ "on"/"against" opening a goods phrase (not "on June 1", "on Thursday")."""
    if doc[i].lower_ not in {"on", "against"} or i + 1 >= len(doc):
        return False
    nxt = doc[i + 1]
    return nxt.ent_type_ not in {"DATE", "TIME"} and not nxt.like_num


def _skip_hedges(ctx: ExtractionContext, i: int, right: int) -> int:
    """Past "up to", "nearly", "about" before a trade value ("on up to C$16.6 billion")."""
    while i + 1 < right and ctx.doc[i].lower_ in _rules().value_hedges:
        i += 1
    return i


def _trade_value(ctx: ExtractionContext, i: int, right: int) -> tuple[Quantity | None, int]:
    """A sum of money starting at token ``i`` ("C$16.6 billion ($12.8 billion) worth of"), in
    document offsets, and the token where the goods after it start."""
    doc = ctx.doc
    money = next(iter(find_money(doc[i:right].text)), None) if i < right else None
    if money is None or money.start != 0:
        return None, i
    offset = doc[i].idx  # the value's offsets become the document's
    value = dataclasses.replace(money, start=offset, end=offset + money.end)
    i = ctx.token_at(value.end - 1) + 1
    if i < right and doc[i].text == "(":  # "C$16.6 billion ($12.8 billion) of goods"
        close = next((j for j in range(i, right) if doc[j].text == ")"), None)
        i = close + 1 if close is not None else i
    while i < right and doc[i].lower_ in {"worth", "of", "in"}:
        i += 1
    return value, i


def _goods_words(
    ctx: ExtractionContext, start: int, right: int
) -> tuple[int, Mention | None, str | None]:
    """The goods phrase from token ``start`` (at most six words): its end, the first country
    or organisation in it, and the rule when an origin ended it ("imports from Mexico")."""
    doc = ctx.doc
    target: Mention | None = None
    i = start
    while i < right and i - start < 6:
        tok = doc[i]
        origin = _origin(ctx, i) if tok.lower_ in {"from", "of"} else None
        if _ends_goods(ctx, tok, origin):
            break
        if origin is not None:
            return ctx.token_at(origin.end - 1) + 1, origin, "tariff.target.goods_country"
        if target is None:
            target = _actor(ctx, tok, _PARTY_TYPES)
        i += 1
    return i, target, None


def _ends_goods(ctx: ExtractionContext, tok: Token, origin: Mention | None) -> bool:
    """Whether ``tok`` ends a goods phrase: a stop word (not "from"/"of" before an origin),
    white space, punctuation but a hyphen or "'s", a number, a finite verb naming nobody."""
    if tok.lower_ in _rules().stops and origin is None:
        return True
    if tok.is_space or (tok.is_punct and tok.text not in {"-", "'s", "’s"}) or tok.like_num:
        return True
    return (
        tok.pos_ in {"VERB", "AUX"}
        and tok.tag_ not in {"VBN", "VBG"}  # "on imported steel", "on finished goods"
        and mention_of(ctx, tok) is None
    )


def _origin(ctx: ExtractionContext, i: int) -> Mention | None:
    """The country or organisation after "from"/"of" at token ``i`` ("from (the) Mexico")."""
    doc = ctx.doc
    j = i + 1 + (i + 1 < len(doc) and doc[i + 1].lower_ == "the")
    return _actor(ctx, doc[j], _PARTY_TYPES) if j < len(doc) else None


def _facing_goods(ctx: ExtractionContext, trigger: Span) -> tuple[Span, Mention | None] | None:
    """ "Canadian steel will face a tariff of 25 percent": the goods are the subject of a
    facing verb whose object is the tariff, their country (a demonym or a name) the target."""
    root = trigger.root
    if root.dep_ != "dobj" or root.head.lower_ not in _rules().facing:
        return None
    doc = ctx.doc
    if any(t.lower_ in _rules().trigger_words for t in doc[root.head.i + 1 : trigger.start]):
        return None  # a second measure of the verb ("... and Canadian aluminum a tariff of 10%")
    subj = next((c for c in root.head.children if c.dep_ == "nsubj"), None)
    if subj is None or subj.pos_ != "NOUN" or mention_of(ctx, subj) is not None:
        return None  # "Canada will face tariffs": a country, not goods (the target rules read it)
    start, end = subj.left_edge.i, subj.i + 1  # the noun phrase up to its head
    while start < end and doc[start].lower_ in {"the", "a", "an", "all", "most", "some"}:
        start += 1
    if start >= end or any(t.is_punct for t in doc[start:end]):
        return None
    goods = doc[start:end]
    country = (_actor(ctx, tok, _PARTY_TYPES) for tok in goods)
    return goods, next((m for m in country if m is not None), None)


# --- claims ---------------------------------------------------------------------------------------


def _claims(
    ctx: ExtractionContext, sent: Span, text: str, m: _Measure, right: int
) -> Iterator[Claim]:
    """The claim of one measure (its words end before token ``right``), the trade it covers as
    figures and, for "from A to B", the rate A, which was in force."""
    goods = _goods(ctx, m, right)
    if m.rate is None and m.change is None and m.imposer is None and goods.target is None:
        return
    imposer = m.imposer if m.imposer is not None else _counterpart(ctx, sent, goods.target)
    party, actor_rule = (None, None) if imposer is None else acting_country(ctx, imposer.mention)
    doc, base = ctx.doc, sent.start_char
    lo_char = doc[m.left if goods.left is None else min(m.left, goods.left)].idx
    clause_end = doc[right - 1].idx + len(doc[right - 1].text) if right > 0 else sent.end_char
    duration = _duration(ctx, sent, text, doc[m.first].idx, clause_end)
    effective = _effective(ctx, sent, text, lo_char, clause_end)
    value = goods.value if goods.value is not None else _value_in(text, base, lo_char, clause_end)
    imposer_rule = imposer.rule if imposer is not None else None
    fields = _fields(m, goods, party, actor_rule or imposer_rule, duration, effective, value)
    fields["_imposer_path"] = imposer.path if imposer is not None else None
    rule = "tariff.rate_change" if m.previous else ("tariff.rate" if m.rate else "tariff.no_rate")
    confidence = _rules().confidence[rule] - (
        0.1 if imposer_rule == "tariff.imposer.counterpart" else 0
    )
    hi_char = _evidence_end(ctx, base, m, goods, duration, effective)
    yield Claim("tariff", fields, ctx.evidence(lo_char, hi_char, NAME, confidence, rule))
    if value is not None:
        yield from _trade_figures(ctx, value, goods.goods, goods.end, [party, goods.target])
    if m.previous is not None:  # the rate it came down (or up) from was itself in force
        yield _previous_rate(ctx, fields, m.previous, lo_char, base + m.previous.end)


def _counterpart(ctx: ExtractionContext, sent: Span, target: Mention | None) -> _Imposer | None:
    """No imposer written, the target a country: the other country when exactly two take part
    (the sentence's, else the document's two most named)."""
    if target is None or target.type != "Country":
        return None
    in_sentence = {
        m.label: m for m in ctx.mentions_in(sent.start_char, sent.end_char) if m.type == "Country"
    }
    other: Mention | None = None
    if len(in_sentence) == 2 and target.label in in_sentence:
        other = next(m for label, m in in_sentence.items() if label != target.label)
    else:
        top = country_counts(ctx).most_common(3)
        pair = [label for label, _ in top[:2]]
        if len(top) >= 2 and (len(top) == 2 or top[1][1] > top[2][1]) and target.label in pair:
            other = country_mention(ctx, pair[1 - pair.index(target.label)])
    return _Imposer(other, "tariff.imposer.counterpart") if other is not None else None


def _duration(
    ctx: ExtractionContext, sent: Span, text: str, from_char: int, clause_end: int
) -> Duration | None:
    """ "for a 90-day period", "for five years": the first duration after a cue from the
    measure's numbers to the end of its clause (offsets relative to the sentence)."""
    for d in ctx.durations_in(sent):
        at = sent.start_char + d.start
        if from_char <= at < clause_end and _rules().duration.search(text[: d.start]):
            return d
    return None


def _effective(
    ctx: ExtractionContext, sent: Span, text: str, lo_char: int, clause_end: int
) -> Timex | None:
    """ "effective June 1", "from July 1": the first date after a cue within the measure's
    words and clause (offsets relative to the sentence)."""
    # The sentence's own time expressions, not ctx.timexes_in(sent): found in the whole text, a
    # month "of that same year" would take its year from an earlier sentence.
    for t in find_timexes(text, ctx.document.published):
        at = sent.start_char + t.start
        if lo_char <= at < clause_end and _rules().effective.search(text[: t.start]):
            return t
    return None


def _value_in(text: str, base: int, lo_char: int, clause_end: int) -> Quantity | None:
    """The first sum of money in the measure's words and clause, in document offsets."""
    for q in find_money(text):
        if lo_char <= base + q.start < clause_end:
            return dataclasses.replace(q, start=base + q.start, end=base + q.end)
    return None


def _evidence_end(
    ctx: ExtractionContext,
    base: int,
    m: _Measure,
    goods: _Goods,
    duration: Duration | None,
    effective: Timex | None,
) -> int:
    """The character where a measure's evidence ends: after its numbers, tariff word, goods,
    duration and effective date."""
    doc = ctx.doc
    hi = max(m.last, goods.end, m.trigger.end if m.trigger is not None else 0)
    for found in (duration, effective):
        if found is not None:
            hi = max(hi, ctx.token_at(base + found.end - 1) + 1)
    last = doc[min(hi, len(doc)) - 1]
    return last.idx + len(last.text)


def _fields(
    m: _Measure,
    goods: _Goods,
    party: Mention | None,
    imposer_rule: str | None,
    duration: Duration | None,
    effective: Timex | None,
    value: Quantity | None,
) -> dict[str, Any]:
    """The fields of a tariff claim."""
    return {
        "imposed_by": party,
        "target": goods.target,
        "goods": goods.goods,
        "rate_percent": m.rate.value if m.rate else None,
        "previous_rate_percent": m.previous.value if m.previous else None,
        "duration": duration.iso if duration else None,
        "effective_date": effective.value if effective else None,
        "status": m.status,
        "_trade_value": {"value": value.value, "currency": value.unit} if value else None,
        "_change_percent": m.change.value if m.change else None,
        "_effective_text": effective.text if effective else None,
        "_imposer_rule": imposer_rule,
        "_target_rule": goods.rule,
    }


# What the rate A of "from A to B" does not share with the measure (its key order is kept).
_NOT_OF_PREVIOUS = (
    "previous_rate_percent",
    "duration",
    "effective_date",
    "status",
    "_trade_value",
    "_effective_text",
)


def _previous_rate(
    ctx: ExtractionContext, fields: dict[str, Any], previous: Quantity, start: int, end: int
) -> Claim:
    """The claim of the rate A of "from A to B": the measure's parties and goods, no status."""
    prev_fields = {**fields, **dict.fromkeys(_NOT_OF_PREVIOUS), "rate_percent": previous.value}
    confidence = _rules().confidence["tariff.previous_rate"]
    evidence = ctx.evidence(start, end, NAME, confidence, "tariff.previous_rate")
    return Claim("tariff", prev_fields, evidence)


def _trade_figures(
    ctx: ExtractionContext,
    value: Quantity,
    goods: str | None,
    goods_end: int,
    parties: list[Mention | None],
) -> Iterator[Claim]:
    """The trade a measure covers as figures ("tariffs on up to C$16.6 billion ($12.8 billion) of
    American goods"): one per currency written, the conversion in brackets included. The goods
    are part of the subject, so two measures on different goods do not conflict."""
    rules, text, doc = _rules(), ctx.document.text, ctx.doc
    values = [value, *_conversion(text, value)]
    end = max(values[-1].end, doc[goods_end - 1].idx + len(doc[goods_end - 1].text))
    entities = {m.label: m for m in parties if m is not None}
    subject = f"{rules.trade_subject} on {goods}" if goods else rules.trade_subject
    confidence = rules.confidence["tariff.trade_value"]
    evidence = ctx.evidence(values[0].start, end, NAME, confidence, "tariff.trade_value")
    for q in values:
        fields = figure_fields(
            subject,
            q.value,
            q.unit,
            entities.values(),
            as_written=text[q.start : q.end],
            entities_rule="figure.entities.tariff",
        )
        yield Claim("figure", fields, evidence)


def _conversion(text: str, value: Quantity) -> list[Quantity]:
    """The sum in brackets right after ``value`` ("C$16.6 billion ($12.8 billion)"), if any."""
    after = text[value.end : value.end + 60]
    if not (after.startswith(" (") or after.startswith("(")):
        return []
    skip = after.index("(") + 1
    inner = next(iter(find_money(after[skip:])), None)
    if inner is None or inner.start != 0 or not after[skip + inner.end :].startswith(")"):
        return []
    start = value.end + skip
    return [dataclasses.replace(inner, start=start, end=start + inner.end)]
