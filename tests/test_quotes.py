"""Tests of the quote extractor (kg.quotes.v1) and its pronoun rules."""

from __future__ import annotations

from kg.extract.quotes import extract_quotes
from tests.conftest import analyse


def quotes(text: str) -> list[tuple[str, str, str | None]]:
    out = []
    for c in extract_quotes(analyse(text)):
        ev = c.evidence
        assert c.fields["text"] in ev.quote
        out.append((c.fields["speaker"].label, c.fields["text"], ev.rule))
    return out


def test_attribution_after_and_continuation() -> None:
    text = (
        "U.S. President Donald Trump spoke on Thursday.\n“President Xi graciously invited the"
        " First Lady and me to visit China, and I reciprocated,” Trump posted on Truth Social."
        " “As Presidents of two Great Nations, this is something that we both look forward to"
        " doing.”\nMarkets rose."
    )
    assert quotes(text) == [
        (
            "Donald Trump",
            "President Xi graciously invited the First Lady and me to visit China,"
            " and I reciprocated",
            "quote.attribution_after",
        ),
        (
            "Donald Trump",
            "As Presidents of two Great Nations, this is something that we both look"
            " forward to doing.",
            "quote.continuation",
        ),
    ]


def test_speaker_before_a_colon() -> None:
    text = (
        "Canadian Prime Minister Mark Carney wrote on X: “We will fight these tariffs with"
        " everything we have.”"
    )
    assert quotes(text) == [
        (
            "Mark Carney",
            "We will fight these tariffs with everything we have.",
            "quote.attribution_before",
        ),
    ]


def test_said_after_the_speaker_and_he_said() -> None:
    text = (
        "German Finance Minister Lars Klingbeil met his French counterpart in Berlin. “We had a"
        " very good conversation,” he said. “The steel tariffs hurt both our economies,” said"
        " Klingbeil."
    )
    assert quotes(text) == [
        ("Lars Klingbeil", "We had a very good conversation", "quote.pronoun"),
        ("Lars Klingbeil", "The steel tariffs hurt both our economies", "quote.attribution_after"),
    ]


def test_quoted_as_saying_and_lexicon_speaker_in_lower_case() -> None:
    text = (
        "The Chinese foreign ministry said the talks were useful. The ministry quoted the"
        " Japanese Prime Minister Shigeru Ishiba as saying, “we want stable ties with China,”"
        " according to state media."
    )
    assert quotes(text) == [
        ("Shigeru Ishiba", "we want stable ties with China", "quote.quoted_as_saying"),
    ]


def test_partial_quotes_need_three_words_and_a_speech_verb() -> None:
    text = (
        "Gabriel Ortiz of consultancy Teneo said the call “prevented derailment of trade talks”"
        " while the minister called the meeting “very good”."
    )
    assert quotes(text) == [
        ("Gabriel Ortiz", "prevented derailment of trade talks", "quote.partial"),
    ]


def test_no_speaker_no_quote() -> None:
    assert quotes("As one senior adviser put it, “This is about results for the people.”") == []


def test_government_bodies_as_speakers() -> None:
    text = (
        "According to the Chinese foreign ministry, the talks were “candid and constructive"
        " and useful.” “We are ready,” the Japanese Foreign Ministry said in a statement."
    )
    assert quotes(text) == [
        (
            "Ministry of Foreign Affairs of the People's Republic of China",
            "candid and constructive and useful.",
            "quote.according_to",
        ),
        ("Ministry of Foreign Affairs of Japan", "We are ready", "quote.attribution_after"),
    ]
