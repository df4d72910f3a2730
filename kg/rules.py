"""Schemas of the rule files under ontology/rules/, and their one loader.

Each rule file has a frozen dataclass here; :func:`rules_file` reads a file against its schema
(kg.schema), so an unknown or a missing key is an error naming the file and the key. The
extractors build their matchers and tables from these typed objects, never from raw YAML.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, TypeVar

from kg.errors import RuleError
from kg.schema import RuleDecl, load

T = TypeVar("T")


@dataclass(frozen=True)
class RuleSet:
    """What every rule file has: the rules (ids) it declares."""

    rules: list[RuleDecl]

    def confidence(self) -> dict[str, float]:
        """Rule id -> confidence of the rules that give one."""
        return {r.id: r.confidence for r in self.rules if r.confidence is not None}

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(r.id for r in self.rules)


@dataclass(frozen=True)
class AffiliationRules(RuleSet):
    extractor: str
    prepositions: list[str]
    roles: list[str]
    role_modifiers: list[str]


@dataclass(frozen=True)
class AuthorshipRule(RuleDecl):
    pattern: str = ""


@dataclass(frozen=True)
class AuthorshipRules:
    extractor: str
    rules: list[AuthorshipRule]

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(r.id for r in self.rules)


@dataclass(frozen=True)
class NumberWords:
    words: dict[str, float]
    tens: list[str]
    fractions: dict[str, float]
    scales: dict[str, float]
    percent_units: list[str]
    point_units: list[str]


@dataclass(frozen=True)
class Currencies:
    symbols: dict[str, str]
    words: dict[str, str]
    codes: list[str]


@dataclass(frozen=True)
class FigureRules(RuleSet):
    extractor: str
    subjects: dict[str, str]
    linking_verbs: list[str]
    value_prepositions: list[str]
    value_subject_links: list[str]
    rising_verbs: list[str]
    falling_verbs: list[str]
    entity_types: list[str]
    numbers: NumberWords
    currencies: Currencies
    count_units: list[str]


@dataclass(frozen=True)
class OfficeRules(RuleSet):
    extractor: str
    status_markers: dict[str, list[str]]
    org_connectors: list[str]
    appositive_determiners: list[str]
    copula_phrases: list[str]
    as_verbs: dict[str, list[str]]


@dataclass(frozen=True)
class QuoteRules(RuleSet):
    extractor: str
    marks: list[tuple[str, str]]
    speech_verbs: list[str]
    min_partial_words: int
    third_person: list[str]
    first_person: list[str]


@dataclass(frozen=True)
class TariffRules(RuleSet):
    extractor: str
    enacting_verbs: list[str]
    facing_verbs: list[str]
    trade_value_subject: str
    triggers: list[str]
    conditional_triggers: list[str]
    conditional_goods: list[str]
    status_verbs: dict[str, list[str]]
    status_adjectives: dict[str, list[str]]
    change_words: list[str]
    goods_stops: list[str]
    effective_cues: list[str]
    duration_cues: list[str]
    value_hedges: list[str]


@dataclass(frozen=True)
class TimeRules(RuleSet):
    months: dict[str, int]
    weekdays: dict[str, int]
    relative_days: dict[str, int]
    relative_modifiers: dict[str, int]
    relative_units: list[str]
    vague: list[str]
    anaphoric_offsets: dict[str, int]
    future_markers: list[str]
    duration_units: dict[str, dict[str, float]]
    approximate: list[str]


@dataclass(frozen=True)
class EventTypeDecl:
    """One event type of rules/events.yaml (see its header)."""

    class_: str = field(metadata={"key": "class"})
    cameo: str | None = None
    nouns: list[str] = field(default_factory=list)
    verbs: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    coreference: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class EventRules(RuleSet):
    extractor: str
    types: dict[str, EventTypeDecl]
    holding_verbs: list[str]
    agreement_verbs: list[str]
    conference_verbs: list[str]
    signing_verbs: list[str]
    invitation_giving: list[str]
    invitation_receiving: list[str]
    invitation_place_verbs: list[str]
    initiating_verbs: list[str]
    initiating_phrases: list[str]
    talks_subjects: list[str]
    confirming_bodies: list[str]
    duration_cues: list[str]
    future_modifiers: list[str]
    topic_negators: list[str]
    resuming_verbs: list[str]


# Rule file name (under ontology/rules/) -> its schema.
SCHEMAS: dict[str, type] = {
    "affiliations": AffiliationRules,
    "authorship": AuthorshipRules,
    "events": EventRules,
    "figures": FigureRules,
    "offices": OfficeRules,
    "quotes": QuoteRules,
    "tariffs": TariffRules,
    "time": TimeRules,
}


def rules_file(name: str, schema: type[T]) -> T:
    """The rule file ``ontology/rules/<name>.yaml`` read against ``schema``."""
    if SCHEMAS.get(name) is not schema:
        raise RuleError(f"rules/{name}.yaml is read with {SCHEMAS.get(name)}, not {schema}")
    return load(f"rules/{name}.yaml", schema)


@functools.cache
def declared_rule_ids() -> dict[str, str]:
    """Every rule id any rule file declares -> the file that declares it."""
    out: dict[str, str] = {}
    for name, schema in SCHEMAS.items():
        data: Any = rules_file(name, schema)
        for rule in data.rules:
            if rule.id in out:
                raise RuleError(
                    f"rule id {rule.id!r} is declared twice (rules/{out[rule.id]}.yaml and"
                    f" rules/{name}.yaml); rule ids are unique"
                )
            out[rule.id] = name
    return out
