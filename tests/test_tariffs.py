"""Tests of the tariff extractor (kg.tariffs.v1) on sample-corpus and other news sentences."""

from __future__ import annotations

from typing import Any

from kg.extract.tariffs import extract_tariffs
from kg.model import Claim, Mention
from tests.conftest import analyse


def label(value: Any) -> Any:
    return value.label if isinstance(value, Mention) else value


def tariffs(text: str) -> list[Claim]:
    claims = list(extract_tariffs(analyse(text)))
    for c in claims:
        ev = c.evidence
        assert ev.extractor == "kg.tariffs.v1" and ev.rule and ev.rule.startswith("tariff.")
        assert ev.quote in ev.sentence
    return [c for c in claims if c.kind == "tariff"]  # (trade values also give figures)


def summary(c: Claim) -> tuple[Any, ...]:
    f = c.fields
    return (
        label(f["imposed_by"]),
        label(f["target"]),
        f["goods"],
        f["rate_percent"],
        f["previous_rate_percent"],
        f["status"],
    )


def test_rate_change_pair_with_no_break_spaces() -> None:
    text = (
        "While both sides have taken steps to de-escalate—Trump dropping tariffs on Chinese goods"
        " from 145 per cent\u00a0to 30 per cent\u00a0for a 90-day period, and China cutting its"
        " tariffs on US imports from 125 per cent\u00a0to 10 per cent—analysts remain cautious."
        " U.S. President Donald Trump spoke to reporters."
    )
    claims = tariffs(text)
    main = [c for c in claims if c.evidence.rule == "tariff.rate_change"]
    assert [summary(c) for c in main] == [
        ("United States", "China", "Chinese goods", 30, 145, "reduced"),
        ("China", "United States", "US imports", 10, 125, "reduced"),
    ]
    assert main[0].fields["duration"] == "P90D"
    assert main[0].evidence.quote.startswith("Trump dropping tariffs on Chinese goods from 145")
    assert main[0].fields["_imposer_rule"] == "actor.title_country"
    assert main[1].fields["_imposer_rule"] == "tariff.imposer.subject"
    previous = [c for c in claims if c.evidence.rule == "tariff.previous_rate"]
    assert [
        (label(c.fields["imposed_by"]), c.fields["rate_percent"], c.fields["status"])
        for c in previous
    ] == [("United States", 145, None), ("China", 125, None)]


def test_two_measures_in_one_phrase_take_the_counterpart_as_imposer() -> None:
    text = (
        "Both nations recently accused each other of undermining a fragile truce reached last"
        " month in Geneva, which temporarily reduced steep tariffs that had reached as high as"
        " 145% on Chinese goods and 125% on U.S. exports."
    )
    got = [summary(c) for c in tariffs(text)]
    assert got == [
        ("United States", "China", "Chinese goods", 145, None, "raised"),
        ("China", "United States", "U.S. exports", 125, None, "raised"),
    ]


def test_modifier_imposer_and_rate_without_previous() -> None:
    text = "The call resulted in reducing U.S. tariffs on Chinese goods to 30% for 90 days."
    (c,) = tariffs(text)
    assert summary(c) == ("United States", "China", "Chinese goods", 30, None, "reduced")
    assert c.fields["duration"] == "P90D"
    assert c.fields["_imposer_rule"] == "tariff.imposer.modifier"


def test_taxes_on_imports_count_as_tariffs() -> None:
    (c,) = tariffs("China similarly cut taxes on American imports to 10%.")
    assert summary(c) == ("China", "United States", "American imports", 10, None, "reduced")
    assert tariffs("The government cut taxes on income by 2%.") == []


def test_eu_steel_tariff_with_effective_date() -> None:
    text = "The European Union will impose a 25 percent tariff on steel from 1 July 2025."
    (c,) = tariffs(text)
    assert summary(c) == ("European Union", None, "steel", 25, None, "imposed")
    assert c.fields["effective_date"] == "2025-07-01"


def test_canada_counter_tariffs_with_trade_value_in_another_currency() -> None:
    (c,) = tariffs("Canada announced counter-tariffs of 25% on C$30 billion of US goods.")
    assert summary(c) == ("Canada", "United States", "US goods", 25, None, "imposed")
    assert c.fields["_trade_value"] == {"value": 30e9, "currency": "CAD"}


def test_trade_value_in_dollars_and_measure_without_rate() -> None:
    (c,) = tariffs("Washington imposed tariffs on $150 billion of Chinese goods.")
    assert summary(c) == ("United States", "China", "Chinese goods", None, None, "imposed")
    assert c.fields["_trade_value"] == {"value": 150e9, "currency": "USD"}
    assert c.evidence.rule == "tariff.no_rate"


def test_suspension_with_duration_in_words() -> None:
    (c,) = tariffs("The United States will suspend the tariffs for five years, officials said.")
    assert c.fields["status"] == "suspended"
    assert c.fields["duration"] == "P5Y"
    assert label(c.fields["imposed_by"]) == "United States"


def test_a_cut_stated_as_an_amount_is_not_a_previous_rate() -> None:
    (c,) = tariffs("The tariff on Chinese goods goes down 115 percent, to 30 percent.")
    assert c.fields["rate_percent"] == 30
    assert c.fields["previous_rate_percent"] is None
    assert c.fields["_change_percent"] == 115
    assert c.fields["status"] == "reduced"


def test_percentage_points_are_a_change() -> None:
    text = "Beijing's retaliatory tariffs on American soybeans rose by 10 percentage points to 35%."
    (c,) = tariffs(text)
    assert summary(c) == ("China", "United States", "American soybeans", 35, None, "raised")
    assert c.fields["_change_percent"] == 10


def test_passive_agent_and_origin() -> None:
    text = (
        "The 10% duties imposed by the United States on imports from Mexico took effect in"
        " March 2025."
    )
    (c,) = tariffs(text)
    assert summary(c) == ("United States", "Mexico", "imports from Mexico", 10, None, "imposed")
    assert c.fields["_imposer_rule"] == "tariff.imposer.agent"
    assert c.fields["effective_date"] is None  # "in March 2025" is no effective-date cue


def test_two_imposers_in_one_sentence() -> None:
    text = (
        "The EU slapped a 25% tariff on US motorcycles, and Canada hit back with 10% duties"
        " on American steel."
    )
    assert [summary(c) for c in tariffs(text)] == [
        ("European Union", "United States", "US motorcycles", 25, None, "imposed"),
        ("Canada", "United States", "American steel", 10, None, "imposed"),
    ]


def test_no_tariff_without_a_tariff_word() -> None:
    assert tariffs("Inflation rose to 3% in May while exports fell 5%.") == []
    assert tariffs("Retaliatory tariffs would remain on the table, officials hinted.") == []


def test_imposer_from_the_governing_clause() -> None:
    # a participle on the object of an enacting verb; a dateline the parser took for the subject
    text = (
        "WASHINGTON, March 8 - President Jane Doe on Thursday signed proclamations imposing a "
        "25 percent tariff on imported steel and a 10 percent tariff on imported aluminum. "
        "The United States buys most of its steel abroad."
    )
    found = [summary(c) + (c.fields["_imposer_rule"],) for c in tariffs(text)]
    assert [f[0] for f in found] == ["United States", "United States"]
    assert [(f[2], f[3], f[5]) for f in found] == [
        ("imported steel", 25.0, "imposed"),
        ("imported aluminum", 10.0, "imposed"),  # the conjoined measure shares verb and imposer
    ]
    raised = tariffs("China moved to raise tariffs on U.S. soybeans to 25 percent.")
    assert [summary(c)[:4] for c in raised] == [("China", "United States", "U.S. soybeans", 25.0)]
    assert raised[0].fields["_imposer_rule"] == "tariff.imposer.governing"
    plans = tariffs("The European Union plans to impose duties of 25 percent on American whiskey.")
    assert [summary(c)[:2] for c in plans] == [("European Union", "United States")]


def test_no_governing_imposer_through_a_verb_that_enacts_nothing() -> None:
    found = tariffs("Beijing criticized the decision imposing tariffs on Chinese solar panels.")
    assert [summary(c)[:2] for c in found] == [(None, "China")]


def test_goods_facing_a_tariff_are_the_subject() -> None:
    text = (
        "The U.S. ended the exemption for Canada on Thursday. From Friday, Canadian steel will "
        "face a tariff of 25 percent, the U.S. said."
    )
    found = tariffs(text)
    assert [summary(c)[:4] for c in found] == [("United States", "Canada", "Canadian steel", 25.0)]
    assert found[0].fields["_target_rule"] == "tariff.target.facing"
    assert found[0].evidence.quote == "Canadian steel will face a tariff of 25 percent"
    # a country facing tariffs is a target, not goods
    country = tariffs("Canada will face tariffs of 25 percent.")
    assert all(c.fields["goods"] is None for c in country)


def test_trade_a_measure_covers_is_a_figure_per_currency() -> None:
    from kg.extract import extract

    text = (
        "OTTAWA, May 31 - Canada will impose tariffs on up to C$16.6 billion ($12.8 billion) of "
        "American goods, Foreign Minister Jane Roe said. The United States imposed a 25% tariff "
        "on steel."
    )
    figures = [c for c in extract(analyse(text)) if c.kind == "figure"]
    assert [(f.fields["value"], f.fields["unit"]) for f in figures] == [
        (16.6e9, "CAD"),
        (12.8e9, "USD"),
    ]
    for f in figures:
        assert f.fields["subject"] == "trade covered by tariffs on American goods"
        assert [m.label for m in f.fields["entities"]] == ["Canada", "United States"]
        assert f.evidence.quote == "C$16.6 billion ($12.8 billion) of American goods"
        assert f.evidence.rule == "tariff.trade_value"
