"""Office extraction on real sentences: every field and the exact evidence span."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.conftest import claims_of

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "offices.yaml").read_text("utf-8"))


def _row(claim) -> dict:
    f = claim.fields
    return {
        "holder": f["holder"].label,
        "title": f["title"],
        "organization": f["organization"].label if f["organization"] else None,
        "status": f["status"],
        "quote": claim.evidence.quote,
    }


@pytest.mark.parametrize("case", CASES["cases"], ids=lambda c: c["text"][:50])
def test_office_case(case: dict) -> None:
    claims = claims_of(case["text"], "office")
    got = sorted((_row(c) for c in claims), key=lambda r: r["quote"])
    want = sorted(case["offices"], key=lambda r: r["quote"])
    assert got == want
    for claim in claims:
        ev = claim.evidence
        assert ev.extractor == "kg.offices.v1"
        assert ev.rule is not None and ev.rule.startswith("office.")
        assert case["text"][ev.sentence_start :].startswith(ev.sentence)


def test_office_as_written_keeps_surface_title() -> None:
    (claim,) = claims_of("Treasury Secretary Janet Yellen testified on Tuesday.", "office")
    assert claim.fields["title"] == "Secretary of the Treasury"
    assert claim.fields["as_written"] == "Treasury Secretary"
    assert claim.fields["organization"] is None  # nothing in the sentence names the country


def test_a_title_then_a_comma_at_a_name_closing_the_text_does_not_crash() -> None:
    # "president, Trump imposed": the name after "title," ends where no character follows in the
    # span looked at; the extractor read an empty span (IndexError) and stopped the whole build.
    # cuu.coron.tech/news/0702202024300710364697; medium.com/shanghaiist
    for text in (
        "After becoming president, Trump imposed a 25% tariff on steel imports after invoking"
        " Section 232.",
        "At a joint press conference yesterday with the Swedish Prime Minister, Trump",
    ):
        assert claims_of(text, "office") == []


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("WASHINGTON – Secretary of the Treasury X will host Y.", "WASHINGTON"),
        ("Washington, DC –Today, the United States announced", "Washington"),
        ("OTTAWA, ON, Oct. 8, 2025 /CNW/ - Today, the Prime Minister", "OTTAWA"),
        ("BEIJING, March 3 (Reuters) - China said", "BEIJING"),
        ("The United States has won a record award - the largest", None),
        ("President Donald Trump meets with Chinese Vice Premier Liu He", None),
    ],
)
def test_dateline_place(text: str, place: str | None) -> None:
    from kg.metadata import dateline_place

    found = dateline_place(text)
    assert (found[0] if found else None) == place
