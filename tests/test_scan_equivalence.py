"""The fast paths of kg.timex and kg.extract.numbers find exactly what the plain regexes find."""

from __future__ import annotations

import re
from pathlib import Path

from kg.extract import numbers
from kg.timex import _rules, _Scan

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "trump-xi-call"
TRICKY = [
    "In early\u00a0May, mid-March and in  January the talks resumed; by mid-  October 2020.",
    "through\n\n   \n   \t  \n                       June the deal held",  # long white space
    "On 5th of March, 2019 and Sept. 5 and 2024-01-05 (x2024, $2019, 1999s) they met.",
    "TODAY, Tonight's call; In Recent Years and in the coming weeks; Earlier This Month.",
    "\u0130n the coming weeks \u017foon, last \u212aeek",  # letters that match ASCII case-blind
    "Mondays, on Monday, Thursday, April of that same year, next year, this week.",
]
DURATIONS = [
    "a 90-minute call, an hour and a half, half an hour, an hour-long meeting",
    "two-and-a-half hours; about 40 minutes; nearly two weeks; a decade-long fight",
    "today, yesterday, Monday, yearly, minutely, hour_, 10 mins, 5 hrs, MINUTES, a week-and-a-half",
]


def _texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))] + TRICKY


def test_scan_finds_what_finditer_finds_for_every_time_rule() -> None:
    rules = _rules()
    for text in _texts():
        scan = _Scan(text, rules)
        for rule_id, pattern in rules.patterns:
            fast = [(m.span(), m.group(0)) for m in scan.finditer(rule_id, pattern)]
            plain = [(m.span(), m.group(0)) for m in pattern.finditer(text)]
            assert fast == plain, (rule_id, text[:60])


def test_scan_finds_matches_on_real_text() -> None:
    rules = _rules()
    text = " ".join(TRICKY)
    scan = _Scan(text, rules)
    found = {rid for rid, p in rules.patterns if list(scan.finditer(rid, p))}
    assert {"time.month", "time.month_day", "time.vague", "time.weekday", "time.year"} <= found


def test_duration_prechecks_drop_no_duration() -> None:
    v = numbers.vocab()
    for text in _texts() + DURATIONS:
        plain = sorted(
            (m.start(), m.end()) for p in v.duration for m in p.finditer(text) if m.group(0)
        )
        if plain:  # every raw match passes both pre-checks
            assert v.duration_hint.search(text) and v.duration_word.search(text), text[:60]
    assert len(list(numbers.find_durations(DURATIONS[0]))) == 4
    assert not list(numbers.find_durations("today, yesterday, Monday, yearly"))
    assert re.search(r"PT1H30M", " ".join(d.iso for d in numbers.find_durations(DURATIONS[0])))
