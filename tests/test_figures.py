"""Tests of the figure extractor (kg.figures.v1) on sample-corpus and other news sentences."""

from __future__ import annotations

from typing import Any

from kg.extract.figures import extract_figures
from tests.conftest import analyse


def figures(text: str, published: str | None = None) -> list[tuple[Any, ...]]:
    out = []
    for c in extract_figures(analyse(text, published=published)):
        ev = c.evidence
        assert ev.extractor == "kg.figures.v1" and ev.rule and ev.rule.startswith("figure.")
        f = c.fields
        out.append(
            (
                f["subject"],
                f["value"],
                f["unit"],
                f["date"],
                [m.label for m in f["entities"]],
                ev.rule,
            )
        )
    return out


def test_value_before_the_subject() -> None:
    text = (
        "Still, both sides keep their guard up. With $295 billion in trade imbalance reported"
        " in 2024 and no resolution on core issues, the road ahead remains rocky."
    )
    assert figures(text) == [
        ("trade imbalance", 295e9, "USD", "2024", [], "figure.value_in_subject"),
    ]


def test_adjectival_value_and_linking_verb() -> None:
    text = (
        "Challenges remain with the U.S. running a $295 billion trade imbalance with China in"
        " 2024. The U.S. seeks to address a persistent trade imbalance that reached $295 billion"
        " in 2024."
    )
    assert figures(text) == [
        (
            "trade imbalance",
            295e9,
            "USD",
            "2024",
            ["China", "United States"],
            "figure.value_subject",
        ),
        ("trade imbalance", 295e9, "USD", "2024", ["United States"], "figure.subject_verb_value"),
    ]


def test_subject_of_value_other_currency_and_modifier() -> None:
    text = "EU investment in China of €8bn in 2023 was the lowest in a decade."
    assert figures(text) == [
        ("investment", 8e9, "EUR", "2023", ["China", "European Union"], "figure.subject_of_value"),
    ]


def test_relative_year_needs_publication_date() -> None:
    text = "The US trade deficit with Canada widened to $63 billion last year."
    assert figures(text)[0][:4] == ("trade deficit", 63e9, "USD", None)
    assert figures(text, published="2025-06-06")[0][:4] == ("trade deficit", 63e9, "USD", "2024")


def test_percent_levels_and_changes() -> None:
    text = "Inflation rose to 3.1% in May 2025, while exports fell 5%."
    assert figures(text) == [
        ("inflation", 3.1, "percent", "2025-05", [], "figure.subject_verb_value"),
        ("change in exports", -5, "percent", None, [], "figure.subject_verb_value"),
    ]


def test_tariff_rates_are_not_figures() -> None:
    assert figures("Washington raised duties on Canadian lumber to 25% last week.") == []
