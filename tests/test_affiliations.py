"""Affiliation and authorship extraction on real sentences."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.conftest import claims_of

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "affiliations.yaml").read_text("utf-8"))


@pytest.mark.parametrize("case", CASES["affiliations"], ids=lambda c: c["text"][:50])
def test_affiliation_case(case: dict) -> None:
    claims = claims_of(case["text"], "affiliation")
    got = [
        {
            "person": c.fields["person"].label,
            "organization": c.fields["organization"].label,
            "role": c.fields["role"],
            "quote": c.evidence.quote,
        }
        for c in claims
    ]
    assert got == case["facts"]


@pytest.mark.parametrize("case", CASES["authorship"], ids=lambda c: c["text"][:40])
def test_authorship_case(case: dict) -> None:
    claims = claims_of(case["text"], "authorship")
    got = [{"author": c.fields["author"].label, "quote": c.evidence.quote} for c in claims]
    assert got == case["facts"]
    for c in claims:
        assert c.fields["doc"] == "t"
