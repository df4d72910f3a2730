"""Validity of the general-vocabulary lexicons under ontology/lexicon/, independent of any loader.

Each lexicon is read with ``kg.resources.load_yaml``; these tests check shape, allowed values,
uniqueness of surface forms, cross-references between files, deterministic ordering, and that no
person of the sample corpus leaks into the data.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import pytest

from kg.lexicon import load_lexicon
from kg.resources import data_path, load_yaml

OFFICE_CATEGORIES = set(load_lexicon().categories)
ORG_TYPES = {
    "GovernmentBody",
    "Media",
    "Company",
    "ThinkTank",
    "InternationalOrganization",
    "PoliticalParty",
    "Organization",
}
LEXICONS = {
    "lexicon/offices.yaml": "offices",
    "lexicon/countries.yaml": "countries",
    "lexicon/organizations.yaml": "organizations",
    "lexicon/org_descriptors.yaml": "descriptors",
    "lexicon/honorifics.yaml": "honorifics",
    "lexicon/topics.yaml": "topics",
}
# People of the sample corpus (see HELPERS.md): rules and data must generalise, never key on them.
SAMPLE_PEOPLE = (
    "Trump",
    "Xi",
    "Jinping",
    "Bessent",
    "Lutnick",
    "Greer",
    "Melania",
    "Singleton",
    "Wildau",
    "Mbua",
    "Dhole",
)
SNAKE_ID = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
QID = re.compile(r"^Q[0-9]+$")
ISO2 = re.compile(r"^[A-Z]{2}$")


def entries(relative: str) -> list[Any]:
    """The list under the file's single top-level key."""
    return load_yaml(relative)[LEXICONS[relative]]


def duplicates(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Surface forms (already normalised) claimed by more than one owner, with the owners."""
    owners: dict[str, set[str]] = defaultdict(set)
    for form, owner in pairs:
        owners[form].add(owner)
    return {form: sorted(who) for form, who in sorted(owners.items()) if len(who) > 1}


def country_forms() -> list[tuple[str, str]]:
    """Every (surface form, country name) pair: aliases, demonyms and metonyms."""
    return [
        (form, c["name"])
        for c in entries("lexicon/countries.yaml")
        for key in ("aliases", "demonyms", "metonyms")
        for form in c[key]
    ]


def org_forms() -> list[tuple[str, str]]:
    """Every (surface form, organisation name) pair: aliases and metonyms."""
    return [
        (form, o["name"])
        for o in entries("lexicon/organizations.yaml")
        for form in [*o["aliases"], *o.get("metonyms", [])]
    ]


def country_names() -> set[str]:
    return {c["name"] for c in entries("lexicon/countries.yaml")}


def org_names() -> set[str]:
    return {o["name"] for o in entries("lexicon/organizations.yaml")}


def check_strings(values: Any, where: str) -> list[str]:
    """Problems with a list that must hold non-empty, trimmed, distinct strings."""
    if not isinstance(values, list):
        return [f"{where}: expected a list, got {values!r}"]
    problems = [
        f"{where}: bad entry {v!r}"
        for v in values
        if not isinstance(v, str) or v != v.strip() or not v
    ]
    seen = [v for v in values if values.count(v) > 1]
    if seen:
        problems.append(f"{where}: repeated {sorted(set(seen))}")
    return problems


@pytest.mark.parametrize("relative", sorted(LEXICONS))
def test_lexicon_loads_with_header_and_items(relative: str) -> None:
    data = load_yaml(relative)
    # offices.yaml also holds the table of office categories, honorifics.yaml the name particles,
    # the words that end no name (gatherings), the variants of given names and the spelling folds
    expected = {
        "lexicon/offices.yaml": ["categories", "offices"],
        "lexicon/honorifics.yaml": [
            "honorifics", "honorifics_in_place_names", "distinguishing_honorifics", "particles",
            "gathering_words", "given_name_variants", "letter_folds", "ending_folds", "not_names",
            "credits",
        ],
    }.get(relative, [])
    assert isinstance(data, dict) and list(data) == (expected or [LEXICONS[relative]]), (
        f"{relative}: top-level key"
    )
    assert isinstance(data[LEXICONS[relative]], list) and len(data[LEXICONS[relative]]) >= 10
    text = data_path(relative).read_text(encoding="utf-8")
    assert text.startswith("#"), f"{relative}: starts with a header comment explaining the format"


def test_offices_shape_and_values() -> None:
    problems: list[str] = []
    required = {"id", "title", "category", "variants", "country", "organization_required"}
    for office in entries("lexicon/offices.yaml"):
        where = f"offices.yaml: {office.get('id')!r}"
        missing = required - set(office)
        extra = set(office) - required - {"organization"}
        if missing or extra:
            problems.append(f"{where}: missing {sorted(missing)}, unknown {sorted(extra)}")
            continue
        if not SNAKE_ID.match(office["id"]):
            problems.append(f"{where}: id is not snake_case")
        if office["category"] not in OFFICE_CATEGORIES:
            problems.append(f"{where}: unknown category {office['category']!r}")
        if not isinstance(office["organization_required"], bool):
            problems.append(f"{where}: organization_required must be true or false")
        if not office["variants"]:
            problems.append(f"{where}: no variants")
        problems += check_strings(office["variants"], where)
    assert not problems, "\n".join(problems)
    ids = [o["id"] for o in entries("lexicon/offices.yaml")]
    assert ids == sorted(ids), "offices.yaml: entries must be sorted by id"
    assert len(ids) == len(set(ids)), "offices.yaml: duplicate ids"
    assert len(ids) >= 100


def test_office_variants_belong_to_one_office() -> None:
    """Titles and variants, case-insensitively, name one office each (loaders match both)."""
    pairs = [
        (v.casefold(), o["id"])
        for o in entries("lexicon/offices.yaml")
        for v in [o["title"], *o["variants"]]
    ]
    assert not duplicates(pairs), f"variants shared by offices: {duplicates(pairs)}"


def test_office_variants_name_no_foreign_country() -> None:
    """Variants carry no country name or demonym, except the office's own country."""
    forms = country_forms()
    problems = []
    for office in entries("lexicon/offices.yaml"):
        for variant in office["variants"]:
            for form, country in forms:
                if country != office["country"] and re.search(
                    rf"(?<!\w){re.escape(form)}(?!\w)", variant
                ):
                    problems.append(
                        f"{office['id']}: variant {variant!r} contains {form!r} ({country})"
                    )
    assert not problems, "\n".join(problems)


def test_office_references_exist() -> None:
    countries, orgs = country_names(), org_names()
    problems = []
    for office in entries("lexicon/offices.yaml"):
        if office["country"] is not None and office["country"] not in countries:
            problems.append(f"{office['id']}: country {office['country']!r} not in countries.yaml")
        if "organization" in office and office["organization"] not in orgs:
            problems.append(
                f"{office['id']}: organization {office['organization']!r} not in organizations.yaml"
            )
    assert not problems, "\n".join(problems)


def test_core_offices_present() -> None:
    variants = {v.casefold(): o for o in entries("lexicon/offices.yaml") for v in o["variants"]}
    expected = {
        "president": "head_of_state",
        "prime minister": "head_of_government",
        "treasury secretary": "minister",
        "secretary of commerce": "minister",
        "u.s. trade representative": "trade_representative",
        "fed chair": "central_bank",
        "first lady": "spouse",
        "ceo": "executive",
        "spokeswoman": "official",
        "foreign minister": "minister",
    }
    for variant, category in expected.items():
        assert variant in variants, f"offices.yaml lacks {variant!r}"
        assert variants[variant]["category"] == category, variant
    assert variants["chief executive"]["category"] == "executive"
    assert variants["chancellor of the exchequer"]["country"] == "United Kingdom"
    assert variants["treasury secretary"]["country"] is None


def test_countries_shape_and_values() -> None:
    problems: list[str] = []
    for country in entries("lexicon/countries.yaml"):
        where = f"countries.yaml: {country.get('name')!r}"
        missing = {"name", "iso2", "aliases", "demonyms", "metonyms"} - set(country)
        if missing:
            problems.append(f"{where}: missing {sorted(missing)}")
            continue
        if not ISO2.match(str(country["iso2"])):
            problems.append(f"{where}: iso2 {country['iso2']!r} is not two capital letters")
        if "wikidata" in country and not QID.match(str(country["wikidata"])):
            problems.append(f"{where}: wikidata {country['wikidata']!r} is not a Q-id")
        if country["name"] not in country["aliases"]:
            problems.append(f"{where}: the name must also be an alias")
        for key in ("aliases", "demonyms", "metonyms"):
            problems += check_strings(country[key], f"{where} {key}")
    assert not problems, "\n".join(problems)
    names = [c["name"] for c in entries("lexicon/countries.yaml")]
    assert names == sorted(names), "countries.yaml: entries must be sorted by name"
    codes = [c["iso2"] for c in entries("lexicon/countries.yaml")]
    assert len(set(names)) == len(names) and len(set(codes)) == len(codes), (
        "duplicate names or iso2"
    )
    assert len(names) >= 195


def test_country_surface_forms_belong_to_one_country() -> None:
    assert not duplicates(country_forms()), (
        f"forms shared by countries: {duplicates(country_forms())}"
    )


def test_brussels_stands_for_the_eu_not_belgium() -> None:
    by_form = dict(country_forms())
    assert "Brussels" not in by_form
    assert dict(org_forms())["Brussels"] == "European Union"
    assert by_form["Beijing"] == "China" and by_form["U.S."] == "United States"


def test_organizations_shape_and_values() -> None:
    problems: list[str] = []
    countries = country_names()
    for org in entries("lexicon/organizations.yaml"):
        where = f"organizations.yaml: {org.get('name')!r}"
        missing = {"name", "type", "aliases"} - set(org)
        extra = set(org) - {
            "name", "type", "aliases", "wikidata", "country", "metonyms", "venue", "forum"
        }
        if missing or extra:
            problems.append(f"{where}: missing {sorted(missing)}, unknown {sorted(extra)}")
            continue
        if org["type"] not in ORG_TYPES:
            problems.append(f"{where}: unknown type {org['type']!r}")
        for flag in ("venue", "forum"):  # true or absent: "venue: false" says nothing
            if flag in org and org[flag] is not True:
                problems.append(f"{where}: {flag} is {org[flag]!r}, not true")
        if org.get("forum") and org["type"] != "InternationalOrganization":
            problems.append(f"{where}: a forum is an international organisation")
        if "wikidata" in org and not QID.match(str(org["wikidata"])):
            problems.append(f"{where}: wikidata {org['wikidata']!r} is not a Q-id")
        if "country" in org and org["country"] not in countries:
            problems.append(f"{where}: country {org['country']!r} not in countries.yaml")
        if org["name"] not in org["aliases"]:
            problems.append(f"{where}: the name must also be an alias")
        problems += check_strings(org["aliases"], f"{where} aliases")
        problems += check_strings(org.get("metonyms", []), f"{where} metonyms")
        for alias in org["aliases"]:
            if len(alias) < 2 or alias == alias.lower():
                problems.append(f"{where}: alias {alias!r} is a single letter or all lowercase")
    assert not problems, "\n".join(problems)
    names = [o["name"] for o in entries("lexicon/organizations.yaml")]
    assert names == sorted(names), "organizations.yaml: entries must be sorted by name"
    assert len(names) == len(set(names)), "organizations.yaml: duplicate names"
    assert len(names) >= 250


def test_org_surface_forms_belong_to_one_org_and_no_country() -> None:
    assert not duplicates(org_forms()), f"forms shared by organisations: {duplicates(org_forms())}"
    countries = dict(country_forms())
    clashes = [
        f"{form!r}: {org} / {countries[form]}" for form, org in org_forms() if form in countries
    ]
    assert not clashes, "forms of both an organisation and a country: " + "; ".join(clashes)


def test_org_aliases_are_not_office_variants() -> None:
    variants = {
        v.casefold(): o["id"] for o in entries("lexicon/offices.yaml") for v in o["variants"]
    }
    clashes = [
        f"{form!r}: {org} / {variants[form.casefold()]}"
        for form, org in org_forms()
        if form.casefold() in variants
    ]
    assert not clashes, "forms of both an organisation and an office: " + "; ".join(clashes)


def test_wikidata_ids_are_distinct() -> None:
    pairs = [
        (c["wikidata"], c["name"]) for c in entries("lexicon/countries.yaml") if "wikidata" in c
    ]
    pairs += [
        (o["wikidata"], o["name"]) for o in entries("lexicon/organizations.yaml") if "wikidata" in o
    ]
    assert not duplicates(pairs), f"Q-ids given to two entities: {duplicates(pairs)}"
    known = {
        "Q30": "United States",
        "Q148": "China",
        "Q7825": "World Trade Organization",
        "Q458": "European Union",
    }
    by_qid = dict(pairs)
    for qid, name in known.items():
        assert by_qid[qid] == name


def test_descriptors() -> None:
    descriptors = entries("lexicon/org_descriptors.yaml")
    problems = [
        f"{d!r}: needs word and a known type"
        for d in descriptors
        if set(d) != {"word", "type"} or d["type"] not in ORG_TYPES or not str(d["word"]).strip()
    ]
    assert not problems, "\n".join(problems)
    words = [d["word"].casefold() for d in descriptors]
    assert words == sorted(words), "org_descriptors.yaml: entries must be sorted by word"
    assert len(words) == len(set(words)), "org_descriptors.yaml: duplicate words"
    types = {d["word"]: d["type"] for d in descriptors}
    assert types["consultancy"] == "Company" and types["think tank"] == "ThinkTank"
    assert types["news agency"] == "Media" and types["ministry"] == "GovernmentBody"


def test_honorifics_are_not_offices() -> None:
    honorifics = entries("lexicon/honorifics.yaml")
    assert not check_strings(honorifics, "honorifics.yaml")
    assert honorifics == sorted(honorifics), "honorifics.yaml: must be sorted"
    variants = {
        v.casefold() for o in entries("lexicon/offices.yaml") for v in [o["title"], *o["variants"]]
    }
    offices = [h for h in honorifics if h.casefold() in variants]
    assert not offices, f"honorifics that are office titles: {offices}"
    assert {"Mr.", "Mrs.", "Ms.", "Dr.", "Sir"} <= set(honorifics)
    particles = (load_yaml("lexicon/honorifics.yaml") or {})["particles"]
    assert not check_strings(particles, "honorifics.yaml particles")
    assert particles == sorted(particles) and all(p == p.lower() for p in particles)


def test_topics() -> None:
    topics = entries("lexicon/topics.yaml")
    problems: list[str] = []
    for topic in topics:
        where = f"topics.yaml: {topic.get('id')!r}"
        if set(topic) != {"id", "label", "triggers"}:
            problems.append(f"{where}: keys must be id, label, triggers")
            continue
        if not SNAKE_ID.match(topic["id"]) or not topic["triggers"]:
            problems.append(f"{where}: bad id or no triggers")
        problems += check_strings(topic["triggers"], where)
    assert not problems, "\n".join(problems)
    ids = [t["id"] for t in topics]
    assert ids == sorted(ids) and len(ids) == len(set(ids)) and len(ids) >= 25
    pairs = [(trigger.casefold(), t["id"]) for t in topics for trigger in t["triggers"]]
    assert not duplicates(pairs), f"triggers shared by topics: {duplicates(pairs)}"
    places = dict(country_forms())
    named = [
        f"{t['id']}: {trigger!r}" for t in topics for trigger in t["triggers"] if trigger in places
    ]
    assert not named, f"triggers that are places: {named}"
    by_trigger = dict(pairs)
    assert by_trigger["rare earths"] == "rare_earths" and by_trigger["soybeans"] == "agriculture"


def test_no_sample_corpus_people() -> None:
    folder = data_path("lexicon/offices.yaml").parent
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    assert len(files) >= len(LEXICONS)
    found = [
        f"{path.name}: {name}"
        for path in files
        for name in SAMPLE_PEOPLE
        if re.search(rf"\b{name}\b", path.read_text(encoding="utf-8"), flags=re.IGNORECASE)
    ]
    assert not found, f"ontology/lexicon names people of the sample corpus: {found}"
