"""Entities of real corpora. Aliases only of the thing they name: in builds of real corpora no
person's name is an alias of a country, organisation or place (a person acting for a country, a
title implying its office's organisation, an instrument standing for its government are no
aliases of them). One node per person: every person of a gold file is exactly one entity."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.evaluate.gold import load_gold
from kg.evaluate.index import NameIndex
from kg.nlp import shared_nlp
from kg.pipeline import run_build

DATA = Path(__file__).parent / "data"
CORPORA = {
    "news-dev": DATA / "news-dev",
    "sample": Path(__file__).parent.parent / "examples" / "trump-xi-call",
    **{p.name: p for p in sorted((DATA / "gold").iterdir()) if p.is_dir()},
}


# the gold of each corpus that has one in the repository (news-dev's is a copy of
# shared/corpus/news-dev/gold.yaml, whose articles are copied to tests/data/news-dev)
GOLD = {
    "news-dev": DATA / "news-dev-gold" / "gold.yaml",
    "sample": CORPORA["sample"] / "gold.yaml",
    **{p.name: p / "gold.yaml" for p in sorted((DATA / "gold").iterdir()) if p.is_dir()},
}
_BUILT: dict[str, list[dict]] = {}


def _entities(name: str, tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    """The entities of a build of the corpus (built once per test session)."""
    if name not in _BUILT:
        out = tmp_path_factory.mktemp(f"entities-{name}")
        run_build([str(CORPORA[name])], out, nlp=shared_nlp())
        lines = (out / "entities.jsonl").read_text("utf-8").split("\n")
        _BUILT[name] = [json.loads(line) for line in lines if line]
    return _BUILT[name]


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_no_person_name_is_an_alias_of_another_kind_of_entity(
    name: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    entities = _entities(name, tmp_path_factory)
    people = {n for e in entities if e["type"] == "Person" for n in [e["label"], *e["aliases"]]}
    assert people, f"{name}: no person at all"
    wrong = sorted(
        (e["label"], alias)
        for e in entities
        if e["type"] != "Person"
        for alias in [e["label"], *e["aliases"]]
        if alias in people
    )
    assert wrong == [], f"{name}: person names that are aliases of other entities: {wrong}"


@pytest.mark.parametrize("name", sorted(GOLD))
def test_each_gold_person_is_exactly_one_entity(
    name: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    gold = load_gold(GOLD[name])
    entities = {e["id"]: e for e in _entities(name, tmp_path_factory)}
    index = NameIndex(gold.org_groups, entities, gold.person_groups)
    counts = {
        p.fields["name"]: sorted(
            e["label"] for e in entities.values()
            if e["type"] == "Person" and index.matches(p.fields["name"], e)
        )
        for p in gold.people
    }
    wrong = {person: found for person, found in counts.items() if len(found) != 1}
    assert gold.people and wrong == {}, f"{name}: gold people not one entity each: {wrong}"
