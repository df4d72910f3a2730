"""Sentences from reporting on other events than the sample's: rules must hold on them."""

from __future__ import annotations

from tests.conftest import analyse, claims_of


def _tariffs(text: str) -> list[dict]:
    out = []
    for c in claims_of(text, "tariff"):
        f = c.fields
        out.append(
            {
                "imposed_by": f["imposed_by"].label if f["imposed_by"] else None,
                "target": f["target"].label if f["target"] else None,
                "goods": f["goods"],
                "rate": f["rate_percent"],
            }
        )
    return out


def test_participle_goods() -> None:
    got = _tariffs(
        "The proclamations impose a 25 percent tariff on imported steel and a 10 percent "
        "tariff on imported aluminum."
    )
    assert {(t["goods"], t["rate"]) for t in got} == {
        ("imported steel", 25.0),
        ("imported aluminum", 10.0),
    }


def test_hedged_trade_value_and_parenthesis_before_goods() -> None:
    (got,) = _tariffs(
        "Canada will impose tariffs on up to C$16.6 billion ($12.8 billion) of American goods, "
        "Foreign Minister Chrystia Freeland said on Thursday."
    )
    assert got == {
        "imposed_by": "Canada",
        "target": "United States",
        "goods": "American goods",
        "rate": None,
    }


def test_goods_stop_at_a_line_break() -> None:
    (got,) = _tariffs(
        "Canada hits back with C$16.6 billion in tariffs on U.S. goods\n\nOTTAWA - x.\n"
    )
    assert got["goods"] == "U.S. goods" and got["target"] == "United States"


def test_dateline_city_is_a_place_not_an_actor() -> None:
    ctx = analyse("LA MALBAIE, Quebec, June 8 — Leaders of the Group of Seven opened a summit.")
    first = ctx.mentions[0]
    assert (first.text, first.label, first.type) == ("LA MALBAIE", "La Malbaie", "Place")
    ctx = analyse("WASHINGTON, Jan 25 -- The U.S. Senate on Monday confirmed Janet Yellen.")
    assert (ctx.mentions[0].label, ctx.mentions[0].type) == ("Washington", "Place")
