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

import dataclasses
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from kg.extract import ExtractionContext, register
from kg.extract.syntax import name_at
from kg.extract.tokens import leftmost_titles
from kg.iri import normalise_key
from kg.lexicon import Lexicon, Office, entry_mention
from kg.metadata import dateline_place
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
    host_categories: frozenset[str]  # "Ambassador to China": the host is part of the title
    portfolio_offices: frozenset[str]  # "Minister" + "of Commerce and Industry"
    portfolio_connectors: tuple[tuple[str, ...], ...]  # longest first
    designate_nouns: frozenset[str]  # "nominee for TITLE": designated
    address_titles: frozenset[str]  # "Ambassador Tai": a form of address when fuller known
    unit_nouns: frozenset[str]  # "Committee": a committee's name before a title


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
        host_categories=frozenset(data.host_categories),
        portfolio_offices=frozenset(data.portfolio_offices),
        portfolio_connectors=tuple(
            sorted((tuple(c.split()) for c in data.portfolio_connectors), key=lambda c: -len(c))
        ),
        designate_nouns=frozenset(data.designate_nouns),
        address_titles=frozenset(data.address_titles),
        unit_nouns=frozenset(data.unit_nouns),
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
    dateline = _dateline_country(ctx)
    for claim in claims:
        if claim.fields["organization"] is None:
            _sentence_country(ctx, claim, owners)
        if claim.fields["organization"] is None and dateline is not None:
            _from_dateline(ctx, claim, owners, dateline)
    yield from _addressed(claims, _rules())


def _dateline_country(ctx: ExtractionContext) -> tuple[Mention, int] | None:
    """The country whose city a dateline opening the text names ("WASHINGTON – ..."), and
    where the dateline ends."""
    found = dateline_place(ctx.text)
    if found is None:
        return None
    place, start, end, after = found
    entry = ctx.lexicon.lookup(place) or ctx.lexicon.lookup(place.title())
    if entry is None or entry.type != "Country":
        return None
    return entry_mention(entry, place, start, end, resolved_by="dateline"), after


def _from_dateline(
    ctx: ExtractionContext,
    claim: Claim,
    owners: set[tuple[int, int]],
    dateline: tuple[Mention, int],
) -> None:
    """An unqualified national title in the sentence of the dateline takes the dateline's
    country ("WASHINGTON – Secretary of the Treasury Janet L. Yellen will host ..."): a release
    or a report filed from a capital opens with that government's own officials. Only that
    sentence, only national posts, and only when it names no other country that no other title
    claims (rule ``office.org_dateline``, recorded as inferred)."""
    if claim.fields["category"] not in ctx.lexicon.categories_where("national_post"):
        return
    country, after = dateline
    ev = claim.evidence
    if ctx.text[after : max(after, ev.sentence_start)].strip():
        return  # not the sentence the dateline opens
    named = ctx.mentions_in(ev.sentence_start, ev.sentence_start + len(ev.sentence))
    # a claimed country may be named twice: "People's Republic of China (PRC) Vice Premier"
    claimed = {m.key for m in named if (ev.sentence_start, m.start) in owners}
    for m in named:
        unclaimed = (ev.sentence_start, m.start) not in owners and m.key not in claimed
        if m.type == "Country" and unclaimed and m.key != country.key:
            return
    claim.fields["organization"] = country
    claim.fields["_organization_inferred"] = f"the country of the dateline ({country.text})"
    claim.fields["_organization_rule"] = "office.org_dateline"


def _addressed(claims: list[Claim], rules: _Rules) -> list[Claim]:
    """A bare title used as a form of address ("Ambassador Tai", "Minister Goyal") takes the
    fuller office the document gives the same person ("United States Trade Representative
    Katherine Tai", "India's Minister of Commerce and Industry, Piyush Goyal"): the title, the
    organisation and the full name. With two fuller offices for that person it is dropped: an
    honorific is not an office of its own. Without any it stays as written."""
    fuller: dict[str, list[Claim]] = {}
    for c in claims:
        if not _bare(c, rules):
            label = c.fields["holder"].label
            for name in {label, label.split()[-1]}:
                fuller.setdefault(name, []).append(c)
    out = []
    for c in claims:
        if not _bare(c, rules):
            out.append(c)
            continue
        holder = c.fields["holder"]
        found = {(f.fields["office_id"], _org_key(f)): f for f in fuller.get(holder.label, [])}
        if len(found) > 1:
            continue
        if found:
            full = next(iter(found.values()))
            named = full.fields["holder"]
            fields = dict(c.fields)
            for name in ("title", "office_id", "category", "organization"):
                fields[name] = full.fields[name]
            if named.label != holder.label:
                fields["holder"] = dataclasses.replace(
                    holder, label=named.label, resolved_by="surname-in-document"
                )
            fields["_title_from"] = "the fuller office the document gives the same person"
            fields["_title_rule"] = "office.address"
            c = dataclasses.replace(c, fields=fields)
        out.append(c)
    return out


def _bare(claim: Claim, rules: _Rules) -> bool:
    """A title of address_titles written alone before the name, with no owner."""
    f = claim.fields
    return (
        f["office_id"] in rules.address_titles
        and f["organization"] is None
        and claim.evidence.rule == "office.prenominal"
        and f["as_written"].lower() == f["title"].lower()
    )


def _org_key(claim: Claim) -> str | None:
    org = claim.fields["organization"]
    return org.label if org is not None else None


def _sentence_country(ctx: ExtractionContext, claim: Claim, owners: set[tuple[int, int]]) -> None:
    """An unqualified national title takes the one country its sentence names before it.

    "The U.S. delegation will be led by ... Secretary of Commerce Howard Lutnick": the post is
    the United States'. Countries that qualify another title in the sentence ("Chinese
    President Xi") do not count; with two candidate countries nothing is inferred.
    """
    if claim.fields["category"] not in ctx.lexicon.categories_where("national_post"):
        return
    after = _country_after_holder(ctx, claim.fields["holder"])
    if after is not None:  # "President X of the Islamic Republic of Iran": the holder's own
        claim.fields["organization"] = after
        claim.fields["_organization_inferred"] = "the country named right after the holder"
        return
    ev = claim.evidence
    countries: dict[str, Mention] = {}
    for m in ctx.mentions_in(ev.sentence_start, ev.start):
        if (ev.sentence_start, m.start) in owners:
            continue
        if m.type == "Country":
            countries[m.label] = m
        elif (
            m.type not in {"Media", "Company"}  # not a news agency's or a company's country
            and m.key
            and (entry := ctx.lexicon.entries.get(m.key))
            and entry.country
        ):
            country = ctx.lexicon.entries.get(f"country:{entry.country}")
            if country is not None:  # "The U.S. Senate confirmed X as ...": the Senate's country
                countries[country.name] = entry_mention(
                    country, m.text, m.start, m.end, resolved_by=f"body-country:{m.label}"
                )
    if len(countries) == 1:
        claim.fields["organization"] = next(iter(countries.values()))
        claim.fields["_organization_inferred"] = "the one country named earlier in the sentence"


_OF_AFTER = re.compile(r"\s+of\s+(?:the\s+)?")


def _country_after_holder(ctx: ExtractionContext, holder: Mention) -> Mention | None:
    """The country in "HOLDER of [the] COUNTRY" ("President X of the Islamic Republic of
    Iran"), if the text goes on so."""
    match = _OF_AFTER.match(ctx.document.text, holder.end)
    if match is None:
        return None
    return next(
        (m for m in ctx.mentions_in(match.end(), match.end() + 60)
         if m.start == match.end() and m.type == "Country"),
        None,
    )


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
    """The titles of the document, each with the words that complete it: a portfolio
    ("Minister of Commerce and Industry") or a host ("Ambassador to China")."""
    rules = _rules()
    spans = leftmost_titles(ctx.doc.spans.get(TITLES_KEY, []))
    starts = {span.start for span in spans}
    out = []
    for span in spans:
        office = ctx.lexicon.offices.get(span.id_)
        if office is not None:
            title = _Title(span, office)
            out.append(
                _portfolio(ctx, title, rules, starts)
                or _more_portfolio(ctx, title, starts)
                or _host(ctx, title, rules)
                or title
            )
    return out


def _portfolio(
    ctx: ExtractionContext, title: _Title, rules: _Rules, starts: set[int]
) -> _Title | None:
    """A bare title and the portfolio written after it: "Minister of Commerce and Industry",
    "Minister of Economy, Trade and Industry", "Minister in charge of Economic Revitalization".
    The title keeps the portfolio's words as written. None when no portfolio follows, or what
    follows the connector names a country, place, person or known organisation (the owner)."""
    if title.office.id not in rules.portfolio_offices:
        return None
    doc = ctx.doc
    i = title.span.end
    written = tuple(t.lower_ for t in doc[i : i + 3])
    conn = next((c for c in rules.portfolio_connectors if written[: len(c)] == c), None)
    if conn is None:
        return None
    j = i + len(conn)
    if j < len(doc) and doc[j].lower_ == "the":
        j += 1
    end = _portfolio_end(ctx, j, starts, lower=len(conn) > 1)
    if end == j:
        return None
    return _completed(ctx, title, end, " " + doc[i:end].text)


def _more_portfolio(ctx: ExtractionContext, title: _Title, starts: set[int]) -> _Title | None:
    """A minister's portfolio the lexicon's title begins and the text goes on with:
    "Minister of Commerce" + "and Industry", "Minister of Economy" + ", Trade and Industry"."""
    span = title.span
    if title.office.category != "minister" or not any(t.lower_ in {"of", "for"} for t in span):
        return None
    doc = ctx.doc
    k = span.end
    if k + 1 >= len(doc):
        return None
    if not (
        (doc[k].lower_ in {"and", "&"} and _portfolio_word(ctx, k + 1, starts))
        or (doc[k].text == "," and _list_goes_on(ctx, k + 1, starts))
    ):
        return None
    end = _portfolio_end(ctx, k + 1, starts)
    last = doc[end - 1]
    return _completed(ctx, title, end, ctx.text[span.end_char : last.idx + len(last)])


def _portfolio_end(ctx: ExtractionContext, j: int, starts: set[int], lower: bool = False) -> int:
    """The token after the capitalised words of a portfolio starting at ``j`` (``j`` if none):
    "Commerce and Industry", "Economy, Trade and Industry" (a comma only inside a list that
    ends in "and" and a capitalised word). ``lower``: after a connector that says it is a
    portfolio ("in charge of"), words in lower case count too ("economic revitalisation")."""
    doc = ctx.doc
    k = last = j
    while k < len(doc):
        if _portfolio_word(ctx, k, starts, lower):
            k += 1
            last = k
        elif k > j and _joins(ctx, k, starts):
            k += 1
        else:
            break
    return last


def _joins(ctx: ExtractionContext, k: int, starts: set[int]) -> bool:
    """Whether token ``k`` joins two parts of a portfolio: "and", "&", a comma inside a list,
    the serial comma ("Economy, Trade, and Industry")."""
    doc = ctx.doc
    if k + 1 >= len(doc):
        return False
    if doc[k].lower_ in {"and", "&"}:
        return _portfolio_word(ctx, k + 1, starts)
    if doc[k].text != ",":
        return False
    if doc[k + 1].lower_ in {"and", "&"}:
        return k + 2 < len(doc) and _portfolio_word(ctx, k + 2, starts)
    return _list_goes_on(ctx, k + 1, starts)


def _portfolio_word(ctx: ExtractionContext, k: int, starts: set[int], lower: bool = False) -> bool:
    tok = ctx.doc[k]
    if k in starts or not tok.is_alpha or not (tok.text[0].isupper() or lower):
        return False
    if tok.pos_ not in {"PROPN", "NOUN", "ADJ"} or tok.ent_type_ in {"PERSON", "GPE", "NORP"}:
        return False
    m = ctx.mention_tokens.get(k)
    return m is None or (m.type in {"Organization", "GovernmentBody"} and m.key is None)


def _list_goes_on(ctx: ExtractionContext, k: int, starts: set[int]) -> bool:
    """After a comma: capitalised words, then "and" (or ", and") and a capitalised word."""
    doc = ctx.doc
    m = k
    while m < len(doc) and _portfolio_word(ctx, m, starts):
        m += 1
    if m == k or m >= len(doc):
        return False
    if doc[m].text == "," and m + 1 < len(doc):
        m += 1
    return (
        doc[m].lower_ in {"and", "&"} and m + 1 < len(doc) and _portfolio_word(ctx, m + 1, starts)
    )


def _host(ctx: ExtractionContext, title: _Title, rules: _Rules) -> _Title | None:
    """An ambassador's post names its host: "U.S. Ambassador to China" is the post "Ambassador
    to China" (its owner comes from before the title or from context, never from the host)."""
    if title.office.category not in rules.host_categories:
        return None
    doc = ctx.doc
    i = title.span.end
    if i >= len(doc) or doc[i].lower_ != "to":
        return None
    m, _ = ctx.named_after(i + 1, _ORG_TYPES)
    mtok = doc.char_span(m.start, m.end, alignment_mode="expand") if m is not None else None
    if m is None or mtok is None:
        return None
    return _completed(ctx, title, mtok.end, f" to {m.label}")


def _completed(ctx: ExtractionContext, title: _Title, end: int, words: str) -> _Title:
    """The title widened to token ``end``, its office named by the title and ``words``."""
    words = " ".join(words.split()).replace(" ,", ",").replace(", and ", " and ")
    office = dataclasses.replace(
        title.office,
        id=f"{title.office.id}:{normalise_key(words)}",
        title=f"{title.office.title}{'' if words.startswith(',') else ' '}{words}",
    )
    return _Title(ctx.doc[title.span.start : end], office)


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
    person = name_at(ctx, i, starts)
    if person is None and doc[i].text == "," and i + 1 < len(doc):
        person = name_at(ctx, i + 1, starts)  # "Italy's new prime minister, Giuseppe Conte,"
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
    nominee = 0 < j < len(doc) - 1 and doc[j - 1].lower_ in rules.designate_nouns
    if nominee and doc[j].lower_ == "for":
        j += 1  # "X, the nominee for Ambassador to France"
        if doc[j].lower_ in rules.determiners:
            j += 1
    if j >= len(doc):
        return None
    modifier, title, j = _owner_and_title(ctx, j, starts)
    if title is None:
        return None
    k, designate = _suffix_status(ctx, title.span.end)
    org, k = _complement(ctx, k, rules)
    if org is not None:
        org, k = _unit_of(ctx, org, k, rules)
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
    while i >= 0 and (
        doc[i].lower_ in rules.status
        or (doc[i].text == "-" and i > 0 and doc[i - 1].lower_ in rules.status)  # "ex-"
    ):
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
    if i >= 1 and doc[i].text.endswith(")"):  # the owner's abbreviation in brackets:
        # "People's Republic of China (PRC) Vice Premier" ("PRC)" one token when glued on)
        opening = next((k for k in range(i - 1, max(i - 4, -1), -1) if doc[k].text == "("), None)
        if opening is not None:
            i = opening - 1
    m = ctx.mention_ending(doc[i].idx + len(doc[i].text)) if i >= 0 else None
    if i >= 0 and doc[i].text in rules.unit_nouns:  # "Senate Finance Committee Chairman"
        m = _unit(ctx, i, rules) or m
    mtok = doc.char_span(m.start, m.end, alignment_mode="expand") if m is not None else None
    if m is None or mtok is None or m.type not in _ORG_TYPES:
        return left, None, inner or "current"
    outer_left, outer = _status_left(doc, mtok.start - 1, rules)
    return outer_left, m, outer or inner or "current"


def _unit(ctx: ExtractionContext, i: int, rules: _Rules) -> Mention | None:
    """A committee named before a title, ending at token ``i`` ("Committee"): the capitalised
    words before it, with "and", "on", "of", "for" inside ("Senate Finance Committee", "House
    Ways and Means Committee"). A government body if a legislature's name is among its words."""
    doc = ctx.doc
    k = i
    while k > 0 and not doc[k].is_sent_start:
        prev = doc[k - 1]
        joins = prev.lower_ in {"and", "on", "of", "for"} and k >= 2 and doc[k - 2].is_title
        if not (joins or (prev.is_alpha and prev.text[0].isupper() and prev.pos_ == "PROPN")):
            break
        k -= 1
    while k < i and not doc[k].text[0].isupper():
        k += 1
    people = {t for t, m in ctx.mention_tokens.items() if m.type == "Person"}
    if k == i or any(t in people for t in range(k, i + 1)):
        return None
    span = doc[k : i + 1]
    inside = {ctx.mention_tokens[t].type for t in range(k, i + 1) if t in ctx.mention_tokens}
    etype = "GovernmentBody" if "GovernmentBody" in inside else "Organization"
    return Mention(span.text, span.text, etype, span.start_char, span.end_char)


def _unit_of(ctx: ExtractionContext, org: Mention, k: int, rules: _Rules) -> tuple[Mention, int]:
    """The organisation's committee after "of ORG's": "chair of the European Parliament's
    trade committee" is the chair of "European Parliament's trade committee" (one to three words
    ending in a unit noun); otherwise the organisation and token ``k`` unchanged."""
    doc = ctx.doc
    if k >= len(doc) or doc[k].text not in {"'s", "’s"}:
        return org, k
    units = {u.lower() for u in rules.unit_nouns}
    for j in range(k + 1, min(k + 4, len(doc))):
        if not doc[j].is_alpha or j in ctx.mention_tokens:
            break
        if doc[j].lower_ in units:
            end = doc[j].idx + len(doc[j])
            text = ctx.text[org.start : end]
            return Mention(text, text, "Organization", org.start, end), j + 1
    return org, k


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
        if entry is not None:  # the title's words stand for it; they are not its name
            kind = implied.split(":", 1)[0]
            why = f"title-implies-{'organization' if kind == 'org' else kind}:{span.text}"
            return entry_mention(entry, span.text, span.start_char, span.end_char, why)
    return None


def _nominated(title: _Title, rules: _Rules) -> bool:
    """Whether the title is what someone is nominated for: "the nominee for Ambassador to
    Japan", "President Biden's nominees for U.S. Ambassador to China, X, and U.S. Ambassador to
    Japan, Y" (up the parse through conjuncts and appositions to "for" or "as" after a noun of
    designation_nouns)."""
    tok = title.span.root
    for _ in range(6):
        if tok.dep_ not in {"pobj", "conj", "appos", "compound"} or tok.head is tok:
            return False
        head = tok.head
        if head.lower_ in {"for", "as"}:
            return head.head.lower_ in rules.designate_nouns
        tok = head
    return False


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
    rules = _rules()
    confidence = rules.confidence[rule] - (0.1 if organization is None else 0.0)
    if status == "current" and _nominated(title, rules):
        status = "designate"
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
