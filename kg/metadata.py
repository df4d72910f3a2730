"""Document metadata as articles state it: five fields as text, dates as ISO 8601.

``metadata`` turns what front matter, a JSONL line or an HTML page gives (any JSON or YAML
values) into the fields of ``Document``; an unusable value is reported through ``warn`` and
dropped, never a reason to skip the document.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

from kg.limits import short_repr

META_KEYS = ("title", "url", "author", "published", "language")
Warn = Callable[..., None]  # warn(where, problem, skipped=...)

_SURROGATE = re.compile("[\ud800-\udfff]")

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_MONTH_FIRST = re.compile(rf"{_WEEKDAY}([a-z]+)\.?\s+{_DAY},?\s+(\d{{4}})")
_DAY_FIRST = re.compile(rf"{_WEEKDAY}{_DAY}\s+([a-z]+)\.?,?\s+(\d{{4}})")


# A press-release or wire dateline at the start of the text: the place in capitals (and a state
# or province), the date with its year, an optional wire name between slashes, then a dash
# ("OTTAWA, ON, Oct. 8, 2025 /CNW/ - ", "WASHINGTON, Sept. 8, 2023 /PRNewswire/ -- ").
_DATELINE = re.compile(
    r"\s*[A-Z][A-Z.'’ -]{1,40}(?:,\s*[A-Z][A-Za-z.]{1,15}){0,2},\s*"
    r"((?:[A-Z][a-z]{2,8}\.?\s+\d{1,2},\s*\d{4})|(?:\d{1,2}\s+[A-Z][a-z]{2,8}\s+\d{4}))"
    r"\s*(?:/[^/\n]{1,30}/)?\s*(?:--|[-–—])\s"
)


# A dateline, with or without a date, at the start of the text or of a line: "WASHINGTON – ",
# "Washington, DC –Today", "OTTAWA, ON, Oct. 8, 2025 /CNW/ - ", "BEIJING, March 3 (Reuters) -".
_DATELINE_PLACE = re.compile(
    r"\s*([A-Z][A-Za-z.'’]+(?: [A-Z][A-Za-z.'’]+){0,3})(?:,\s*[A-Z][A-Za-z.]{1,15}){0,2}"
    r"(?:,?\s*(?P<date>[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s*\d{4})?"
    r"|\d{1,2}\s+[A-Z][a-z]{2,8}(?:\s+\d{4})?))?"
    r"\s*(?:\([^)\n]{1,30}\))?\s*(?:/[^/\n]{1,30}/)?\s*(?:--|[-–—])"
)


def in_dateline(text: str, start: int, end: int) -> bool:
    """Whether the date at ``[start, end)`` of ``text`` is a dateline's ("WASHINGTON, Feb. 5 -
    ..." after a headline and a byline): the day the report was filed, not that of what it
    reports."""
    m = _DATELINE_PLACE.match(text, text.rfind("\n", 0, start) + 1)
    if m is None or m.group("date") is None:
        return False
    return m.start("date") <= start and end <= m.end("date")


def dateline_place(text: str) -> tuple[str, int, int, int] | None:
    """The place of a dateline that opens the text ("WASHINGTON – ...", "OTTAWA, ON, Oct. 8,
    2025 /CNW/ - ..."), as written, with its start and end offsets and the offset where the
    dateline ends; None without one. Whether the words name a place is for the caller's
    lexicon to say."""
    m = _DATELINE_PLACE.match(text[:200])
    return (m.group(1), m.start(1), m.end(1), m.end()) if m else None


def dateline_date(text: str) -> str | None:
    """The date of a dateline that opens the text with its year ("OTTAWA, ON, Oct. 8, 2025
    /CNW/ - Today, ..."): the day the release was issued, as ISO 8601, else None. A dateline
    without a year ("BEIJING, March 3 (Reuters) -") gives none."""
    m = _DATELINE.match(text[:200])
    return normalise_date(m.group(1)) if m else None


def without_surrogates(value: str, name: str, where: str, warn: Warn) -> str:
    """``value`` with each lone surrogate (``"\\ud800"``, which JSON and YAML escapes allow and
    UTF-8 cannot hold) replaced by U+FFFD, one character for one so offsets stay; a warning
    says so. Every string of a ``Document`` passes through here or comes from UTF-8."""
    at = _SURROGATE.search(value)
    if at is None:
        return value
    warn(
        where,
        f'"{name}" holds a lone surrogate (U+{ord(at.group()):04X} at character'
        f" {at.start()}), which is not text; replaced by U+FFFD",
        skipped=False,
    )
    return _SURROGATE.sub("\ufffd", value)


def metadata(raw: Mapping[str, Any], where: str, warn: Warn) -> dict[str, Any]:
    """The five metadata fields as strings or None; unusable values are reported and dropped."""
    meta: dict[str, Any] = dict.fromkeys(META_KEYS)
    for key in META_KEYS:
        value = raw.get(key)
        if value is None:
            continue
        if isinstance(value, str):
            value = without_surrogates(value, key, where, warn)
        if key == "published":
            meta[key] = _published(value, where, warn)
            continue
        if key == "author" and isinstance(value, list) and all(_is_scalar(v) for v in value):
            value = ", ".join(str(v).strip() for v in value if v is not None and str(v).strip())
            value = without_surrogates(value, key, where, warn)
        if not _is_scalar(value):
            warn(
                where,
                f"metadata {key!r} must be text, got {type(value).__name__}"
                f" {short_repr(value)}; the field is left empty",
                skipped=False,
            )
            continue
        meta[key] = str(value).strip() or None
    return meta


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool, dt.date))


def _published(value: Any, where: str, warn: Warn) -> str | None:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    normalised = normalise_date(value) if isinstance(value, str) else None
    if normalised is None:
        warn(
            where,
            f"published date {short_repr(value)} is not a date kg understands; write ISO 8601 such"
            " as 2025-06-05 or 2025-06-05T14:03:00Z (the field is left empty)",
            skipped=False,
        )
    return normalised


def normalise_date(text: str) -> str | None:
    """ISO 8601 for a date or datetime as news pages write it, or None if it is not one.

    Accepts ISO 8601 (``2025-06-05``, ``2025-06-05T14:03:00Z``) and English dates
    (``June 5, 2025``, ``5 June 2025``, ``Thu, June 5, 2025``); independent of the locale.
    """
    text = text.strip()
    if _ISO_DATE.match(text):
        try:
            if len(text) == 10:
                return dt.date.fromisoformat(text).isoformat()
            if text[-1] in "Zz":
                text = text[:-1] + "+00:00"
            return dt.datetime.fromisoformat(text).isoformat()
        except ValueError:
            return None
    lowered = " ".join(text.lower().split())
    month_first = _MONTH_FIRST.fullmatch(lowered)
    if month_first:
        month, day, year = month_first.groups()
    else:
        day_first = _DAY_FIRST.fullmatch(lowered)
        if not day_first:
            return None
        day, month, year = day_first.groups()
    if month not in _MONTHS:
        return None
    try:
        return dt.date(int(year), _MONTHS[month], int(day)).isoformat()
    except ValueError:
        return None
