"""Event types as data: the types, triggers and frames of ontology/rules/events.yaml, run over
trigger spans.

A trigger word (a noun or verb of a type, by lemma; a phrase) is matched in the text; the type's
frames are tried in order and the first whose ``when`` the trigger passes fills the event's
roles by running tree patterns (kg.extract.patterns) from the trigger. kg.extract.events adds
time, place, duration, topics and coreference. Python here is only the engine and the few hooks
that are not ways of writing a sentence (the office a title names, a vote's numbers, a
reciprocated invitation).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Span, Token

from kg.errors import RuleError
from kg.extract.context import ExtractionContext
from kg.extract.countries import acting_country, person_categories
from kg.extract.patterns import Path, Words, compile_test, paths, select, walk
from kg.extract.syntax import name_at
from kg.lemmas import forms
from kg.model import ENTITY_TYPES, Mention
from kg.nlp import TITLES_KEY
from kg.rules import (
    EventRules,
    EventTypeDecl,
    FrameDecl,
    RoleRef,
    Roles,
    TokenTest,
    rules_file,
)
from kg.timex import is_future

PLACE_TYPES = frozenset({"Place", "Country"})
_VOTE = re.compile(r"(?<![\w.])(\d{1,3})\s*(?:-|–|—|to)\s*(\d{1,3})(?![\w%]|\.\d)")
_NOUN_POS = frozenset({"NOUN", "PROPN"})
_LISTS = ("nouns", "verbs", "phrases", "refer_back")
_HOOKS = ("title", "vote", "reciprocal", "committee")
_ATTACH = frozenset({"time", "place", "duration", "topics", "initiator"})
_FROM = frozenset({"anchor", "last", "trigger", "governor"})
# the verb lists of events.yaml whose verbs, governing an event noun, tell its status by their tense
_TELLING = (
    "holding_verbs", "occurring_verbs", "agreement_verbs", "signing_verbs", "conference_verbs",
    "advancing_verbs", "hearing_verbs", "statement_verbs", "meal_verbs", "initiating_verbs",
    "invitation_giving", "invitation_receiving", "opening_verbs", "filing_verbs", "ruling_verbs",
    "launching_verbs", "negotiating_verbs",
)
_COREFERENCE = ("first_explicit", "delegation", "same_parties")

TokenCheck = Callable[[Token], bool]


@dataclass(frozen=True)
class Trigger:
    """What a matched trigger phrase is: its event type, the lists it came from, its lemma."""

    type: str
    listed: frozenset[str]
    lemma: str


@dataclass(frozen=True)
class Role:
    """A compiled role reference: the path, where it starts, what it keeps."""

    path: Path
    start: str
    test: TokenCheck
    types: frozenset[str] | None
    if_none_yet: bool
    required: bool


@dataclass(frozen=True)
class Frame:
    decl: FrameDecl
    participants: tuple[Role, ...]
    initiator: tuple[Role, ...]
    invitees: tuple[Role, ...]
    place: tuple[Role, ...]
    when_governor: TokenCheck | None
    when_subject: TokenCheck | None
    anchor_test: TokenCheck
    not_followed_by: tuple[tuple[TokenCheck, ...], ...]
    no_modifier: frozenset[str] | None
    initiator_words: frozenset[str] | None

    @property
    def roles(self) -> tuple[tuple[Role, ...], ...]:
        """The participants, initiator, invitees and place references, in that order."""
        return (self.participants, self.initiator, self.invitees, self.place)


@dataclass(frozen=True)
class EventType:
    name: str
    decl: EventTypeDecl
    frames: tuple[Frame, ...]

    @property
    def attach(self) -> frozenset[str]:
        return frozenset(self.decl.attach)


@dataclass(frozen=True)
class Rules:
    """The event rules of ontology/rules/events.yaml (and topic triggers), compiled once."""

    confidence: dict[str, float]
    triggers: dict[str, Trigger]  # phrase as matched (lower case) -> what it triggers
    types: dict[str, EventType]
    words: Words
    topics: dict[str, str]  # topic trigger -> topic label
    initiating: frozenset[str]
    initiating_pattern: re.Pattern[str]
    duration_cue: re.Pattern[str]
    topic_negators: frozenset[str]
    resuming: frozenset[str]
    governor: Path
    verb_before: Path  # the governor where the parse hangs a noun on no verb or a wrong one
    cancelling: frozenset[str]  # verbs (every inflection) that call an event off
    postponing: frozenset[str]
    planned_cues: frozenset[str]  # words as written: "scheduled", "upcoming"
    ongoing_cues: frozenset[str]
    past_cues: frozenset[str]  # words of a date that put it before the publication
    telling: frozenset[str]  # verbs whose tense is that of the event their object names
    planning: frozenset[str]  # verbs before "to" that make the event a plan ("agreed to meet")
    attending: frozenset[str]  # "visiting France to attend the summit"
    including: frozenset[str]  # "a visit to P, including a meeting with Y"
    reporting: frozenset[str]  # "X today announced that A and B have agreed"
    people_references: frozenset[str]  # "the two leaders": the people of the event before
    side_references: frozenset[str]  # "both sides": the countries they act for
    reference_quantifiers: frozenset[str]  # "two", "both"
    reference_types: frozenset[str]  # the events whose people such a phrase refers to
    side_reference_events: frozenset[str]  # the events "both sides" can be the parties of
    nomination_references: frozenset[str]  # "both nominations": the nominees named before


@functools.cache
def event_rules() -> Rules:
    data = rules_file("events", EventRules)
    where = "ontology/rules/events.yaml"
    tables = {k: sorted({f for v in vs for f in forms(v, "verb")}) for k, vs in data.verbs.items()}
    words = Words({**tables, **data.words}, where)
    compiled = paths()
    roles = _RoleCompiler(compiled, words, data.noun_parties, where)
    types = {
        name: EventType(name, t, tuple(roles.frame(f, f"{where}: types.{name}") for f in t.frames))
        for name, t in data.types.items()
    }
    _check_types(types, data, set(compiled), where)
    topics: dict[str, str] = {}
    from kg.resources import load_yaml

    for item in (load_yaml("lexicon/topics.yaml") or {}).get("topics", []):
        for trigger in item.get("triggers", []):
            topics.setdefault(str(trigger).lower(), item["label"])
    cues = "|".join(map(re.escape, data.words["duration_cues"]))
    phrases = data.words["initiating_phrases"]
    return Rules(
        confidence=data.confidence(),
        triggers=_triggers(data.types),
        types=types,
        words=words,
        topics=topics,
        initiating=frozenset(tables["initiating_verbs"]),
        initiating_pattern=re.compile(
            r"(?i)\b(?:"
            + "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases)
            + r")\s+(?:the\s+|a\s+)?|(?P<poss>\b[A-Z][\w.-]*)(?:'s|’s)\s+request\b"
        ),
        duration_cue=re.compile(
            rf"(?:^|\W)(?:{cues})(?:\s+(?:about|around|approximately|roughly|nearly|some|a|an))?"
            r"\s*$",
            re.I,
        ),
        topic_negators=frozenset(tables["topic_negators"]),
        resuming=frozenset(tables["resuming_verbs"]),
        governor=compiled["path.governor"],
        verb_before=compiled["path.verb_before"],
        cancelling=frozenset(tables["cancelling_verbs"]),
        postponing=frozenset(tables["postponing_verbs"]),
        planned_cues=frozenset(data.words["planned_cues"]),
        ongoing_cues=frozenset(data.words["ongoing_cues"]),
        past_cues=frozenset(data.words["past_date_cues"]),
        telling=frozenset(
            f
            for name in _TELLING
            for f in tables[name]
        ),
        planning=frozenset(tables["planning_verbs"]),
        attending=frozenset(tables["attending_verbs"]),
        including=frozenset(tables["including_verbs"]),
        reporting=frozenset(tables["reporting_verbs"]),
        people_references=frozenset(data.words["people_references"]),
        side_references=frozenset(data.words["side_references"]),
        reference_quantifiers=frozenset(data.words["reference_quantifiers"]),
        reference_types=frozenset(data.words["reference_types"]),
        side_reference_events=frozenset(data.words["side_reference_events"]),
        nomination_references=frozenset(data.words["nomination_references"]),
    )


def _check_types(
    types: dict[str, EventType], data: EventRules, compiled: set[str], where: str
) -> None:
    """Every name a type declaration uses is declared: attachments, deferred-to types,
    coreference modes, paths, rule ids, upgrade and frame types."""
    declared = data.ids
    for name, t in types.items():
        unknown = set(t.decl.attach) - _ATTACH
        if unknown:
            raise RuleError(f"{where}: types.{name}.attach: unknown {sorted(unknown)}")
        for deferred in t.decl.defer_to:
            if deferred not in data.types:
                raise RuleError(f"{where}: types.{name}.defer_to: {deferred!r} is no declared type")
        if t.decl.coreference not in (None, *_COREFERENCE):
            raise RuleError(f"{where}: types.{name}.coreference: one of {', '.join(_COREFERENCE)}")
        for f in t.decl.frames:
            if f.explicit is not None and set(f.explicit.not_via) - compiled:
                raise RuleError(f"{where}: types.{name}: explicit.not_via names an unknown path")
            for rule in (f.rule, f.otherwise):
                if rule is not None and rule not in declared:
                    raise RuleError(
                        f"{where}: types.{name}: frame rule {rule!r} is not declared; add it to"
                        " the file's `rules` with a description and a confidence"
                    )
            for other in (f.type, f.upgrade.type if f.upgrade else None):
                if other is not None and other not in types:
                    raise RuleError(f"{where}: types.{name}: {other!r} is no declared event type")


def _triggers(types: dict[str, EventTypeDecl]) -> dict[str, Trigger]:
    """Every trigger phrase (each inflection of the nouns and verbs) -> what it triggers."""
    found: dict[str, tuple[str, set[str], str]] = {}
    for name, t in types.items():
        for listed in _LISTS:
            for phrase in getattr(t, listed):
                pos = {"nouns": "noun", "verbs": "verb"}.get(listed)
                for form in forms(phrase, pos) if pos else {phrase.lower()}:
                    entry = found.setdefault(form, (name, set(), phrase.lower()))
                    if entry[0] != name:
                        raise RuleError(
                            f"ontology/rules/events.yaml: {form!r} triggers both {entry[0]} and"
                            f" {name}; a trigger belongs to one type"
                        )
                    entry[1].add(listed)
    return {p: Trigger(t, frozenset(listed), lemma) for p, (t, listed, lemma) in found.items()}


class _RoleCompiler:
    """Turns the frames of events.yaml into :class:`Frame` objects, checking every name."""

    def __init__(self, compiled: dict[str, Path], words: Words, parties: Roles, where: str):
        self.paths, self.words, self.where = compiled, words, where
        self.parties = parties

    def roles(self, refs: Roles, where: str) -> tuple[Role, ...]:
        out: list[Role] = []
        for ref in refs:
            if ref == "noun_parties":
                out += self.roles(self.parties, f"{self.where}: noun_parties")
                continue
            r = ref if isinstance(ref, RoleRef) else RoleRef(path=ref)
            if r.path not in self.paths:
                raise RuleError(f"{where}: unknown path {r.path!r}; see rules/patterns.yaml")
            if r.start not in _FROM:
                raise RuleError(f"{where}: from {r.start!r}: one of {', '.join(sorted(_FROM))}")
            types = frozenset(r.types) if r.types is not None else None
            test = compile_test(r.test, self.words)
            out.append(Role(self.paths[r.path], r.start, test, types, r.if_none_yet, r.required))
        return tuple(out)

    def frame(self, f: FrameDecl, where: str) -> Frame:
        spot = f"{where}.frames[{f.rule}]"
        bad_hooks = set(f.hooks) - set(_HOOKS)
        if bad_hooks or f.anchor not in {"root", "head"}:
            raise RuleError(f"{spot}: unknown hook {sorted(bad_hooks)} or anchor {f.anchor!r}")
        req = f.require
        return Frame(
            decl=f,
            participants=self.roles(f.participants, spot),
            initiator=self.roles(f.initiator, spot),
            invitees=self.roles(f.invitees, spot),
            place=self.roles(f.place, spot),
            when_governor=self._test(f.when.governor),
            when_subject=self._test(f.when.subject),
            anchor_test=compile_test(req.anchor, self.words),
            not_followed_by=tuple(
                tuple(compile_test(t, self.words) for t in seq) for seq in req.not_followed_by
            ),
            no_modifier=self.words(req.no_modifier),
            initiator_words=self.words(req.initiator_words),
        )

    def _test(self, test: TokenTest | None) -> TokenCheck | None:
        return None if test is None else compile_test(test, self.words)


@dataclass
class Event:
    """An event as one sentence states it, while its roles are being filled."""

    type: str
    rule: str
    trigger: Span
    participants: list[Mention] = field(default_factory=list)
    initiator: Mention | None = None
    invitees: list[Mention] = field(default_factory=list)
    place: Mention | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    explicit: bool = True
    future: bool = False
    needs_context: bool = False  # no participants: kept only with a place or a time
    vote: tuple[int, int, int, int] | None = None  # a confirmation's vote: start, end, for, against
    refers_back: bool = False  # it names no event of its own: kept only if it adds something
    anchor: int = -1  # the token the frame's paths started at (the verb of "spoke ... by phone")
    own_rule: str = ""  # the frame's rule, when the event is taken to refer back (rule `otherwise`)
    future_always: bool = False  # future by its frame (an invitation's visit), not by its words
    governed_by: int = -1  # for a noun: the verb it is an argument of ("announced an agreement")
    spans: list[tuple[int, int]] = field(default_factory=list)  # more of the quote ("both sides")
    antecedent: Event | None = None  # the event a later mention ("these meetings") refers to


def unique(mentions: Iterable[Mention]) -> list[Mention]:
    out: dict[str, Mention] = {}
    for m in mentions:
        out.setdefault(m.label, m)
    return list(out.values())


def recognise(ctx: ExtractionContext, span: Span, trigger: Trigger) -> list[Event]:
    """The events a trigger span states: the first frame of its type whose ``when`` holds."""
    etype = event_rules().types[trigger.type]
    for frame in etype.frames:
        if _when(ctx, frame, span, trigger):
            event = _apply(ctx, etype, frame, span, trigger)
            if event is None:
                return []
            return _each(ctx, event) if frame.decl.each else [event]
    return []


def _each(ctx: ExtractionContext, ev: Event) -> list[Event]:
    """One event per participant, each with the office named last before that participant
    ("nominees for Ambassador to China, X, and Ambassador to Japan, Y")."""
    out = []
    titles = ctx.doc.spans.get(TITLES_KEY, [])
    for m in _listed_after(ctx, ev.participants, titles):
        one = Event(ev.type, ev.rule, ev.trigger, [m], ev.initiator, anchor=ev.anchor)
        one.extra = dict(ev.extra)
        one.future, one.future_always = ev.future, ev.future_always
        if "_title" in ev.extra:
            before = [t for t in titles if ev.trigger.end <= t.start and t.end_char <= m.start]
            if before:
                one.extra["_title"] = _office_title(ctx, before[-1])
        out.append(one)
    return out


def _listed_after(
    ctx: ExtractionContext, people: list[Mention], titles: Sequence[Span]
) -> list[Mention]:
    """The participants and the "TITLE, NAME" pairs that continue their list: in "nominees for
    Ambassador to China, X, and Ambassador to Japan, Y" the parser may hang Y off the verb."""
    if not people:
        return people
    out = list(people)
    doc = ctx.doc
    while True:
        last = doc.char_span(out[-1].start, out[-1].end, alignment_mode="expand")
        if last is None:
            return out
        i = last.end
        while i < len(doc) and doc[i].lower_ in {",", "and", "or", "for"}:
            i += 1
        owner = ctx.mention_starting(doc[i].idx) if i < len(doc) and i > last.end else None
        if owner is not None and owner.type == "Country":  # "U.S. Ambassador to Japan"
            span = doc.char_span(owner.start, owner.end, alignment_mode="expand")
            i = span.end if span is not None else i
        title = next((t for t in titles if t.start == i and i > last.end), None)
        j = _past_complement(ctx, title.end) if title is not None else 0
        if title is None or j + 1 >= len(doc) or doc[j].text != ",":
            return out
        nxt = name_at(ctx, j + 1)
        if nxt is None or nxt.type != "Person" or nxt in out:
            return out
        out.append(nxt)


_ANY_TYPE = frozenset(ENTITY_TYPES)


def _past_complement(ctx: ExtractionContext, i: int) -> int:
    """The token after a title's "to|of (the) NAME" ("Ambassador to Japan"), else ``i``."""
    doc = ctx.doc
    if i >= len(doc) or doc[i].lower_ not in {"to", "of", "for"}:
        return i
    m, _ = ctx.named_after(i + 1, _ANY_TYPE)
    span = doc.char_span(m.start, m.end, alignment_mode="expand") if m is not None else None
    return span.end if span is not None else i


def _when(ctx: ExtractionContext, frame: Frame, span: Span, trigger: Trigger) -> bool:
    when = frame.decl.when
    root = span.root
    if when.listed is not None and not trigger.listed & set(when.listed):
        return False
    if when.pos == "verb" and (root.pos_ != "VERB" or "verbs" not in trigger.listed):
        return False
    if when.pos == "noun" and (
        root.pos_ not in _NOUN_POS or not trigger.listed & {"nouns", "refer_back"}
    ):
        return False
    if when.word is not None and trigger.lemma not in when.word:
        return False
    if when.dep is not None and argument_dep(ctx, root) not in when.dep:
        return False
    if frame.when_governor is not None:
        gov = governor(ctx, root)
        if gov is None or not frame.when_governor(gov):
            return False
    if frame.when_subject is not None:
        subj = next((c for c in root.children if c.dep_ == "nsubj"), None)
        if subj is None or not frame.when_subject(subj):
            return False
    return True


def governor(ctx: ExtractionContext, tok: Token) -> Token | None:
    """The verb the noun ``tok`` is an argument of (path.governor), walked once per token.

    Where the parse hangs the noun on no verb, or makes it the subject of a later non-finite
    verb ("signed a Proclamation invoking P", "concluded a working visit ... to focus on P":
    an infinitive or participle has no subject of its own), the verb right before the noun's
    phrase governs it, as its object (path.verb_before; ``argument_dep`` says "dobj").
    """
    i = ctx.governors.get(tok.i)
    if i is None:
        rules = event_rules()
        found = walk(ctx, rules.governor, [tok], None)
        gov = found[0] if found else None
        if gov is None or _misparsed_subject(tok, gov):
            before = walk(ctx, rules.verb_before, [tok.left_edge], None)
            if before:
                gov = before[0]
                ctx.reattached.add(tok.i)
        i = ctx.governors[tok.i] = gov.i if gov is not None else -1
    return ctx.doc[i] if i >= 0 else None


def _misparsed_subject(tok: Token, gov: Token) -> bool:
    """A noun parsed as the subject of a later infinitive or participle."""
    if tok.dep_ != "nsubj" or tok.head.i != gov.i or gov.i < tok.i:
        return False
    return gov.tag_ == "VBG" or (
        gov.tag_ == "VB" and any(c.dep_ == "aux" and c.lower_ == "to" for c in gov.children)
    )


def argument_dep(ctx: ExtractionContext, tok: Token) -> str:
    """The noun's dependency on its governor: "dobj" where ``governor`` re-attached it."""
    governor(ctx, tok)
    return "dobj" if tok.i in ctx.reattached else tok.dep_


def _required(ctx: ExtractionContext, frame: Frame, span: Span, anchor: Token) -> bool:
    """The frame's tests on the trigger that come before its roles are filled."""
    if not frame.anchor_test(anchor):
        return False
    doc = ctx.doc
    for seq in frame.not_followed_by:
        after = doc[span.end : span.end + len(seq)]
        if len(after) == len(seq) and all(test(tok) for test, tok in zip(seq, after, strict=True)):
            return False
    if frame.no_modifier is not None:
        words = doc[span.root.left_edge.i : span.start]
        if any(t.lower_ in frame.no_modifier for t in words):
            return False
    return True


Found = list[tuple[Mention, tuple[str, ...]]]  # each entity with the paths that found it


def _fill(
    ctx: ExtractionContext, roles: tuple[Role, ...], span: Span, anchor: Token
) -> Found | None:
    """The entities the role references find, in order, each label once, with the ids of the
    paths that found them; None when a ``required`` reference finds none."""
    out: Found = []
    seen: set[str] = set()
    for role in roles:
        if role.if_none_yet and out:
            continue
        start = _start(ctx, role.start, span, anchor)
        found: list[Mention] = []
        if (
            role.start == "governor"
            and role.path.id in _SUBJECT_PATHS
            and argument_dep(ctx, span.root) != "dobj"
            and _is_subject(span)
        ):
            start = []  # "the visit ... focused on": the event noun is that subject itself
        if start and all(role.test(t) for t in start):
            walked = walk(ctx, role.path, start, span)
            found = select(ctx, role.path, walked)
            if not found and role.path.id in _REFERRING_PATHS:
                found = _party_reference(ctx, walked)
            found = [m for m in found if role.types is None or m.type in role.types]
        if role.required and not found:
            return None
        if role.start == "governor":  # the verb the noun hangs on, by the parse or before it
            gov_path = "path.verb_before" if span.root.i in ctx.reattached else "path.governor"
            via: tuple[str, ...] = (gov_path, role.path.id)
        else:
            via = (role.path.id,)
        for m in found:
            if m.label not in seen:
                seen.add(m.label)
                out.append((m, via))
    return out


_SUBJECT_PATHS = frozenset({"path.subject", "path.subject_name"})
# paths whose subject may be "the two leaders", "both sides" or "they" (party_reference)
_REFERRING_PATHS = _SUBJECT_PATHS | {"path.agent"}
PARTY_REFERENCE = "party-reference"  # Mention.resolved_by of a stand-in for "the two leaders"


def _party_reference(ctx: ExtractionContext, toks: list[Token]) -> list[Mention]:
    """A stand-in for the parties a subject refers back to: "the two leaders", "both
    leaders", "the leaders" (people), "both sides", "the two sides" (the countries they act
    for), or "they" in a clause under such a subject ("the leaders discussed progress made
    since they announced X"). Its label is the phrase; kg.extract.events puts the parties of
    the event named before in its place, or drops it."""
    inside = {t.i for t in toks}
    heads = [t for t in toks if t.head.i == t.i or t.head.i not in inside]
    if len(heads) != 1:
        return []
    tok = heads[0]
    if tok.lower_ == "they":
        tok = _they_antecedent(tok) or tok
    kind = _reference_kind(tok)
    if kind is None:
        return []
    phrase = ctx.doc[tok.left_edge.i : tok.i + 1]
    return [
        Mention(phrase.text, phrase.text, kind, phrase.start_char, phrase.end_char, None, None,
                PARTY_REFERENCE)
    ]


def _reference_kind(tok: Token) -> str | None:
    """ "Person" for "the (two) leaders", "Country" for "both sides", else None."""
    rules = event_rules()
    words = {c.lower_ for c in tok.children if c.dep_ in {"det", "nummod", "predet", "amod"}}
    counted = bool(words & rules.reference_quantifiers)
    if tok.lower_ in rules.people_references and (counted or "the" in words):
        return "Person"
    if tok.lower_ in rules.side_references and counted:
        return "Country"
    return None


def _they_antecedent(tok: Token) -> Token | None:
    """The subject of a clause above "they" that refers back to parties ("the leaders ...
    since they announced"): "they" is those parties."""
    head = tok.head
    for _ in range(4):
        if head.head.i == head.i:
            break
        head = head.head
        subj = next((c for c in head.children if c.dep_ == "nsubj"), None)
        if subj is not None and subj.i != tok.i and _reference_kind(subj) is not None:
            return subj
    return None


def _is_subject(span: Span) -> bool:
    root = span.root
    return root.dep_ in {"nsubj", "nsubjpass"} or (
        root.dep_ == "conj" and root.head.dep_ in {"nsubj", "nsubjpass"}
    )


def _start(ctx: ExtractionContext, name: str, span: Span, anchor: Token) -> list[Token]:
    if name == "anchor":
        return [anchor]
    if name == "last":
        return [span[-1]]
    if name == "trigger":
        return list(span)
    gov = governor(ctx, span.root)
    return [gov] if gov is not None else []


def _apply(
    ctx: ExtractionContext, etype: EventType, frame: Frame, span: Span, trigger: Trigger
) -> Event | None:
    d = frame.decl
    anchor = span.root if d.anchor == "root" else span[0].head
    if not _required(ctx, frame, span, anchor):
        return None
    if "reciprocal" in d.hooks:
        return _reciprocal(ctx, span, d.rule)
    filled = [_fill(ctx, roles, span, anchor) for roles in frame.roles]
    if any(found is None for found in filled):
        return None  # a required path found nothing
    found_participants, found_initiators, found_invitees, found_places = (f or [] for f in filled)
    if d.distinct_initiator:  # "Yellen sworn in by Harris": the subject is the one sworn in
        taken = {m for m, _ in found_participants[: d.limit]}
        found_initiators = [(m, via) for m, via in found_initiators if m not in taken]
    kept = [found_participants[: d.limit], found_initiators[:1], found_invitees, found_places[:1]]
    participants, initiators, invitees, places = ([m for m, _ in found] for found in kept)
    initiator = initiators[0] if initiators else None
    if d.participants_from == "initiator":
        participants = [initiator] if initiator is not None else []
        invitees = [m for m in invitees if initiator is None or m.label != initiator.label]
    future = _future_of(ctx, d.future, span, anchor)
    # the paths that filled the roles: why the event has them (provenance, rule coverage)
    used = {p for found in kept for _, via in found for p in via}
    extra: dict[str, Any] = {"_paths": sorted(used)}
    ev = Event(etype.name, d.rule, span, participants, initiator, invitees, anchor=anchor.i)
    if span.root.pos_ in _NOUN_POS:
        gov = governor(ctx, span.root)
        ev.governed_by = gov.i if gov is not None else -1
    ev.place = places[0] if places else None
    for hook in d.hooks:
        _HOOK_FUNCTIONS[hook](ctx, span, ev, extra)
    if not _found(frame, ev, future, extra):
        return None
    if d.explicit is not None:
        listed, not_via = d.explicit.listed, set(d.explicit.not_via)
        counted = [m for m, via in kept[0] if not set(via) <= not_via]
        ev.explicit = len(counted) >= d.explicit.participants and (
            listed is None or bool(trigger.listed & set(listed))
        )
        if not ev.explicit and d.otherwise is not None:
            ev.own_rule, ev.rule, ev.refers_back = ev.rule, d.otherwise, True
    ev.type = _upgraded(ctx, d, span, ev) or d.type or etype.name
    ev.future, ev.future_always = future, d.future == "always"
    ev.extra = extra
    ev.needs_context = (etype.decl.needs_context and not participants) or d.require.context
    return ev


def _found(frame: Frame, ev: Event, future: bool, extra: dict[str, Any]) -> bool:
    """Whether the event has what the frame requires once its roles are filled."""
    req = frame.decl.require
    alone = len(ev.participants) == 1 and ev.participants[0].type in req.alone
    # "both sides", "the two leaders": a phrase standing for two parties or more
    count = sum(2 if m.resolved_by == PARTY_REFERENCE else 1 for m in ev.participants)
    if (count < req.participants and not alone) or (req.future and not future):
        return False
    if (req.initiator and ev.initiator is None) or (req.place and ev.place is None):
        return False
    if req.title and extra.get("_title") is None:
        return False
    if ev.initiator is not None and ev.initiator.type in req.initiator_not:
        return False
    words = frame.initiator_words
    if words is not None:
        label = ev.initiator.label.lower().split() if ev.initiator is not None else []
        return any(w in words for w in label)
    return True


def _upgraded(ctx: ExtractionContext, d: FrameDecl, span: Span, ev: Event) -> str | None:
    """The type a frame's ``upgrade`` gives (a visit by a head of state is a state visit)."""
    up = d.upgrade
    if up is None:
        return None
    if span.text.lower() in up.listed_words:
        return up.type
    if up.forum:
        for m in ev.participants:
            entry = ctx.lexicon.entries.get(m.key) if m.key else None
            if entry is not None and entry.forum:
                return up.type
    two = len(ev.participants) == 2
    if up.bilateral and two and all(m.type in {"Person", "Country"} for m in ev.participants):
        return up.type
    if up.category is not None:
        leaders = ctx.lexicon.categories_where(up.category)
        if any(person_categories(ctx, m) & leaders for m in ev.participants):
            return up.type
    return None


def _future_of(ctx: ExtractionContext, how: str | None, span: Span, anchor: Token) -> bool:
    if how is None:
        return False
    if how == "always":
        return True
    verb = anchor if how == "anchor" else governor(ctx, span.root)
    if verb is None:
        return False
    words = [c.lower_ for c in verb.children if c.dep_ in {"aux", "auxpass"}]
    if verb.dep_ == "conj" and not words:  # "he will travel to Beijing and host Xi"
        words = [c.lower_ for c in verb.head.children if c.dep_ in {"aux", "auxpass"}]
    resuming = verb.lower_ in event_rules().resuming
    return is_future(words) or verb.dep_ == "xcomp" or "to" in words or resuming


# --- hooks: what is not a way of writing a sentence ----------------------------------------------


def _title_hook(ctx: ExtractionContext, span: Span, ev: Event, extra: dict[str, Any]) -> None:
    """The office named after the trigger in its sentence ("sworn in as Treasury Secretary")."""
    end = ctx.sentence(span.start).end
    for title in ctx.doc.spans.get(TITLES_KEY, []):
        if span.end <= title.start < end:
            extra["_title"] = _office_title(ctx, title)
            return
    extra["_title"] = None


def _office_title(ctx: ExtractionContext, title: Span) -> str:
    """The lexicon's title of the office a title span names, else the span as written."""
    office = ctx.lexicon.offices.get(title.id_)
    return office.title if office else title.text


def _vote_hook(ctx: ExtractionContext, span: Span, ev: Event, extra: dict[str, Any]) -> None:
    """A vote's numbers ("confirmed by a vote of 84 to 15"): for and against."""
    sent = ctx.sentence(span.start)
    vote = _VOTE.search(ctx.text, sent.start_char, sent.end_char)
    extra["_vote"] = f"{vote.group(1)}-{vote.group(2)}" if vote else None
    if vote is not None:
        ev.vote = (vote.start(), vote.end(), int(vote.group(1)), int(vote.group(2)))


def _committee_hook(ctx: ExtractionContext, span: Span, ev: Event, extra: dict[str, Any]) -> None:
    """The committee that the governing verb's subject names ("The U.S. Senate Foreign Relations
    Committee on Thursday backed her nomination"), as a body of its own, named as written: the
    chamber a committee belongs to did not vote."""
    gov = governor(ctx, span.root)
    while gov is not None and gov.dep_ in {"xcomp", "conj"} and not _has_subject(gov):
        gov = gov.head  # "the committee voted 12-10 to advance her nomination"
    words = event_rules().words("$committee_words") or frozenset()
    subj = next((c for c in gov.children if c.dep_ == "nsubj"), None) if gov is not None else None
    if subj is None or subj.lower_ not in words:
        return
    toks = [t for t in subj.subtree if t.i <= subj.i and t.dep_ != "det"]
    if not toks or not all(t.text[:1].isupper() or not t.is_alpha for t in toks):
        return  # "the committee": no name
    last = subj
    for prep in (c for c in subj.rights if c.dep_ == "prep" and c.lower_ in {"on", "of", "for"}):
        named = [t for t in prep.subtree if t is not prep]
        if named and all(t.text[:1].isupper() or t.lower_ in {"and", "the", "of"} for t in named):
            last = named[-1]  # "the Senate Committee on Foreign Relations"
    start, end = toks[0].idx, last.idx + len(last.text)
    name = ctx.text[start:end]
    ev.initiator = Mention(name, name, "GovernmentBody", start, end, None, None, "committee-name")


def _has_subject(tok: Token) -> bool:
    return any(c.dep_ in {"nsubj", "nsubjpass"} for c in tok.children)


_HOOK_FUNCTIONS: dict[str, Callable[[ExtractionContext, Span, Event, dict[str, Any]], None]] = {
    "title": _title_hook,
    "vote": _vote_hook,
    "committee": _committee_hook,
}


def _reciprocal(ctx: ExtractionContext, span: Span, rule: str) -> Event | None:
    """ "X invited Y to visit P, and I reciprocated": Y invites X to Y's country."""
    tok = span.root
    first = next(
        (t for t in ctx.sentence(span.start) if t.lower_ in {"invited", "invite", "invites"}),
        None,
    )
    if first is None or first.i > tok.i:
        return None
    subject = paths()["path.subject"]
    inviter = select(ctx, subject, walk(ctx, subject, [first], span))
    me = select(ctx, subject, walk(ctx, subject, [tok], span))
    if not inviter or not me or inviter[0].label == me[0].label:
        return None
    ev = Event(
        "invitation", rule, span, [me[0]], initiator=me[0], invitees=[inviter[0]], future=True
    )
    ev.future_always = True  # the visit is to come; the reciprocating is done
    home, place_rule = acting_country(ctx, me[0])
    ev.place = home if home.type == "Country" else None
    ev.extra["_place_rule"] = place_rule
    return ev
