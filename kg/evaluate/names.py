"""Name, title, duration and unit normalisation for comparing gold items with predicted facts.

Everything here is generic: it keys on the shape of names ("the", "Mr.", accents, "U.S." vs
"US") and on the lexicon files under ontology/lexicon/ when they are present, never on any
particular corpus.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from kg.errors import KGError
from kg.resources import load_yaml

ARTICLES = frozenset({"the", "a", "an"})
# Honorifics stripped from the front of names even without the lexicon file.
BUILTIN_HONORIFICS = ("mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame")
# Words joining a title's head to its field ("Secretary of Commerce", "Commissioner for Trade").
TITLE_LINKS = frozenset({"of", "for"})
# Unit spellings that mean the same unit; keys are case-folded.
UNIT_SYNONYMS: dict[str, str] = {
    "usd": "USD",
    "$": "USD",
    "us$": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "us dollars": "USD",
    "u.s. dollars": "USD",
    "eur": "EUR",
    "€": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "cad": "CAD",
    "c$": "CAD",
    "canadian dollars": "CAD",
    "gbp": "GBP",
    "£": "GBP",
    "pound": "GBP",
    "pounds": "GBP",
    "cny": "CNY",
    "rmb": "CNY",
    "yuan": "CNY",
    "jpy": "JPY",
    "yen": "JPY",
    "%": "percent",
    "percent": "percent",
    "per cent": "percent",
    "pct": "percent",
    "vote": "votes",
    "votes": "votes",
    "year": "years",
    "years": "years",
}
_DURATION_UNITS = {
    "second": "S",
    "minute": "TM",
    "hour": "H",
    "day": "D",
    "week": "W",
    "month": "M",
    "year": "Y",
}
_ISO_DURATION = re.compile(
    r"^P(?:(?P<Y>\d+(?:\.\d+)?)Y)?(?:(?P<M>\d+(?:\.\d+)?)M)?(?:(?P<W>\d+(?:\.\d+)?)W)?"
    r"(?:(?P<D>\d+(?:\.\d+)?)D)?(?:T(?:(?P<H>\d+(?:\.\d+)?)H)?(?:(?P<TM>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<S>\d+(?:\.\d+)?)S)?)?$"
)
_WORD_DURATION = re.compile(
    r"(\d+(?:\.\d+)?)[\s\u00a0-]*(second|minute|hour|day|week|month|year)s?\b", re.IGNORECASE
)


def fold(text: str) -> str:
    """Case-fold ``text`` and strip accents ("Malmström" -> "malmstrom")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def tokens(text: str) -> list[str]:
    """Folded word tokens: dots and apostrophes vanish ("U.S." -> "us"), other marks split."""
    folded = fold(text)
    folded = re.sub(r"[.'’‘`]", "", folded)
    return re.sub(r"[^\w]+", " ", folded).split()


@functools.cache
def _distinguishing() -> frozenset[str]:
    """Honorifics that tell one person from another of the same surname ("Mrs. Obama"),
    lexicon/honorifics.yaml `distinguishing_honorifics`, folded."""
    try:
        data = load_yaml("lexicon/honorifics.yaml") or {}
    except KGError:
        data = {}
    items = data.get("distinguishing_honorifics", []) if isinstance(data, dict) else []
    return frozenset(t for item in items for t in tokens(str(item)))


@functools.cache
def _honorifics() -> tuple[tuple[str, ...], ...]:
    """Honorific token sequences, longest first: built-ins, plus lexicon/honorifics.yaml if any."""
    words: set[tuple[str, ...]] = {(h,) for h in BUILTIN_HONORIFICS}
    try:
        data = load_yaml("lexicon/honorifics.yaml") or {}
    except KGError:
        data = {}
    for item in data.get("honorifics", []) if isinstance(data, dict) else []:
        seq = tuple(tokens(str(item)))
        if seq:
            words.add(seq)
    return tuple(sorted(words, key=lambda s: (-len(s), s)))


def normalise_name(text: str) -> str:
    """The comparison key of a name: folded, leading articles and honorifics stripped."""
    toks = tokens(text)
    if len(toks) == 2 and toks[0] in _distinguishing():
        return " ".join(toks)  # "Mrs. Obama" is not "Obama": the honorific tells her apart
    changed = True
    while changed and len(toks) > 1:
        changed = False
        if toks[0] in ARTICLES:
            toks = toks[1:]
            changed = True
            continue
        for seq in _honorifics():
            if len(toks) > len(seq) and tuple(toks[: len(seq)]) == seq:
                toks = toks[len(seq) :]
                changed = True
                break
    return " ".join(toks)


def title_keys(title: str, org_keys: Iterable[str] = ()) -> set[str]:
    """Comparison keys of an office title.

    Articles are dropped; "Secretary of Commerce" also yields "commerce secretary"; a leading
    name of the organisation ("U.S. President", "EU trade commissioner") is also stripped when
    ``org_keys`` (normalised names of the organisation) contains it.
    """
    toks = [t for t in tokens(title) if t not in ARTICLES]
    keys = {" ".join(toks)}
    for i, tok in enumerate(toks):
        if tok in TITLE_LINKS and 0 < i < len(toks) - 1:
            keys.add(" ".join(toks[i + 1 :] + toks[:i]))
            break
    org_seqs = [k.split() for k in org_keys if k]
    for key in list(keys):
        parts = key.split()
        for seq in org_seqs:
            if len(parts) > len(seq) and parts[: len(seq)] == seq:
                keys.add(" ".join(parts[len(seq) :]))
    return {k for k in keys if k}


def parse_duration(text: Any) -> tuple[float, float, float] | None:
    """(months, days, seconds) of an ISO 8601 duration or of "90 days", "2-hour"; else None."""
    if text is None:
        return None
    raw = str(text).strip()
    parts: dict[str, float] = {}
    match = _ISO_DURATION.match(raw.upper())
    if match and raw.upper() not in ("P", "PT"):
        parts = {k: float(v) for k, v in match.groupdict().items() if v}
    else:
        for number, unit in _WORD_DURATION.findall(raw):
            code = _DURATION_UNITS[unit.lower()]
            parts[code] = parts.get(code, 0.0) + float(number)
    if not parts:
        return None
    months = parts.get("Y", 0.0) * 12 + parts.get("M", 0.0)
    days = parts.get("W", 0.0) * 7 + parts.get("D", 0.0)
    seconds = parts.get("H", 0.0) * 3600 + parts.get("TM", 0.0) * 60 + parts.get("S", 0.0)
    return (months, days, seconds)


def same_duration(gold: Any, predicted: Any) -> bool:
    """Whether two durations are equal ("90 days" == "P90D", "PT90M" == "PT1H30M")."""
    g, p = parse_duration(gold), parse_duration(predicted)
    if g is None or p is None:
        return (
            g is None and p is None and gold is not None and fold(str(gold)) == fold(str(predicted))
        )
    return g == p


def same_number(gold: Any, predicted: Any) -> bool:
    """Numeric equality with a relative tolerance of one part in a million."""
    try:
        g, p = float(gold), float(predicted)
    except (TypeError, ValueError):
        return False
    return abs(g - p) <= 1e-6 * max(abs(g), abs(p), 1.0)


def canonical_unit(unit: Any) -> str:
    """The unit's canonical spelling ("per cent" -> "percent", "$" -> "USD")."""
    text = " ".join(str(unit or "").split())
    return UNIT_SYNONYMS.get(text.casefold(), text.casefold())


@functools.cache
def lexicon_surfaces() -> tuple[tuple[tuple[str, str, bool], ...], ...]:
    """Per lexicon country and organisation: (surface, canonical name, is_demonym) triples.

    Read from ontology/lexicon/countries.yaml and organizations.yaml when present; metonyms are
    left out (a capital is not a name of its country for matching purposes).
    """
    groups: list[tuple[tuple[str, str, bool], ...]] = []
    for relative, key in (
        ("lexicon/countries.yaml", "countries"),
        ("lexicon/organizations.yaml", "organizations"),
    ):
        try:
            data = load_yaml(relative) or {}
        except KGError:
            continue
        for item in data.get(key, []) if isinstance(data, dict) else []:
            if not isinstance(item, Mapping) or not item.get("name"):
                continue
            name = str(item["name"])
            triples = [(name, name, False)]
            triples += [(str(a), name, False) for a in item.get("aliases") or []]
            triples += [(str(d), name, True) for d in item.get("demonyms") or []]
            groups.append(tuple(triples))
    return tuple(groups)
