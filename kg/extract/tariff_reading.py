"""Reading a tariff measure: its status and status verb (``STATUS_RULES``), then its imposer
(``IMPOSER_RULES``), each the first answer of an ordered tuple of small rules; the walks over
the parse the imposer rules use are declared paths of ontology/rules/patterns.yaml."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import NamedTuple

from spacy.tokens import Span, Token

from kg.extract.context import ExtractionContext
from kg.extract.patterns import paths, select, walk
from kg.extract.tariff_parts import Imposer, Measure, actor, first, tables
from kg.model import Mention

# --- reading a measure: status, verb, imposer -----------------------------------------------------


@dataclass(frozen=True)
class _Site:
    """A measure being read, with the measure before it in its sentence."""

    ctx: ExtractionContext
    sent: Span
    m: Measure
    trigger: Span
    prev: Measure | None
    floor: int  # its words start after the previous measure's numbers


class _Status(NamedTuple):
    """A measure's status and the verb that gave it."""

    status: str
    verb: int | None  # the status verb's token, if a verb gave it
    rule: str  # which status rule gave it (not a rule id of the rule file)


def read_measure(
    ctx: ExtractionContext, sent: Span, m: Measure, trigger: Span, prev: Measure | None
) -> Measure:
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


def _own_reading(site: _Site) -> Measure:
    """The measure as its own words give it: the first answer of ``STATUS_RULES`` and of
    ``IMPOSER_RULES``."""
    status = first(STATUS_RULES, site)
    verb = status.verb if status is not None else None
    imposer = first(IMPOSER_RULES, site, verb)
    return dataclasses.replace(
        site.m,
        trigger=site.trigger,
        status=status.status if status is not None else None,
        verb=verb,
        imposer=imposer,
        left=_left(site, verb, imposer),
    )


def _left(site: _Site, verb: int | None, imposer: Imposer | None) -> int:
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


def _inherited(imposer: Imposer | None) -> Imposer | None:
    """The previous measure's imposer, as another measure takes it (not its own words)."""
    if imposer is None:
        return None
    return Imposer(imposer.mention, imposer.rule, path=imposer.path)


# --- status rules: (status, verb token, which rule) ---------------------------------------------


def _status_by_verb(site: _Site) -> _Status | None:
    """ "cut its tariffs on US imports from 125% to 10%", "raised duties to 25%": the nearest
    status verb (a two-word one, "rolled back", first) before the numbers."""
    doc, status, trigger = site.ctx.doc, tables().status, site.trigger
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
    doc, status, trigger = site.ctx.doc, tables().status, site.trigger
    if trigger.start < site.m.first:
        return None
    for i in range(trigger.end, min(trigger.end + 2, site.sent.end)):
        if doc[i].lower_ in status and doc[i].tag_ == "VBN":
            return _Status(status[doc[i].lower_], i, "participle")
    return None


def _status_by_adjective(site: _Site) -> _Status | None:
    """ "threatened tariffs", "new duties": a status adjective at most two words before the
    tariff word."""
    doc, adjectives, trigger = site.ctx.doc, tables().adjectives, site.trigger
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


STATUS_RULES = (
    _status_by_verb,
    _status_by_participle,
    _status_by_adjective,
    _status_by_rate_change,
    _status_shared,
)


# --- imposer rules: (Mention, rule id), given the status verb -----------------------------------


def _imposer_by_modifier(site: _Site, verb: int | None) -> Imposer | None:
    """ "U.S. tariffs", "China's new tariffs", "Canadian counter-tariffs": an actor just before
    the tariff word, past adjectives and a possessive "'s" (not "its", "their")."""
    doc, rules, floor = site.ctx.doc, tables(), site.floor
    j = site.trigger.start - 1
    while j >= floor and (doc[j].lower_ in rules.adjectives or doc[j].pos_ == "ADJ"):
        j -= 1
    if j >= floor and doc[j].text in {"'s", "’s"}:
        j -= 1
    if j < floor or doc[j].lower_ in {"its", "their"}:
        return None
    mod = actor(site.ctx, doc[j])
    if mod is None:
        return None
    return Imposer(mod, "tariff.imposer.modifier", site.ctx.token_at(mod.start))


def _imposer_by_subject(site: _Site, verb: int | None) -> Imposer | None:
    """ "China cutting its tariffs", "Washington raised duties": the subject of a status verb
    before the tariff word."""
    if verb is None or verb >= site.trigger.start:
        return None
    found = _subject(site.ctx, verb, site.floor)
    if found is None:
        return None
    subject, path = found
    return Imposer(subject, "tariff.imposer.subject", site.ctx.token_at(subject.start), path)


def _imposer_by_agent(site: _Site, verb: int | None) -> Imposer | None:
    """ "tariffs imposed by the United States": the agent of the status verb."""
    found = _agent(site.ctx, verb) if verb is not None else None
    return Imposer(found[0], "tariff.imposer.agent", path=found[1]) if found else None


def _imposer_by_governing_clause(site: _Site, verb: int | None) -> Imposer | None:
    """ "X moved to raise duties", "X signed proclamations imposing tariffs": the actor of the
    clause that governs a status verb without a subject."""
    found = _governing_actor(site.ctx, site.ctx.doc[verb]) if verb is not None else None
    return Imposer(found[0], "tariff.imposer.governing", path=found[1]) if found else None


def _imposer_shared(site: _Site, verb: int | None) -> Imposer | None:
    """ "tariffs of 10% on X and 25% on Y": the imposer of the measure whose tariff word this
    one shares."""
    return _inherited(site.prev.imposer) if site.m.shared and site.prev is not None else None


IMPOSER_RULES = (
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
