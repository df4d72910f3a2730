"""Numbers, percentages, sums of money and durations as news writes them.

Shared by the tariff, event and figure extractors. The vocabulary (number words, scales,
currency signs, percent units, duration units) is data: ontology/rules/figures.yaml and
ontology/rules/time.yaml. Matching is by regular expressions compiled once per process and run
over a sentence's text; every match carries offsets relative to the text it was run on.
No-break spaces (U+00A0) count as spaces everywhere ("145 per\u00a0cent").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kg.rules import FigureRules, TimeRules, rules_file
from kg.timex import case_key, plain_lower

_SP = r"[\s\u00a0\u202f]"  # spaces, no-break spaces, narrow no-break spaces
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"


@dataclass(frozen=True)
class Quantity:
    """A number with its unit found in a text: offsets are relative to that text."""

    start: int
    end: int
    value: float
    unit: str  # "percent", "points", an ISO 4217 code, or a counted noun
    kind: str  # "percent", "points", "money", "count"


@dataclass(frozen=True)
class Duration:
    """A length of time: ``iso`` is its canonical ISO 8601 form (PT1H30M, P90D, P6M, P5Y)."""

    start: int
    end: int
    iso: str
    approximate: bool
    hyphenated: bool  # "90-minute", "hour-and-a-half-long": an adjective before a noun


def _alternation(words: Any) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


@dataclass(frozen=True)
class _Vocab:
    words: dict[str, float]
    fractions: dict[str, float]
    scales: dict[str, float]
    symbols: dict[str, str]
    currency_words: dict[str, str]
    codes: frozenset[str]
    duration_units: dict[str, tuple[str, float]]
    number: str  # regex of one number, digits or words, with an optional fraction
    percent: re.Pattern[str]
    money: tuple[re.Pattern[str], ...]
    duration: tuple[re.Pattern[str], ...]
    count: re.Pattern[str]
    duration_hint: re.Pattern[str]
    # A unit standing as a word ("90 minutes", "hour-long"): every duration pattern needs one.
    duration_word: re.Pattern[str]
    # The same three, case-sensitive, for lower-cased text (kg.timex.plain_lower); no
    # duration_lower when a pattern holds an upper-case letter (it then runs with (?i) only)
    duration_hint_lower: re.Pattern[str]
    duration_word_lower: re.Pattern[str]
    duration_lower: tuple[re.Pattern[str], ...] | None


@functools.cache
def vocab() -> _Vocab:
    """The number vocabulary and the regular expressions built from it (built once)."""
    fig = rules_file("figures", FigureRules)
    time = rules_file("time", TimeRules)
    nums, cur = fig.numbers, fig.currencies
    units_raw, approx = time.duration_units, time.approximate
    words = {str(k).lower(): float(v) for k, v in nums.words.items()}
    tens = [t for t in nums.tens if t in words]
    units = [w for w, v in words.items() if 0 < v < 10]
    others = [w for w in words if w not in tens]
    word_number = (
        rf"(?:(?:{_alternation(tens)})(?:[-{_SP[1:-1]}](?:{_alternation(units)}))?"
        rf"|{_alternation(others)})"
    )
    fractions = {str(k).lower(): float(v) for k, v in nums.fractions.items()}
    frac = "|".join(
        _SP.join(re.escape(p) for p in f.split()).replace(_SP, rf"{_SP}+")
        for f in sorted(fractions, key=len, reverse=True)
    )
    number = rf"(?:{_DIGITS}|{word_number})(?:{_SP}+(?:{frac}))?"
    number = rf"(?<![\w.,])(?:{number})(?![\w])"
    pct_units = "|".join(
        rf"{_SP}*".join(re.escape(p) for p in re.split(r"\s+", u)) for u in nums.percent_units
    )
    pt_units = "|".join(
        rf"{_SP}+".join(re.escape(p) for p in u.split()) for u in nums.point_units
    )
    percent = re.compile(
        rf"(?P<num>{number}){_SP}*(?:(?P<pt>{pt_units})|(?P<pct>{pct_units}))(?![\w])",
        re.IGNORECASE,
    )
    scales = {str(k).lower(): float(v) for k, v in nums.scales.items()}
    word_scales = [s for s in scales if len(s) > 1]
    letter_scales = [s for s in scales if len(s) == 1]
    scale = (
        rf"(?:{_SP}*(?P<scale>{_alternation(word_scales)})(?![\w])"
        rf"|(?P<lscale>{_alternation(letter_scales)})(?![\w]))?"
    )
    symbols = {str(k): str(v) for k, v in cur.symbols.items()}
    currency_words = {str(k).lower(): str(v) for k, v in cur.words.items()}
    codes = frozenset(str(c) for c in cur.codes)
    digits = rf"(?<![\w.,])(?:{_DIGITS})"
    money = (
        re.compile(rf"(?P<cur>{_alternation(symbols)}){_SP}?(?P<num>{digits}){scale}"),
        re.compile(rf"(?<![\w])(?P<code>{_alternation(codes)}){_SP}?(?P<num>{digits}){scale}"),
        re.compile(
            rf"(?P<num>{digits}){scale}{_SP}+(?P<word>{_alternation(currency_words)}"
            rf"|{_alternation(codes)})(?![\w])",
            re.IGNORECASE,
        ),
    )
    duration_units = {
        str(k).lower(): (next(iter(v)), float(next(iter(v.values())))) for k, v in units_raw.items()
    }
    unit = rf"(?P<unit>{_alternation(duration_units)})s?"
    appr = rf"(?:(?P<approx>{_alternation(approx)}){_SP}+)?"
    duration = (
        re.compile(
            rf"{appr}(?<![\w])(?P<halfword>half)[{_SP[1:-1]}-]+an?[{_SP[1:-1]}-]+{unit}"
            rf"(?![\w])",
            re.IGNORECASE,
        ),
        re.compile(
            rf"{appr}(?<![\w-]){unit}(?P<half>-and-a-half)(?P<long>-long)?(?![\w])", re.IGNORECASE
        ),
        re.compile(
            rf"{appr}(?P<num>{number}|(?<![\w])an?)(?P<sep>[{_SP[1:-1]}-]+){unit}"
            rf"(?P<half>(?:[{_SP[1:-1]}-]+and[{_SP[1:-1]}-]+a[{_SP[1:-1]}-]+half))?"
            rf"(?P<long>-long)?(?![\w])",
            re.IGNORECASE,
        ),
    )
    count = re.compile(
        rf"(?P<num>{digits}){scale}{_SP}+(?P<noun>{_alternation(fig.count_units)})(?![\w])",
        re.IGNORECASE,
    )
    return _Vocab(
        words,
        fractions,
        scales,
        symbols,
        currency_words,
        codes,
        duration_units,
        number,
        percent,
        money,
        duration,
        count,
        re.compile(rf"(?i){_alternation(duration_units)}"),
        re.compile(rf"(?i)(?<![\w])(?:{_alternation(duration_units)})s?(?![\w])"),
        re.compile(_alternation(duration_units)),
        re.compile(rf"(?<![\w])(?:{_alternation(duration_units)})s?(?![\w])"),
        _lower_case_forms(duration),
    )


def _lower_case_forms(patterns: tuple[re.Pattern[str], ...]) -> tuple[re.Pattern[str], ...] | None:
    """Case-sensitive copies of ``(?i)`` patterns written in lower case, which find in lower-cased
    text what the originals find in the text, over twice as fast; None if one has an upper-case
    letter or escape outside its group names."""
    for p in patterns:
        if re.search(r"[A-Z]", re.sub(r"\(\?P<\w+>|\(\?P=\w+\)", "", p.pattern)):
            return None
    return tuple(re.compile(p.pattern, p.flags & ~re.IGNORECASE) for p in patterns)


def parse_number(text: str) -> float | None:
    """The value of a number written in digits or words ("1,250.5", "ninety", "one and a half")."""
    v = vocab()
    text = case_key(" ".join(text.replace("\u00a0", " ").split()))
    extra = 0.0
    for phrase, value in v.fractions.items():
        if text.endswith(" " + phrase):
            text = text[: -len(phrase) - 1].strip()
            extra = value
            break
    if not text:
        return None
    if text[0].isdigit():
        try:
            return float(text.replace(",", "")) + extra
        except ValueError:
            return None
    total = 0.0
    for part in re.split(r"[\s-]+", text):
        if part in {"a", "an"}:
            total += 1 if total == 0 else 0
        elif part == "hundred":
            total = max(total, 1) * 100
        elif part in v.words:
            total += v.words[part]
        else:
            return None
    return total + extra


def find_percents(text: str) -> Iterator[Quantity]:
    """Percentages ("145 per cent", "25%") and percentage points ("3 percentage points")."""
    for m in vocab().percent.finditer(text):
        value = parse_number(m.group("num"))
        if value is None:
            continue
        kind = "points" if m.group("pt") else "percent"
        yield Quantity(m.start(), m.end(), value, kind, kind)


def find_money(text: str) -> Iterator[Quantity]:
    """Sums of money with their currency ("$295 billion", "C$30 billion", "€5bn", "9bn yuan")."""
    v = vocab()
    seen: list[tuple[int, int]] = []
    found: list[Quantity] = []
    for pattern in v.money:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in seen):
                continue
            value = _scaled(m, v)
            if value is None:
                continue
            groups = m.groupdict()
            if groups.get("cur"):
                code = v.symbols[groups["cur"]]
            elif groups.get("code"):
                code = groups["code"]
            else:
                word = groups["word"]
                code = v.currency_words.get(case_key(word)) or word.upper()
            end = m.end()
            if code == "JPY" and re.match(rf"{_SP}+(?:yuan|renminbi)\b", text[end:], re.I):
                code = "CNY"
            seen.append((m.start(), end))
            found.append(Quantity(m.start(), end, _clean(value), code, "money"))
    yield from sorted(found, key=lambda q: q.start)


def _scaled(m: re.Match[str], v: _Vocab) -> float | None:
    """The number of a money or count match times its scale word ("2.5 billion")."""
    value = parse_number(m.group("num"))
    scale = m.group("scale") or m.group("lscale")
    if value is not None and scale:
        value *= v.scales[case_key(scale)]
    return value


def find_counts(text: str) -> Iterator[Quantity]:
    """Counted things ("3,000 jobs", "2 million tonnes"): the noun is the unit."""
    v = vocab()
    for m in v.count.finditer(text):
        value = _scaled(m, v)
        if value is None:
            continue
        yield Quantity(m.start(), m.end(), _clean(value), case_key(m.group("noun")), "count")


def find_durations(text: str) -> Iterator[Duration]:
    """Lengths of time in every written form, as canonical ISO 8601 durations."""
    v = vocab()
    lowered = plain_lower(text)  # case-sensitive searches are several times faster
    if lowered is not None and v.duration_lower is not None:
        probe, hint, word = lowered, v.duration_hint_lower, v.duration_word_lower
        patterns = v.duration_lower  # groups are read in lower case: units, numbers, "half"
    else:
        probe, hint, word, patterns = text, v.duration_hint, v.duration_word, v.duration
    if not hint.search(probe):  # most sentences name no unit of time: skip the patterns
        return
    if not word.search(probe):  # "today", "Monday", "yearly": no unit as a word
        return
    taken: list[tuple[int, int]] = []
    found: list[Duration] = []
    for pattern in patterns:
        for m in pattern.finditer(probe):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            groups = m.groupdict()
            if groups.get("halfword"):
                amount: float | None = 0.5
            elif groups.get("num"):
                amount = parse_number(groups["num"])
            else:
                amount = 1.0
            if amount is None:
                continue
            if groups.get("half"):
                amount += 0.5
            unit = case_key(groups["unit"])
            base, per = v.duration_units[unit]
            iso = to_iso(amount * per, base)
            if iso is None:
                continue
            hyphen = (
                bool(groups.get("long"))
                or "-" in (groups.get("sep") or "")
                or (bool(groups.get("half")) and groups["half"].startswith("-"))
            )
            taken.append((m.start(), m.end()))
            found.append(Duration(m.start(), m.end(), iso, bool(groups.get("approx")), hyphen))
    yield from sorted(found, key=lambda d: d.start)


def to_iso(amount: float, base: str) -> str | None:
    """Canonical ISO 8601 / xsd:duration form, the one RDF libraries write back (rdflib):
    hours and minutes below a day (PT1H30M, PT40M, PT2H), days (P90D, P1DT12H), years and
    months (P5Y, P1Y6M). One form per length, so equal durations merge across documents."""
    if amount <= 0:
        return None
    if base in {"seconds", "minutes", "days"}:
        seconds = round(amount * {"seconds": 1, "minutes": 60, "days": 86400}[base])
        days, rest = divmod(seconds, 86400)
        hours, rest = divmod(rest, 3600)
        minutes, secs = divmod(rest, 60)
        clock = "".join(f"{n}{u}" for n, u in ((hours, "H"), (minutes, "M"), (secs, "S")) if n)
        return "P" + (f"{days}D" if days else "") + (f"T{clock}" if clock else "")
    if base in {"months", "years"}:
        months = round(amount * (12 if base == "years" else 1))
        if amount * (12 if base == "years" else 1) != months:  # "one and a half months"
            return to_iso(amount * (365 if base == "years" else 30), "days")
        years, months = divmod(months, 12)
        return "P" + (f"{years}Y" if years else "") + (f"{months}M" if months else "")
    return None


def _clean(value: float) -> float:
    """Round away binary noise from scaling (0.1 * 1e9) without losing real decimals."""
    return float(f"{value:.12g}")
