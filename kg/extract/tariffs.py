"""Tariff measures: who imposes them on whose goods, at what rate, since when, for how long.

"Trump dropping tariffs on Chinese goods from 145 per cent to 30 per cent for a 90-day period",
"China cutting its tariffs on US imports from 125% to 10%", "a 25 percent tariff on steel",
"raised duties to 25%", "counter-tariffs of 25% on C$30 billion of US goods", "tariffs that had
reached as high as 145% on Chinese goods and 125% on U.S. exports" (two measures). Work is done
sentence by sentence, only on sentences holding a tariff word (one PhraseMatcher pass).

A person acting on tariffs acts for a country: kg.extract.countries.acting_country resolves a
head of state, minister or trade representative to the country their title names in the
document (rules ``actor.*`` of ontology/rules/tariffs.yaml), and a government body to its
lexicon country.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans
from spacy.vocab import Vocab

from kg.extract import ExtractionContext, register
from kg.extract.countries import acting_country, country_counts, country_mention
from kg.extract.figures import figure_fields
from kg.extract.numbers import Quantity, find_durations, find_money, find_percents
from kg.extract.speakers import mention_of
from kg.extract.syntax import phrase_matcher
from kg.model import Claim, Mention
from kg.resources import load_yaml
from kg.timex import find_timexes

NAME = "kg.tariffs.v1"
_ACTOR_TYPES = {"Country", "Organization", "GovernmentBody", "InternationalOrganization", "Person"}
_SKIP_LEFT = {"ADV", "AUX", "PART"}


@dataclass(frozen=True)
class _Rules:
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
    enacting: frozenset[str]
    facing: frozenset[str]
    trade_subject: str


@functools.cache
def _rules() -> _Rules:
    data = load_yaml("rules/tariffs.yaml")

    def cue(words: list[str]) -> re.Pattern[str]:
        alt = "|".join(r"\s+".join(map(re.escape, w.split())) for w in sorted(words, key=len)[::-1])
        return re.compile(rf"(?:^|\W)(?:{alt})(?:\s+(?:a|an|the))?(?:\s+period\s+of)?\s*$", re.I)

    return _Rules(
        confidence={r["id"]: float(r["confidence"]) for r in data["rules"]},
        triggers=tuple(data["triggers"]) + tuple(data["conditional_triggers"]),
        trigger_words=frozenset(w.lower() for w in data["triggers"] if " " not in w),
        conditional=frozenset(data["conditional_triggers"]),
        conditional_goods=frozenset(data["conditional_goods"]),
        value_hedges=frozenset(data["value_hedges"]),
        status={w.lower(): s for s, ws in data["status_verbs"].items() for w in ws},
        adjectives={w.lower(): s for s, ws in data["status_adjectives"].items() for w in ws},
        change_words=frozenset(data["change_words"]),
        stops=frozenset(data["goods_stops"]),
        effective=cue(data["effective_cues"]),
        duration=cue(data["duration_cues"]),
        enacting=frozenset(data["enacting_verbs"]),
        facing=frozenset(data["facing_verbs"]),
        trade_subject=str(data["trade_value_subject"]),
    )


def _matcher(vocab: Vocab) -> PhraseMatcher:
    return phrase_matcher(vocab, NAME, {t: t for t in _rules().triggers})


# --- measures -------------------------------------------------------------------------------------


@dataclass
class _Measure:
    rate: Quantity | None
    previous: Quantity | None = None
    change: Quantity | None = None
    first: int = 0  # token index of the first number of the measure
    last: int = 0  # token index after its last number
    left: int = 0  # token where the measure's own words (verb, trigger, imposer) start
    trigger: Span | None = None
    shared: bool = False
    verb: int | None = None
    status: str | None = None
    imposer: Mention | None = None
    imposer_rule: str | None = None


@register(NAME)
def extract_tariffs(ctx: ExtractionContext) -> Iterator[Claim]:
    """Yield tariff claims from the sentences that hold a tariff word."""
    doc = ctx.doc
    spans = filter_spans([doc[s:e] for _, s, e in _matcher(doc.vocab)(doc)])
    by_sentence: dict[int, list[Span]] = {}
    for span in spans:
        if span.text.lower() in _rules().conditional and not _conditional_ok(ctx, span):
            continue
        by_sentence.setdefault(ctx.sentence(span.start).start, []).append(span)
    for start, triggers in by_sentence.items():
        yield from _sentence(ctx, ctx.sentence(start), triggers)


def _conditional_ok(ctx: ExtractionContext, span: Span) -> bool:
    """ "taxes on American imports" is a tariff; "taxes on income" is not."""
    doc = ctx.doc
    if span.end >= len(doc) or doc[span.end].lower_ != "on":
        return False
    window = doc[span.end + 1 : min(span.end + 5, ctx.sentence(span.start).end)]
    return any(t.lower_ in _rules().conditional_goods for t in window)


def _sentence(ctx: ExtractionContext, sent: Span, triggers: list[Span]) -> Iterator[Claim]:
    base = sent.start_char
    text = ctx.document.text[sent.start_char : sent.end_char]
    measures = _measures(ctx, sent, list(find_percents(text)))
    used: set[int] = set()
    for k, m in enumerate(measures):
        floor = measures[k - 1].last if k else sent.start
        own = [t for t in triggers if floor <= t.start < m.first and t.start not in used]
        after = [t for t in triggers if m.last <= t.start <= m.last + 1]
        if after:  # "a 25% tariff", "10% duties"
            m.trigger = after[0]
        elif own:
            m.trigger = own[-1]
        else:
            before = [t for t in triggers if t.start < m.first]
            if not before:
                continue
            m.trigger, m.shared = before[-1], True
        used.add(m.trigger.start)
        _status_and_imposer(ctx, sent, m, measures[k - 1] if k else None)
    for t in triggers:  # measures without a rate: "suspend the tariffs for five years"
        if t.start in used:
            continue
        m = _Measure(rate=None, first=t.start, last=t.end, trigger=t)
        _status_and_imposer(ctx, sent, m, None)
        if m.verb is not None:
            measures.append(m)
    measures = [m for m in measures if m.trigger is not None]
    measures.sort(key=lambda m: m.first)
    for k, m in enumerate(measures):
        right = measures[k + 1].left if k + 1 < len(measures) else sent.end
        yield from _claims(ctx, sent, base, text, m, max(right, m.last))


def _measures(ctx: ExtractionContext, sent: Span, pcts: list[Quantity]) -> list[_Measure]:
    """Rates, "from A to B" pairs and changes ("by 10 points") of one sentence, in order."""
    text = ctx.document.text[sent.start_char : sent.end_char]
    rules = _rules()
    out: list[_Measure] = []
    changes: list[Quantity] = []
    i = 0
    while i < len(pcts):
        p = pcts[i]
        words_before = text[max(0, p.start - 20) : p.start].lower().split()
        if p.kind == "points" or (words_before and words_before[-1] in rules.change_words):
            changes.append(p)
        elif (
            words_before
            and words_before[-1] == "from"
            and i + 1 < len(pcts)
            and text[p.end : pcts[i + 1].start].strip().lower() == "to"
        ):
            q = pcts[i + 1]
            out.append(_Measure(rate=q, previous=p))
            i += 1
        else:
            out.append(_Measure(rate=p))
        i += 1
    if not out and changes:
        out.append(_Measure(rate=None, change=changes.pop(0)))
    for c in changes:  # a change belongs to the measure nearest to it
        if out:
            min(out, key=lambda m: abs((m.rate or m.change or c).start - c.start)).change = c
    for m in out:
        items = [q for q in (m.previous, m.rate, m.change) if q is not None]
        m.first = ctx.token_at(sent.start_char + min(q.start for q in items))
        m.last = ctx.token_at(sent.start_char + max(q.end for q in items) - 1) + 1
    return out


def _status_and_imposer(
    ctx: ExtractionContext, sent: Span, m: _Measure, prev: _Measure | None
) -> None:
    doc = ctx.doc
    rules = _rules()
    assert_trigger = m.trigger
    if assert_trigger is None:
        return
    floor = prev.last if prev is not None else sent.start
    lo = m.first if m.shared else min(assert_trigger.start, m.first)
    for i in range(m.first - 1, max(floor, sent.start) - 1, -1):  # nearest status verb to the left
        if assert_trigger.start <= i < assert_trigger.end:
            continue
        word = doc[i].lower_
        two = f"{doc[i].lower_} {doc[i + 1].lower_}" if i + 1 < len(doc) else ""
        if two in rules.status or (word in rules.status and doc[i].pos_ in {"VERB", "AUX", "NOUN"}):
            m.verb, m.status = i, rules.status.get(two) or rules.status[word]
            lo = min(lo, i)
            break
    if m.status is None and assert_trigger.start >= m.first:  # "the 10% tariffs imposed by X"
        for i in range(assert_trigger.end, min(assert_trigger.end + 2, sent.end)):
            if doc[i].lower_ in rules.status and doc[i].tag_ == "VBN":
                m.verb, m.status = i, rules.status[doc[i].lower_]
                break
    if m.status is None:
        for i in range(assert_trigger.start - 1, max(floor, assert_trigger.start - 3) - 1, -1):
            if doc[i].lower_ in rules.adjectives:
                m.status = rules.adjectives[doc[i].lower_]
                break
    if m.status is None and m.previous is not None and m.rate is not None:
        m.status = "reduced" if m.rate.value < m.previous.value else "raised"
    if m.status is None and m.shared and prev is not None:
        m.status = prev.status
    # Imposer: a modifier of the trigger, the subject of the verb, "by X", else inherited.
    j = assert_trigger.start - 1
    while j >= floor and (doc[j].lower_ in rules.adjectives or doc[j].pos_ == "ADJ"):
        j -= 1
    if j >= floor and doc[j].text in {"'s", "’s"}:
        j -= 1
    mod = mention_of(ctx, doc[j]) if j >= floor and doc[j].lower_ not in {"its", "their"} else None
    if mod is not None and mod.type in _ACTOR_TYPES:
        m.imposer, m.imposer_rule = mod, "tariff.imposer.modifier"
        lo = min(lo, ctx.token_at(mod.start))
    if m.imposer is None and m.verb is not None and m.verb > assert_trigger.start:
        agent = _agent(ctx, m.verb)
        if agent is not None:
            m.imposer, m.imposer_rule = agent, "tariff.imposer.agent"
    if m.imposer is None and m.verb is not None and m.verb < assert_trigger.start:
        k = m.verb - 1
        while k >= floor and doc[k].pos_ in _SKIP_LEFT:
            k -= 1
        subj = mention_of(ctx, doc[k]) if k >= floor else None
        if subj is not None and subj.type in _ACTOR_TYPES:
            m.imposer, m.imposer_rule = subj, "tariff.imposer.subject"
            lo = min(lo, ctx.token_at(subj.start))
        else:
            agent = _agent(ctx, m.verb)
            if agent is not None:
                m.imposer, m.imposer_rule = agent, "tariff.imposer.agent"
    if m.imposer is None and m.verb is not None:
        governing = _governing_actor(ctx, doc[m.verb])
        if governing is not None:
            m.imposer, m.imposer_rule = governing, "tariff.imposer.governing"
    if m.status is None and m.imposer is None and _conjoined(assert_trigger, prev):
        assert prev is not None  # "imposed a 10% tariff on X and a 25% tariff on Y"
        m.status, m.verb = prev.status, prev.verb
        m.imposer, m.imposer_rule = prev.imposer, prev.imposer_rule
    if (
        m.imposer is None
        and m.shared
        and prev is not None
        and prev.imposer_rule != ("tariff.imposer.counterpart")
    ):
        m.imposer, m.imposer_rule = prev.imposer, prev.imposer_rule
    m.left = max(lo, floor)


def _conjoined(trigger: Span, prev: _Measure | None) -> bool:
    """Whether ``trigger`` is a conjunct of the previous measure's tariff noun."""
    if prev is None or prev.trigger is None:
        return False
    root = trigger.root
    return root.dep_ == "conj" and prev.trigger.start <= root.head.i < prev.trigger.end


def _governing_actor(ctx: ExtractionContext, verb: Token) -> Mention | None:
    """Who acts through a verb without a subject of its own: the subject of the clause it
    depends on ("X moved to raise duties", "X signed proclamations imposing tariffs"), or the
    object of a verb that makes it act ("X urged Y to impose tariffs"). A participle hanging on
    a noun counts only when an enacting verb governs that noun (``enacting_verbs``)."""
    if any(c.dep_ in {"nsubj", "nsubjpass"} for c in verb.children):
        return None  # its own subject, which the subject rule read
    tok = verb
    for _ in range(4):
        if tok.dep_ == "acl" and tok.head.pos_ in {"NOUN", "PROPN"}:
            noun = tok.head
            if noun.dep_ != "dobj" or noun.head.lower_ not in _rules().enacting:
                return None
            tok = noun.head
        elif tok.dep_ in {"xcomp", "conj", "advcl"} and tok.head is not tok:
            tok = tok.head
        else:
            return None
        if tok.dep_ == "xcomp" or verb.dep_ == "xcomp":
            obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
            mention = mention_of(ctx, obj) if obj is not None else None
            if mention is not None and mention.type in _ACTOR_TYPES:
                return mention  # object control: "urged Canada to impose"
        subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
        if subj is not None:
            # A dateline parsed as the subject ("WASHINGTON, March 8 - President X on Thursday
            # signed"): the person is its apposition.
            for word in [subj, *(c for c in subj.children if c.dep_ == "appos")]:
                mention = mention_of(ctx, word)
                if mention is not None and mention.type in _ACTOR_TYPES:
                    return mention
            return None
    return None


def _agent(ctx: ExtractionContext, verb: int) -> Mention | None:
    """ "imposed by the United States": the agent of a passive status verb."""
    doc = ctx.doc
    if verb + 2 >= len(doc) or doc[verb + 1].lower_ != "by":
        return None
    j = verb + 2 + (doc[verb + 2].lower_ == "the")
    agent = mention_of(ctx, doc[j]) if j < len(doc) else None
    return agent if agent is not None and agent.type in _ACTOR_TYPES else None


def _goods(
    ctx: ExtractionContext, m: _Measure, right: int
) -> tuple[str | None, Mention | None, str | None, Quantity | None, int]:
    """Goods words, target country, the rule that found it, trade value and the last token used."""
    doc = ctx.doc
    rules = _rules()
    trigger = m.trigger
    assert trigger is not None
    k = m.last
    if k < right and k < len(doc) and doc[k].lower_ in {"tariff", "tariffs", "duty", "duties"}:
        k += 1
    ons = [i for i in range(trigger.end, right) if _goods_on(doc, i)]
    if k < right and _goods_on(doc, k):
        on: int | None = k
    elif trigger.start < m.first:
        on = next((i for i in ons if i < m.first), None)
    else:
        on = next((i for i in ons if i < trigger.end + 8), None)
    if on is None:
        facing = _facing_goods(ctx, trigger)
        if facing is None:
            return None, None, None, None, m.last
        m.left = min(m.left, facing[0].start)  # the evidence covers the goods
        return facing[0].text, facing[1], "tariff.target.facing", None, m.last
    i = on + 1
    while i + 1 < right and doc[i].lower_ in _rules().value_hedges:
        i += 1  # "on up to C$16.6 billion", "on nearly $50 billion", "on about $200 billion"
    value = None
    money = list(find_money(doc[i:right].text)) if i < right else []
    if money and money[0].start == 0:
        offset = doc[i].idx  # the value's offsets become the document's
        value = dataclasses.replace(money[0], start=offset, end=offset + money[0].end)
        i = ctx.token_at(value.end - 1) + 1
        if i < right and doc[i].text == "(":  # "C$16.6 billion ($12.8 billion) of goods"
            close = next((j for j in range(i, right) if doc[j].text == ")"), None)
            i = close + 1 if close is not None else i
        while i < right and doc[i].lower_ in {"worth", "of", "in"}:
            i += 1
    start = i
    target: Mention | None = None
    rule = None
    while i < right and i - start < 6:
        tok = doc[i]
        if tok.lower_ in rules.stops and not (tok.lower_ in {"from", "of"} and _origin(ctx, i)):
            break
        if tok.is_space or (tok.is_punct and tok.text not in {"-", "'s", "’s"}) or tok.like_num:
            break
        if (
            tok.pos_ in {"VERB", "AUX"}
            and tok.tag_ not in {"VBN", "VBG"}  # "on imported steel", "on finished goods"
            and mention_of(ctx, tok) is None
        ):
            break
        if tok.lower_ in {"from", "of"}:
            origin = _origin(ctx, i)
            if origin is not None:
                target, rule = origin, "tariff.target.goods_country"
                i = ctx.token_at(origin.end - 1) + 1
                break
        mm = mention_of(ctx, tok)
        if mm is not None and target is None and mm.type in _ACTOR_TYPES - {"Person"}:
            target = mm
        i += 1
    while i > start and doc[i - 1].lower_ in {"the", "a", "an", "and"}:
        i -= 1
    if i == start:
        return None, None, None, value, i
    words = doc[start:i]
    if target is not None and rule is None:
        only = target.start == words.start_char and target.end >= words.end_char - 2
        rule = "tariff.target.country" if only else "tariff.target.goods_country"
        goods = None if only else words.text
    else:
        goods = words.text
    return goods, target, rule, value, i


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
    for tok in goods:
        m = mention_of(ctx, tok)
        if m is not None and m.type in _ACTOR_TYPES - {"Person"}:
            return goods, m
    return goods, None


def _goods_on(doc: Doc, i: int) -> bool:
    """ "on"/"against" opening a goods phrase (not "on June 1", "on Thursday")."""
    if doc[i].lower_ not in {"on", "against"} or i + 1 >= len(doc):
        return False
    nxt = doc[i + 1]
    return nxt.ent_type_ not in {"DATE", "TIME"} and not nxt.like_num


def _origin(ctx: ExtractionContext, i: int) -> Mention | None:
    doc = ctx.doc
    j = i + 1 + (i + 1 < len(doc) and doc[i + 1].lower_ == "the")
    m = mention_of(ctx, doc[j]) if j < len(doc) else None
    return m if m is not None and m.type in _ACTOR_TYPES - {"Person"} else None


def _claims(
    ctx: ExtractionContext, sent: Span, base: int, text: str, m: _Measure, right: int
) -> Iterator[Claim]:
    doc = ctx.doc
    rules = _rules()
    goods, target, target_rule, value, goods_end = _goods(ctx, m, right)
    if m.rate is None and m.change is None and m.imposer is None and target is None:
        return
    imposer, imposer_rule = m.imposer, m.imposer_rule
    if imposer is None and target is not None and target.type == "Country":
        imposer = _counterpart(ctx, sent, target)
        imposer_rule = "tariff.imposer.counterpart" if imposer is not None else None
    actor_rule = None
    if imposer is not None:
        imposer, actor_rule = acting_country(ctx, imposer)
    lo_char = doc[m.left].idx
    hi_tok = max(m.last, goods_end, m.trigger.end if m.trigger is not None else 0)
    clause_end = doc[right - 1].idx + len(doc[right - 1].text) if right > 0 else sent.end_char
    duration = effective = None
    for d in find_durations(text):
        at = base + d.start
        if doc[m.first].idx <= at < clause_end and rules.duration.search(text[: d.start]):
            duration = d
            hi_tok = max(hi_tok, ctx.token_at(base + d.end - 1) + 1)
            break
    for t in find_timexes(text, ctx.document.published):
        at = base + t.start
        if lo_char <= at < clause_end and rules.effective.search(text[: t.start]):
            effective = t
            hi_tok = max(hi_tok, ctx.token_at(base + t.end - 1) + 1)
            break
    if value is None:
        for q in find_money(text):
            if lo_char <= base + q.start < clause_end:
                value = dataclasses.replace(q, start=base + q.start, end=base + q.end)
                break
    hi_char = doc[min(hi_tok, len(doc)) - 1].idx + len(doc[min(hi_tok, len(doc)) - 1].text)
    rule = "tariff.rate_change" if m.previous else ("tariff.rate" if m.rate else "tariff.no_rate")
    confidence = rules.confidence[rule] - (
        0.1 if imposer_rule == "tariff.imposer.counterpart" else 0
    )
    fields: dict[str, Any] = {
        "imposed_by": imposer,
        "target": target,
        "goods": goods,
        "rate_percent": m.rate.value if m.rate else None,
        "previous_rate_percent": m.previous.value if m.previous else None,
        "duration": duration.iso if duration else None,
        "effective_date": effective.value if effective else None,
        "status": m.status,
        "_trade_value": {"value": value.value, "currency": value.unit} if value else None,
        "_change_percent": m.change.value if m.change else None,
        "_effective_text": effective.text if effective else None,
        "_imposer_rule": actor_rule or imposer_rule,
        "_target_rule": target_rule,
    }
    yield Claim("tariff", fields, ctx.evidence(lo_char, hi_char, NAME, confidence, rule))
    if value is not None:
        yield from _trade_figures(ctx, value, goods, goods_end, [imposer, target], rules)
    if m.previous is not None:  # the rate it came down (or up) from was itself in force
        p0 = base + m.previous.start
        prev_fields = dict(
            fields,
            rate_percent=m.previous.value,
            previous_rate_percent=None,
            duration=None,
            effective_date=None,
            status=None,
            _trade_value=None,
            _effective_text=None,
        )
        yield Claim(
            "tariff",
            prev_fields,
            ctx.evidence(
                lo_char,
                p0 + (m.previous.end - m.previous.start),
                NAME,
                rules.confidence["tariff.previous_rate"],
                "tariff.previous_rate",
            ),
        )


def _trade_figures(
    ctx: ExtractionContext,
    value: Quantity,
    goods: str | None,
    goods_end: int,
    parties: list[Mention | None],
    rules: _Rules,
) -> Iterator[Claim]:
    """The trade a measure covers as figures ("tariffs on up to C$16.6 billion ($12.8 billion) of
    American goods"): one per currency written, the conversion in brackets included. The goods
    are part of the subject, so two measures on different goods do not conflict."""
    text = ctx.document.text
    values = [value]
    after = text[value.end : value.end + 60]
    if after.startswith(" (") or after.startswith("("):
        skip = after.index("(") + 1
        inner = list(find_money(after[skip:]))
        if inner and inner[0].start == 0 and after[skip + inner[0].end :].startswith(")"):
            q = inner[0]
            start = value.end + skip
            values.append(dataclasses.replace(q, start=start, end=start + q.end))
    doc = ctx.doc
    end = max(values[-1].end, doc[goods_end - 1].idx + len(doc[goods_end - 1].text))
    entities = {m.label: m for m in parties if m is not None}
    for q in values:
        fields = figure_fields(
            f"{rules.trade_subject} on {goods}" if goods else rules.trade_subject,
            q.value,
            q.unit,
            entities.values(),
            as_written=text[q.start : q.end],
            entities_rule="figure.entities.tariff",
        )
        confidence = rules.confidence["tariff.trade_value"]
        evidence = ctx.evidence(values[0].start, end, NAME, confidence, "tariff.trade_value")
        yield Claim("figure", fields, evidence)


def _counterpart(ctx: ExtractionContext, sent: Span, target: Mention) -> Mention | None:
    """The other country when exactly two take part (the sentence's, else the document's two)."""
    in_sentence = {
        m.label: m for m in ctx.mentions_in(sent.start_char, sent.end_char) if m.type == "Country"
    }
    if len(in_sentence) == 2 and target.label in in_sentence:
        return next(m for label, m in in_sentence.items() if label != target.label)
    top = country_counts(ctx).most_common(3)
    if len(top) >= 2 and (len(top) == 2 or top[1][1] > top[2][1]):
        pair = [top[0][0], top[1][0]]
        if target.label in pair:
            other = pair[1 - pair.index(target.label)]
            return country_mention(ctx, other)
    return None
