"""Extraction cases as data: tests/cases/<kind>s.yaml hold real sentences and every fact of that
kind the extractors must produce for them, with the evidence's rule and its exact quote."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from kg.extract import registered
from kg.kinds import kinds
from kg.model import Claim, Mention
from kg.resources import load_yaml, ontology_dir
from kg.rules import SCHEMAS, declared_rule_ids, rules_file
from tests.conftest import claims_of

CASES = Path(__file__).parent / "cases"

# A case records every public field of its kind (ontology/kinds.yaml), the evidence's `rule` and
# `quote`, and the rules that filled fields (`imposer_rule` is the claim's `_imposer_rule`...).
SORTED = {"participants", "entities"}  # recorded as sorted labels
RULE_KEYS = {"rule", "imposer_rule", "target_rule", "company_rule", "entities_rule"}
# The case files of this runner: tests/cases/<kind>s.yaml with a `cases` list of `facts`
# (offices and affiliations have runners of their own).
KINDS = [
    k for k in kinds() if (CASES / f"{k}s.yaml").exists() and k not in {"office", "affiliation"}
]


@functools.cache
def _recorded(kind: str) -> list[str]:
    """The keys every fact of the kind's case file records, in a fixed order."""
    extra = sorted(
        {k for c in _cases(kind) for f in c["facts"] for k in f} & (RULE_KEYS - {"rule"})
    )
    return [*kinds()[kind].field_names, "rule", *extra]


@functools.cache
def _cases(kind: str) -> list[dict[str, Any]]:
    return yaml.safe_load((CASES / f"{kind}s.yaml").read_text("utf-8"))["cases"]


def _label(value: Any) -> Any:
    if isinstance(value, Mention):
        return value.label
    if isinstance(value, (list, tuple)):
        return [_label(v) for v in value]
    return value


def _row(kind: str, claim: Claim) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for name in _recorded(kind):
        if name == "rule":
            value = claim.evidence.rule
        else:
            value = _label(claim.fields[f"_{name}" if name in RULE_KEYS else name])
        row[name] = sorted(value) if name in SORTED else value
    row["quote"] = claim.evidence.quote
    return row


def _sorted(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: json.dumps(r, sort_keys=True))


def _params() -> list[Any]:
    return [pytest.param(k, c, id=f"{k}: {c['text'][:50]}") for k in KINDS for c in _cases(k)]


@pytest.mark.parametrize(("kind", "case"), _params())
def test_case(kind: str, case: dict[str, Any]) -> None:
    """The text gives exactly the case's facts of its kind, each from its declared extractor."""
    kw = {k: case[k] for k in ("published", "title", "author") if case.get(k)}
    claims = claims_of(case["text"], kind, **kw)
    for fact in case["facts"]:
        assert set(_recorded(kind)) | {"quote"} == set(fact), "the case records every field"
    assert _sorted([_row(kind, c) for c in claims]) == _sorted(case["facts"])
    declared = declared_rule_ids()
    for claim in claims:
        ev = claim.evidence
        assert ev.rule is not None and ev.extractor in registered()
        rule_file: Any = rules_file(declared[ev.rule], SCHEMAS[declared[ev.rule]])
        assert ev.extractor == rule_file.extractor  # the extractor whose rule file declares it
        assert ev.quote in ev.sentence


def test_every_kind_with_a_case_file_is_run() -> None:
    assert set(KINDS) == {"tariff", "event", "quote", "figure"}


def _rule_values(node: Any) -> Iterator[str]:
    """Every value of a rule key anywhere in a parsed case file."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in RULE_KEYS and isinstance(value, str):
                yield value
            else:
                yield from _rule_values(value)
    elif isinstance(node, list):
        for item in node:
            yield from _rule_values(item)


def _recorded_rules() -> list[Any]:
    found = set()
    for path in sorted(CASES.glob("*.yaml")):
        found.update(_rule_values(yaml.safe_load(path.read_text("utf-8"))))
    return sorted(found)


def _declared_rules() -> set[str]:
    rules = set()
    for path in sorted((ontology_dir() / "rules").glob("*.yaml")):
        data = load_yaml(f"rules/{path.name}") or {}
        rules.update(r["id"] for r in data.get("rules", []))
    return rules


@pytest.mark.parametrize("rule_id", _recorded_rules())
def test_recorded_rule_is_declared(rule_id: str) -> None:
    assert rule_id in _declared_rules(), f"{rule_id!r} is in no `rules:` list of ontology/rules"
