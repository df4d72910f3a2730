"""Tests of the event extractor (kg.events.v1) on sample-corpus and other news sentences."""

from __future__ import annotations

from typing import Any

from kg.extract.events import extract_events
from kg.metadata import in_dateline
from kg.model import Claim, Mention
from tests.conftest import analyse, claims_of


def labels(value: Any) -> Any:
    if isinstance(value, Mention):
        return value.label
    if isinstance(value, (list, tuple)):
        return [labels(v) for v in value]
    return value


def events(text: str, published: str | None = None) -> list[Claim]:
    claims = list(extract_events(analyse(text, published=published)))
    for c in claims:
        ev = c.evidence
        assert ev.extractor == "kg.events.v1" and ev.rule and ev.rule.startswith("event.")
        assert c.kind == "event" or ev.rule == "event.confirmation.vote"
        assert ev.quote in ev.sentence
    return claims


_SHOWN = {"_vote", "_title"}  # internal fields the tests read


def of_type(claims: list[Claim], etype: str) -> list[dict[str, Any]]:
    return [
        {k: labels(v) for k, v in c.fields.items() if not k.startswith("_") or k in _SHOWN}
        | {"rule": c.evidence.rule}
        for c in claims
        if c.kind == "event" and c.fields["event_type"] == etype
    ]


def test_call_participants_date_and_coreference() -> None:
    text = (
        "U.S. President Donald Trump and Chinese President Xi Jinping held a long-anticipated"
        " phone call on Thursday. The 90-minute conversation focused almost exclusively on trade."
        " Chinese media now confirm that Trump initiated Thursday's call."
    )
    calls = of_type(events(text), "phone_call")
    assert [c["rule"] for c in calls] == [
        "event.call",
        "event.call.coreference",
        "event.call.coreference",
    ]
    assert all(c["participants"] == ["Donald Trump", "Xi Jinping"] for c in calls)
    assert calls[0]["date_text"] == "Thursday" and calls[0]["date"] is None
    assert calls[1]["duration"] == "PT1H30M" and calls[1]["topics"] == ["trade"]
    assert calls[2]["initiator"] == "Donald Trump"


def test_call_date_resolves_against_publication_and_duration_forms() -> None:
    text = (
        "Canadian Prime Minister Mark Carney and French President Emmanuel Macron held a phone"
        " call on Tuesday to discuss steel tariffs. The call lasted an hour and a half."
    )
    calls = of_type(events(text, published="2025-06-06"), "phone_call")
    assert calls[0]["participants"] == ["Emmanuel Macron", "Mark Carney"]
    assert calls[0]["date"] == "2025-06-03"
    assert calls[0]["topics"] == ["steel", "tariffs"]
    assert calls[1]["duration"] == "PT1H30M"


def test_minister_call_by_phone() -> None:
    text = (
        "German Chancellor Friedrich Merz spoke with Japanese Prime Minister Shigeru Ishiba by"
        " phone for half an hour on Monday."
    )
    (call,) = of_type(events(text), "phone_call")
    assert call["participants"] == ["Friedrich Merz", "Shigeru Ishiba"]
    assert call["duration"] == "PT30M"
    assert call["date_text"] == "Monday"


def test_no_call_without_an_explicit_one() -> None:
    assert events("The call was a positive step, analysts said.") == []
    assert events("The minister renewed her call for restraint.") == []


def test_invitation_and_reciprocal_invitation_in_a_quote() -> None:
    text = (
        "U.S. President Donald Trump spoke to Chinese President Xi Jinping on Thursday.\n"
        "“President Xi graciously invited the First Lady and me to visit China, and I"
        " reciprocated,” Trump posted on Truth Social."
    )
    got = of_type(events(text), "invitation")
    assert [(g["initiator"], g["invitees"], g["place"], g["rule"]) for g in got] == [
        ("Xi Jinping", ["Donald Trump"], "China", "event.invitation"),
        ("Donald Trump", ["Xi Jinping"], "United States", "event.invitation.reciprocal"),
    ]
    assert all(g["participants"] == [g["initiator"]] for g in got)


def test_invitation_noun_with_pronouns() -> None:
    text = (
        "U.S. President Donald Trump and Chinese President Xi Jinping spoke on Thursday.\n"
        "Trump shared that Xi had “graciously” invited him and First Lady Melania Trump to visit"
        " China, and he extended a reciprocal invitation for Xi to come to the US."
    )
    got = of_type(events(text), "invitation")
    assert [(g["initiator"], g["invitees"], g["place"]) for g in got] == [
        ("Xi Jinping", ["Donald Trump", "Melania Trump"], "China"),
        ("Donald Trump", ["Xi Jinping"], "United States"),
    ]


def test_past_visits_with_anaphoric_year() -> None:
    text = (
        "Chinese President Xi Jinping met President Donald Trump. Trump had previously visited"
        " China in November 2017, while Xi visited Mar-a-Lago in April of that same year."
    )
    visits = of_type(events(text), "state_visit")
    assert [(v["participants"], v["place"], v["date"]) for v in visits] == [
        (["Donald Trump"], "China", "2017-11"),
        (["Xi Jinping"], "Mar-a-Lago", "2017-04"),
    ]


def test_planned_visit_is_no_visit() -> None:
    claims = events("Prime Minister Narendra Modi will visit Washington next month.")
    assert of_type(claims, "visit") == [] and of_type(claims, "state_visit") == []


def test_truce_with_place_and_relative_date() -> None:
    text = (
        "Both nations recently accused each other of undermining a fragile truce reached last"
        " month in Geneva."
    )
    (truce,) = of_type(events(text), "truce")
    assert truce["place"] == "Geneva" and truce["date_text"] == "last month"
    assert truce["date"] is None
    (resolved,) = of_type(events(text, published="2025-06-06"), "truce")
    assert resolved["date"] == "2025-05"


def test_delegation_gives_the_talks_their_participants() -> None:
    text = (
        "President Donald Trump announced that the United States and China will resume stalled"
        " trade talks. Top US officials, including Treasury Secretary Scott Bessent, Commerce"
        " Secretary Howard Lutnick, and US Trade Representative Jamieson Greer, will lead the"
        " American delegation in negotiations."
    )
    talks = of_type(events(text), "talks")
    people = ["Howard Lutnick", "Jamieson Greer", "Scott Bessent"]
    assert talks and all(t["participants"] == people for t in talks)
    assert {t["rule"] for t in talks} == {"event.talks.coreference", "event.talks.delegation"}


def test_g7_summit() -> None:
    text = "Leaders will gather for the G7 summit in Kananaskis next week to discuss trade."
    (summit,) = of_type(events(text, published="2025-06-06"), "summit")
    assert summit["place"] == "Kananaskis" and summit["date_text"] == "next week"
    assert summit["topics"] == ["trade"]


def test_meeting_with_place_and_date() -> None:
    text = (
        "Chinese Vice Premier He Lifeng met U.S. Treasury Secretary Scott Bessent in Geneva"
        " last month for talks on tariffs."
    )
    (meeting,) = of_type(events(text), "meeting")
    assert meeting["participants"] == ["He Lifeng", "Scott Bessent"]
    assert meeting["place"] == "Geneva" and meeting["date_text"] == "last month"


def test_senate_confirmation_vote() -> None:
    text = "Kash Patel was confirmed by the Senate 51-49 on Thursday."
    (conf,) = of_type(events(text), "confirmation")
    assert conf["participants"] == ["Kash Patel"]
    assert conf["initiator"] == "United States Senate"
    assert conf["_vote"] == "51-49"
    active = "The Senate confirmed Marco Rubio as Secretary of State by a vote of 99-0."
    (conf,) = of_type(events(active), "confirmation")
    assert (conf["participants"], conf["_vote"]) == (["Marco Rubio"], "99-0")
    assert events("Chinese media confirmed that the call took place.") == []


def test_appointment_needs_a_title() -> None:
    text = "President Emmanuel Macron appointed François Bayrou as Prime Minister in December."
    (app,) = of_type(events(text), "appointment")
    assert (app["participants"], app["initiator"]) == (["François Bayrou"], "Emmanuel Macron")
    assert app["place"] is None and app["date_text"] == "December"
    assert events("A company named Acme built the plant.") == []


def test_agreement_needs_a_verb_of_reaching() -> None:
    text = "The European Union and Japan signed a trade agreement on 17 July 2018."
    (deal,) = of_type(events(text), "agreement")
    assert deal["participants"] == ["European Union", "Japan"]
    assert deal["date"] == "2018-07-17"
    assert events("The trade agreement previously negotiated was revisited.") == []


def test_initiator_phrases_in_later_sentences() -> None:
    text = (
        "Canadian Prime Minister Mark Carney and French President Emmanuel Macron held a phone"
        " call on Tuesday. The call was initiated by Macron, the Elysee said. A second call took"
        " place at Carney's request. Xi requested the removal of tariffs during the call."
    )
    calls = of_type(events(text), "phone_call")
    assert [c["initiator"] for c in calls] == [None, "Emmanuel Macron", "Mark Carney", None]


def test_news_conferences_name_who_spoke_where_and_when() -> None:
    found = of_type(
        events(
            "German Chancellor Angela Merkel said at a press conference in Berlin on Monday that "
            "talks would continue. Reporters later asked about the law at a news conference."
        ),
        "news_conference",
    )
    assert len(found) == 1  # no speaker named in the second: no event
    assert found[0]["participants"] == ["Angela Merkel"]
    assert found[0]["date_text"] == "Monday"
    assert found[0]["rule"] == "event.news_conference"
    told = of_type(
        events("Prime Minister Mark Carney told a news conference in Ottawa that talks went well."),
        "news_conference",
    )
    assert [e["participants"] for e in told] == [["Mark Carney"]]


def test_signings_of_proclamations_orders_and_bills() -> None:
    text = (
        "President Donald Trump on Thursday signed proclamations imposing a 25 percent tariff on "
        "imported steel. Governor Kathy Hochul signed the bill into law on Friday. The executive "
        "order was signed by President Joe Biden. Lawmakers debated the bill for hours."
    )
    found = of_type(events(text, published="2018-03-09"), "signing")
    assert [e["participants"] for e in found] == [["Donald Trump"], ["Kathy Hochul"], ["Joe Biden"]]
    assert found[0]["date"] == "2018-03-08" and found[1]["date_text"] == "Friday"
    # an agreement signed stays an agreement, not a signing
    deal = events("Japan and Britain signed a trade agreement in Tokyo on Friday.")
    assert [c.fields["event_type"] for c in deal] == ["agreement"]


def test_place_of_a_where_clause() -> None:
    text = (
        "Jane Roe said she would fly to Singapore, where she is to meet North Korean leader "
        "Kim Jong Un on June 12."
    )
    found = of_type(events(text, published="2018-06-08"), "meeting")
    assert [(e["participants"], e["place"], e["date"]) for e in found] == [
        (["Jane Roe", "Kim Jong Un"], "Singapore", "2018-06-12")
    ]


def test_swearing_in_names_who_took_the_oath_and_who_gave_it() -> None:
    text = (
        "Jane Roe was sworn in as the 78th U.S. Treasury secretary on Tuesday by Vice President "
        "John Doe. Chief Justice Ann Lee swore in Joe Biden as president on Wednesday. The "
        "soldiers swore allegiance to the king."
    )
    found = of_type(events(text, published="2021-01-27"), "swearing_in")
    assert [(e["participants"], e["initiator"], e["date"]) for e in found] == [
        (["Jane Roe"], "John Doe", "2021-01-26"),
        (["Joe Biden"], "Ann Lee", "2021-01-27"),
    ]
    assert found[0]["_title"] == "Secretary of the Treasury"


def test_confirmation_vote_gives_figures_for_and_against() -> None:
    text = "The Senate on Monday confirmed Jane Roe as Treasury secretary by a vote of 84 to 15."
    claims = events(text, published="2021-01-25")
    figures = [c.fields for c in claims if c.kind == "figure"]
    assert [(f["subject"], f["value"], f["unit"]) for f in figures] == [
        ("votes for confirming Jane Roe", 84.0, "votes"),
        ("votes against confirming Jane Roe", 15.0, "votes"),
    ]
    assert all(f["date"] == "2021-01-25" for f in figures)
    assert {c.evidence.quote for c in claims if c.kind == "figure"} == {"84 to 15"}


def test_a_dateline_date_is_the_reports_day_not_the_events() -> None:
    # Written for kg in wire style: headline, byline, then "CITY, Month Day - ".
    text = (
        "Macron presses Scholz on energy in first call\n\nBy A. Writer\n\n"
        "PARIS, Feb. 5 - French President Emmanuel Macron spoke by phone on Thursday with "
        "German Chancellor Olaf Scholz."
    )
    calls = [c for c in claims_of(text, "event") if c.fields["event_type"] == "phone_call"]
    assert {c.fields["date_text"] for c in calls} == {None, "Thursday"}  # the headline's: none
    assert not in_dateline(text, text.index("Thursday"), text.index("Thursday") + 8)
    assert in_dateline(text, text.index("Feb. 5"), text.index("Feb. 5") + 6)
