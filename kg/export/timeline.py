"""The viewer's timeline: facts placed in time, and rate histories for step charts.

Which kinds go on the timeline, by which date field, and which make a rate history is each
kind's ``viewer.timeline`` in ontology/kinds.yaml (kg.kinds.TimelineDecl). Dates keep their
written precision (``2017`` spans the year, ``2017-11`` the month): an item is a span of days,
``t0`` to ``t1`` inclusive, counted from 1970-01-01, with the precision named. Facts without a
usable date are listed apart (``undated``), unless their kind says to leave them off (an office
no source dates). Everything is sorted, so the same facts give the same data.
"""

from __future__ import annotations

import calendar
import math
import re
from collections import Counter
from datetime import date
from typing import Any

from kg.kinds import TimelineDecl, kinds

_ISO = re.compile(
    r"(\d{4})(?:-(\d{2})(?:-(\d{2})"
    r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?)?)?"
)
_EPOCH = date(1970, 1, 1).toordinal()


def date_span(value: Any) -> tuple[int, int, str] | None:
    """``(t0, t1, precision)`` of an ISO 8601 date as kg writes it (``2017``, ``2017-11``,
    ``2017-11-08``, ``2017-11-08T10:00Z``): the first and last day it covers, in days since
    1970-01-01, and ``year``, ``month``, ``day`` or ``time``; None for anything else."""
    if not isinstance(value, str):
        return None
    m = _ISO.fullmatch(value)
    if m is None:
        return None
    year, month, day, time = int(m[1]), m[2], m[3], m[4]
    try:
        if day is not None:
            first = last = date(year, int(month), int(day))
            precision = "time" if time else "day"
        elif month is not None:
            first = date(year, int(month), 1)
            last = date(year, int(month), calendar.monthrange(year, int(month))[1])
            precision = "month"
        else:
            first, last, precision = date(year, 1, 1), date(year, 12, 31), "year"
    except ValueError:  # 2025-02-30, month 13, year 0
        return None
    return first.toordinal() - _EPOCH, last.toordinal() - _EPOCH, precision


def timeline_view(
    facts: list[dict], nodes: list[list[int]], rank: dict[str, int], labels: dict[int, str]
) -> dict:
    """The timeline part of the viewer's data.

    ``facts`` are the page's fact records in order, ``nodes`` the node ranks each involves,
    ``rank`` an entity id's node rank and ``labels`` the label of each rank that is an entity
    (not an event's or a tariff's own node). Returns ``dated`` (``[fact, t0, t1, date text,
    precision]`` by time), ``undated`` (fact indexes), ``rates`` (``[from rank, to rank,
    [[fact, t0 or null, date text, rate, previous rate or null], ...]]`` per pair, in step
    order) and ``entities`` (the ranks of the entities these involve, by label, for the filter).
    """
    dated: list[list[Any]] = []
    undated: list[tuple[int, int]] = []
    pairs: dict[tuple[str, str], list[list[Any]]] = {}
    ends: dict[tuple[str, str], tuple[int, int]] = {}
    for index, fact in enumerate(facts):
        spec = kinds().get(str(fact.get("kind")))
        decl = spec.timeline if spec is not None else None
        if spec is None or decl is None:
            continue
        place = _place(fact, decl)
        if place is not None:
            dated.append([index, *place])
        elif decl.undated:
            undated.append((spec.panel, index))
        point = _rate_point(index, fact, decl, place)
        if point is not None:
            key, point_row = point
            pairs.setdefault(key, []).append(point_row)
            ends[key] = (rank.get(key[0], -1), rank.get(key[1], -1))
    dated.sort(key=lambda row: (row[1], row[2], row[0]))
    listed = {row[0] for row in dated} | {i for _, i in undated}
    for key in pairs:
        listed.update(row[0] for row in pairs[key])
    involved = {r for i in listed for r in nodes[i]} | {r for e in ends.values() for r in e}
    entities = sorted((r for r in involved if r in labels), key=lambda r: (labels[r].casefold(), r))
    return {
        "dated": dated,
        "undated": [i for _, i in sorted(undated)],
        "rates": [[*ends[key], _step_order(pairs[key])] for key in sorted(pairs)],
        "entities": entities,
    }


def _place(fact: dict, decl: TimelineDecl) -> list[Any] | None:
    """``[t0, t1, date text, precision]`` of a fact, or None when it has no usable date."""
    start = date_span(fact.get(decl.date))
    end = date_span(fact.get(decl.end)) if decl.end else None
    if start is not None and end is not None:
        return [start[0], max(start[1], end[1]), f"{fact[decl.date]} – {fact[decl.end]}", start[2]]
    if start is not None:
        return [start[0], start[1], str(fact[decl.date]), start[2]]
    if end is not None and decl.end is not None:
        return [end[0], end[1], f"until {fact[decl.end]}", end[2]]
    return None


def _rate_point(
    index: int, fact: dict, decl: TimelineDecl, place: list[Any] | None
) -> tuple[tuple[str, str], list[Any]] | None:
    rates = decl.rates
    if rates is None:
        return None
    value = _number(fact.get(rates.value))
    if value is None:
        return None
    key = (_ref_id(fact.get(rates.source)), _ref_id(fact.get(rates.to)))
    previous = _number(fact.get(rates.previous)) if rates.previous else None
    t0, text = (place[0], place[2]) if place is not None else (None, "")
    return key, [index, t0, text, value, previous]


def _step_order(points: list[list[Any]]) -> list[list[Any]]:
    """Dated steps by date, then the undated ones, each after the step whose rate it says it
    replaced ("from 145% to 30%" comes after 145%) where there is one, else by fact order."""
    dated = sorted((p for p in points if p[1] is not None), key=lambda p: (p[1], p[0]))
    rest = sorted((p for p in points if p[1] is None), key=lambda p: p[0])
    waiting = Counter(p[3] for p in rest)  # rates of the undated steps not yet placed
    order: list[list[Any]] = []
    while rest:
        # a step waits while another undated step has the rate it replaced
        step = next(
            (p for p in rest if waiting[p[4]] - (p[3] == p[4]) <= 0 or p[4] is None), rest[0]
        )
        order.append(step)
        rest.remove(step)
        waiting[step[3]] -= 1
    return dated + order


def _ref_id(value: Any) -> str:
    return str(value["id"]) if isinstance(value, dict) and isinstance(value.get("id"), str) else ""


def _number(value: Any) -> float | int | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    return value if ok else None


__all__ = ["date_span", "timeline_view"]
