"""What a tariff measure falls on: its goods, their country (the target) and the trade it
covers, by ordered rules (``GOODS_RULES``: the phrase after "on", whose start ``_ON_RULES``
finds, else the subject of a facing verb)."""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

from spacy.tokens import Doc, Span, Token

from kg.extract.context import ExtractionContext
from kg.extract.numbers import Quantity, find_money
from kg.extract.speakers import mention_of
from kg.extract.tariff_parts import (
    PARTY_TYPES,
    Measure,
    actor,
    first,
    referred,
    referring_end,
    tables,
)
from kg.model import Mention

# --- goods and target: what a measure falls on ----------------------------------------------------


class Goods(NamedTuple):
    """What a measure falls on: goods words, the target and the trade value covered."""

    goods: str | None
    target: Mention | None
    rule: str | None  # the rule id kept in `_target_rule`
    value: Quantity | None  # the trade the measure covers, in document offsets
    end: int  # the token after the last one used
    left: int | None = None  # token where the goods start, when written before the measure
    others: tuple[Mention, ...] = ()  # further targets ("imports from the EU and Japan")
    company: Mention | None = None  # the one firm of a per-company rate ("17.4% for BYD")


def goods_of(ctx: ExtractionContext, m: Measure, right: int) -> Goods:
    """What ``m`` falls on (words before token ``right``): the first of ``GOODS_RULES``, and
    the company of a per-company rate (``_company``)."""
    found = first(GOODS_RULES, ctx, m, right)
    goods = found if found is not None else Goods(None, None, None, None, m.last)
    company = _company(ctx, m, right)
    if company is None:
        return goods
    if goods.goods is not None and goods.goods.strip() == company.text or _same_span(
        goods.target, company
    ):  # "17.4% on BYD": the firm is neither the goods nor the target
        goods = Goods(None, None, None, goods.value, goods.end)
    end = max(goods.end, ctx.token_at(company.end - 1) + 1)
    return goods._replace(company=company, end=end)


def _same_span(a: Mention | None, b: Mention) -> bool:
    return a is not None and a.start == b.start and a.end == b.end


def _company(ctx: ExtractionContext, m: Measure, right: int) -> Mention | None:
    """ "duties of 17.4% for BYD, 20% for Geely", "38.1% on SAIC": a company (an organisation
    that is no government, body or international organisation) right after a rate, after "for"
    or "on" (past its tariff word: "a 17.4% duty on BYD") (rule tariff.company)."""
    if m.rate is None:
        return None
    doc, k = ctx.doc, m.last
    if k < right and doc[k].lower_ in tables().trigger_words:
        k += 1
    if k + 1 >= right or doc[k].lower_ not in {"for", "on"}:
        return None
    found = mention_of(ctx, doc[k + 1])
    if found is None or found.type not in tables().company_types:
        return None
    return found


def _goods_after_on(ctx: ExtractionContext, m: Measure, right: int) -> Goods | None:
    """ "tariffs on Chinese goods", "on imports from Mexico", "against Canada", "on up to C$16.6
    billion ($12.8 billion) of American goods": the trade value and the goods after "on"."""
    on = first(_ON_RULES, ctx, m, right)
    if on is None:
        return None
    value, start = _trade_value(ctx, _skip_hedges(ctx, on + 1, right), right)
    end, target, rule = _goods_words(ctx, start, right)
    while end > start and ctx.doc[end - 1].lower_ in {"the", "a", "an", "and"}:
        end -= 1
    if end == start:
        return Goods(None, None, None, value, end)
    end = _examples_end(ctx, end, right)
    words = ctx.doc[start:end]
    if rule == _REFERRED_RULE:  # "imports from those countries": one measure per party
        parties = referred(ctx, start)
        if not parties:
            return Goods(words.text, None, None, value, end)
        return Goods(words.text, parties[0], rule, value, end, others=tuple(parties[1:]))
    if target is not None and rule == _ORIGIN_RULE:
        others = _conjoined_origins(ctx, end, right)
        if others:  # "imports from the European Union and Japan": one measure per country
            end = ctx.token_at(others[-1].end - 1) + 1
            words = ctx.doc[start:end]
        return Goods(words.text, target, rule, value, end, others=others)
    if target is None or rule is not None:
        return Goods(words.text, target, rule, value, end)
    if target.start == words.start_char and target.end >= words.end_char - 2:
        return Goods(None, target, "tariff.target.country", value, end)  # "tariffs on China"
    return Goods(words.text, target, "tariff.target.goods_country", value, end)


def _goods_facing(ctx: ExtractionContext, m: Measure, right: int) -> Goods | None:
    """ "Canadian steel will face a tariff of 25 percent": the subject of a facing verb."""
    facing = _facing_goods(ctx, m.trigger) if m.trigger is not None else None
    if facing is None:
        return None
    goods, target = facing
    return Goods(goods.text, target, "tariff.target.facing", None, m.last, left=goods.start)


GOODS_RULES = (_goods_after_on, _goods_facing)


def _on_after_numbers(ctx: ExtractionContext, m: Measure, right: int) -> int | None:
    """ "tariffs of 25% on steel", "25% tariffs on steel": "on" right after the numbers (and a
    tariff word after them)."""
    doc, k = ctx.doc, m.last
    if k < right and k < len(doc) and doc[k].lower_ in {"tariff", "tariffs", "duty", "duties"}:
        k += 1
    return k if k < right and _goods_on(doc, k) else None


def _on_before_numbers(ctx: ExtractionContext, m: Measure, right: int) -> int | None:
    """ "tariffs on Chinese goods from 145 per cent to 30 per cent": with the tariff word before
    the numbers, the first "on" between them."""
    trigger = m.trigger
    if trigger is None or trigger.start >= m.first:
        return None
    return next((i for i in range(trigger.end, min(right, m.first)) if _goods_on(ctx.doc, i)), None)


def _on_after_trigger(ctx: ExtractionContext, m: Measure, right: int) -> int | None:
    """ "a 25% tariff imposed by X on steel": with the tariff word after the numbers, the first
    "on" within eight words of it."""
    trigger = m.trigger
    if trigger is None or trigger.start < m.first:
        return None
    end = min(right, trigger.end + 8)
    return next((i for i in range(trigger.end, end) if _goods_on(ctx.doc, i)), None)


_ON_RULES = (_on_after_numbers, _on_before_numbers, _on_after_trigger)


def _goods_on(doc: Doc, i: int) -> bool:
    """ "on"/"against" opening a goods phrase (not "on June 1", "on Thursday"), or "for" when
    a word of ``goods_for`` follows in its phrase ("tariffs for steel and aluminum imports",
    not "tariffs for five years")."""
    word = doc[i].lower_
    if word not in {"on", "against", "for"} or i + 1 >= len(doc):
        return False
    nxt = doc[i + 1]
    if nxt.ent_type_ in {"DATE", "TIME"} or nxt.like_num:
        return False
    if word != "for":
        return True
    for tok in doc[i + 1 : i + 8]:
        if tok.lower_ in tables().goods_for:
            return True
        if tok.is_punct or tok.pos_ in {"VERB", "AUX"}:
            return False
    return False


def _skip_hedges(ctx: ExtractionContext, i: int, right: int) -> int:
    """Past "up to", "nearly", "about" before a trade value ("on up to C$16.6 billion")."""
    while i + 1 < right and ctx.doc[i].lower_ in tables().value_hedges:
        i += 1
    return i


def _trade_value(ctx: ExtractionContext, i: int, right: int) -> tuple[Quantity | None, int]:
    """A sum of money starting at token ``i`` ("C$16.6 billion ($12.8 billion) worth of"), in
    document offsets, and the token where the goods after it start."""
    doc = ctx.doc
    money = next(iter(find_money(doc[i:right].text)), None) if i < right else None
    if money is None or money.start != 0:
        return None, _past_vague_amount(ctx, i, right)
    offset = doc[i].idx  # the value's offsets become the document's
    value = dataclasses.replace(money, start=offset, end=offset + money.end)
    i = ctx.token_at(value.end - 1) + 1
    if i < right and doc[i].text == "(":  # "C$16.6 billion ($12.8 billion) of goods"
        close = next((j for j in range(i, right) if doc[j].text == ")"), None)
        i = close + 1 if close is not None else i
    while i < right and doc[i].lower_ in {"worth", "of", "in"}:
        i += 1
    return value, i


def _past_vague_amount(ctx: ExtractionContext, i: int, right: int) -> int:
    """Past an amount with no number ("billions of dollars of goods", "hundreds of millions of
    euros worth of"): the token where the goods start; ``i`` when there is none."""
    doc, rules = ctx.doc, tables()
    j = i
    while j < right and doc[j].lower_ in rules.vague_amounts:
        j += 1
        if j < right and doc[j].lower_ == "of":
            j += 1
    if j == i or j >= right or doc[j].lower_ not in rules.currency_words:
        return i
    j += 1
    while j < right and doc[j].lower_ in {"worth", "of"}:
        j += 1
    return j


def _goods_words(
    ctx: ExtractionContext, start: int, right: int
) -> tuple[int, Mention | None, str | None]:
    """The goods phrase from token ``start`` (at most eight words): its end, the first country
    or organisation in it, and the rule when an origin ended it ("imports from Mexico")."""
    doc = ctx.doc
    target: Mention | None = None
    i = start
    while i < right and i - start < 8:
        tok = doc[i]
        origin = _origin(ctx, i) if tok.lower_ in {"from", "of"} else None
        if origin is None and tok.lower_ in {"from", "of"}:
            referring = referring_end(doc, i + 1, right)
            if referring is not None:
                return referring, None, _REFERRED_RULE
        if _joins_goods(ctx, i, right) or _of_goods(ctx, i, right):
            i += 1
            continue
        if i > start and tok.pos_ == "ADV":  # "... steel products late on Wednesday"
            break
        if _ends_goods(ctx, tok, origin):
            break
        if origin is not None:
            after = ctx.token_at(origin.end - 1) + 1
            if after < right and doc[after].pos_ == "NOUN":  # "a wide range of European goods"
                target, i = origin, after
                continue
            return after, origin, _ORIGIN_RULE
        if target is None:
            target = _party(ctx, tok)
        i += 1
    return i, target, None


def _party(ctx: ExtractionContext, tok: Token) -> Mention | None:
    """The country or organisation ``tok`` names: a mention, or an adjective of the rule file's
    ``goods_demonyms`` ("European goods" -> European Union)."""
    found = actor(ctx, tok, PARTY_TYPES)
    label = tables().goods_demonyms.get(tok.text) if found is None else None
    if label is None:
        return found
    entry = ctx.lexicon.entries.get(f"org:{label}") or ctx.lexicon.entries.get(f"country:{label}")
    etype, wikidata, key = (
        (entry.type, entry.wikidata, entry.key) if entry else ("Country", None, None)
    )
    return Mention(
        tok.text, label, etype, tok.idx, tok.idx + len(tok.text), wikidata, key, "demonym"
    )


_ORIGIN_RULE = "tariff.target.goods_country"
_REFERRED_RULE = "tariff.target.referred"


def _conjoined_origins(ctx: ExtractionContext, i: int, right: int) -> tuple[Mention, ...]:
    """The countries joined by "and" (or commas) to an origin ending at token ``i``."""
    doc, found = ctx.doc, []
    while i + 1 < right and doc[i].lower_ in {"and", ","}:
        j = i + 1 + (doc[i + 1].lower_ == "the")
        m = actor(ctx, doc[j], PARTY_TYPES) if j < right else None
        if m is None:
            break
        found.append(m)
        i = ctx.token_at(m.end - 1) + 1
    return tuple(found)


def _examples_end(ctx: ExtractionContext, end: int, right: int) -> int:
    """The goods phrase ending at token ``end`` with the examples that name them ("certain
    U.S. products, including chickpeas, lentils and almonds"): after a word of
    ``goods_examples``, up to the end of the list (the sentence's end, a semicolon, a bracket,
    a verb, a tariff word or a word that ends goods: "from next month")."""
    doc = ctx.doc
    k = end + (end < right and doc[end].text == ",")
    cue = next(
        (w for w in tables().goods_examples if [t.lower_ for t in doc[k : k + len(w)]] == list(w)),
        None,
    )
    if cue is None or k + len(cue) >= right:
        return end
    i = last = k + len(cue)
    while i < right:
        tok = doc[i]
        if tok.text in {";", ":", "(", ")", "—", "–"} or tok.is_space or tok.like_num:
            break
        if tok.pos_ in {"VERB", "AUX"} and tok.tag_ not in {"VBN", "VBG"}:
            break
        if tok.lower_ in tables().trigger_words or (tok.is_punct and tok.text not in {",", "-"}):
            break
        if tok.lower_ in tables().stops and tok.lower_ not in {"and", "or", "of"}:
            break  # "..., including soybeans and pork, from next month"
        if not tok.is_punct and tok.lower_ not in {"and", "or"}:
            last = i + 1
        i += 1
    return last if last > k + len(cue) else end


def _joins_goods(ctx: ExtractionContext, i: int, right: int) -> bool:
    """Whether "and"/"or" at token ``i`` joins two goods ("steel and aluminum imports"): a
    common noun or adjective follows, not a party, a number or a tariff word ("tariffs on
    steel and 10% on aluminum", "on steel and duties on ...")."""
    doc = ctx.doc
    if doc[i].lower_ not in {"and", "or"} or i + 1 >= right:
        return False
    return _goods_word(ctx, doc[i + 1], {"NOUN", "ADJ"})


def _of_goods(ctx: ExtractionContext, i: int, right: int) -> bool:
    """Whether "of" at token ``i`` goes on naming goods ("imports of electric vehicles", "of
    softwood lumber"): a noun or adjective follows that names no party ("imports of China" is
    an origin)."""
    doc = ctx.doc
    if doc[i].lower_ != "of" or i + 1 >= right:
        return False
    return _goods_word(ctx, doc[i + 1], {"NOUN", "ADJ", "PROPN"})


def _goods_word(ctx: ExtractionContext, tok: Token, pos: set[str]) -> bool:
    """Whether ``tok`` can go on a goods phrase: of one of ``pos``, no number, no tariff word
    and naming no party."""
    return (
        tok.pos_ in pos
        and not tok.like_num
        and tok.lower_ not in tables().trigger_words
        and actor(ctx, tok, PARTY_TYPES) is None
        and _party(ctx, tok) is None
    )


def _ends_goods(ctx: ExtractionContext, tok: Token, origin: Mention | None) -> bool:
    """Whether ``tok`` ends a goods phrase: a stop word (not "from"/"of" before an origin),
    white space, punctuation but a hyphen or "'s", a number, a finite verb naming nobody."""
    if tok.lower_ in tables().stops and origin is None:
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
    return _party(ctx, doc[j]) if j < len(doc) else None


def _facing_goods(ctx: ExtractionContext, trigger: Span) -> tuple[Span, Mention | None] | None:
    """ "Canadian steel will face a tariff of 25 percent": the goods are the subject of a
    facing verb whose object is the tariff, their country (a demonym or a name) the target."""
    root = trigger.root
    if root.dep_ != "dobj" or root.head.lower_ not in tables().facing:
        return None
    doc = ctx.doc
    if any(t.lower_ in tables().trigger_words for t in doc[root.head.i + 1 : trigger.start]):
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
    country = (actor(ctx, tok, PARTY_TYPES) for tok in goods)
    return goods, next((m for m in country if m is not None), None)
