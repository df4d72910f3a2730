"""The general-vocabulary lexicons of ontology/lexicon/ as lookup tables.

Countries, organisations, office titles, organisation descriptors and honorifics. Surface forms
of countries and organisations match case-sensitively (``US`` is not ``us``); office titles match
case-insensitively on token boundaries.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from kg.errors import RuleError
from kg.model import ENTITY_TYPES, Mention
from kg.resources import data_path, load_yaml
from kg.schema import convert


@dataclass(frozen=True)
class LexEntry:
    """A country or organisation the lexicon knows."""

    key: str  # "country:United States", "org:Xinhua News Agency"
    name: str
    type: str  # an entity type of kg.model.ENTITY_TYPES
    wikidata: str | None
    country: str | None = None  # for organisations: the country they belong to
    venue: bool = False  # its name is also the building it sits in (events are held "at" it)
    forum: bool = False  # its name alone stands for its gatherings ("at the G20")


def entry_mention(
    entry: LexEntry, text: str, start: int, end: int, resolved_by: str | None = None
) -> Mention:
    """A mention of a lexicon entry by the words ``text`` at ``[start, end)``."""
    return Mention(text, entry.name, entry.type, start, end, entry.wikidata, entry.key, resolved_by)


@dataclass(frozen=True)
class Office:
    """An office title of the lexicon."""

    id: str
    title: str
    category: str
    variants: tuple[str, ...]
    country: str | None
    organization_required: bool
    organization: str | None = None  # the organisation the title itself implies (Fed Chair)


@dataclass(frozen=True)
class OfficeCategory:
    """What a category of office means to the extractors (lexicon/offices.yaml `categories`)."""

    acts_for_country: bool = False
    national_post: bool = False
    leader: bool = False
    spouse: bool = False


@dataclass
class Lexicon:
    """Lookup tables built once from the lexicon files."""

    entries: dict[str, LexEntry] = field(default_factory=dict)
    surface: dict[str, str] = field(default_factory=dict)  # alias/metonym -> entry key
    demonyms: dict[str, str] = field(default_factory=dict)  # demonym -> country entry key
    # metonym -> entry key: the capital or seat that stands for a government ("Beijing hit
    # back"), which is a city where an event happens ("a visit to Beijing")
    metonyms: dict[str, str] = field(default_factory=dict)
    offices: dict[str, Office] = field(default_factory=dict)
    categories: dict[str, OfficeCategory] = field(default_factory=dict)
    descriptors: dict[str, str] = field(default_factory=dict)  # lowercase word -> entity type
    honorifics: frozenset[str] = frozenset()
    # honorifics that tell a person from another of the same surname ("President Obama and
    # Mrs. Obama"): kept in the name when both are named in one sentence
    distinguishing: frozenset[str] = frozenset()
    particles: frozenset[str] = frozenset()  # "von", "van", "bin": inside family names
    # honorifics that also open place and institution names ("Prince Edward Island")
    place_honorifics: frozenset[str] = frozenset()
    gathering_words: frozenset[str] = frozenset()  # "Meeting": ends no person's name
    given_name_variants: dict[str, str] = field(default_factory=dict)  # "joe" -> "joseph"
    # spelling folds for comparing names: letters without a decomposition, word endings
    letter_folds: dict[str, str] = field(default_factory=dict)
    ending_folds: tuple[tuple[str, str], ...] = ()
    not_names: frozenset[str] = frozenset()  # era names: words NER takes for names
    credits: tuple[re.Pattern[str], ...] = ()  # photo and video credits

    def lookup(self, text: str) -> LexEntry | None:
        """The entry a surface form names (alias, metonym or demonym), or None."""
        key = self.surface.get(text) or self.demonyms.get(text)
        if key is None and text.startswith("the "):
            key = self.surface.get(text[4:])
        return self.entries.get(key) if key else None

    def country_of_demonym(self, text: str) -> LexEntry | None:
        key = self.demonyms.get(text) or self.surface.get(text)
        entry = self.entries.get(key) if key else None
        return entry if entry is not None and entry.type == "Country" else None

    def categories_where(self, flag: str) -> frozenset[str]:
        """The office categories with ``flag`` set ("acts_for_country", "leader" ...)."""
        return frozenset(name for name, c in self.categories.items() if getattr(c, flag))

    def entity_patterns(self) -> list[dict[str, Any]]:
        """EntityRuler patterns: aliases and metonyms as GPE/ORG, demonyms as NORP."""
        patterns: dict[str, dict[str, Any]] = {}
        for text, key in sorted(self.surface.items()):
            label = "GPE" if self.entries[key].type == "Country" else "ORG"
            patterns[text] = {"label": label, "pattern": text, "id": key}
        for text, key in sorted(self.demonyms.items()):
            patterns.setdefault(text, {"label": "NORP", "pattern": text, "id": key})
        return [patterns[text] for text in sorted(patterns)]

    def title_patterns(self) -> list[dict[str, Any]]:
        """SpanRuler patterns for office titles."""
        seen: dict[str, dict[str, Any]] = {}
        for office in sorted(self.offices.values(), key=lambda o: o.id):
            for variant in office.variants:
                seen.setdefault(
                    variant.lower(), {"label": "TITLE", "pattern": variant, "id": office.id}
                )
        return [seen[k] for k in sorted(seen)]


def _entity_type(value: str, where: str) -> str:
    if value not in ENTITY_TYPES:
        raise RuleError(
            f"{where}: unknown entity type {value!r}; use one of {', '.join(ENTITY_TYPES)}"
        )
    return value


def _add_surface(lex: Lexicon, table: dict[str, str], text: str, key: str, where: str) -> None:
    text = text.strip()
    if not text:
        return
    other = table.get(text)
    if other is not None and other != key:
        # Ambiguous surface forms name neither entry: keeping the first silently would be a guess.
        table[text] = ""
        return
    table[text] = key


@functools.cache
def load_lexicon() -> Lexicon:
    """Build the lookup tables from ontology/lexicon/*.yaml (cached: built once per process)."""
    lex = Lexicon()
    countries = load_yaml("lexicon/countries.yaml") or {}
    where = str(data_path("lexicon/countries.yaml"))
    for item in countries.get("countries", []):
        key = f"country:{item['name']}"
        lex.entries[key] = LexEntry(key, item["name"], "Country", item.get("wikidata"))
        for alias in [item["name"], *item.get("aliases", []), *item.get("metonyms", [])]:
            _add_surface(lex, lex.surface, alias, key, where)
        lex.metonyms.update(dict.fromkeys(item.get("metonyms", []), key))
        for demonym in item.get("demonyms", []):
            _add_surface(lex, lex.demonyms, demonym, key, where)
    orgs = load_yaml("lexicon/organizations.yaml") or {}
    where = str(data_path("lexicon/organizations.yaml"))
    for item in orgs.get("organizations", []):
        key = f"org:{item['name']}"
        etype = _entity_type(item.get("type", "Organization"), f"{where}: {item['name']}")
        lex.entries[key] = LexEntry(
            key,
            item["name"],
            etype,
            item.get("wikidata"),
            item.get("country"),
            venue=item.get("venue") is True,
            forum=item.get("forum") is True,
        )
        for alias in [item["name"], *item.get("aliases", []), *item.get("metonyms", [])]:
            _add_surface(lex, lex.surface, alias, key, where)
        lex.metonyms.update(dict.fromkeys(item.get("metonyms", []), key))
    lex.surface = {k: v for k, v in lex.surface.items() if v}
    lex.metonyms = {k: v for k, v in lex.metonyms.items() if lex.surface.get(k) == v}
    lex.demonyms = {k: v for k, v in lex.demonyms.items() if v}
    office_data = load_yaml("lexicon/offices.yaml") or {}
    where = str(data_path("lexicon/offices.yaml"))
    lex.categories = convert(
        office_data.get("categories"), dict[str, OfficeCategory], f"{where}: categories"
    )
    for item in office_data.get("offices", []):
        if item.get("category", "official") not in lex.categories:
            raise RuleError(
                f"{where}: office {item.get('id')!r} has unknown category {item.get('category')!r};"
                f" declare it under `categories` (known: {', '.join(lex.categories)})"
            )
        office = Office(
            id=item["id"],
            title=item["title"],
            category=item.get("category", "official"),
            variants=tuple(dict.fromkeys([item["title"], *item.get("variants", [])])),
            country=item.get("country"),
            organization_required=bool(item.get("organization_required", False)),
            organization=item.get("organization"),
        )
        lex.offices[office.id] = office
    where = str(data_path("lexicon/org_descriptors.yaml"))
    for item in (load_yaml("lexicon/org_descriptors.yaml") or {}).get("descriptors", []):
        lex.descriptors[item["word"].lower()] = _entity_type(item["type"], where)
    names = load_yaml("lexicon/honorifics.yaml") or {}
    lex.honorifics = frozenset(names.get("honorifics", []))
    lex.distinguishing = frozenset(names.get("distinguishing_honorifics", []))
    lex.particles = frozenset(names.get("particles", []))
    lex.place_honorifics = frozenset(names.get("honorifics_in_place_names", []))
    lex.gathering_words = frozenset(w.lower() for w in names.get("gathering_words", []))
    for group in names.get("given_name_variants", []):
        for name in group:
            lex.given_name_variants[name.lower()] = group[0].lower()
    lex.letter_folds = {str(k): str(v) for k, v in (names.get("letter_folds") or {}).items()}
    lex.ending_folds = tuple((str(a), str(b)) for a, b in names.get("ending_folds") or [])
    lex.not_names = frozenset(names.get("not_names", []))
    lex.credits = tuple(re.compile(str(c), re.MULTILINE) for c in names.get("credits", []))
    return lex
