"""Time expressions: find them in text and normalise them to ISO 8601 at their precision.

Absolute dates keep the precision they are written with ("2024" -> ``2024``, "November 2017" ->
``2017-11``, "4 March 2025" -> ``2025-03-04``). Relative ones ("Thursday", "last month", "in
January", "next week") are resolved against the document's publication date when it is known,
and otherwise kept as words with a null value. Vague ones ("shortly", "in the coming weeks")
never get a value. Publication time is only the anchor: the value is the time the words name.

Vocabulary and rule ids: ontology/rules/time.yaml.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from kg.errors import RuleError
from kg.rules import TimeRules, rules_file

_SP = r"[\s\u00a0]+"


@dataclass(frozen=True)
class Timex:
    """A time expression found in a text (offsets relative to that text).

    ``value`` is an ISO 8601 date at the written precision (``2024``, ``2017-11``, ``2025-03-04``)
    or None when it cannot be resolved; ``week`` holds an ISO week (``2025-W24``) for week-level
    expressions, which have no xsd date type.
    """

    start: int
    end: int
    text: str
    value: str | None
    rule: str
    week: str | None = None

    @property
    def year(self) -> int | None:
        return int(self.value[:4]) if self.value else None


@dataclass(frozen=True)
class _Rules:
    months: dict[str, int]
    weekdays: dict[str, int]
    relative_days: dict[str, int]
    modifiers: dict[str, int]
    units: tuple[str, ...]
    future: frozenset[str]
    anaphoric: dict[str, int]
    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    month_names: re.Pattern[str]  # where a month name starts: every pattern holding one
    weekday_names: re.Pattern[str]
    first_words: dict[str, re.Pattern[str]]  # lower-case first words of (?i) patterns

    @property
    def patterns_by_id(self) -> dict[str, re.Pattern[str]]:
        return dict(self.patterns)


def _alt(words: Iterable[str]) -> str:
    return "|".join(
        _SP.join(re.escape(p) for p in w.split()) for w in sorted(words, key=lambda w: (-len(w), w))
    )


@functools.cache
def _rules() -> _Rules:
    data = rules_file("time", TimeRules)
    months = {k.lower(): v for k, v in data.months.items()}
    weekdays = {k.lower(): v for k, v in data.weekdays.items()}
    relative_days = {k.lower(): v for k, v in data.relative_days.items()}
    modifiers = {k.lower(): v for k, v in data.relative_modifiers.items()}
    units = tuple(data.relative_units)
    vague = list(data.vague)
    anaphoric = {k.lower(): v for k, v in data.anaphoric_offsets.items()}
    future = frozenset(w.lower() for w in data.future_markers)
    ids = set(data.ids)
    # Month and weekday names are matched capitalised ("May 6", not "may"), with an optional dot.
    month = "|".join(
        re.escape(m.capitalize()) + (r"\.?" if len(m) <= 4 and m != "may" else "")
        for m in sorted(months, key=lambda m: (-len(m), m))
    )
    day = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
    # a range of days in one month ("November 9 and 10", "9-10 November"): its first day
    upto = rf"(?:(?:{_SP})?[-\u2013](?:{_SP})?|{_SP}(?:and|to){_SP})[0-3]?\d(?:st|nd|rd|th)?"
    year = r"(?P<year>(?:19|20)\d{2})"
    ana = _alt(anaphoric)
    cue = (
        r"(?i:in|since|until|till|by|from|during|before|after|through|of|last|next|this|early|late"
        r"|mid-?)"
    )
    patterns = [
        ("time.iso_date", r"(?<![\w-])(?P<year>\d{4})-(?P<mon>[01]\d)-(?P<day>[0-3]\d)(?![\w-])"),
        (
            "time.day_month_year",
            rf"(?<![\w]){day}(?:{upto})?(?:{_SP}of)?{_SP}(?P<month>{month}),?{_SP}{year}(?!\d)",
        ),
        (
            "time.month_day_year",
            rf"(?<![\w])(?P<month>{month}){_SP}{day}(?:{upto})?,?{_SP}{year}(?!\d)",
        ),
        (
            "time.month_anaphoric_year",
            rf"(?<![\w])(?P<month>{month})(?:{_SP}of)?{_SP}(?P<ana>{ana})\b",
        ),
        ("time.month_year", rf"(?<![\w])(?P<month>{month}),?(?:{_SP}of)?{_SP}{year}(?!\d)"),
        (
            "time.month_relative_year",
            rf"(?<![\w])(?P<month>{month})(?:{_SP}{day})?(?:{_SP}of)?{_SP}"
            rf"(?P<mod>(?i:{_alt(modifiers)})){_SP}(?i:year)(?![\w])",
        ),
        ("time.month_day", rf"(?<![\w])(?P<month>{month}){_SP}{day}(?:{upto})?(?![\w%])"),
        (
            "time.day_month",
            rf"(?<![\w$€£.,-]){day}(?:{upto})?(?:{_SP}of)?{_SP}(?P<month>{month})(?![\w])",
        ),
        (
            "time.month",
            rf"(?<![\w])(?P<cue>{cue})[\s\u00a0]+(?:(?:early|late|mid-?)[\s\u00a0]*)?(?P<month>{month})"
            rf"(?![\w])(?!{_SP}(?:[0-3]?\d|(?:19|20)\d\d)\b)",
        ),
        (
            "time.year",
            r"(?<![\w$€£¥.,/-])(?P<year>(?:19|20)\d{2})(?![\w%/-])"
            r"(?![\s\u00a0]*(?:per|percent|pct|%|billion|million|trillion))",
        ),
        (
            "time.weekday",
            rf"(?<![\w])(?P<weekday>{_alt(w.capitalize() for w in weekdays)})(?![\w])",
        ),
        ("time.relative_day", rf"(?i)(?<![\w])(?P<relday>{_alt(relative_days)})(?![\w])"),
        (
            "time.relative_unit",
            rf"(?i)(?<![\w])(?P<mod>{_alt(modifiers)}){_SP}(?P<unit>{_alt(units)})"
            r"(?![\w])",
        ),
        ("time.vague", rf"(?i)(?<![\w])(?P<vague>{_alt(vague)})(?![\w])"),
    ]
    for rule_id, _ in patterns:
        if rule_id not in ids:
            raise RuleError(f"rules/time.yaml: rule {rule_id!r} is used by kg.timex but not listed")
    compiled = tuple((rid, re.compile(p)) for rid, p in patterns)
    firsts = {
        "time.relative_day": relative_days,
        "time.relative_unit": modifiers,
        "time.vague": vague,
    }
    words = {rid: _first_words(ws) for rid, ws in firsts.items()}
    return _Rules(
        months,
        weekdays,
        relative_days,
        modifiers,
        units,
        future,
        anaphoric,
        compiled,
        re.compile(month),
        re.compile(_alt(w.capitalize() for w in weekdays)),
        {rid: re.compile("|".join(ws)) for rid, ws in words.items() if ws},
    )


def _first_words(phrases: Iterable[str]) -> list[str]:
    """The lower-case first words of ``phrases``, longest first; empty unless all are ASCII
    letters (then a match of one never starts inside another, see :func:`_candidates`)."""
    words = sorted({p.split()[0].lower() for p in phrases}, key=lambda w: (-len(w), w))
    return words if all(w.isascii() and w.isalpha() for w in words) else []


def parse_published(published: str | None) -> dt.date | None:
    """The publication date of an ISO 8601 date or datetime string, or None."""
    if not published:
        return None
    try:
        return dt.date.fromisoformat(published[:10])
    except ValueError:
        return None


def is_future(words: Iterable[str]) -> bool:
    """Whether a clause's words mark the future ("will meet on Thursday", "next", "upcoming")."""
    future = _rules().future
    return any(w.lower() in future for w in words)


def find_timexes(
    text: str,
    published: str | None = None,
    *,
    future: bool = False,
    earlier_year: int | None = None,
) -> list[Timex]:
    """Every time expression in ``text``, longest first where two overlap, in text order.

    ``future`` says the clause points forward (a weekday is then the next one); ``earlier_year``
    is the last absolute year written before ``text`` (for "April of that same year").
    """
    rules = _rules()
    anchor = parse_published(published)
    taken: list[tuple[int, int]] = []
    out: list[Timex] = []
    scan = _Scan(text, rules)
    for rule_id, pattern in rules.patterns:
        for m in scan.finditer(rule_id, pattern):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            timex = _resolve(rule_id, m, anchor, future, rules)
            if timex is None:
                continue
            taken.append((m.start(), m.end()))
            out.append(timex)
    out.sort(key=lambda t: t.start)
    year = earlier_year
    for i, timex in enumerate(out):
        if timex.rule == "time.month_anaphoric_year" and year is not None:
            out[i] = _anaphoric(timex, year, rules)
        elif timex.year is not None and timex.rule != "time.vague":
            year = timex.year
    return out


# Characters other than ASCII letters that match an ASCII letter case-insensitively (or lower
# to one): texts holding one take the plain path for the (?i) patterns.
_CASE_ODD = re.compile("[\u0130\u0131\u017f\u212a]")
_ODD_TO_ASCII = str.maketrans("\u0130\u0131\u017f\u212a", "iisk")


def case_key(word: str) -> str:
    """The lower-case key of a word a ``(?i)`` pattern matched: "ſeconds" (long s) and
    "\u212a" (Kelvin sign) match "seconds" and "k" case-blind, so they look up as those."""
    return word.translate(_ODD_TO_ASCII).lower()


def plain_lower(text: str) -> str | None:
    """``text.lower()`` when a lower-case pattern finds there what its ``(?i)`` form finds in
    ``text`` (same length, no character that folds to an ASCII letter); None otherwise."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) and not _CASE_ODD.search(text) else None


_DIGIT_PATTERNS = frozenset({"time.iso_date", "time.day_month_year", "time.day_month", "time.year"})
_MONTH_PATTERNS = frozenset(
    {
        "time.month_day_year",
        "time.month_anaphoric_year",
        "time.month_year",
        "time.month_relative_year",
        "time.month_day",
    }
)
_LONG_SPACE = re.compile(r"[\s\u00a0]{21}")


class _Scan:
    """``pattern.finditer(text)`` with the same matches, faster: each pattern is tried only
    where one of its matches can start (a digit run, a month or weekday name, a first word),
    found by a regex without look-behind, which the engine scans for quickly."""

    def __init__(self, text: str, rules: _Rules) -> None:
        self.text = text
        self.rules = rules
        self._cache: dict[str, list[int]] = {}
        self.lowered = plain_lower(text)

    def _starts(self, key: str, pattern: re.Pattern[str], text: str) -> list[int]:
        if key not in self._cache:
            self._cache[key] = [m.start() for m in pattern.finditer(text)]
        return self._cache[key]

    def finditer(self, rule_id: str, pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
        """The matches of ``pattern.finditer(text)`` for the pattern of ``rule_id``."""
        rules, text = self.rules, self.text
        if rule_id in _DIGIT_PATTERNS:  # look-behind (?<!\w) then a digit: a digit run starts
            yield from _at(pattern, text, self._starts("digits", _DIGITS, text))
        elif rule_id in _MONTH_PATTERNS:  # (?<!\w) then a capitalised month name
            yield from _at(pattern, text, self._starts("months", rules.month_names, text))
        elif rule_id == "time.weekday":
            yield from _at(pattern, text, self._starts("weekdays", rules.weekday_names, text))
        elif rule_id == "time.month" and not _LONG_SPACE.search(text):
            yield from _before(pattern, text, self._starts("months", rules.month_names, text))
        elif rule_id in rules.first_words and self.lowered is not None:
            starts = self._starts(rule_id, rules.first_words[rule_id], self.lowered)
            yield from _at(pattern, text, starts)
        else:
            yield from pattern.finditer(text)


_DIGITS = re.compile(r"\d+")


def _at(pattern: re.Pattern[str], text: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """finditer when every match starts at one of ``starts`` (ascending): the first match at
    or after the end of the last one."""
    end = 0
    for i in starts:
        if i >= end:
            m = pattern.match(text, i)
            if m is not None:
                end = m.end()
                yield m


def _before(pattern: re.Pattern[str], text: str, months: list[int]) -> Iterator[re.Match[str]]:
    """finditer for "in (early) January": each match holds a month name and starts at most 52
    characters before it (a cue word of 7 letters, "early", two spaces of at most 20)."""
    end = 0
    for q in months:
        if q < end:
            continue
        for i in range(max(end, q - 64), q + 1):
            m = pattern.match(text, i)
            if m is not None:
                end = m.end()
                yield m
                break


def last_year(text: str) -> int | None:
    """The last absolute year written in ``text`` (the anchor of "that same year")."""
    years = [t.year for t in find_timexes(text) if t.rule != "time.vague" and t.year]
    return years[-1] if years else None


@dataclass(frozen=True)
class _Found:
    """A match of one time pattern, with what resolving it needs."""

    rule_id: str
    m: re.Match[str]
    month: int | None  # the month the match names, if it names one
    anchor: dt.date | None
    future: bool
    rules: _Rules

    def group(self, name: str) -> str:
        """A group the rule's pattern always fills."""
        return self.m.group(name)

    def timex(self, value: str | None, week: str | None = None) -> Timex:
        """The whole match as a time expression with this value."""
        return Timex(self.m.start(), self.m.end(), self.m.group(0), value, self.rule_id, week)


def _resolve(
    rule_id: str,
    m: re.Match[str],
    anchor: dt.date | None,
    future: bool,
    rules: _Rules,
) -> Timex | None:
    """The time expression of a match of the pattern of ``rule_id``; None if it names no date."""
    g = m.groupdict()
    month = rules.months.get(case_key(g["month"].rstrip("."))) if g.get("month") else None
    found = _Found(rule_id, m, month, anchor, future, rules)
    return _RESOLVERS.get(rule_id, _resolve_later)(found)


def _resolve_iso_date(f: _Found) -> Timex | None:
    """ "2025-03-04"; None when no such day exists."""
    value = _date(int(f.group("year")), int(f.group("mon")), int(f.group("day")))
    return None if value is None else f.timex(value)


def _resolve_date(f: _Found) -> Timex | None:
    """ "4 March 2025", "March 4, 2025"; None when no such day exists."""
    value = _date(int(f.group("year")), f.month or 0, int(f.group("day")))
    return None if value is None else f.timex(value)


def _resolve_month_year(f: _Found) -> Timex | None:
    """ "November 2017"."""
    return f.timex(f"{int(f.group('year')):04d}-{f.month:02d}")


def _resolve_month_relative_year(f: _Found) -> Timex | None:
    """ "September 26 of last year", "in March next year": the month (and day) in the year the
    words count from the anchor's; no value without an anchor or with a day that is no day."""
    if f.anchor is None or not f.month:
        return f.timex(None)
    year = f.anchor.year + f.rules.modifiers[" ".join(case_key(f.group("mod")).split())]
    day = f.m.group("day")
    if day is None:
        return f.timex(f"{year:04d}-{f.month:02d}")
    value = _date(year, f.month, int(day))
    return None if value is None else f.timex(value)


def _resolve_later(f: _Found) -> Timex | None:
    """No value yet: "April of that same year" is resolved once the years written before it
    are known; vague words ("shortly") never get one."""
    return f.timex(None)


def _resolve_month_day(f: _Found) -> Timex | None:
    """ "March 4": the nearest such day around the anchor; None when the day is no day."""
    day = int(f.group("day"))
    if not 1 <= day <= 31:
        return None
    if f.anchor is not None and f.month:
        return f.timex(_month_day(f.anchor, f.month, day, f.future))
    return f.timex(None)


def _resolve_month(f: _Found) -> Timex | None:
    """ "in January": the month name alone, in the anchor's year or the one before (after)."""
    value = None
    cue = f.group("cue").lower()
    if f.anchor is not None and f.month:
        year = f.anchor.year
        back = f.month >= f.anchor.month if cue == "last" else None  # "last November" in a
        ahead = f.month <= f.anchor.month if cue == "next" else None  # November story: 2022
        if back is None and ahead is None:  # "in May": the last one, or the next in a plan
            back, ahead = (
                not f.future and f.month > f.anchor.month,
                f.future and f.month < f.anchor.month,
            )
        year += (1 if ahead else 0) - (1 if back else 0)
        value = f"{year:04d}-{f.month:02d}"
    if cue in {"last", "next"}:  # the words that say which one: "last November"
        return f.timex(value)
    return Timex(f.m.start("month"), f.m.end(), f.group("month"), value, f.rule_id)


def _resolve_year(f: _Found) -> Timex | None:
    """ "2024"."""
    return f.timex(f.group("year"))


def _resolve_weekday(f: _Found) -> Timex | None:
    """ "Thursday": the last one up to the anchor, or the next one after it in the future."""
    if f.anchor is None:
        return f.timex(None)
    weekday = f.rules.weekdays[case_key(f.group("weekday"))]
    return f.timex(_weekday(f.anchor, weekday, f.future).isoformat())


def _resolve_relative_day(f: _Found) -> Timex | None:
    """ "yesterday", "tomorrow"."""
    if f.anchor is None:
        return f.timex(None)
    days = f.rules.relative_days[case_key(f.group("relday"))]
    return f.timex((f.anchor + dt.timedelta(days=days)).isoformat())


def _resolve_relative_unit(f: _Found) -> Timex | None:
    """ "last month", "next week" (a week has an ISO week, not a date)."""
    if f.anchor is None:
        return f.timex(None)
    offset = f.rules.modifiers[" ".join(case_key(f.group("mod")).split())]
    value, week = _relative(f.anchor, offset, case_key(f.group("unit")))
    return f.timex(value, week)


# The resolver of each rule's matches; a rule not listed gets no value (_resolve_later).
_RESOLVERS: dict[str, Callable[[_Found], Timex | None]] = {
    "time.iso_date": _resolve_iso_date,
    "time.day_month_year": _resolve_date,
    "time.month_day_year": _resolve_date,
    "time.month_year": _resolve_month_year,
    "time.month_anaphoric_year": _resolve_later,
    "time.month_relative_year": _resolve_month_relative_year,
    "time.month_day": _resolve_month_day,
    "time.day_month": _resolve_month_day,
    "time.month": _resolve_month,
    "time.year": _resolve_year,
    "time.weekday": _resolve_weekday,
    "time.relative_day": _resolve_relative_day,
    "time.relative_unit": _resolve_relative_unit,
}


def _anaphoric(timex: Timex, year: int, rules: _Rules) -> Timex:
    m = rules.patterns_by_id["time.month_anaphoric_year"].match(timex.text)
    if m is None:
        return timex
    month = rules.months[case_key(m.group("month").rstrip("."))]
    year += rules.anaphoric[" ".join(case_key(m.group("ana")).split())]
    return Timex(timex.start, timex.end, timex.text, f"{year:04d}-{month:02d}", timex.rule)


def _date(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _month_day(anchor: dt.date, month: int, day: int, future: bool) -> str | None:
    for year in (anchor.year, anchor.year - 1, anchor.year + 1):
        value = _date(year, month, day)
        if value is None:
            continue
        date = dt.date.fromisoformat(value)
        forward = future and date >= anchor
        back = not future and date <= anchor + dt.timedelta(days=1)
        if (forward or back) and abs((date - anchor).days) <= 366:
            return value
    return _date(anchor.year, month, day)


def _weekday(anchor: dt.date, weekday: int, future: bool) -> dt.date:
    """The day a weekday names, looking back from the publication (forward for a plan); the
    publication's own weekday is that day ("X meets Y Friday" in Friday's paper), either way."""
    if future:
        return anchor + dt.timedelta(days=(weekday - anchor.weekday()) % 7)
    return anchor - dt.timedelta(days=(anchor.weekday() - weekday) % 7)


def _relative(anchor: dt.date, offset: int, unit: str) -> tuple[str | None, str | None]:
    if unit == "year":
        return f"{anchor.year + offset:04d}", None
    if unit == "month":
        index = anchor.year * 12 + anchor.month - 1 + offset
        return f"{index // 12:04d}-{index % 12 + 1:02d}", None
    if unit == "week":
        day = anchor + dt.timedelta(weeks=offset)
        iso = day.isocalendar()
        return None, f"{iso[0]:04d}-W{iso[1]:02d}"
    return None, None
