"""Aliases only of the thing they name: in builds of real corpora no person's name is an alias
of a country, organisation or place (a person acting for a country, a title implying its
office's organisation, an instrument standing for its government are no aliases of them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.nlp import shared_nlp
from kg.pipeline import run_build

DATA = Path(__file__).parent / "data"
CORPORA = {
    "news-dev": DATA / "news-dev",
    "sample": Path(__file__).parent.parent / "examples" / "trump-xi-call",
    **{p.name: p for p in sorted((DATA / "gold").iterdir()) if p.is_dir()},
}


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_no_person_name_is_an_alias_of_another_kind_of_entity(name: str, tmp_path: Path) -> None:
    run_build([str(CORPORA[name])], tmp_path, nlp=shared_nlp())
    lines = (tmp_path / "entities.jsonl").read_text("utf-8").splitlines()
    entities = [json.loads(line) for line in lines]
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
