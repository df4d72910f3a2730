"""Every rule id is declared where the code writes it, and every declared rule id is produced
by some case of tests/cases/: rules nobody can write, or that no case exercises, are found here."""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from kg.extract import extract
from kg.rules import declared_rule_ids
from tests.conftest import ROOT, analyse

CASES = Path(__file__).parent / "cases"
RULE_ID = re.compile(
    r"^(?:actor|affiliation|authorship|event|figure|office|path|quote|tariff|time)(?:\.[a-z_]+)+$"
)


def _texts() -> list[tuple[str, str | None]]:
    """Every text of every case file, with its publication date."""
    out = []
    for path in sorted(CASES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        for cases in data.values():
            for case in cases if isinstance(cases, list) else []:
                # a case of one text, or of several documents (people.yaml)
                for text in case.get("docs") or [case["text"]]:
                    out.append((text, case.get("published")))
    return out


def _rules_in(value: Any) -> set[str]:
    """Rule ids among a claim's field values (``_imposer_rule``, ``_paths``, ...)."""
    if isinstance(value, str):
        return {value} if RULE_ID.match(value) else set()
    if isinstance(value, (list, tuple)):
        return {r for v in value for r in _rules_in(v)}
    return set()


@functools.cache
def produced() -> frozenset[str]:
    """The rule ids the extractors write when they run over every case text."""
    found: set[str] = set()
    for text, published in _texts():
        ctx = analyse(text, published=published)
        for claim in extract(ctx):
            found.add(str(claim.evidence.rule))
            for name, value in claim.fields.items():
                if name.startswith("_"):
                    found |= _rules_in(value)
        found |= {t.rule for t in ctx.timexes}
        found |= {q.rule for q in ctx.quotes if q.rule}
    return frozenset(found)


def _written_in_code() -> set[str]:
    """String literals of kg/ that look like rule ids."""
    out = set()
    for path in sorted((ROOT / "kg").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                out |= {node.value} if RULE_ID.match(node.value) else set()
    return out


def test_every_rule_id_the_code_writes_is_declared() -> None:
    declared = declared_rule_ids()
    assert sorted(_written_in_code() - set(declared)) == []
    assert sorted(produced() - set(declared)) == []


@pytest.mark.parametrize("rule_id", sorted(declared_rule_ids()))
def test_every_declared_rule_id_is_produced_by_a_case(rule_id: str) -> None:
    assert rule_id in produced(), (
        f"{rule_id} ({declared_rule_ids()[rule_id]}.yaml) fires on no text of tests/cases/:"
        " add a case that shows it, or remove the rule"
    )
