"""Reading a tariff measure: its status and status verb (``STATUS_RULES``), then its imposer
(``IMPOSER_RULES``), each the first answer of an ordered tuple of small rules; the walks over
the parse the imposer rules use are declared paths of ontology/rules/patterns.yaml."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import NamedTuple

from spacy.tokens import Span, Token

from kg.extract.context import ExtractionContext
from kg.extract.countries import country_mention
from kg.extract.numbers import Quantity
from kg.extract.patterns import paths, select, walk
from kg.extract.tariff_parts import (
    Imposer,
    Measure,
    actor,
    first,
    referred,
    referring_end,
    tables,
)
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
    earlier = _antecedent_rate(site, own)
    return own if earlier is None else dataclasses.replace(own, previous=earlier)


def _antecedent_rate(site: _Site, own: Measure) -> Quantity | None:
    """ "a 25% tariff on furniture, which will increase to 30% on January 1": a rise or cut
    in a relative clause on the previous measure changes that measure's rate, which is its
    previous rate (tariff.rate_change)."""
    prev = site.prev
    if prev is None or prev.rate is None or own.previous is not None or own.verb is None:
        return None
    if not own.shared or own.status not in {"raised", "reduced"}:
        return None
    verb = site.ctx.doc[own.verb]
    relative = verb.dep_ == "relcl" or any(
        c.dep_.startswith("nsubj") and c.lower_ in {"which", "that"} for c in verb.children
    )
    return prev.rate if relative and verb.i >= prev.last else None


def _own_reading(site: _Site) -> Measure:
    """The measure as its own words give it: the first answer of ``STATUS_RULES`` and of
    ``IMPOSER_RULES``."""
    status = _hedged(site, first(STATUS_RULES, site))
    verb = status.verb if status is not None else None
    imposer, invoked = _imposer(site, verb)
    return dataclasses.replace(
        site.m,
        trigger=site.trigger,
        status=status.status if status is not None else None,
        verb=verb,
        imposer=imposer,
        instrument=_instrument(site) or invoked,
        left=_left(site, verb, imposer),
    )


def _imposer(site: _Site, verb: int | None) -> tuple[Imposer | None, str | None]:
    """The first answer of ``IMPOSER_RULES`` that is no instrument ("Trump invoked IEEPA to
    impose a tariff": IEEPA imposes nothing, it is the measure's instrument; the next rule gives
    who invoked it), and the instrument an answer named."""
    invoked = None
    for rule in IMPOSER_RULES:
        found = rule(site, verb)
        if found is None:
            continue
        if found.mention.text not in tables().instruments:
            return found, invoked
        invoked = invoked or found.mention.text
    return _instrument_imposer(site, invoked), invoked


def _hedged(site: _Site, status: _Status | None) -> _Status | None:
    """ "may re-impose tariffs", "plans to impose a 10% tariff", "will establish whether to
    remedy ... by imposing duties": a measure imposed or raised only under a modal of
    possibility, a verb of threat or in a clause an open question marks (`open_marks`) is
    threatened (tariff.status.hedged)."""
    if status is None or status.verb is None or status.status not in {"imposed", "raised"}:
        return status
    doc, rules = site.ctx.doc, tables()
    verb = doc[status.verb]
    hedged = any(c.dep_ == "aux" and c.lower_ in rules.threat_modals for c in verb.children)
    i = verb.i - 1  # "may re-impose": the parse may split the verb; read the words before it
    while (
        not hedged
        and i >= site.sent.start
        and (doc[i].text in {"re", "-"} or doc[i].pos_ in {"ADV", "PART"})
    ):
        i -= 1
    hedged = hedged or (i >= site.sent.start and doc[i].lower_ in rules.threat_modals)
    while not hedged and verb.dep_ == "xcomp" and verb.head.i != verb.i:
        verb = verb.head
        hedged = verb.lower_ in rules.threat_verbs or any(
            c.dep_ == "aux" and c.lower_ in rules.threat_modals for c in verb.children
        )
    if not hedged:  # "whether it is in the EU's interest to ... by imposing duties"
        marked = [t.head for t in site.sent if t.dep_ == "mark" and t.lower_ in rules.open_marks]
        hedged = any(h.left_edge.i <= status.verb <= h.right_edge.i for h in marked)
    return _Status("threatened", status.verb, "hedged") if hedged else status


def _instrument(site: _Site) -> str | None:
    """The legal instrument written in the tariff word or the few words before it ("Section
    232 tariffs", "anti-dumping duties"), the first of the rule file's list; for a tariff word
    conjoined to another ("the Section 232 tariff and most-favored nation tariff"), that one's
    when it names none."""
    doc, root = site.ctx.doc, site.trigger.root
    ends = [site.trigger.end]
    if root.dep_ == "conj" and root.head.lower_ in tables().trigger_words:
        ends.append(root.head.i + 1)
    for end in ends:
        lo = max(site.floor, end - 5, site.sent.start)
        words = doc[lo:end].text
        found = next((name for name in tables().instruments if _written(name, words)), None)
        if found is not None:
            return found
    return None


def _written(name: str, text: str) -> bool:
    """Whether ``name`` is written in ``text`` on word boundaries, as written."""
    at = text.find(name)
    while at >= 0:
        before = text[at - 1] if at > 0 else " "
        after = text[at + len(name)] if at + len(name) < len(text) else " "
        if not before.isalnum() and not after.isalnum():
            return True
        at = text.find(name, at + 1)
    return False


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


def _status_by_relative(site: _Site) -> _Status | None:
    """ "the 25% tariffs the United States imposed on European steel": a status verb in a
    relative clause on the tariff word."""
    status, m = tables().status, site.m
    if m.shared:
        return None
    for c in site.trigger.root.children:  # after the measure's own numbers and tariff word
        if c.dep_ == "relcl" and c.lower_ in status and max(m.last, site.trigger.end) <= c.i:
            return _Status(status[c.lower_], c.i, "relative")
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
    _status_by_relative,
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


def _imposer_by_pronoun(site: _Site, verb: int | None) -> Imposer | None:
    """ "The European Commission said it would impose duties": the status verb's subject is
    "it"/"they"; the subject of the verb that reports it imposes (path.pronoun_antecedent)."""
    if verb is None:
        return None
    doc = site.ctx.doc
    subj = next((c for c in doc[verb].children if c.dep_ == "nsubj"), None)
    if subj is None or subj.i >= site.trigger.start:
        return None
    found = _path_actor(site.ctx, "path.pronoun_antecedent", doc[verb])
    return Imposer(found[0], "tariff.imposer.pronoun", path=found[1]) if found else None


def _imposer_by_referred_agent(site: _Site, verb: int | None) -> Imposer | None:
    """ "retaliatory tariffs imposed on American goods by those countries": an agent of the
    status verb or of a participle on the tariff word that refers back to parties named before
    (tariff.imposer.referred), each of them."""
    doc = site.ctx.doc
    verbs = [doc[verb]] if verb is not None else []
    verbs += [c for c in site.trigger.root.children if c.dep_ == "acl" and c.tag_ == "VBN"]
    for by in (c for v in verbs for c in v.children if c.dep_ == "agent"):
        if referring_end(doc, by.i + 1, site.sent.end) is not None:
            parties = referred(site.ctx, by.i + 1)
            if parties:
                return Imposer(parties[0], "tariff.imposer.referred", others=tuple(parties[1:]))
    return None


def _imposer_by_governing_clause(site: _Site, verb: int | None) -> Imposer | None:
    """ "X moved to raise duties", "X signed proclamations imposing tariffs": the actor of the
    clause that governs a status verb without a subject."""
    found = _governing_actor(site.ctx, site.ctx.doc[verb]) if verb is not None else None
    return Imposer(found[0], "tariff.imposer.governing", path=found[1]) if found else None


def _imposer_shared(site: _Site, verb: int | None) -> Imposer | None:
    """ "tariffs of 10% on X and 25% on Y": the imposer of the measure whose tariff word this
    one shares."""
    return _inherited(site.prev.imposer) if site.m.shared and site.prev is not None else None


def _imposer_by_instrument(site: _Site, verb: int | None) -> Imposer | None:
    """ "remove the Section 232 tariffs": an instrument only one government uses names it; it
    outranks the parse ("an agreement with Canada and Mexico to remove the Section 232
    tariffs" is the United States' measure)."""
    return _instrument_imposer(site, _instrument(site))


def _instrument_imposer(site: _Site, name: str | None) -> Imposer | None:
    """The one government that uses instrument ``name``, as an imposer."""
    label = tables().instruments.get(name) if name is not None else None
    if label is None:
        return None
    ctx = site.ctx
    known = country_mention(ctx, label)
    if known is None:  # the country is not named: the instrument's words stand for it
        entry = ctx.lexicon.entries.get(f"country:{label}")
        at = site.trigger.start_char
        known = Mention(
            site.trigger.text,
            label,
            "Country",
            at,
            site.trigger.end_char,
            entry.wikidata if entry else None,
            entry.key if entry else None,
            f"instrument-implies-country:{name}",
        )
    return Imposer(known, "tariff.imposer.instrument")


def _imposer_by_relative_subject(site: _Site, verb: int | None) -> Imposer | None:
    """ "Germany opposed the 25% tariffs the United States imposed": the subject of a status
    verb in a relative clause on the tariff word (not the subject of the main clause)."""
    if verb is None or verb < site.trigger.end:
        return None
    tok = site.ctx.doc[verb]
    if tok.dep_ != "relcl" or tok.head.i != site.trigger.root.i:
        return None
    subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
    found = actor(site.ctx, subj) if subj is not None else None
    return Imposer(found, "tariff.imposer.subject") if found is not None else None


def _imposer_by_issuer(site: _Site, verb: int | None) -> Imposer | None:
    """ "The Proclamation imposes a 10% tariff": the subject is an instrument noun; whoever
    signed or issued it earlier in the document (the subject of the verb it was the object
    of) imposes."""
    if verb is None or verb >= site.trigger.start:
        return None
    doc, nouns = site.ctx.doc, tables().instrument_nouns
    subj = next((c for c in doc[verb].children if c.dep_ == "nsubj"), None)
    if subj is None or subj.lower_ not in nouns:
        return None
    for tok in doc[: site.sent.start]:
        if tok.lower_ != subj.lower_:
            continue
        head = tok.head  # the verb before it it depends on ("signed a Proclamation")
        while head.i != head.head.i and not (head.pos_ == "VERB" and head.i < tok.i):
            head = head.head
        if head.pos_ == "VERB" and head.i < tok.i:
            found = _subject(site.ctx, head.i, tok.sent.start)
            if found is not None:
                return Imposer(found[0], "tariff.imposer.issuer", path=found[1])
    return None


IMPOSER_RULES = (
    _imposer_by_instrument,
    _imposer_by_modifier,
    _imposer_by_subject,
    _imposer_by_relative_subject,
    _imposer_by_issuer,
    _imposer_by_agent,
    _imposer_by_referred_agent,
    _imposer_by_pronoun,
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
