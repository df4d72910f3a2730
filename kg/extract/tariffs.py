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
- its status and status verb: ``STATUS_RULES`` of kg.extract.tariff_reading (a verb before
  it, a participle after the tariff word, an adjective, the direction of "from A to B", the
  shared tariff word's);
- its imposer: ``IMPOSER_RULES`` (modifier, subject, agent, governing clause, shared); a
  conjunct of the previous measure's tariff word with neither a status nor an imposer of its
  own reads as that measure (``read_measure``); with no imposer written, ``_claims`` takes the
  other of two countries (``tariff.imposer.counterpart``);
- what it falls on: ``GOODS_RULES`` of kg.extract.tariff_goods (the phrase after "on", whose
  start ``_ON_RULES`` finds, else the subject of a facing verb).

A person acting on tariffs acts for a country: kg.extract.countries.acting_country resolves a
head of state, minister or trade representative to the country their title names in the
document (rules ``actor.*`` of ontology/rules/tariffs.yaml), and a government body to its
lexicon country.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from spacy.matcher import PhraseMatcher
from spacy.tokens import Span
from spacy.util import filter_spans
from spacy.vocab import Vocab

from kg.extract import ExtractionContext, register
from kg.extract.countries import acting_country, country_counts, country_mention
from kg.extract.figures import figure_fields
from kg.extract.numbers import Duration, Quantity, find_money, find_percents
from kg.extract.syntax import phrase_matcher
from kg.extract.tariff_goods import Goods, goods_of
from kg.extract.tariff_parts import PARTY_TYPES, Imposer, Measure, actor, first, tables
from kg.extract.tariff_quota import quota_of
from kg.extract.tariff_reading import read_measure
from kg.model import Claim, Mention
from kg.timex import Timex, find_timexes

NAME = "kg.tariffs.v1"


def _matcher(vocab: Vocab) -> PhraseMatcher:
    return phrase_matcher(vocab, NAME, {t: t for t in tables().triggers})


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
        if span.text.lower() in tables().conditional and not _conditional_ok(ctx, span):
            continue
        if span.end < len(doc) and doc[span.end].text == "-" and not doc[span.end - 1].whitespace_:
            continue  # "tariff-rate quota", "duty-free access": part of another word
        by_sentence.setdefault(ctx.sentence(span.start).start, []).append(span)
    return by_sentence


def _conditional_ok(ctx: ExtractionContext, span: Span) -> bool:
    """ "taxes on American imports" is a tariff; "taxes on income" is not."""
    doc = ctx.doc
    if span.end >= len(doc) or doc[span.end].lower_ != "on":
        return False
    window = doc[span.end + 1 : min(span.end + 8, ctx.sentence(span.start).end)]
    return any(t.lower_ in tables().conditional_goods for t in window)


def _sentence(ctx: ExtractionContext, sent: Span, triggers: list[Span]) -> Iterator[Claim]:
    """The claims of one sentence: its rated measures, then the measures without a rate, each
    read up to where the next one's own words start."""
    text = ctx.document.text[sent.start_char : sent.end_char]
    rated = _read_rated(ctx, sent, _measures(ctx, sent, text), triggers)
    used = {m.trigger.start for m in rated if m.trigger is not None}
    measures = [m for m in rated if m.trigger is not None] + _rate_less(ctx, sent, triggers, used)
    measures.sort(key=lambda m: m.first)
    rights = [
        max(_own_start(measures[k + 1], m) if k + 1 < len(measures) else sent.end, m.last)
        for k, m in enumerate(measures)
    ]
    out: list[tuple[Claim, bool]] = []
    for k, m in enumerate(measures):
        # the lower bound of a range ("ranging from 9.9% to 15.2% on X") falls on the goods
        # written after the upper bound
        upper = (measures[k + 1], rights[k + 1]) if m.range_low and k + 1 < len(measures) else None
        answer = _retaliatory(m)
        out += [(c, answer) for c in _claims(ctx, sent, text, m, rights[k], upper)]
    _answered(out)
    for claim, _ in out:
        yield claim


def _retaliatory(m: Measure) -> bool:
    """Whether a measure answers another: a `retaliation_words` word in its tariff word or
    the words modifying it ("retaliatory tariffs", "counter-tariffs", "EU rebalancing
    measures")."""
    if m.trigger is None:
        return False
    words = [t.lower_ for t in m.trigger] + [
        c.lower_ for c in m.trigger.root.lefts if c.dep_ in {"amod", "compound", "nmod"}
    ]
    return any(w in tables().retaliation_words for w in words)


def _answered(out: list[tuple[Claim, bool]]) -> None:
    """tariff.target.retaliation: one sentence's retaliatory measures of one imposer and
    other measures of one other imposer answer each other; each without a target takes the
    other side's imposer ("the EU rebalancing measures, introduced in the wake of the US
    Section 232 tariffs")."""
    sides: dict[bool, dict[str, Mention]] = {True: {}, False: {}}
    for claim, answer in out:
        who = claim.fields.get("imposed_by") if claim.kind == "tariff" else None
        if who is not None:
            sides[answer][who.label] = who
    if len(sides[True]) != 1 or len(sides[False]) != 1 or sides[True].keys() == sides[False].keys():
        return
    for claim, answer in out:
        fields = claim.fields
        if claim.kind == "tariff" and fields.get("imposed_by") and fields.get("target") is None:
            fields["target"] = next(iter(sides[not answer].values()))
            fields["_target_rule"] = "tariff.target.retaliation"


def _own_start(m: Measure, before: Measure) -> int:
    """Where measure ``m``'s own words start after the measure ``before`` it: its left edge,
    unless that reaches back over ``before`` (an imposer the two share: "an agreement with A and
    B to remove the X tariffs on steel and the removal of their tariffs"); then its numbers or
    tariff word."""
    return m.left if m.left >= before.last else m.first


def _measures(ctx: ExtractionContext, sent: Span, text: str) -> list[Measure]:
    """Rates, "from A to B" pairs and changes ("by 10 points") of one sentence, in order.

    A change belongs to the rate nearest to it; with no rate, the last change is a measure."""
    pairs, changes, lows = _rates_and_changes(text, list(find_percents(text)))
    if not pairs:
        return [_measure(ctx, sent, None, None, changes[-1])] if changes else []
    nearest: dict[int, Quantity] = {}
    for c in changes:  # a later change near the same rate replaces an earlier one
        nearest[min(range(len(pairs)), key=lambda k: abs(pairs[k][1].start - c.start))] = c
    return [
        dataclasses.replace(
            _measure(ctx, sent, rate, previous, nearest.get(k)), range_low=k in lows
        )
        for k, (previous, rate) in enumerate(pairs)
    ]


def _rates_and_changes(
    text: str, pcts: list[Quantity]
) -> tuple[list[tuple[Quantity | None, Quantity]], list[Quantity], set[int]]:
    """The (previous rate, rate) pairs of a sentence's percentages, its changes and which
    pairs are the lower bound of a range."""
    pairs: list[tuple[Quantity | None, Quantity]] = []
    changes: list[Quantity] = []
    lows: set[int] = set()  # the pairs that are the lower bound of a range
    i = 0
    while i < len(pcts):
        p = pcts[i]
        words_before = text[max(0, p.start - 20) : p.start].lower().split()
        last_word = words_before[-1] if words_before else None
        if p.kind == "points" or last_word in tables().change_words:
            changes.append(p)
        elif (
            last_word in {"from", "between"}
            and i + 1 < len(pcts)
            and text[p.end : pcts[i + 1].start].strip().lower() in {"to", "and"}
        ):
            if last_word == "between" or _range_before(words_before):
                pairs += [(None, p), (None, pcts[i + 1])]  # a range: two rates, no change
                lows.add(len(pairs) - 2)
            else:
                pairs.append((p, pcts[i + 1]))
            i += 1
        else:
            pairs.append((None, p))
        i += 1
    return pairs, changes, lows


def _range_before(words_before: list[str]) -> bool:
    """ "duties ranging from 9.9% to 15.2%": a range word before "from" makes a range."""
    return len(words_before) >= 2 and words_before[-2] in tables().range_words


def _measure(
    ctx: ExtractionContext,
    sent: Span,
    rate: Quantity | None,
    previous: Quantity | None,
    change: Quantity | None,
) -> Measure:
    """A measure of these numbers, with the tokens they span."""
    items = [q for q in (previous, rate, change) if q is not None]
    first = ctx.token_at(sent.start_char + min(q.start for q in items))
    last = ctx.token_at(sent.start_char + max(q.end for q in items) - 1) + 1
    return Measure(rate=rate, previous=previous, change=change, first=first, last=last)


def _read_rated(
    ctx: ExtractionContext, sent: Span, numbers: list[Measure], triggers: list[Span]
) -> list[Measure]:
    """Each rated measure with its tariff word (``_TRIGGER_RULES``) and its reading (``_read``);
    a measure no tariff word fits stays without one, and is dropped."""
    out: list[Measure] = []
    used: set[int] = set()
    for k, m in enumerate(numbers):
        prev = out[k - 1] if k else None
        floor = prev.last if prev is not None else sent.start
        found = first(_TRIGGER_RULES, m, floor, triggers, used)
        if found is not None:
            trigger, shared = found
            used.add(trigger.start)
            m = read_measure(ctx, sent, dataclasses.replace(m, shared=shared), trigger, prev)
        out.append(m)
    return out


def _rate_less(
    ctx: ExtractionContext, sent: Span, triggers: list[Span], used: set[int]
) -> list[Measure]:
    """Measures without a rate ("suspend the tariffs for five years"): a tariff word no rate
    took, when a status verb acts on it."""
    out = []
    for t in triggers:
        if t.start not in used:
            m = read_measure(ctx, sent, Measure(rate=None, first=t.start, last=t.end), t, None)
            if m.verb is not None:
                out.append(m)
    return out


# --- the tariff word of a rated measure: (trigger, shared) ----------------------------------------


def _trigger_after(
    m: Measure, floor: int, triggers: list[Span], used: set[int]
) -> tuple[Span, bool] | None:
    """ "a 25% tariff", "10% duties": a tariff word right after the numbers."""
    after = [t for t in triggers if m.last <= t.start <= m.last + 1]
    return (after[0], False) if after else None


def _trigger_before(
    m: Measure, floor: int, triggers: list[Span], used: set[int]
) -> tuple[Span, bool] | None:
    """ "tariffs of 25%": the last tariff word between the previous measure and the numbers
    that no measure took."""
    own = [t for t in triggers if floor <= t.start < m.first and t.start not in used]
    return (own[-1], False) if own else None


def _trigger_shared(
    m: Measure, floor: int, triggers: list[Span], used: set[int]
) -> tuple[Span, bool] | None:
    """ "tariffs of 10% on X and 25% on Y": the last tariff word before, already taken."""
    before = [t for t in triggers if t.start < m.first]
    return (before[-1], True) if before else None


_TRIGGER_RULES = (_trigger_after, _trigger_before, _trigger_shared)


# --- claims ---------------------------------------------------------------------------------------


def _claims(
    ctx: ExtractionContext,
    sent: Span,
    text: str,
    m: Measure,
    right: int,
    upper: tuple[Measure, int] | None = None,
) -> Iterator[Claim]:
    """The claims of one measure: one per target ("imports from the EU and Japan"), and one
    per side of a mutual measure ("Both the U.S. and EU agreed to suspend our tariffs"). The
    lower bound of a range reads its goods after the ``upper`` bound."""
    goods = goods_of(ctx, m, right)
    if upper is not None and goods.goods is None and goods.target is None:
        goods = goods_of(ctx, *upper)._replace(left=None)
    sides = _mutual_sides(ctx, m, goods)
    if sides:
        for imposer, other in sides:
            one = goods._replace(target=other, others=(), rule="tariff.target.mutual")
            side = dataclasses.replace(m, imposer=imposer)
            yield from _claims_of(ctx, sent, text, side, one, right)
        return
    # "Mexico and Canada agreed to lift their tariffs": each of the joined imposers acts
    imposers: list[Mention | None] = [None]
    if m.imposer is not None and m.imposer.others:  # "imposed by those countries"
        imposers = [m.imposer.mention, *m.imposer.others]
    elif m.imposer is not None:
        imposers = list(_joined_parties(ctx, m.imposer))
    for who in imposers:
        side = m
        if who is not None and m.imposer is not None and who is not m.imposer.mention:
            side = dataclasses.replace(m, imposer=m.imposer._replace(mention=who))
        # no side imposes on itself ("A and B will lift tariffs on imports from both countries")
        own = who if who is not None else (m.imposer.mention if m.imposer is not None else None)
        targets = [t for t in (goods.target, *goods.others) if not _same(t, own)]
        for target in targets or [None]:
            one = goods if target is goods.target else goods._replace(target=target, others=())
            if target is None and goods.target is not None:
                one = goods._replace(target=None, others=(), rule=None)
            yield from _claims_of(ctx, sent, text, side, one, right)


def _same(a: Mention | None, b: Mention | None) -> bool:
    return a is not None and b is not None and a.label == b.label


def _mutual_sides(
    ctx: ExtractionContext, m: Measure, goods: Goods
) -> list[tuple[Imposer, Mention]]:
    """ "Both the U.S. and EU agreed to suspend our tariffs", "China and the United States
    continued their tariffs": an imposer joined by "and" to other parties, the tariff word owned
    by "our"/"their" or the goods "each other's": each side imposes on the others."""
    imposer, trigger = m.imposer, m.trigger
    if imposer is None or trigger is None or goods.target is not None:
        return []
    rules = tables()
    owner = [c.lower_ for c in trigger.root.children if c.dep_ == "poss"]
    sentence = f" {ctx.sentence(trigger.start).text.lower()} "
    mutual = any(f" {w} " in sentence or f" {w}'s " in sentence for w in rules.mutual_words)
    if not (mutual or any(w in rules.mutual_owners for w in owner)):
        return []
    sides = _joined_parties(ctx, imposer)
    if len(sides) != 2:
        return []
    a, b = sides
    return [(imposer._replace(mention=a), b), (imposer._replace(mention=b), a)]


def _joined_parties(ctx: ExtractionContext, imposer: Imposer) -> list[Mention]:
    """The imposer and the parties joined to it by "and" ("Mexico and Canada"), each once;
    only for an imposer the sentence's parse gave (subject, governing clause)."""
    if imposer.rule not in {"tariff.imposer.subject", "tariff.imposer.governing"}:
        return [imposer.mention]
    doc = ctx.doc
    head = doc[ctx.token_at(imposer.mention.start)]
    while head.dep_ in {"compound", "det"} and head.head.i != head.i:
        head = head.head
    found: dict[str, Mention] = {imposer.mention.label: imposer.mention}
    for t in head.conjuncts:
        m = actor(ctx, t, PARTY_TYPES)
        if m is not None:
            found.setdefault(m.label, m)
    return list(found.values())


def _claims_of(
    ctx: ExtractionContext, sent: Span, text: str, m: Measure, goods: Goods, right: int
) -> Iterator[Claim]:
    """The claim of one measure on one target (its words end before token ``right``), the
    trade it covers as figures and, for "from A to B", the rate A, which was in force."""
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
    quota = quota_of(text, m.rate.start, m.rate.end) if m.rate is not None else None
    fields["quota"] = quota.amount if quota is not None else None
    fields["quota_side"] = quota.side if quota is not None else None
    fields["_quota_rule"] = "tariff.quota" if quota is not None else None
    fields["_imposer_path"] = imposer.path if imposer is not None else None
    rule = "tariff.rate_change" if m.previous else ("tariff.rate" if m.rate else "tariff.no_rate")
    confidence = tables().confidence[rule] - (
        0.1 if imposer_rule == "tariff.imposer.counterpart" else 0
    )
    hi_char = _evidence_end(ctx, base, m, goods, duration, effective)
    zero = _to_zero(ctx, m, goods, right)
    if zero is not None:  # "cut the tariff on American cars to zero"
        fields["rate_percent"] = 0.0
        hi_char = max(hi_char, ctx.doc[zero].idx + len(ctx.doc[zero].text))
    yield Claim("tariff", fields, ctx.evidence(lo_char, hi_char, NAME, confidence, rule))
    if value is not None:
        yield from _trade_figures(ctx, value, goods.goods, goods.end, [party, goods.target])
    if m.previous is not None and base + m.previous.end > lo_char:
        # the rate it came down (or up) from was itself in force (a rate of an earlier measure,
        # "a 25% tariff ..., which will increase to 30%", is that measure's claim)
        yield _previous_rate(ctx, fields, m.previous, lo_char, base + m.previous.end)


def _to_zero(ctx: ExtractionContext, m: Measure, goods: Goods, right: int) -> int | None:
    """ "cut the tariff on American cars to zero": a measure without a rate, reduced or
    removed "to" a `zero_words` word right after its tariff word or goods; that word's token."""
    if m.rate is not None or m.status not in {"reduced", "removed"}:
        return None
    doc = ctx.doc
    end = max(goods.end, m.trigger.end if m.trigger is not None else m.last)
    if end + 1 <= right and end + 1 < len(doc) and doc[end].lower_ == "to":
        return end + 1 if doc[end + 1].lower_ in tables().zero_words else None
    return None


def _counterpart(ctx: ExtractionContext, sent: Span, target: Mention | None) -> Imposer | None:
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
    return Imposer(other, "tariff.imposer.counterpart") if other is not None else None


def _duration(
    ctx: ExtractionContext, sent: Span, text: str, from_char: int, clause_end: int
) -> Duration | None:
    """ "for a 90-day period", "for five years": the first duration after a cue from the
    measure's numbers to the end of its clause (offsets relative to the sentence)."""
    for d in ctx.durations_in(sent):
        at = sent.start_char + d.start
        if from_char <= at < clause_end and tables().duration.search(text[: d.start]):
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
        if lo_char <= at < clause_end and tables().effective.search(text[: t.start]):
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
    m: Measure,
    goods: Goods,
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
    m: Measure,
    goods: Goods,
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
        "company": goods.company,
        "goods": goods.goods,
        "rate_percent": m.rate.value if m.rate else None,
        "previous_rate_percent": m.previous.value if m.previous else None,
        "duration": duration.iso if duration else None,
        "effective_date": effective.value if effective else None,
        "status": m.status,
        "instrument": m.instrument,
        "_trade_value": {"value": value.value, "currency": value.unit} if value else None,
        "_change_percent": m.change.value if m.change else None,
        "_effective_text": effective.text if effective else None,
        "_imposer_rule": imposer_rule,
        "_target_rule": goods.rule,
        "_company_rule": "tariff.company" if goods.company is not None else None,
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
    confidence = tables().confidence["tariff.previous_rate"]
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
    rules, text, doc = tables(), ctx.document.text, ctx.doc
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
