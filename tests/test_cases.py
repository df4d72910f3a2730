"""Extraction cases as data: tests/cases/<kind>s.yaml hold real sentences and every fact of that
kind the extractors must produce for them, with the evidence's rule and its exact quote."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from kg.extract import registered
from kg.model import Claim, Mention
from kg.resources import load_yaml, ontology_dir
from tests.conftest import claims_of

CASES = Path(__file__).parent / "cases"

# The fields each case records: the claim's own fields, then these taken from its evidence or
# from the underscore fields that say which rule filled a field.
FIELDS = {
    "tariff": "imposed_by target goods rate_percent previous_rate_percent duration effective_date"
    " status rule imposer_rule target_rule",
    "event": "event_type participants initiator invitees place date date_text duration topics rule",
    "quote": "speaker text rule",
    "figure": "subject value unit date entities rule entities_rule",
}
FROM_CLAIM = {
    "imposer_rule": "_imposer_rule",
    "target_rule": "_target_rule",
    "entities_rule": "_entities_rule",
}
SORTED = {"participants", "entities"}  # recorded as sorted labels
# The extractor whose evidence carries a rule, by the rule's first part.
EXTRACTOR = {
    "tariff": "kg.tariffs.v1",
    "event": "kg.events.v1",
    "quote": "kg.quotes.v1",
    "figure": "kg.figures.v1",
}
RULE_KEYS = {"rule", "imposer_rule", "target_rule", "entities_rule"}
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
    for name in FIELDS[kind].split():
        if name == "rule":
            value = claim.evidence.rule
        else:
            value = _label(claim.fields[FROM_CLAIM.get(name, name)])
        row[name] = sorted(value) if name in SORTED else value
    row["quote"] = claim.evidence.quote
    return row


def _sorted(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: json.dumps(r, sort_keys=True))


def _params(kind: str) -> list[Any]:
    return [pytest.param(c, id=c["text"][:50]) for c in _cases(kind)]


def _check(kind: str, case: dict[str, Any]) -> None:
    kw = {"published": case["published"]} if case.get("published") else {}
    claims = claims_of(case["text"], kind, **kw)
    assert _sorted([_row(kind, c) for c in claims]) == _sorted(case["facts"])
    for claim in claims:
        ev = claim.evidence
        assert ev.rule is not None
        assert ev.extractor == EXTRACTOR[ev.rule.split(".")[0]]
        assert ev.extractor in registered()
        assert ev.quote in ev.sentence


@pytest.mark.parametrize("case", _params("tariff"))
def test_tariff_case(case: dict[str, Any]) -> None:
    _check("tariff", case)


@pytest.mark.parametrize("case", _params("event"))
def test_event_case(case: dict[str, Any]) -> None:
    _check("event", case)


@pytest.mark.parametrize("case", _params("quote"))
def test_quote_case(case: dict[str, Any]) -> None:
    _check("quote", case)


@pytest.mark.parametrize("case", _params("figure"))
def test_figure_case(case: dict[str, Any]) -> None:
    _check("figure", case)


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
