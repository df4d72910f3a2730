"""Comparing one gold item with one predicted fact, field by field.

Each comparison yields *core* checks, which must all pass for the pair to match, and *detail*
checks, which are reported for matched pairs but do not decide the match. A check only exists
when the gold item gives the field: the gold file decides what is tested.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kg.evaluate.gold import GoldItem
from kg.evaluate.index import NameIndex
from kg.evaluate.names import (
    canonical_unit,
    fold,
    same_duration,
    same_number,
    title_keys,
    tokens,
)

# Gold event kinds and the predicted event_type values that count as the same kind of event.
# A gold kind not listed here matches only itself.
EVENT_TYPE_SYNONYMS: dict[str, frozenset[str]] = {
    "phone_call": frozenset({"phone_call", "call", "video_call", "conversation"}),
    "trade_talks": frozenset({"trade_talks", "talks", "negotiations"}),
    "talks": frozenset({"talks", "trade_talks", "negotiations", "meeting"}),
    "negotiations": frozenset({"negotiations", "talks", "trade_talks"}),
    "meeting": frozenset({"meeting", "summit", "talks", "working_meal"}),
    "summit": frozenset({"summit", "meeting"}),
    "state_visit": frozenset({"state_visit", "visit"}),
    "visit": frozenset({"visit", "state_visit"}),
    "invitation": frozenset({"invitation"}),
    "trade_truce": frozenset({"trade_truce", "truce"}),
    "truce": frozenset({"truce", "trade_truce"}),
    "agreement": frozenset({"agreement", "truce", "trade_truce", "deal"}),
    "confirmation_vote": frozenset({"confirmation_vote", "confirmation", "vote", "appointment"}),
    "committee_vote": frozenset({"committee_vote", "vote", "confirmation_vote"}),
    "swearing_in": frozenset({"swearing_in", "appointment", "inauguration"}),
    "inauguration": frozenset({"inauguration", "swearing_in"}),
    "news_conference": frozenset({"news_conference", "press_conference", "announcement"}),
    "signing": frozenset({"signing", "announcement"}),
    "hearing": frozenset({"hearing", "confirmation_hearing"}),
    "confirmation": frozenset({"confirmation", "committee_vote"}),
}
# The event kinds a gold file names (the brief's list); its kind `other` (with a `what`) is any
# predicted type outside them and their synonyms (an investigation, an inauguration...).
BRIEF_EVENT_KINDS = (
    "phone_call", "meeting", "trade_talks", "summit", "state_visit", "visit", "invitation",
    "announcement", "appointment", "confirmation", "signing", "news_conference", "trade_truce",
    "agreement",
)


_FUNCTION_WORDS = frozenset(
    {"a", "an", "the", "of", "in", "on", "for", "to", "and", "with", "by", "from", "at", "as"}
)


@dataclass(frozen=True)
class Check:
    """The outcome of comparing one field."""

    field: str
    ok: bool
    gold: Any
    predicted: Any

    def describe(self) -> str:
        return f"{self.field} (gold {_show(self.gold)}, predicted {_show(self.predicted)})"


@dataclass(frozen=True)
class Comparison:
    """All checks of one (gold item, predicted fact) pair."""

    core: tuple[Check, ...]
    details: tuple[Check, ...]
    overlap: float = 1.0  # share of gold participants found (events), else 1

    @property
    def matched(self) -> bool:
        return all(c.ok for c in self.core)

    @property
    def core_ok(self) -> int:
        return sum(c.ok for c in self.core)


def _show(value: Any) -> str:
    if isinstance(value, Mapping):
        return repr(value.get("label"))
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return repr(value)


def _refs(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def event_type_matches(kind: str, etype: object) -> bool:
    """Whether a predicted event type is right for a gold event kind: one of its synonyms, or
    for `other` any type outside the brief's kinds and their synonyms."""
    if kind == "other":
        return isinstance(etype, str) and etype not in _NAMED_TYPES
    return etype in EVENT_TYPE_SYNONYMS.get(kind, frozenset({kind}))


_NAMED_TYPES = frozenset(
    t for k in BRIEF_EVENT_KINDS for t in EVENT_TYPE_SYNONYMS.get(k, frozenset({k}))
)


def compare(gold: GoldItem, fact: Mapping[str, Any], index: NameIndex) -> Comparison:
    """Compare a gold item with a predicted facts.jsonl record of the same kind."""
    return _COMPARERS[gold.kind](gold.fields, fact, index)


def _office(g: Mapping[str, Any], f: Mapping[str, Any], idx: NameIndex) -> Comparison:
    core = [
        Check("holder", idx.matches(g["holder"], f.get("holder")), g["holder"], f.get("holder"))
    ]
    org_keys: set[str] = idx.entity_names(f.get("organization"))
    if g["of"]:
        org_keys |= idx.surface_keys(g["of"])
    gold_keys = title_keys(g["title"], org_keys)
    written = [f.get("title"), *(f.get("as_written") or [])]
    pred_keys = set().union(*(title_keys(str(t), org_keys) for t in written if t))
    core.append(Check("title", bool(gold_keys & pred_keys), g["title"], written))
    if g["of"]:
        org = f.get("organization")
        core.append(Check("organization", idx.matches(g["of"], org), g["of"], org))
    status = f.get("status")
    if g["status"]:
        core.append(
            Check("status", fold(str(status or "")) == fold(g["status"]), g["status"], status)
        )
    else:  # an office the gold lists without a status is held, or about to be, not a former one
        core.append(Check("status", status != "former", "current", status))
    return Comparison(tuple(core), ())


def _tariff(g: Mapping[str, Any], f: Mapping[str, Any], idx: NameIndex) -> Comparison:
    core = []
    if g["imposed_by"]:
        core.append(
            Check(
                "imposed_by",
                idx.matches(g["imposed_by"], f.get("imposed_by")),
                g["imposed_by"],
                f.get("imposed_by"),
            )
        )
    if g["target"]:
        core.append(
            Check("target", idx.matches(g["target"], f.get("target")), g["target"], f.get("target"))
        )
    for name in ("rate_percent", "previous_rate_percent"):
        if g[name] is not None:
            core.append(Check(name, same_number(g[name], f.get(name)), g[name], f.get(name)))
    if g["duration"]:
        core.append(_duration_check(g, f))
    if g["status"]:
        core.append(
            Check(
                "status",
                fold(g["status"]) == fold(str(f.get("status") or "")),
                g["status"],
                f.get("status"),
            )
        )
    return Comparison(tuple(core), ())


def _duration_check(g: Mapping[str, Any], f: Mapping[str, Any]) -> Check:
    ok = same_duration(g["duration"], f.get("duration"))
    return Check("duration", ok, g["duration"], f.get("duration"))


def _event(g: Mapping[str, Any], f: Mapping[str, Any], idx: NameIndex) -> Comparison:
    etype = f.get("event_type")
    ok = event_type_matches(g["event_type"], etype)
    core = [Check("event_type", ok, g["event_type"], etype)]
    participants = _refs(f.get("participants"))
    initiator = _refs(f.get("initiator"))
    invitees = _refs(f.get("invitees"))
    overlap = 1.0
    if g["participants"]:
        pool = participants + initiator + invitees
        found = [p for p in g["participants"] if idx.matches_any(p, pool)]
        overlap = len(found) / len(g["participants"])
        core.append(Check("participants", bool(found), g["participants"], pool))
    if g["inviter"]:
        who = initiator + [p for p in participants if p not in initiator]
        core.append(Check("inviter", idx.matches_any(g["inviter"], who), g["inviter"], who))
    if g["invitees"]:
        pool = invitees or [p for p in participants if p not in initiator]
        found = [p for p in g["invitees"] if idx.matches_any(p, pool)]
        overlap = min(overlap, len(found) / len(g["invitees"]))
        core.append(Check("invitees", bool(found), g["invitees"], pool))
    if g["places"]:
        place = f.get("place")
        core.append(
            Check("place", any(idx.matches(p, place) for p in g["places"]), g["places"], place)
        )
    if g["duration"]:
        core.append(_duration_check(g, f))
    details = []
    if g["participants"]:
        details.append(Check("all participants", overlap == 1.0, g["participants"], participants))
    if g["initiator"]:
        details.append(
            Check(
                "initiator",
                idx.matches_any(g["initiator"], initiator),
                g["initiator"],
                f.get("initiator"),
            )
        )
    if g["date"]:
        details.append(
            Check("date", _same_date(g["date"], f), g["date"], f.get("date") or f.get("date_text"))
        )
    if g["topics"]:
        gold_topics = {fold(t) for t in g["topics"]}
        pred_topics = {fold(str(t)) for t in f.get("topics") or []}
        details.append(
            Check("topics", bool(gold_topics & pred_topics), g["topics"], f.get("topics"))
        )
    return Comparison(tuple(core), tuple(details), overlap)


def _same_date(gold: str, f: Mapping[str, Any]) -> bool:
    """A gold date equals the predicted date (or is a prefix of it: "2017-11") or its words."""
    date, words = f.get("date"), f.get("date_text")
    if date and (str(date) == gold or str(date).startswith(gold + "-")):
        return True
    return bool(words) and fold(" ".join(str(words).split())) == fold(gold)


def _affiliation(g: Mapping[str, Any], f: Mapping[str, Any], idx: NameIndex) -> Comparison:
    core = (
        Check("person", idx.matches(g["person"], f.get("person")), g["person"], f.get("person")),
        Check(
            "organization",
            idx.matches(g["org"], f.get("organization")),
            g["org"],
            f.get("organization"),
        ),
    )
    details: tuple[Check, ...] = ()
    if g["role"]:
        role = f.get("role")
        details = (Check("role", fold(g["role"]) == fold(str(role or "")), g["role"], role),)
    return Comparison(core, details)


def _authorship(g: Mapping[str, Any], f: Mapping[str, Any], idx: NameIndex) -> Comparison:
    return Comparison(
        (
            Check(
                "author", idx.matches(g["author"], f.get("author")), g["author"], f.get("author")
            ),
            Check("doc", str(f.get("doc")) == g["doc"], g["doc"], f.get("doc")),
        ),
        (),
    )


def _content_words(text: str) -> set[str]:
    return {t for t in tokens(text) if t not in _FUNCTION_WORDS}


def _figure(g: Mapping[str, Any], f: Mapping[str, Any], idx: NameIndex) -> Comparison:
    core = [Check("value", same_number(g["value"], f.get("value")), g["value"], f.get("value"))]
    if g["unit"]:
        core.append(
            Check(
                "unit",
                canonical_unit(g["unit"]) == canonical_unit(f.get("unit")),
                g["unit"],
                f.get("unit"),
            )
        )
    details = []
    if g["subject"]:
        shared = _content_words(g["subject"]) & _content_words(str(f.get("subject") or ""))
        details.append(Check("subject", bool(shared), g["subject"], f.get("subject")))
    if g["date"]:
        details.append(Check("date", _same_date(g["date"], f), g["date"], f.get("date")))
    return Comparison(tuple(core), tuple(details))


_COMPARERS: dict[str, Callable[[Mapping[str, Any], Mapping[str, Any], NameIndex], Comparison]] = {
    "office": _office,
    "tariff": _tariff,
    "event": _event,
    "affiliation": _affiliation,
    "authorship": _authorship,
    "figure": _figure,
}
