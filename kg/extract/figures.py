"""Figures: sums of money, percentages and counts bound to what they measure.

"a trade imbalance of $295 billion in 2024", "$295 billion in trade imbalance reported in 2024",
"a $295 billion trade imbalance with China in 2024", "a trade imbalance that reached $295 billion",
"inflation rose to 3.1% in May", "exports fell 5%" (a change: subject "change in exports",
value -5).
The subject is a canonical noun phrase of ontology/rules/figures.yaml; the date is the time
expression right after the value (kg.timex); the entities are the countries and organisations of
the sentence, or when it names none the document's two most named countries (if two stand
out). Only sentences holding a subject word are read (one PhraseMatcher pass).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Span
from spacy.util import filter_spans

from kg.extract import ExtractionContext, register
from kg.extract.countries import country_counts, country_mention
from kg.extract.numbers import Quantity, find_counts, find_money, find_percents
from kg.extract.speakers import mention_of
from kg.extract.syntax import phrase_matcher
from kg.model import Claim, Mention
from kg.rules import FigureRules, rules_file
from kg.timex import find_timexes

NAME = "kg.figures.v1"
_LINKERS = {"that", "which", "has", "have", "had", "was", "were", "is", "are", "been", "already"}


@dataclass(frozen=True)
class _Rules:
    confidence: dict[str, float]
    subjects: dict[str, str]
    linking: frozenset[str]
    value_preps: tuple[tuple[str, ...], ...]
    links: tuple[tuple[str, ...], ...]
    rising: frozenset[str]
    falling: frozenset[str]
    entity_types: frozenset[str]


@functools.cache
def _rules() -> _Rules:
    data = rules_file("figures", FigureRules)
    return _Rules(
        confidence=data.confidence(),
        subjects={k.lower(): v for k, v in data.subjects.items()},
        linking=frozenset(data.linking_verbs),
        value_preps=tuple(tuple(p.split()) for p in data.value_prepositions),
        links=tuple(tuple(p.split()) for p in data.value_subject_links),
        rising=frozenset(data.rising_verbs),
        falling=frozenset(data.falling_verbs),
        entity_types=frozenset(data.entity_types),
    )


@register(NAME)
def extract_figures(ctx: ExtractionContext) -> Iterator[Claim]:
    """Yield one figure claim per value a rule binds to a subject."""
    doc = ctx.doc
    subjects = _rules().subjects
    matcher = phrase_matcher(doc.vocab, NAME, {p: p for p in subjects})
    spans = filter_spans([Span(doc, s, e, label=k) for k, s, e in matcher(doc)])
    by_sentence: dict[int, list[Span]] = {}
    for span in spans:
        by_sentence.setdefault(ctx.sentence(span.start).start, []).append(span)
    for start, found in by_sentence.items():
        yield from _sentence(ctx, ctx.sentence(start), found)


def _sentence(ctx: ExtractionContext, sent: Span, subjects: list[Span]) -> Iterator[Claim]:
    text = ctx.document.text[sent.start_char : sent.end_char]
    values: list[tuple[Quantity, int, int]] = []  # quantity, first token, token after
    for q in [*find_money(text), *find_percents(text), *find_counts(text)]:
        if any(q.start < v.end and v.start < q.end for v, _, _ in values):
            continue
        first = ctx.token_at(sent.start_char + q.start)
        last = ctx.token_at(sent.start_char + q.end - 1) + 1
        values.append((q, first, last))
    used: set[int] = set()
    for subject in subjects:
        for q, first, last in values:
            if first in used:
                continue
            bound = _bind(ctx, subject, first, last)
            if bound is None:
                continue
            rule, change = bound
            used.add(first)
            yield _claim(ctx, sent, subject, q, first, last, rule, change)
            break


def _words_at(sent: Span, i: int, phrase: tuple[str, ...]) -> bool:
    doc = sent.doc
    return (
        i + len(phrase) <= sent.end and tuple(t.lower_ for t in doc[i : i + len(phrase)]) == phrase
    )


_Binding = tuple[str, str | None]  # rule id, and "rise" or "fall" when the value is a change


def _bind(ctx: ExtractionContext, subject: Span, first: int, last: int) -> _Binding | None:
    """The rule binding a value to a subject, and whether it states a rise or a fall.

    A value before its subject and one after it have rules of their own, tried in order.
    """
    sent = ctx.sentence(subject.start)
    if last <= subject.start:  # value before subject
        return _value_subject(sent, subject, last) or _value_in_subject(sent, subject, last)
    i = _link_start(ctx, subject, first)
    return _subject_of_value(sent, i, first) or _subject_verb_value(sent, i, first)


def _value_subject(sent: Span, subject: Span, last: int) -> _Binding | None:
    """ "a $295 billion trade imbalance": the value (and perhaps an adjective) right before."""
    doc = sent.doc
    if last == subject.start or (last + 1 == subject.start and doc[last].pos_ == "ADJ"):
        return "figure.value_subject", None
    return None


def _value_in_subject(sent: Span, subject: Span, last: int) -> _Binding | None:
    """ "$295 billion in trade imbalance": a link phrase between the value and the subject."""
    for link in _rules().links:
        if _words_at(sent, last, link) and last + len(link) == subject.start:
            return "figure.value_in_subject", None
    return None


def _link_start(ctx: ExtractionContext, subject: Span, first: int) -> int:
    """The token after the subject, its modifiers and linking words ("that", "has"), at most
    ``first`` (the value's first token)."""
    doc = ctx.doc
    i = _after_modifiers(ctx, subject.end, first)
    while i < first and doc[i].lower_ in _LINKERS:
        i += 1
    return i


def _subject_of_value(sent: Span, i: int, first: int) -> _Binding | None:
    """ "a trade imbalance of $295 billion": "of", "at" or "worth" right before the value."""
    doc = sent.doc
    if i < first and doc[i].lower_ in {"of", "at", "worth"} and i + 1 == first:
        return "figure.subject_of_value", None
    return None


def _subject_verb_value(sent: Span, i: int, first: int) -> _Binding | None:
    """ "a trade imbalance that reached $295 billion", "exports fell 5%": a linking verb, then
    only value prepositions up to the value."""
    rules = _rules()
    doc = sent.doc
    if not (i < first and doc[i].lower_ in rules.linking):
        return None
    verb = doc[i].lower_
    moved = _prepositions_to(sent, i + 1, first)
    if moved is None:
        return None
    return "figure.subject_verb_value", None if moved else _change(verb)


def _prepositions_to(sent: Span, i: int, first: int) -> bool | None:
    """Walk value prepositions ("by", "to", "up to") from token ``i`` to the value at ``first``:
    whether one gives the level reached ("to", "at", "of"); None if other words come between."""
    moved = False
    while i < first:
        step = next((p for p in _rules().value_preps if _words_at(sent, i, p)), None)
        if step is None:
            return None
        moved = moved or step[0] in {"to", "at", "of"}
        i += len(step)
    return moved if i == first else None


def _change(verb: str) -> str | None:
    """ "rise" or "fall" for a verb of change ("grew", "fell"), else None ("reached")."""
    rules = _rules()
    if verb in rules.rising:
        return "rise"
    if verb in rules.falling:
        return "fall"
    return None


def _after_modifiers(ctx: ExtractionContext, i: int, stop: int) -> int:
    """Skip a prepositional phrase after the subject ("with Canada", "of electric vehicles",
    "between the US and China"): entity names and up to three other words."""
    doc = ctx.doc
    if i >= stop or doc[i].lower_ not in {"with", "between", "in", "of", "from", "to", "for"}:
        return i
    j = i + 1
    plain = 0
    while j < stop and plain <= 3:
        tok = doc[j]
        if mention_of(ctx, tok) is not None or tok.lower_ in {"the", "and", "'s", "’s"}:
            j += 1
        elif tok.pos_ in {"NOUN", "PROPN", "ADJ"} and tok.lower_ not in _rules().linking:
            plain += 1
            j += 1
        else:
            break
    return j if j > i + 1 else i


def _claim(
    ctx: ExtractionContext,
    sent: Span,
    subject: Span,
    q: Quantity,
    first: int,
    last: int,
    rule: str,
    change: str | None,
) -> Claim:
    doc = ctx.doc
    rules = _rules()
    canonical = rules.subjects[subject.label_.lower()]
    value = q.value
    if change is not None:
        canonical = f"change in {canonical}"
        value = -value if change == "fall" else value
    hi = max(last, subject.end)
    date = None
    for t in find_timexes(
        ctx.document.text[sent.start_char : sent.end_char], ctx.document.published
    ):
        at = ctx.token_at(sent.start_char + t.start)
        if hi <= at <= hi + 6 and t.value is not None and t.rule != "time.vague":
            date = t
            hi = ctx.token_at(sent.start_char + t.end - 1) + 1
            break
    entities: dict[str, Mention] = {}
    for m in ctx.mentions_in(sent.start_char, sent.end_char):
        if m.type in rules.entity_types:
            entities.setdefault(m.label, m)
    entities_rule = "figure.entities.sentence"
    if not entities:  # the sentence names no one: the document's two main countries, if clear
        top = country_counts(ctx).most_common(3)
        if len(top) >= 2 and (len(top) == 2 or top[1][1] > top[2][1]):
            for label, _ in top[:2]:
                known = country_mention(ctx, label)
                if known is not None:
                    entities[label] = known
            entities_rule = "figure.entities.document"
    lo = min(first, subject.start)
    start = doc[lo].idx
    end = doc[hi - 1].idx + len(doc[hi - 1].text)
    fields = figure_fields(
        canonical,
        value,
        q.unit,
        entities.values(),
        as_written=subject.text,
        entities_rule=entities_rule,
        date=date.value if date else None,
        date_text=date.text if date else None,
    )
    return Claim("figure", fields, ctx.evidence(start, end, NAME, rules.confidence[rule], rule))


def figure_fields(
    subject: str,
    value: float,
    unit: str,
    entities: Iterable[Mention],
    *,
    as_written: str,
    entities_rule: str,
    date: str | None = None,
    date_text: str | None = None,
) -> dict[str, Any]:
    """The fields of a figure claim (also made by the tariff and event extractors)."""
    found = sorted(entities, key=lambda m: m.label)
    return {
        "subject": subject,
        "value": value,
        "unit": unit,
        "date": date,
        "entities": found,
        "_as_written": as_written,
        "_date_text": date_text,
        "_entities_rule": entities_rule if found else None,
    }
