"""The fast paths of kg.timex, kg.extract.numbers, mentions and tokens find exactly what the
plain regexes and spaCy lookups they replace find."""

from __future__ import annotations

import re
from pathlib import Path

from kg.extract import numbers
from kg.extract.mentions import _HYPHENATED
from kg.extract.tokens import Tokens
from kg.nlp import shared_nlp
from kg.timex import _rules, _Scan, plain_lower

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


def test_lower_case_duration_patterns_find_what_the_case_blind_ones_find() -> None:
    v = numbers.vocab()
    assert v.duration_lower is not None  # the rules are written in lower case
    for text in _texts() + DURATIONS + [d.upper() for d in DURATIONS]:
        lowered = plain_lower(text)
        if lowered is None:
            continue
        blind = [(m.span(), _lower(m.groupdict())) for p in v.duration for m in p.finditer(text)]
        fast = [
            (m.span(), _lower(m.groupdict())) for p in v.duration_lower for m in p.finditer(lowered)
        ]
        assert fast == blind, text[:60]
        assert bool(v.duration_hint.search(text)) == bool(v.duration_hint_lower.search(lowered))
        assert bool(v.duration_word.search(text)) == bool(v.duration_word_lower.search(lowered))


def _lower(groups: dict[str, str | None]) -> dict[str, str | None]:
    return {k: g.lower() if g else g for k, g in groups.items()}


def test_durations_in_capitals_and_in_case_odd_text() -> None:
    shouted = [d.iso for d in numbers.find_durations("THE CALL LASTED ABOUT TWO HOURS")]
    assert shouted == ["PT2H"]
    # A long s matches "s" case-blind but has no lower-case "s": the (?i) path is taken.
    assert plain_lower("30 \u017feconds") is None
    assert [d.iso for d in numbers.find_durations("It took 30 \u017feconds")] == ["PT30S"]


def test_hyphenated_words_are_found_as_the_plain_pattern_finds_them() -> None:
    plain = re.compile(r"[^\s-]+(?:-[^\s-]+)+")
    extra = "U.S.-China talks, a--b-c, -x-y, x- y, Mar-a-Lago, well--known, end-"
    for text in [*_texts(), extra]:
        assert [m.span() for m in _HYPHENATED.finditer(text)] == [
            m.span() for m in plain.finditer(text)
        ], text[:60]


def test_sentence_at_is_char_span_expand_sentence() -> None:
    nlp = shared_nlp()
    for text in [*_texts()[:2], "  Hello there.   Bye now.  ", "One.Two words.\n\nThree"]:
        doc = nlp(text)
        tokens = Tokens(doc, text)
        for c in range(len(text) + 1):
            span = doc.char_span(c, c + 1, alignment_mode="expand")
            want = None if span is None else (span.sent.start_char, span.sent.end_char)
            sent = tokens.sentence_at(c)
            assert (None if sent is None else (sent.start_char, sent.end_char)) == want, c


def test_letters_that_match_ascii_case_blind_do_not_break_extraction() -> None:
    """ "ſ" (long s), "ı" (dotless i) and the Kelvin sign match ASCII letters under (?i) but are
    no keys of the rule tables: every extractor still runs and reads them as those letters."""
    from kg.extract import extract
    from kg.timex import find_timexes
    from tests.conftest import analyse

    text = (
        "Yeſterday President Jane Doe ſpoke with Prime Minister John Roe by phone for 30 "
        "ſeconds. The United States imposed a 25% tariff on \u212a5 billion of ſteel imports "
        "from China laſt month, and the talks will resume on ſeptember 5, 2025."
    )
    claims = list(extract(analyse(text, published="2025-06-01")))
    assert claims  # the extractors ran to the end
    times = {t.text: t.value for t in find_timexes(text, "2025-06-01")}
    assert times["Yeſterday"] == "2025-05-31"
    assert times["laſt month"] == "2025-05"
    assert [d.iso for d in numbers.find_durations(text)] == ["PT30S"]
