"""The country a person or government body acts for: rules ``actor.*`` of
ontology/rules/tariffs.yaml (docs/extraction.md).

A head of state, minister or trade representative acts for the country their title names in the
document ("French President X", "X, the U.S. Trade Representative"), or, with no country
written, for the document's most named country that no other titled person of the same rank
holds; a government body acts for its lexicon country.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Span

from kg.extract.context import ExtractionContext
from kg.extract.speakers import mention_of
from kg.model import Mention


@dataclass
class Actors:
    """Who holds which title in a document and which country they act for."""


    countries: dict[str, Counter[str]] = field(default_factory=dict)  # person label -> countries
    # person label -> office categories
    categories: dict[str, set[str]] = field(default_factory=dict)
    country_mentions: dict[str, Mention] = field(default_factory=dict)
    frequency: Counter[str] = field(default_factory=Counter)


def find_actors(ctx: ExtractionContext) -> Actors:
    """The titles of the document bound to the people they precede or follow, and the
    countries those titles name (``ctx.actors`` keeps the result)."""
    actors = Actors()
    for m in ctx.mentions:
        if m.type == "Country":
            actors.frequency[m.label] += 1
            actors.country_mentions.setdefault(m.label, m)
    titles = ctx.titles
    starts = {t.start: t for t in titles}
    for title in titles:
        office = ctx.lexicon.offices.get(title.id_)
        if office is None:
            continue
        person = _person_after(ctx, title, starts) or _person_before(ctx, title)
        if person is None:
            continue
        actors.categories.setdefault(person.label, set()).add(office.category)
        country = _title_country(ctx, title, office.country)
        if country is not None:
            actors.countries.setdefault(person.label, Counter())[country.label] += 1
            actors.country_mentions.setdefault(country.label, country)
    return actors


def _person_after(ctx: ExtractionContext, title: Span, starts: dict[int, Span]) -> Mention | None:
    doc = ctx.doc
    i = title.end
    while i < len(doc) and (i in starts or doc[i].text.rstrip(".") in ctx.lexicon.honorifics):
        i = starts[i].end if i in starts else i + 1
    m = mention_of(ctx, doc[i]) if i < len(doc) else None
    return m if m is not None and m.type == "Person" and m.start == doc[i].idx else None


def _person_before(ctx: ExtractionContext, title: Span) -> Mention | None:
    """ "Jane Doe, the U.S. Trade Representative": the person before an appositive title."""
    doc = ctx.doc
    i = title.start - 1
    while i >= 0 and (doc[i].lower_ in {"the", "a", "an"} or _country_at(ctx, i) is not None):
        i -= 1
    if i < 1 or doc[i].text != ",":
        return None
    m = mention_of(ctx, doc[i - 1])
    return m if m is not None and m.type == "Person" else None


def _country_at(ctx: ExtractionContext, i: int) -> Mention | None:
    m = mention_of(ctx, ctx.doc[i]) if 0 <= i < len(ctx.doc) else None
    return m if m is not None and m.type == "Country" else None


def _title_country(ctx: ExtractionContext, title: Span, implied: str | None) -> Mention | None:
    doc = ctx.doc
    for i in range(title.start, title.end):  # "U.S. Trade Representative"
        m = _country_at(ctx, i)
        if m is not None:
            return m
    i = title.start - 1
    if i >= 0 and doc[i].text in {"'s", "’s"}:
        i -= 1
    m = _country_at(ctx, i)
    if m is not None:
        return m
    if title.end + 1 < len(doc) and doc[title.end].lower_ == "of":
        j = title.end + 1 + (doc[title.end + 1].lower_ == "the")
        m = _country_at(ctx, j)
        if m is not None:
            return m
    if implied:
        entry = ctx.lexicon.entries.get(f"country:{implied}")
        if entry is not None:
            return Mention(
                title.text,
                entry.name,
                "Country",
                title.start_char,
                title.end_char,
                entry.wikidata,
                entry.key,
                f"title-implies-country:{title.text}",
            )
    return None


def acting_country(ctx: ExtractionContext, actor: Mention) -> tuple[Mention, str | None]:
    """The country a person or government body acts for, with the rule that said so.

    Returns the actor itself (and None) when no rule applies.
    """
    if actor.type == "GovernmentBody" and actor.key:
        entry = ctx.lexicon.entries.get(actor.key)
        home = (
            ctx.lexicon.entries.get(f"country:{entry.country}") if entry and entry.country else None
        )
        if home is not None:
            return _as_country(actor, home.name, home.wikidata, home.key), "actor.body_country"
    if actor.type != "Person":
        return actor, None
    actors = ctx.actors
    own = actors.countries.get(actor.label)
    if own:
        label = own.most_common(1)[0][0]
        return _country_like(ctx, actor, label), "actor.title_country"
    ranks = actors.categories.get(actor.label, set()) & ctx.lexicon.categories_where(
        "acts_for_country"
    )
    if not ranks:
        return actor, None
    held = {
        c
        for person, cats in actors.categories.items()
        if person != actor.label and cats & ranks
        for c in actors.countries.get(person, ())
    }
    for label, _ in sorted(actors.frequency.items(), key=lambda kv: (-kv[1], kv[0])):
        if label not in held:
            return _country_like(ctx, actor, label), "actor.document_country"
    return actor, None


def country_counts(ctx: ExtractionContext) -> Counter[str]:
    """How often the document names each country (by label)."""
    return Counter(ctx.actors.frequency)


def country_mention(ctx: ExtractionContext, label: str) -> Mention | None:
    """The first mention of the country ``label`` in the document."""
    return ctx.actors.country_mentions.get(label)


def person_categories(ctx: ExtractionContext, person: Mention) -> set[str]:
    """Office categories (head_of_state, minister...) a person's titles have in the document."""
    return set(ctx.actors.categories.get(person.label, set()))


def _country_like(ctx: ExtractionContext, actor: Mention, label: str) -> Mention:
    known = ctx.actors.country_mentions.get(label)
    entry = ctx.lexicon.entries.get(known.key) if known is not None and known.key else None
    return _as_country(
        actor, label, entry.wikidata if entry else None, known.key if known else None
    )


def _as_country(actor: Mention, label: str, wikidata: str | None, key: str | None) -> Mention:
    return Mention(
        actor.text,
        label,
        "Country",
        actor.start,
        actor.end,
        wikidata,
        key,
        f"acts-for-country:{actor.label}",
    )


