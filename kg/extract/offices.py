"""Office holdings: who holds which post of which country or organisation.

Patterns (ids in ontology/rules/offices.yaml):
- ``office.prenominal``: "former U.S. President Donald Trump", "Chinese President Xi Jinping",
  "Prime Minister of Japan Shigeru Ishiba", "Apple's chief executive Tim Cook";
- ``office.appositive``: "Jamieson Greer, the U.S. Trade Representative", "Shinzo Abe, Prime
  Minister of Japan", "Tim Cook, chief executive of Apple";
- ``office.copula``: "Scott Bessent, who serves as Treasury Secretary".
Titles are normalised through ontology/lexicon/offices.yaml; the post belongs to the country a
demonym or name before the title gives, to the organisation after "of", or to the country a
title implies on its own.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.extract import ExtractionContext, register
from kg.lexicon import Lexicon, Office, entry_mention
from kg.model import ORGANIZATION_TYPES, Claim, Mention
from kg.nlp import TITLES_KEY
from kg.rules import OfficeRules, rules_file

NAME = "kg.offices.v1"
_ORG_TYPES = ORGANIZATION_TYPES | {"Country"}


@dataclass(frozen=True)
class _Rules:
    confidence: dict[str, float]
    status: dict[str, str]  # marker word -> status
    connectors: frozenset[str]
    determiners: frozenset[str]
    copulas: tuple[tuple[tuple[str, ...], str], ...]  # (phrase words, status it gives)
    as_verbs: dict[str, str]  # verb form -> status, for "PERSON as TITLE"


@functools.cache
def _rules() -> _Rules:
    data = rules_file("offices", OfficeRules)
    status = {w.lower(): s for s, words in data.status_markers.items() for w in words}
    return _Rules(
        confidence=data.confidence(),
        status=status,
        connectors=frozenset(data.org_connectors),
        determiners=frozenset(data.appositive_determiners),
        copulas=tuple(
            (tuple(p.split()), st) for st, phrases in data.copula_phrases.items() for p in phrases
        ),
        as_verbs={v: st for st, verbs in data.as_verbs.items() for v in verbs},
    )


@dataclass(frozen=True)
class _Title:
    span: Span
    office: Office


@register(NAME)
def extract_offices(ctx: ExtractionContext) -> Iterator[Claim]:
    """Yield one office claim per title bound to a named person."""
    claims = list(_offices(ctx))
    owners = {
        (c.evidence.sentence_start, c.fields["organization"].start)
        for c in claims
        if c.fields["organization"] is not None
    }
    for claim in claims:
        if claim.fields["organization"] is None:
            _sentence_country(ctx, claim, owners)
        yield claim


def _sentence_country(ctx: ExtractionContext, claim: Claim, owners: set[tuple[int, int]]) -> None:
    """An unqualified national title takes the one country its sentence names before it.

    "The U.S. delegation will be led by ... Secretary of Commerce Howard Lutnick": the post is
    the United States'. Countries that qualify another title in the sentence ("Chinese
    President Xi") do not count; with two candidate countries nothing is inferred.
    """
    if claim.fields["category"] not in ctx.lexicon.categories_where("national_post"):
        return
    ev = claim.evidence
    countries: dict[str, Mention] = {}
    for m in ctx.mentions_in(ev.sentence_start, ev.start):
        if (ev.sentence_start, m.start) in owners:
            continue
        if m.type == "Country":
            countries[m.label] = m
        elif m.key and (entry := ctx.lexicon.entries.get(m.key)) and entry.country:
            country = ctx.lexicon.entries.get(f"country:{entry.country}")
            if country is not None:  # "The U.S. Senate confirmed X as ...": the Senate's country
                countries[country.name] = entry_mention(country, m.text, m.start, m.end)
    if len(countries) == 1:
        claim.fields["organization"] = next(iter(countries.values()))
        claim.fields["_organization_inferred"] = "the one country named earlier in the sentence"


def _offices(ctx: ExtractionContext) -> Iterator[Claim]:
    rules = _rules()
    titles = _titles(ctx)
    starts = {t.span.start: t for t in titles}
    seen: set[tuple[int, int]] = set()
    for i, title in enumerate(titles):
        if i > 0 and titles[i - 1].span.end == title.span.start:
            continue  # second of stacked titles ("Trade Representative Ambassador X"): first rules
        claim = _prenominal(ctx, title, starts, rules)
        if claim is not None and (claim.fields["holder"].start, title.span.start) not in seen:
            seen.add((claim.fields["holder"].start, title.span.start))
            yield claim
    for person in ctx.mentions:
        if person.type != "Person":
            continue
        claim = _appositive(ctx, person, starts, rules) or _as_title(ctx, person, starts, rules)
        if claim is not None:
            yield claim


def _as_title(
    ctx: ExtractionContext, person: Mention, starts: dict[int, _Title], rules: _Rules
) -> Claim | None:
    """ "Trump picked Marco Rubio as secretary of state": the verb before sets the status."""
    doc = ctx.doc
    tok = doc.char_span(person.start, person.end, alignment_mode="expand")
    if tok is None:
        return None
    k = tok.end  # "X as", or passive "X was sworn in as", "X has been named as"
    while k < len(doc) and k < tok.end + 5 and doc[k].lower_ != "as":
        if doc[k].pos_ not in {"AUX", "VERB", "ADP", "PART", "ADV"}:
            return None
        k += 1
    if k + 1 >= len(doc) or doc[k].lower_ != "as":
        return None
    statuses = [
        rules.as_verbs[t.lower_] for t in doc[tok.sent.start : k] if t.lower_ in rules.as_verbs
    ]
    if not statuses:
        return None
    j = k + 1
    if doc[j].lower_ in rules.determiners:
        j += 1
    j = _skip_ordinal(doc, j)
    if j >= len(doc):
        return None
    modifier, title, j = _owner_and_title(ctx, j, starts)
    if title is None:
        return None
    org, _ = _complement(ctx, title.span.end, rules)
    organization = modifier or org or _implied(ctx, title)
    if organization is None and title.office.organization_required:
        return None
    end = org.end if organization is org and org is not None else title.span.end_char
    written = ctx.document.text[modifier.start : title.span.end_char] if modifier else None
    return _claim(
        ctx, title, person, organization, statuses[-1], person.start, end, "office.as", written
    )


def _owner_and_title(
    ctx: ExtractionContext, j: int, starts: dict[int, _Title]
) -> tuple[Mention | None, _Title | None, int]:
    """The title at token ``j``, with the owner named just before it, if any.

    "U.S. Trade Representative" (a title), "the Chinese foreign minister" (demonym + title),
    "the 78th U.S. Treasury secretary" where the lexicon's "U.S. Treasury" overlaps the title:
    the words before the title ("U.S.") name the owner. Returns (owner, title, title start).
    """
    doc = ctx.doc
    if j in starts:
        return None, starts[j], j
    m = ctx.mention_starting(doc[j].idx) if j < len(doc) else None
    if m is None or m.type not in _ORG_TYPES:
        return None, None, j
    mtok = doc.char_span(m.start, m.end, alignment_mode="expand")
    if mtok is None:
        return None, None, j
    k = mtok.end + (1 if mtok.end < len(doc) and doc[mtok.end].text in {"'s", "’s"} else 0)
    if k in starts:
        return m, starts[k], k
    for k in range(mtok.start + 1, mtok.end):  # a title starting inside the name
        if k in starts:
            prefix = doc[mtok.start : k]
            entry = ctx.lexicon.country_of_demonym(prefix.text) or ctx.lexicon.lookup(prefix.text)
            if entry is not None:
                owner = entry_mention(entry, prefix.text, prefix.start_char, prefix.end_char)
                return owner, starts[k], k
    return None, None, j


def _titles(ctx: ExtractionContext) -> list[_Title]:
    spans = filter_spans(list(ctx.doc.spans.get(TITLES_KEY, [])))
    out = []
    for span in spans:
        office = ctx.lexicon.offices.get(span.id_)
        if office is not None:
            out.append(_Title(span, office))
    return out


def _prenominal(
    ctx: ExtractionContext, title: _Title, starts: dict[int, _Title], rules: _Rules
) -> Claim | None:
    doc = ctx.doc
    span = title.span
    i = span.end
    i, designate = _suffix_status(ctx, i)
    org, i = _complement(ctx, i, rules)
    while i < len(doc) and (i in starts or doc[i].text.rstrip(".") in ctx.lexicon.honorifics):
        i = starts[i].span.end if i in starts else i + 1
    if i >= len(doc):
        return None
    rule = "office.prenominal"
    person = ctx.mention_starting(doc[i].idx)
    if person is None and doc[i].text == "," and i + 1 < len(doc):
        person = ctx.mention_starting(
            doc[i + 1].idx
        )  # "Italy's new prime minister, Giuseppe Conte,"
        after = (
            doc.char_span(person.end, person.end + 1, alignment_mode="expand") if person else None
        )
        if after is None or not len(after) or after[0].text not in {",", ".", ";", ")"}:
            return None
        rule = "office.title_comma"
    if person is None or person.type != "Person":
        return None
    left, modifier, status = _modifier(ctx, span.start, rules)
    organization = modifier or org or _implied(ctx, title)
    if organization is None and title.office.organization_required:
        return None
    status = "designate" if designate else status
    start = doc[left].idx if left < span.start else span.start_char
    written = ctx.document.text[modifier.start : span.end_char] if modifier else span.text
    return _claim(ctx, title, person, organization, status, start, person.end, rule, written)


def _appositive(
    ctx: ExtractionContext, person: Mention, starts: dict[int, _Title], rules: _Rules
) -> Claim | None:
    """ "Jamieson Greer, the U.S. Trade Representative", "Scott Bessent, who serves as ..."."""
    doc = ctx.doc
    tok = doc.char_span(person.start, person.end, alignment_mode="expand")
    if tok is None:
        return None
    opened = _apposition(doc, tok.end, rules)
    if opened is None:
        return None
    i, rule, tense = opened
    j, status = _status_right(doc, _skip_ordinal(doc, i), rules, tense)
    if j >= len(doc):
        return None
    modifier, title, j = _owner_and_title(ctx, j, starts)
    if title is None:
        return None
    k, designate = _suffix_status(ctx, title.span.end)
    org, k = _complement(ctx, k, rules)
    if _title_of_another(ctx, k):
        return None
    organization = modifier or org or _implied(ctx, title)
    if organization is None and title.office.organization_required:
        return None
    end = max(title.span.end_char, org.end if org is not None and organization is org else 0)
    status = "designate" if designate else status
    written = ctx.document.text[modifier.start : title.span.end_char] if modifier else None
    return _claim(ctx, title, person, organization, status, person.start, end, rule, written)


def _apposition(doc: Doc, i: int, rules: _Rules) -> tuple[int, str, str] | None:
    """The start of an apposition after a name ending before token ``i`` and its rule: a comma
    or parenthesis, perhaps an age ("Janet Yellen, 74, a former chair"), a copula ("who serves
    as", rule ``office.copula``, whose tense gives the status: "who served as" a former office)
    and a determiner. None if no comma or parenthesis follows."""
    if i >= len(doc) or doc[i].text not in {",", "("}:
        return None
    i += 1
    if i + 1 < len(doc) and doc[i].like_num and doc[i + 1].text == ",":
        i += 2  # an age, then the apposition
    rule, tense = "office.appositive", "current"
    for phrase, status in rules.copulas:
        if tuple(t.lower_ for t in doc[i : i + len(phrase)]) == phrase:
            i += len(phrase)
            rule, tense = "office.copula", status
            break
    if i < len(doc) and doc[i].lower_ in rules.determiners:
        i += 1
    return i, rule, tense


def _status_right(doc: Doc, i: int, rules: _Rules, status: str = "current") -> tuple[int, str]:
    """Walk right from token ``i`` over status words ("former"): the token after, the status
    the last one gives (``status`` without any)."""
    while i < len(doc) and doc[i].lower_ in rules.status:
        status = rules.status[doc[i].lower_]
        i += 1
    return i, status


def _title_of_another(ctx: ExtractionContext, k: int) -> bool:
    """Whether what follows a title at token ``k`` gives it to someone else: "X, the President's
    adviser", or a list "A, Treasury Secretary B" where the title is B's."""
    doc = ctx.doc
    if k < len(doc) and doc[k].text in {"'s", "’s"}:
        return True
    nxt = ctx.mention_starting(doc[k].idx) if k < len(doc) else None
    return nxt is not None and nxt.type == "Person"


def _skip_ordinal(doc: Doc, i: int) -> int:
    """Skip an ordinal ("the 78th U.S. Treasury secretary", "its first female president")."""
    if i < len(doc) and doc[i].ent_type_ == "ORDINAL":
        return i + 1
    return i


def _status_left(doc: Doc, i: int, rules: _Rules) -> tuple[int, str | None]:
    """Walk left from token ``i`` over status words ("former", "ex-"): leftmost index, status."""
    status = None
    left = i + 1
    while i >= 0 and (doc[i].lower_ in rules.status or doc[i].text == "-"):
        if doc[i].lower_ in rules.status and status is None:
            status = rules.status[doc[i].lower_]
        left = i
        i -= 1
    return left, status


def _modifier(ctx: ExtractionContext, start: int, rules: _Rules) -> tuple[int, Mention | None, str]:
    """Look left of a title for an owner (demonym, country, organisation) and status words.

    "former U.S. President", "Italy's new prime minister", "ex-Prime Minister".
    """
    doc = ctx.doc
    left, inner = _status_left(doc, start - 1, rules)
    i = left - 1
    if i >= 0 and doc[i].text in {"'s", "’s"}:
        i -= 1
    m = ctx.mention_ending(doc[i].idx + len(doc[i].text)) if i >= 0 else None
    mtok = doc.char_span(m.start, m.end, alignment_mode="expand") if m is not None else None
    if m is None or mtok is None or m.type not in _ORG_TYPES:
        return left, None, inner or "current"
    outer_left, outer = _status_left(doc, mtok.start - 1, rules)
    return outer_left, m, outer or inner or "current"


def _suffix_status(ctx: ExtractionContext, i: int) -> tuple[int, bool]:
    """Skip "-elect" / "-designate" after a title and say whether it was there."""
    doc = ctx.doc
    if i + 1 < len(doc) and doc[i].text == "-" and doc[i + 1].lower_ in {"elect", "designate"}:
        return i + 2, True
    return i, False


def _complement(ctx: ExtractionContext, i: int, rules: _Rules) -> tuple[Mention | None, int]:
    """An "of ORG" complement after a title: the organisation and the token after it."""
    doc = ctx.doc
    if i >= len(doc) or doc[i].lower_ not in rules.connectors:
        return None, i
    m, j = ctx.named_after(i + 1, _ORG_TYPES)
    if m is None:
        return None, i
    mtok = doc.char_span(m.start, m.end, alignment_mode="expand")
    return m, (mtok.end if mtok is not None else j + 1)


def _implied(ctx: ExtractionContext, title: _Title) -> Mention | None:
    """The country or organisation a title itself names.

    "U.S. Trade Representative", "Senate Majority Leader", "Chancellor of the Exchequer".
    """
    lex: Lexicon = ctx.lexicon
    span = title.span
    for k in (2, 1):
        if len(span) > k:
            entry = lex.country_of_demonym(span[:k].text) or lex.lookup(span[:k].text)
            if entry is not None:
                sub = span[:k]
                return entry_mention(entry, sub.text, sub.start_char, sub.end_char)
    implied = (
        f"org:{title.office.organization}"
        if title.office.organization
        else f"country:{title.office.country}"
        if title.office.country
        else None
    )
    if implied:
        entry = lex.entries.get(implied)
        if entry is not None:
            return entry_mention(entry, span.text, span.start_char, span.end_char)
    return None


def _claim(
    ctx: ExtractionContext,
    title: _Title,
    person: Mention,
    organization: Mention | None,
    status: str,
    start: int,
    end: int,
    rule: str,
    written: str | None = None,
) -> Claim:
    confidence = _rules().confidence[rule] - (0.1 if organization is None else 0.0)
    return Claim(
        kind="office",
        fields={
            "holder": person,
            "title": title.office.title,
            "office_id": title.office.id,
            "category": title.office.category,
            "organization": organization,
            "as_written": written or title.span.text,
            "status": status,
            "start": None,
            "end": None,
        },
        evidence=ctx.evidence(start, end, NAME, confidence, rule),
    )
