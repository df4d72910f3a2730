"""Tariff-rate quotas: the quantity a lower rate applies to and which side of it a rate is.

"a quota of 50,000 tonnes at 5%, with 25% above it", "Imports above a quota of 50,000 tonnes
will face a 25% tariff, while shipments within the quota pay 5%": each rate is a measure; the
quota ("50,000 tonnes") and the side ("within", "above") are its fields, from the cue words of
``quota_sides`` in ontology/rules/tariffs.yaml nearest to the rate (rule tariff.quota).
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from kg.extract.tariff_parts import tables


class Quota(NamedTuple):
    amount: str  # as written: "50,000 tonnes"
    side: str  # within | above


@functools.cache
def _patterns() -> tuple[re.Pattern[str], list[tuple[re.Pattern[str], str]]]:
    """The quota phrase ("quota of 50,000 tonnes") and each side's cues, compiled once."""
    rules = tables()
    words = "|".join(re.escape(w) for w in sorted(rules.quota_words, key=len, reverse=True))
    hedges = "|".join(re.escape(w) for w in rules.value_hedges)
    amount = re.compile(
        rf"\b(?:{words})\s+(?:of|on)\s+(?:(?:{hedges})\s+)*"
        r"(?P<amount>\d[\d,.]*(?:\s+(?:thousand|million|billion))?\s+(?:metric\s+)?[A-Za-z-]+)",
        re.I,
    )
    cues = [
        (re.compile(rf"\b(?:{'|'.join(map(re.escape, ws))})\b", re.I), side)
        for side, ws in rules.quota_sides.items()
    ]
    return amount, cues


def quota_of(text: str, rate_start: int, rate_end: int) -> Quota | None:
    """The quota a rate at ``rate_start``..``rate_end`` of sentence ``text`` is told against:
    the sentence's quota phrase and the side cue nearest the rate, within its clause (no ";"
    or ", while" between); a rate right after the quota phrase ("a quota of X at 5%", "with a
    5% tariff") is within. None without a quota phrase or a side."""
    amount_re, cues = _patterns()
    found = amount_re.search(text)
    if found is None:
        return None
    between = text[found.end() : rate_start]
    if re.fullmatch(r"\s*,?\s*(?:at|with(?:\s+an?)?)\s+", between):
        return Quota(found.group("amount"), "within")
    best: tuple[int, str] | None = None
    for cue, side in cues:
        for c in cue.finditer(text):
            lo, hi = sorted((c.start(), rate_start if c.start() < rate_start else rate_end))
            gap = text[lo:hi]
            if ";" in gap or re.search(r",\s*(?:while|whereas|but)\b", gap) or len(gap) > 80:
                continue
            if best is None or len(gap) < best[0]:
                best = (len(gap), side)
    return Quota(found.group("amount"), best[1]) if best is not None else None
