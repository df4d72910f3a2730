"""People as data: tests/cases/people.yaml holds documents and exactly the Person entities their
build gives (name shapes, variants across documents, negatives and junk)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from kg.extract import extract
from kg.model import Claim, Mention
from kg.resolve import resolve
from tests.conftest import analyse

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "people.yaml").read_text("utf-8"))


def _build(docs: list[str]) -> list[tuple[str, str, set[str]]]:
    """Every entity of the documents resolved together: type, label, label and aliases."""
    claims: list[Claim] = []
    mentions: dict[str, list[Mention]] = {}
    texts: dict[str, str] = {}
    for i, text in enumerate(docs):
        title = None
        if text.startswith("title: "):  # a headline: the first line of the text, and its title
            title = text[len("title: ") :].split("\n", 1)[0]
            text = text[len("title: ") :]
        ctx = analyse(text, doc_id=f"d{i}", title=title)
        mentions[f"d{i}"] = ctx.mentions
        texts[f"d{i}"] = text
        claims += list(extract(ctx))
    entities = resolve(claims, mentions, texts=texts).entities  # as a build resolves them
    return sorted((e.type, e.label, {e.label, *e.aliases}) for e in entities.values())


@pytest.mark.parametrize("case", CASES["cases"], ids=[c["name"] for c in CASES["cases"]])
def test_people_case(case: dict[str, Any]) -> None:
    got = _build(case["docs"])
    people = [(label, names) for etype, label, names in got if etype == "Person"]
    labels = [label for label, _ in people]
    assert sorted(labels) == sorted(case["people"]), f"{case['source']}: {people}"
    for label, names in people:
        missing = set(case["people"][label]) - names
        assert not missing, f"{label}: {sorted(missing)} missing from {sorted(names)}"
    for name in case.get("absent", []):
        assert not any(name in names for _, _, names in got), name
