"""Tests of kg.timex (time expressions) and the durations of kg.extract.numbers."""

from __future__ import annotations

import pytest

from kg.extract.numbers import find_durations, find_money, find_percents, parse_number
from kg.timex import find_timexes, is_future, last_year


def one(text: str, published: str | None = None, **kw: object) -> tuple[str, str | None, str]:
    found = find_timexes(text, published, **kw)  # type: ignore[arg-type]
    assert len(found) == 1, found
    t = found[0]
    assert text[t.start : t.end] == t.text
    return t.text, t.value, t.rule


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The premier had previously visited China in November 2017", ("November 2017", "2017-11")),
        ("The ministers met on 4 March 2025 in Ottawa", ("4 March 2025", "2025-03-04")),
        ("The Senate voted on March 4, 2025.", ("March 4, 2025", "2025-03-04")),
        ("a trade imbalance that reached $295 billion in 2024", ("2024", "2024")),
        ("The summit opened on 2025-06-15.", ("2025-06-15", "2025-06-15")),
        ("the duties applied from the 1st of July 2018", ("1st of July 2018", "2018-07-01")),
        ("talks on November 9-10, 2023 in Lima", ("November 9-10, 2023", "2023-11-09")),
        ("the summit of 9 and 10 July 2024 in Washington", ("9 and 10 July 2024", "2024-07-09")),
    ],
)
def test_absolute_dates_keep_their_precision(text: str, expected: tuple[str, str]) -> None:
    surface, value, _ = one(text)
    assert (surface, value) == expected


def test_relative_dates_stay_words_without_a_publication_date() -> None:
    for text, surface in [
        ("held a phone call on Thursday", "Thursday"),
        ("a fragile truce reached last month in Geneva", "last month"),
        ("the G7 leaders will meet next week", "next week"),
        ("The ministers spoke on May 6.", "May 6"),
        ("since he returned to office in January", "January"),
    ]:
        got, value, _ = one(text)
        assert (got, value) == (surface, None)


def test_relative_dates_resolve_against_publication() -> None:
    published = "2025-06-06"  # a Friday
    assert one("held a phone call on Thursday", published)[1] == "2025-06-05"
    assert one("a truce reached last month in Geneva", published)[1] == "2025-05"
    assert one("since he returned to office in January", published)[1] == "2025-01"
    assert one("the talks collapsed yesterday", published)[1] == "2025-06-05"
    assert one("the vote is expected later this year", published)[1] == "2025"
    assert one("the ministers spoke on May 6", published)[1] == "2025-05-06"
    nxt = find_timexes("the G7 leaders will meet next week", published)[0]
    assert nxt.value is None and nxt.week == "2025-W24"


def test_future_clause_points_forward() -> None:
    published = "2025-06-06T09:00:00Z"
    assert is_future(["the", "leaders", "will", "meet", "on", "Thursday"])
    assert one("will meet on Thursday", published, future=True)[1] == "2025-06-12"
    assert one("talks in December", published, future=True)[1] == "2025-12"
    assert one("talks in December", published)[1] == "2024-12"


def test_anaphoric_year() -> None:
    text = "Abe visited China in November 2017, while Li visited Tokyo in April of that same year."
    found = find_timexes(text)
    assert [(t.text, t.value) for t in found] == [
        ("November 2017", "2017-11"),
        ("April of that same year", "2017-04"),
    ]
    alone = find_timexes("in April of that same year", earlier_year=last_year("back in 2019, when"))
    assert alone[0].value == "2019-04"


def test_vague_times_never_get_a_value() -> None:
    found = find_timexes("teams will be meeting shortly, in the coming weeks", "2025-06-06")
    assert [(t.text, t.value, t.rule) for t in found] == [
        ("shortly", None, "time.vague"),
        ("in the coming weeks", None, "time.vague"),
    ]


def test_percentages_and_money_are_not_years() -> None:
    assert find_timexes("a 2025 per cent rise") == []
    assert find_timexes("$2019 billion") == []


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("The 90-minute conversation", "PT1H30M"),
        ("lasted around ninety minutes", "PT1H30M"),
        ("an hour and a half", "PT1H30M"),
        ("The hour-and-a-half-long call", "PT1H30M"),
        ("approximately 40 minutes", "PT40M"),
        ("lasting approximately one and a half hours", "PT1H30M"),
        ("half an hour", "PT30M"),
        ("a two-hour meeting", "PT2H"),
        ("for a 90-day period", "P90D"),
        ("for 90 days", "P90D"),
        ("suspend the tariffs for five years", "P5Y"),
        ("a three-week pause", "P21D"),
        ("one and a half years", "P1Y6M"),
    ],
)
def test_durations_have_one_canonical_form(text: str, iso: str) -> None:
    found = list(find_durations(text))
    assert [d.iso for d in found] == [iso]


def test_numbers_percent_and_money() -> None:
    assert parse_number("ninety") == 90
    assert parse_number("twenty-five") == 25
    assert parse_number("1,250.5") == 1250.5
    text = "from 145 per\u00a0cent\u00a0to 30 per cent, then 3 percentage points"
    got = [(text[p.start : p.end], p.value, p.kind) for p in find_percents(text)]
    assert got == [
        ("145 per\u00a0cent", 145, "percent"),
        ("30 per cent", 30, "percent"),
        ("3 percentage points", 3, "points"),
    ]
    money = "counter-tariffs of 25% on C$30 billion, €5bn, $295 billion and 10 billion yuan"
    assert [(q.value, q.unit) for q in find_money(money)] == [
        (30e9, "CAD"),
        (5e9, "EUR"),
        (295e9, "USD"),
        (10e9, "CNY"),
    ]


def test_parts_of_the_publication_day_are_that_day() -> None:
    """ "welcomed Biden to Downing Street this morning" (gov.uk readouts), "spoke last night"."""
    found = find_timexes("He arrived this morning and spoke last night.", "2023-07-10")
    assert [(t.text, t.value, t.rule) for t in found] == [
        ("this morning", "2023-07-10", "time.relative_day"),
        ("last night", "2023-07-09", "time.relative_day"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("announced by the Commissioner on 13 September", ("13 September", "2023-09-13")),
        ("the ministers met on the 4th of March", ("4th of March", "2023-03-04")),
        ("two days of meetings on November 9 and 10", ("November 9 and 10", "2022-11-09")),
        ("talks in Geneva on 9-10 May", ("9-10 May", "2023-05-09")),
    ],
)
def test_days_without_a_year_take_the_publication_year(
    text: str, expected: tuple[str, str]
) -> None:
    """A day before or after its month, or a range of days (its first day), resolves against
    the publication date (2023-10-04): the nearest such day on or before it."""
    surface, value, _ = one(text, "2023-10-04")
    assert (surface, value) == expected


def test_numbers_before_a_month_that_are_no_day() -> None:
    assert find_timexes("a rate of 13.5 March duties", "2023-10-04") == []
    assert [t.text for t in find_timexes("the 2023-10 March report", "2023-10-04")] == []


def test_a_month_in_a_year_counted_from_publication() -> None:
    # Written for kg, in the way readouts date earlier and later steps: the year the words
    # count is the publication's, moved by the modifier; the month name alone would take the
    # nearest such month, which "of next year" contradicts.
    assert one("in line with the joint statement of September 26 of last year", "2019-08-25") == (
        "September 26 of last year",
        "2018-09-26",
        "time.month_relative_year",
    )
    assert one("the tariffs take effect in March of next year", "2019-08-25")[1] == "2020-03"
    assert one("a summit in June this year", "2019-08-25")[1] == "2019-06"
    assert one("a summit in June this year")[1] is None  # no publication date: no year


def test_last_and_next_before_a_month_name_say_which_one() -> None:
    # Written for kg: "last November" in a November story is a year back; the words are kept.
    assert one("after his meeting with President Xi last November", "2023-11-06")[:2] == (
        "last November",
        "2022-11",
    )
    assert one("the ministers meet next March", "2023-11-06")[:2] == ("next March", "2024-03")
    assert one("they met in May", "2023-11-06")[:2] == ("May", "2023-05")
