"""Schemas of the rule files under ontology/rules/, and their one loader.

Each rule file has a frozen dataclass here; :func:`rules_file` reads a file against its schema
(kg.schema), so an unknown or a missing key is an error naming the file and the key. The
extractors build their matchers and tables from these typed objects, never from raw YAML.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
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
    pattern: str = ""  # a Python regular expression; its group `name` is the author
    case_sensitive: bool = False


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
    copula_phrases: dict[str, list[str]]
    as_verbs: dict[str, list[str]]
    host_categories: list[str] = field(default_factory=list)
    portfolio_offices: list[str] = field(default_factory=list)
    portfolio_connectors: list[str] = field(default_factory=list)
    designate_nouns: list[str] = field(default_factory=list)
    address_titles: list[str] = field(default_factory=list)
    unit_nouns: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class QuoteRules(RuleSet):
    extractor: str
    marks: list[tuple[str, str]]
    speech_verbs: list[str]
    min_partial_words: int
    third_person: list[str]
    first_person: list[str]
    first_person_plural: list[str] = field(default_factory=list)
    voice_titles: list[str] = field(default_factory=list)
    voice_title_ends: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TariffRules(RuleSet):
    extractor: str
    facing_verbs: list[str]
    trade_value_subject: str
    triggers: list[str]
    conditional_triggers: list[str]
    conditional_goods: list[str]
    status_verbs: dict[str, list[str]]
    status_adjectives: dict[str, list[str]]
    change_words: list[str]
    goods_stops: list[str]
    goods_for: list[str]
    quota_words: list[str]
    quota_sides: dict[str, list[str]]
    retaliation_words: list[str]
    company_types: list[str]
    goods_examples: list[str]
    referring_determiners: list[str]
    referring_parties: list[str]
    effective_cues: list[str]
    duration_cues: list[str]
    value_hedges: list[str]
    threat_modals: list[str]
    open_marks: list[str]
    zero_words: list[str]
    vague_amounts: list[str]
    currency_words: list[str]
    instruments: dict[str, str | None]
    instrument_nouns: list[str]
    mutual_owners: list[str]
    mutual_words: list[str]
    range_words: list[str]
    goods_demonyms: dict[str, str]


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
class TokenTest:
    """A test on one token (rules/patterns.yaml header); every key given must hold. Word lists
    may be ``$name`` references to a list of the rule file."""

    lower: list[str] | str | None = None
    not_lower: list[str] | str | None = None
    pos: list[str] | None = None
    not_pos: list[str] | None = None
    tag: list[str] | None = None
    not_tag: list[str] | None = None
    dep: list[str] | None = None
    not_dep: list[str] | None = None
    # the token, or the first of the list it is a conjunct of, is the object of none of these
    # prepositions
    not_object_of: list[str] | str | None = None
    has_child: list[str] | None = None  # a child with one of these dependencies
    no_child: list[str] | None = None
    child_lower: list[str] | str | None = None  # a child that is one of these words
    no_child_lower: list[str] | str | None = None  # no child is one of these words
    no_aux: list[str] | None = None  # no auxiliary child that is one of these words
    head_lower: list[str] | str | None = None  # its head is one of these words


@dataclass(frozen=True)
class Selection:
    """Which mentions among the tokens a path ends on it yields."""

    types: list[str] | str = "any"
    people_first: bool = True  # if a person is among them, only people
    # "mention"; "place": also a proper-noun phrase (as a Place) where no mention is;
    # "place_always": that phrase wherever no mention of the wanted types is
    resolve: str = "mention"


@dataclass(frozen=True)
class PathDecl(RuleDecl):
    steps: list[dict[str, Any]] = field(default_factory=list)
    select: Selection = field(default_factory=Selection)


@dataclass(frozen=True)
class PatternRules:
    paths: list[PathDecl]
    words: dict[str, list[str]] = field(default_factory=dict)

    @property
    def rules(self) -> list[PathDecl]:
        return self.paths


@dataclass(frozen=True)
class RoleRef:
    """A path filling a role, from a token of the trigger's sentence (rules/events.yaml)."""

    path: str
    start: str = field(default="anchor", metadata={"key": "from"})
    test: TokenTest | None = field(default=None, metadata={"key": "if"})
    types: list[str] | None = None
    if_none_yet: bool = False
    required: bool = False


Roles = list[str | RoleRef]


@dataclass(frozen=True)
class FrameWhen:
    listed: list[str] | None = None
    pos: str | None = None
    word: list[str] | None = None
    dep: list[str] | None = None
    governor: TokenTest | None = None
    subject: TokenTest | None = None


@dataclass(frozen=True)
class FrameRequire:
    anchor: TokenTest | None = None
    not_followed_by: list[list[TokenTest]] = field(default_factory=list)
    no_modifier: list[str] | str | None = None
    participants: int = 0
    initiator: bool = False
    place: bool = False
    title: bool = False
    future: bool = False
    initiator_not: list[str] = field(default_factory=list)
    initiator_words: list[str] | str | None = None
    context: bool = False  # kept only with a time or a place tied to the trigger
    alone: list[str] = field(default_factory=list)  # types one participant may be of alone


@dataclass(frozen=True)
class Explicit:
    participants: int = 0
    listed: list[str] | None = None
    not_via: list[str] = field(default_factory=list)  # participants these paths found don't count


@dataclass(frozen=True)
class Upgrade:
    type: str
    listed_words: list[str] = field(default_factory=list)
    category: str | None = None
    bilateral: bool = False  # two participants, each a person or a country
    forum: bool = False  # a participant is a body whose gatherings are summits (lexicon `forum`)


@dataclass(frozen=True)
class FrameDecl:
    """One way a sentence gives an event's roles (rules/events.yaml `frames`)."""

    rule: str
    when: FrameWhen = field(default_factory=FrameWhen)
    anchor: str = "root"
    type: str | None = None
    participants: Roles = field(default_factory=list)
    initiator: Roles = field(default_factory=list)
    invitees: Roles = field(default_factory=list)
    place: Roles = field(default_factory=list)
    limit: int | None = None
    require: FrameRequire = field(default_factory=FrameRequire)
    explicit: Explicit | None = None
    otherwise: str | None = None
    future: str | None = None
    distinct_initiator: bool = False
    participants_from: str | None = None
    upgrade: Upgrade | None = None
    each: bool = False  # one event per participant ("nominees for A, X, and B, Y")
    hooks: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class EventTypeDecl:
    """One event type of rules/events.yaml (see its header)."""

    class_: str = field(metadata={"key": "class"})
    cameo: str | None = None
    nouns: list[str] = field(default_factory=list)
    verbs: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    refer_back: list[str] = field(default_factory=list)
    attach: list[str] = field(default_factory=list)
    needs_context: bool = False
    coreference: str | None = None
    defer_to: list[str] = field(default_factory=list)  # types that win on the same word
    frames: list[FrameDecl] = field(default_factory=list)


@dataclass(frozen=True)
class EventRules(RuleSet):
    extractor: str
    types: dict[str, EventTypeDecl]
    noun_parties: Roles
    verbs: dict[str, list[str]]
    words: dict[str, list[str]]


# Rule file name (under ontology/rules/) -> its schema.
SCHEMAS: dict[str, type] = {
    "affiliations": AffiliationRules,
    "authorship": AuthorshipRules,
    "events": EventRules,
    "figures": FigureRules,
    "offices": OfficeRules,
    "patterns": PatternRules,
    "quotes": QuoteRules,
    "tariffs": TariffRules,
    "time": TimeRules,
}


def register_schema(name: str, schema: type) -> None:
    """Declare the schema of ``ontology/rules/<name>.yaml``: an extractor module of a new kind
    calls this for its rule file (the built-in ones are listed in ``SCHEMAS``)."""
    if SCHEMAS.get(name, schema) is not schema:
        raise RuleError(f"rules/{name}.yaml has a schema already ({SCHEMAS[name].__name__})")
    SCHEMAS[name] = schema


def rules_file(name: str, schema: type[T]) -> T:
    """The rule file ``ontology/rules/<name>.yaml`` read against ``schema``."""
    if SCHEMAS.get(name) is not schema:
        raise RuleError(f"rules/{name}.yaml is read with {SCHEMAS.get(name)}, not {schema}")
    return load(f"rules/{name}.yaml", schema)


def _declared_rules() -> Iterator[tuple[str, Any]]:
    """(rule file name, rule) for every rule of every rule file with a schema."""
    import kg.extract.builtin  # noqa: F401  (extractor modules register their rule files)

    for name, schema in SCHEMAS.items():
        data: Any = rules_file(name, schema)
        for rule in data.rules:
            yield name, rule


def rule_table() -> list[dict[str, Any]]:
    """Every declared rule: id, the file declaring it, confidence and description, by id. The
    ids are what a fact's evidence carries in ``rule`` (and ``kg:rule`` in RDF)."""
    out = [
        {
            "id": rule.id,
            "file": f"ontology/rules/{name}.yaml",
            "confidence": rule.confidence,
            "description": rule.description,
        }
        for name, rule in _declared_rules()
    ]
    return sorted(out, key=lambda r: r["id"])


@functools.cache
def declared_rule_ids() -> dict[str, str]:
    """Every rule id any rule file declares -> the file that declares it."""
    out: dict[str, str] = {}
    for name, rule in _declared_rules():
        if rule.id in out:
            raise RuleError(
                f"rule id {rule.id!r} is declared twice (rules/{out[rule.id]}.yaml and"
                f" rules/{name}.yaml); rule ids are unique"
            )
        out[rule.id] = name
    return out
