"""The viewer's timeline data (kg/export/timeline.py): dates at their precision, what is dated
and what is listed apart, rate histories in step order, and the kinds' declarations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import RuleError
from kg.export.html import build_view_data, embed_json
from kg.export.timeline import date_span
from kg.kinds import KindDecl, _spec
from kg.schema import convert

OUT = Path(__file__).resolve().parent.parent / "exports" / "trump-xi-call"
US = {"id": "urn:c:us", "label": "United States", "type": "Country"}
CN = {"id": "urn:c:cn", "label": "China", "type": "Country"}
XI = {"id": "urn:p:xi", "label": "Xi Jinping", "type": "Person"}


def _day(text: str) -> int:
    from datetime import date

    return date.fromisoformat(text).toordinal() - date(1970, 1, 1).toordinal()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2017", (_day("2017-01-01"), _day("2017-12-31"), "year")),
        ("2024-02", (_day("2024-02-01"), _day("2024-02-29"), "month")),  # a leap year
        ("2017-11-08", (_day("2017-11-08"), _day("2017-11-08"), "day")),
        ("2017-11-08T10:30:00+08:00", (_day("2017-11-08"), _day("2017-11-08"), "time")),
        ("1969-12-31", (-1, -1, "day")),
    ],
)
def test_a_date_spans_its_precision(value: str, expected: tuple) -> None:
    assert date_span(value) == expected


@pytest.mark.parametrize(
    "value", ["2025-02-30", "2017-13", "17-11-08", "2017-11-08 junk", "<b>2017</b>", "", 2017, None]
)
def test_what_is_no_date_gives_none(value: object) -> None:
    assert date_span(value) is None


def _fact(i: int, kind: str, **fields: object) -> dict:
    src = {"doc": "d", "sentence": f"Sentence {i}.", "start": i, "end": i + 1, "quote": "S",
           "extractor": "test.v1", "confidence": 0.5}  # fmt: skip
    return {"id": f"urn:f:{i:02d}", "kind": kind, "support": 1, "sources": [src],
            "conflicts_with": [], **fields}  # fmt: skip


def _tariff(i: int, rate: float | None, previous: float | None = None, **kw: object) -> dict:
    return _fact(i, "tariff", imposed_by=US, target=CN, rate_percent=rate,
                 previous_rate_percent=previous, **kw)  # fmt: skip


def _view(facts: list[dict]) -> dict:
    data = build_view_data(facts, [], {})
    return data | {"ids": [f["id"] for f in data["facts"]]}


def test_what_goes_on_the_timeline_and_what_is_listed_apart() -> None:
    facts = [
        _fact(1, "event", event_type="visit", participants=[XI], date="2017-11"),
        _fact(2, "event", event_type="talks", participants=[XI], date=None, date_text="soon"),
        _fact(3, "office", holder=XI, title="President", organization=CN, start="2013-03-14",
              end="2023"),  # fmt: skip
        _fact(4, "office", holder=XI, title="Chair", organization=CN, start=None, end="2012"),
        _fact(5, "office", holder=XI, title="General", organization=CN, start=None, end=None),
        _fact(6, "event", event_type="call", participants=[XI], date="2025-02-30"),
        _fact(7, "affiliation", person=XI, organization=CN, role=None),
    ]
    data = _view(facts)
    tl, ids = data["timeline"], data["ids"]
    dated = [(ids[f], text, precision) for f, _, _, text, precision in tl["dated"]]
    assert dated == [
        ("urn:f:04", "until 2012", "year"),
        ("urn:f:03", "2013-03-14 – 2023", "day"),
        ("urn:f:01", "2017-11", "month"),
    ]
    office = next(row for row in tl["dated"] if ids[row[0]] == "urn:f:03")
    assert office[1:3] == [_day("2013-03-14"), _day("2023-12-31")]  # to the end of 2023
    # an event without a usable date is listed apart; an office without dates is left off
    assert [ids[f] for f in tl["undated"]] == ["urn:f:02", "urn:f:06"]
    labels = [data["nodes"][r]["label"] for r in tl["entities"]]
    assert labels == ["China", "Xi Jinping"]  # entities only, not the events' own nodes


def test_rate_histories_go_in_step_order() -> None:
    facts = [
        _tariff(1, 30, 145),  # "from 145% to 30%": after 145%
        _tariff(2, 145),
        _tariff(3, 10, 30),
        _tariff(4, 25, effective_date="2018-03-23"),  # dated steps first, by date
        _tariff(5, 50, effective_date="2018-01"),
        _tariff(6, None, status="threatened"),  # no rate: no step
        _fact(7, "tariff", imposed_by=CN, target=US, rate_percent=125.0),
        _fact(8, "tariff", imposed_by=None, target=US, rate_percent=10),
    ]
    data = _view(facts)
    ids, nodes = data["ids"], data["nodes"]
    pairs = {
        (nodes[a]["label"] if a >= 0 else None, nodes[b]["label"]): [
            (ids[f], date, rate, prev) for f, _, date, rate, prev in steps
        ]
        for a, b, steps in data["timeline"]["rates"]
    }
    assert pairs[("United States", "China")] == [
        ("urn:f:05", "2018-01", 50, None),
        ("urn:f:04", "2018-03-23", 25, None),
        ("urn:f:02", "", 145, None),
        ("urn:f:01", "", 30, 145),
        ("urn:f:03", "", 10, 30),
    ]
    assert pairs[("China", "United States")] == [("urn:f:07", "", 125.0, None)]
    assert pairs[(None, "United States")] == [("urn:f:08", "", 10, None)]


def test_a_cycle_of_previous_rates_keeps_fact_order() -> None:
    data = _view([_tariff(1, 10, 20), _tariff(2, 20, 10)])
    (_, _, steps), = data["timeline"]["rates"]
    assert [data["ids"][s[0]] for s in steps] == ["urn:f:01", "urn:f:02"]


def test_hostile_dates_are_text_and_the_timeline_is_deterministic() -> None:
    hostile = "</script><script>alert(1)</script>"
    facts = [
        _fact(1, "event", event_type="x", participants=[XI], date=hostile, date_text=hostile),
        _fact(2, "event", event_type="y", participants=[XI], date="2020"),
        _tariff(3, 20, 10),
        _tariff(4, 10),
    ]
    data = _view(facts)
    undated = [data["ids"][f] for f in data["timeline"]["undated"]]
    assert undated == ["urn:f:01", "urn:f:03", "urn:f:04"]
    assert "</script" not in embed_json(data["timeline"]) + embed_json(data["facts"])
    assert build_view_data(facts, [], {}) == build_view_data(list(reversed(facts)), [], {})


def test_the_sample_build_timeline() -> None:
    facts = [json.loads(line) for line in (OUT / "facts.jsonl").read_text("utf-8").splitlines()]
    entities = [
        json.loads(line) for line in (OUT / "entities.jsonl").read_text("utf-8").splitlines()
    ]
    data = build_view_data(facts, entities, {})
    tl = data["timeline"]
    dated = [(data["facts"][f]["summary"], text) for f, _, _, text, _ in tl["dated"]]
    assert [text for _, text in dated] == ["2017-04", "2017-11"]
    assert "Xi Jinping" in dated[0][0] and "Mar-a-Lago" in dated[0][0]
    rates = {
        (data["nodes"][a]["label"], data["nodes"][b]["label"]): [s[3] for s in steps]
        for a, b, steps in tl["rates"]
    }
    assert rates == {("China", "United States"): [125, 10], ("United States", "China"): [145, 30]}


def test_a_timeline_naming_an_unknown_field_is_an_error() -> None:
    body = {
        "module": "kg.extract.events",
        "fields": {"date": {"type": "date"}},
        "merge": {"key": []},
        "label": [],
        "scored": True,
        "viewer": {"panel": 1, "summary": "x", "draw": "mention", "timeline": {"date": "when"}},
    }
    decl = convert(body, KindDecl, "ontology/kinds.yaml: kinds.x")
    with pytest.raises(RuleError, match=r"kinds\.x\.viewer\.timeline: 'when' is not a field of x"):
        _spec("x", decl)
    body["viewer"]["timeline"] = {"date": "date", "rates": {"from": "a", "to": "b", "value": "c"}}
    decl = convert(body, KindDecl, "ontology/kinds.yaml: kinds.x")
    with pytest.raises(RuleError, match=r"viewer\.timeline\.rates: 'a' is not a field of x"):
        _spec("x", decl)
    body["viewer"]["timeline"] = {"date": "date", "end": "label"}
    body["fields"]["label"] = {"type": "text"}
    decl = convert(body, KindDecl, "ontology/kinds.yaml: kinds.x")
    with pytest.raises(RuleError, match=r"viewer\.timeline: 'label' is a text, not a date"):
        _spec("x", decl)
