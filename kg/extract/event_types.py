"""Recognisers of each event type: from a trigger span to the events it states.

One function per type ("X and Y held a call", "X invited Y to visit P", "X visited P in DATE",
"the Senate confirmed Y 51-47"...), all reading the trigger's sentence through spaCy's parse.
kg.extract.events runs them and adds time, place, duration, topics and coreference.
Rules: ontology/rules/events.yaml.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Span, Token

from kg.extract import ExtractionContext
from kg.extract.countries import acting_country, person_categories
from kg.extract.speakers import mention_of
from kg.extract.syntax import (
    entities_among,
    governor,
    possessor,
    prep_objects,
    subject_entities,
)
from kg.model import ACTOR_TYPES, PARTICIPANT_TYPES, Mention
from kg.nlp import TITLES_KEY
from kg.resources import load_yaml
from kg.timex import is_future

PLACE_TYPES = frozenset({"Place", "Country"})
_VOTE = re.compile(r"(?<![\w.])(\d{1,3})\s*(?:-|–|—|to)\s*(\d{1,3})(?![\w%]|\.\d)")


@dataclass(frozen=True)
class Rules:
    """The event rules of ontology/rules/events.yaml (and topic triggers), loaded once."""

    confidence: dict[str, float]
    phrases: dict[str, tuple[str, frozenset[str]]]  # phrase -> (type, roles)
    holding: frozenset[str]
    agreement_verbs: frozenset[str]
    giving: frozenset[str]
    receiving: frozenset[str]
    place_verbs: frozenset[str]
    initiating: frozenset[str]
    initiating_pattern: re.Pattern[str]
    talks_subjects: frozenset[str]
    bodies: frozenset[str]
    duration_cue: re.Pattern[str]
    future_nouns: frozenset[str]
    topic_negators: frozenset[str]
    resuming: frozenset[str]
    topics: dict[str, str]  # trigger -> topic label
    conference_verbs: frozenset[str]
    signing_verbs: frozenset[str]


@functools.cache
def event_rules() -> Rules:
    data = load_yaml("rules/events.yaml")
    phrases: dict[str, tuple[str, set[str]]] = {}
    for etype, spec in data["types"].items():
        for role in ("nouns", "verbs", "phrases", "coreference"):
            for p in spec.get(role) or []:
                entry = phrases.setdefault(p.lower(), (etype, set()))
                entry[1].add(role)
    topics: dict[str, str] = {}
    for item in (load_yaml("lexicon/topics.yaml") or {}).get("topics", []):
        for trigger in item.get("triggers", []):
            topics.setdefault(str(trigger).lower(), item["label"])
    cues = "|".join(map(re.escape, data["duration_cues"]))
    return Rules(
        confidence={r["id"]: float(r["confidence"]) for r in data["rules"]},
        phrases={p: (t, frozenset(r)) for p, (t, r) in phrases.items()},
        holding=frozenset(data["holding_verbs"]),
        agreement_verbs=frozenset(data["agreement_verbs"]),
        giving=frozenset(data["invitation_giving"]),
        receiving=frozenset(data["invitation_receiving"]),
        place_verbs=frozenset(data["invitation_place_verbs"]),
        initiating=frozenset(data["initiating_verbs"]),
        initiating_pattern=re.compile(
            r"(?i)\b(?:"
            + "|".join(r"\s+".join(map(re.escape, p.split())) for p in data["initiating_phrases"])
            + r")\s+(?:the\s+|a\s+)?|(?P<poss>\b[A-Z][\w.-]*)(?:'s|’s)\s+request\b"
        ),
        talks_subjects=frozenset(data["talks_subjects"]),
        bodies=frozenset(data["confirming_bodies"]),
        duration_cue=re.compile(
            rf"(?:^|\W)(?:{cues})(?:\s+(?:about|around|approximately|roughly|nearly|some|a|an))?"
            r"\s*$",
            re.I,
        ),
        future_nouns=frozenset(data["future_modifiers"]),
        topic_negators=frozenset(data["topic_negators"]),
        resuming=frozenset(data["resuming_verbs"]),
        topics=topics,
        conference_verbs=frozenset(data["conference_verbs"]),
        signing_verbs=frozenset(data["signing_verbs"]),
    )


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


def proper_place(ctx: ExtractionContext, tok: Token) -> Mention | None:
    """A place the NER missed or mistyped ("Mar-a-Lago"): a proper-noun phrase, as a Place."""
    span = ctx.doc[tok.left_edge.i : tok.right_edge.i + 1]
    while len(span) and span[0].lower_ in {"the", "a", "an"}:
        span = span[1:]
    if not len(span) or not span[0].text[:1].isupper() or not span[-1].text[:1].isupper():
        return None
    if any(t.pos_ not in {"PROPN", "PUNCT", "DET", "ADP", "NOUN"} for t in span) or len(span) > 6:
        return None
    return Mention(
        span.text,
        span.text,
        "Place",
        span.start_char,
        span.end_char,
        None,
        None,
        "proper-noun-object",
    )


# --- handlers by event type -----------------------------------------------------------------------


def unique(mentions: Iterable[Mention]) -> list[Mention]:
    out: dict[str, Mention] = {}
    for m in mentions:
        out.setdefault(m.label, m)
    return list(out.values())


def _noun_parties(ctx: ExtractionContext, span: Span, modifiers: bool = False) -> list[Mention]:
    """Who takes part in the event a noun names: the subject of a holding verb, a possessor,
    "with X" / "between X and Y" and, if asked, names before the noun ("US-China talks")."""
    tok = span.root
    found: list[Mention] = []
    gov = governor(tok)
    if gov is not None and gov.lower_ in event_rules().holding:
        found += subject_entities(ctx, gov)
    found += possessor(ctx, tok)
    found += prep_objects(ctx, span[-1], {"with", "between"})
    if modifiers:
        found += entities_among(ctx, ctx.doc[tok.left_edge.i : span.start], PARTICIPANT_TYPES)
    return unique(found)


def _is_noun(span: Span) -> bool:
    return span.root.pos_ in {"NOUN", "PROPN"}


def _future(verb: Token | None) -> bool:
    if verb is None:
        return False
    words = [c.lower_ for c in verb.children if c.dep_ in {"aux", "auxpass"}]
    resuming = verb.lower_ in event_rules().resuming
    return is_future(words) or verb.dep_ == "xcomp" or "to" in words or resuming


def _call(ctx: ExtractionContext, span: Span, roles: frozenset[str]) -> list[Event | None]:
    tok = span.root
    doc = ctx.doc
    if "phrases" in roles:  # "X spoke with Y by phone"
        verb = span[0].head
        if verb.pos_ != "VERB":
            return []
        parts = unique(subject_entities(ctx, verb) + prep_objects(ctx, verb, {"with", "to"}, 12))
        return [Event("phone_call", "event.call", span, parts, explicit=len(parts) >= 2)]
    if "verbs" in roles and tok.pos_ == "VERB":  # "X phoned Y"
        subj = subject_entities(ctx, tok)
        objs = [c for c in tok.children if c.dep_ == "dobj"]
        obj = entities_among(ctx, objs[0].subtree, PARTICIPANT_TYPES) if objs else []
        parts = unique(subj + obj)
        ev = Event("phone_call", "event.call", span, parts, explicit=len(parts) >= 2)
        ev.initiator = subj[0] if subj else None
        return [ev]
    if not _is_noun(span) or tok.tag_ == "NNS":
        return []
    nxt = doc[span.end : span.end + 2]
    if len(nxt) and (nxt[0].lower_ == "for" or (nxt[0].lower_ == "to" and nxt[-1].pos_ == "VERB")):
        return []  # "a call for restraint", "a call to act"
    parts = _noun_parties(ctx, span)
    explicit = "nouns" in roles and len(parts) >= 2
    rule = "event.call" if explicit else "event.call.coreference"
    return [Event("phone_call", rule, span, parts, explicit=explicit)]


def _talks(ctx: ExtractionContext, span: Span, roles: frozenset[str]) -> list[Event | None]:
    tok = span.root
    if "verbs" in roles and tok.pos_ == "VERB":  # "will negotiate", not "a deal negotiated in 2019"
        parts = unique(subject_entities(ctx, tok) + prep_objects(ctx, tok, {"with"}))
        future = _future(tok)
        return [Event("talks", "event.talks", span, parts, future=future)] if future else []
    if not _is_noun(span):
        return []
    if span.text.lower() == "delegation":
        people = entities_among(ctx, ctx.sentence(span.start), frozenset({"Person"}))
        if len(people) < 2:
            return []
        return [Event("talks", "event.talks.delegation", span, people, future=True)]
    parts = _noun_parties(ctx, span, modifiers=True)
    return [Event("talks", "event.talks", span, parts, future=_future(governor(tok)))]


def _meeting(ctx: ExtractionContext, span: Span, roles: frozenset[str]) -> list[Event | None]:
    tok = span.root
    if tok.pos_ == "VERB":
        subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
        if (
            subj is not None and subj.lower_ in event_rules().talks_subjects
        ):  # "our teams will meet"
            return [Event("talks", "event.talks", span, [], future=_future(tok))]
        objs = [c for c in tok.children if c.dep_ == "dobj"]
        parts = subject_entities(ctx, tok) + prep_objects(ctx, tok, {"with"})
        if objs:
            parts += entities_among(ctx, objs[0].subtree, PARTICIPANT_TYPES)
        parts = unique(parts)
        return (
            [Event("meeting", "event.meeting", span, parts, future=_future(tok))]
            if len(parts) >= 2
            else []
        )
    if not _is_noun(span):
        return []
    parts = _noun_parties(ctx, span)
    return [Event("meeting", "event.meeting", span, parts)] if len(parts) >= 2 else []


def _summit(ctx: ExtractionContext, span: Span, roles: frozenset[str]) -> list[Event | None]:
    if not _is_noun(span):
        return []
    ev = Event("summit", "event.summit", span, _noun_parties(ctx, span, modifiers=True))
    ev.needs_context = not ev.participants  # kept only if a place (or time) is found
    return [ev]


def _visit(ctx: ExtractionContext, span: Span, roles: frozenset[str]) -> list[Event | None]:
    tok = span.root
    doc = ctx.doc
    place: Mention | None = None
    if tok.pos_ == "VERB":
        aux = {c.lower_ for c in tok.children if c.dep_ in {"aux", "auxpass"}}
        if tok.tag_ not in {"VBD", "VBN"} or aux & {"will", "would", "to", "'ll"}:
            return []  # planned visits are told by invitations, not as visits
        visitors = subject_entities(ctx, tok)
        objs = [c for c in tok.children if c.dep_ == "dobj"]
        if objs:
            found = mention_of(ctx, objs[0])
            proper = proper_place(ctx, objs[0])
            place = found if found is not None and found.type in PLACE_TYPES else proper
        else:
            to = prep_objects(ctx, tok, {"to"}, 4)
            place = next((m for m in to if m.type in PLACE_TYPES), None)
    elif _is_noun(span):
        if any(t.lower_ in event_rules().future_nouns for t in doc[tok.left_edge.i : span.start]):
            return []
        visitors = unique(possessor(ctx, tok) + subject_entities(ctx, governor(tok)))
        to = prep_objects(ctx, span[-1], {"to"}, 4)
        place = next((m for m in to if m.type in PLACE_TYPES), None)
    else:
        return []
    visitors = [m for m in visitors if m.type in {"Person", "Country"}]
    if not visitors or place is None:
        return []
    state = span.text.lower() == "state visit" or any(
        person_categories(ctx, m) & ctx.lexicon.categories_where("leader") for m in visitors
    )
    ev = Event("state_visit" if state else "visit", "event.visit", span, visitors)
    ev.place = place
    return [ev]


def _invitation(ctx: ExtractionContext, span: Span, roles: frozenset[str]) -> list[Event | None]:
    tok = span.root
    rules = event_rules()
    if tok.lower_ == "reciprocated":
        return [_reciprocal(ctx, span)]
    initiator: Mention | None = None
    invitees: list[Mention] = []
    if tok.pos_ == "VERB":
        subj = subject_entities(ctx, tok)
        initiator = subj[0] if subj else None
        for child in tok.children:
            if child.dep_ in {"dobj", "dative"}:
                invitees += entities_among(ctx, child.subtree, frozenset({"Person", "Country"}))
    elif _is_noun(span):
        gov = governor(tok)
        own = possessor(ctx, tok)
        if gov is not None and gov.lower_ in rules.receiving:
            invitees = subject_entities(ctx, gov)
            source = prep_objects(ctx, span[-1], {"from"}, 4)
            initiator = source[0] if source else None
        else:
            subj = (
                subject_entities(ctx, gov) if gov is not None and gov.lower_ in rules.giving else []
            )
            named = own or subj
            initiator = named[0] if named else None
        invitees += _for_whom(ctx, span)
    if initiator is None:
        return []
    invitees = [m for m in unique(invitees) if m.label != initiator.label]
    ev = Event(
        "invitation",
        "event.invitation",
        span,
        [initiator],
        initiator=initiator,
        invitees=invitees,
        future=True,
    )
    ev.place = _invited_to(ctx, span)
    return [ev]


def _for_whom(ctx: ExtractionContext, span: Span) -> list[Mention]:
    """ "an invitation for X and Y to visit": the people between "for" and "to"."""
    doc = ctx.doc
    i = span.end
    if i >= len(doc) or doc[i].lower_ != "for":
        return []
    j = i + 1
    sent_end = ctx.sentence(span.start).end
    while j < sent_end and doc[j].lower_ != "to" and j - i < 12:
        j += 1
    return entities_among(ctx, doc[i + 1 : j], frozenset({"Person", "Country"}))


def _invited_to(ctx: ExtractionContext, span: Span) -> Mention | None:
    """The place of "to visit China", "to come to the US", "invited X to Canada"."""
    doc = ctx.doc
    sent = ctx.sentence(span.start)
    for i in range(span.end, min(span.end + 16, sent.end - 1)):
        if doc[i].lower_ != "to":
            continue
        j = i + 1
        if doc[j].lower_ in event_rules().place_verbs:
            j += 1
            if j < sent.end and doc[j].lower_ == "to":
                j += 1
        while j < sent.end and doc[j].lower_ in {"the", "a"}:
            j += 1
        m = mention_of(ctx, doc[j]) if j < sent.end else None
        if m is not None and m.type in PLACE_TYPES:
            return m
        if m is None and j < sent.end:
            proper = proper_place(ctx, doc[j])
            if proper is not None:
                return proper
    return None


def _reciprocal(ctx: ExtractionContext, span: Span) -> Event | None:
    """ "X invited Y to visit P, and I reciprocated": Y invites X to Y's country."""
    tok = span.root
    first = next(
        (t for t in ctx.sentence(span.start) if t.lower_ in {"invited", "invite", "invites"}),
        None,
    )
    if first is None or first.i > tok.i:
        return None
    inviter = subject_entities(ctx, first)
    me = subject_entities(ctx, tok)
    if not inviter or not me or inviter[0].label == me[0].label:
        return None
    ev = Event(
        "invitation",
        "event.invitation.reciprocal",
        span,
        [me[0]],
        initiator=me[0],
        invitees=[inviter[0]],
        future=True,
    )
    home, rule = acting_country(ctx, me[0])
    ev.place = home if home.type == "Country" else None
    ev.extra["_place_rule"] = rule
    return ev


def _truce(ctx: ExtractionContext, span: Span, roles: frozenset[str]) -> list[Event | None]:
    if not _is_noun(span):
        return []
    ev = Event("truce", "event.truce", span, _noun_parties(ctx, span, modifiers=True))
    ev.needs_context = not ev.participants
    return [ev]


def _agreement(ctx: ExtractionContext, span: Span, roles: frozenset[str]) -> list[Event | None]:
    gov = governor(span.root)
    if not _is_noun(span) or gov is None or gov.lower_ not in event_rules().agreement_verbs:
        return []
    parts = unique(subject_entities(ctx, gov) + prep_objects(ctx, span[-1], {"with", "between"}))
    return [Event("agreement", "event.agreement", span, parts)] if parts else []


def _announcement(ctx: ExtractionContext, span: Span, roles: frozenset[str]) -> list[Event | None]:
    parts = _noun_parties(ctx, span) if _is_noun(span) else []
    return [Event("announcement", "event.announcement", span, parts[:1])] if parts else []


def _news_conference(
    ctx: ExtractionContext, span: Span, roles: frozenset[str]
) -> list[Event | None]:
    """ "X told a news conference in Ottawa", "X said at a press conference", "X's briefing"."""
    if not _is_noun(span):
        return []
    root = span.root
    verb = governor(root)
    if verb is None and root.dep_ == "pobj" and root.head.lower_ in {"at", "during", "in"}:
        verb = root.head.head if root.head.head.pos_ in {"VERB", "AUX"} else None
    parts: list[Mention] = []
    if verb is not None and verb.lower_ in event_rules().conference_verbs:
        parts = [m for m in subject_entities(ctx, verb) if m.type == "Person"]
    parts = unique(parts + [m for m in possessor(ctx, root) if m.type == "Person"])
    return [Event("news_conference", "event.news_conference", span, parts)] if parts else []


def _signing(ctx: ExtractionContext, span: Span, roles: frozenset[str]) -> list[Event | None]:
    """ "X signed a proclamation / an executive order / the bill into law"."""
    gov = governor(span.root)
    if not _is_noun(span) or gov is None or gov.lower_ not in event_rules().signing_verbs:
        return []
    if span.root.dep_ not in {"dobj", "nsubjpass"}:
        return []
    parts = [m for m in subject_entities(ctx, gov) if m.type in {"Person", "Country"}]
    if not parts and span.root.dep_ == "nsubjpass":
        parts = prep_objects(ctx, gov, {"by"})
    return [Event("signing", "event.signing", span, unique(parts))] if parts else []


def _appointment(ctx: ExtractionContext, span: Span, roles: frozenset[str]) -> list[Event | None]:
    tok = span.root
    if tok.pos_ != "VERB":
        return []
    title = _title_after(ctx, span)
    if title is None:
        return []
    person, by = _patient_and_agent(ctx, tok)
    if person is None:
        return []
    ev = Event("appointment", "event.appointment", span, [person], initiator=by)
    ev.extra["_title"] = title
    return [ev]


def _confirmation(ctx: ExtractionContext, span: Span, roles: frozenset[str]) -> list[Event | None]:
    tok = span.root
    if tok.pos_ != "VERB":
        return []
    person, body = _patient_and_agent(ctx, tok)
    if person is None or body is None or body.type == "Person":
        return []
    if not any(w in event_rules().bodies for w in body.label.lower().split()):
        return []
    ev = Event("confirmation", "event.confirmation", span, [person], initiator=body)
    vote = _VOTE.search(ctx.document.text, *_bounds(ctx.sentence(span.start)))
    ev.extra["_vote"] = f"{vote.group(1)}-{vote.group(2)}" if vote else None
    if vote is not None:
        ev.vote = (vote.start(), vote.end(), int(vote.group(1)), int(vote.group(2)))
    ev.extra["_title"] = _title_after(ctx, span)
    return [ev]


def _swearing_in(ctx: ExtractionContext, span: Span, roles: frozenset[str]) -> list[Event | None]:
    """ "Y was sworn in as TITLE by X", "X swore in Y", "Y's swearing-in": Y takes the oath."""
    tok = span.root
    if tok.pos_ == "VERB":
        if not any(c.lower_ == "in" and c.dep_ in {"prt", "prep"} for c in tok.children):
            return []  # "swore allegiance", "sworn enemies"
        person, by = _patient_and_agent(ctx, tok)
        if person is None:  # "X swore in Y": Y is the object of "in"
            found = prep_objects(ctx, tok, {"in"})
            person = next((m for m in found if m.type == "Person"), None)
        if person is None:
            return []
        ev = Event("swearing_in", "event.swearing_in", span, [person])
        ev.initiator = by if by is not None and by.type == "Person" and by != person else None
    else:
        owners = [m for t in span for m in possessor(ctx, t) if m.type == "Person"]
        if not owners:
            return []
        ev = Event("swearing_in", "event.swearing_in", span, owners[:1])
    ev.extra["_title"] = _title_after(ctx, span)
    return [ev]


def _bounds(span: Span) -> tuple[int, int]:
    return span.start_char, span.end_char


def _patient_and_agent(
    ctx: ExtractionContext, verb: Token
) -> tuple[Mention | None, Mention | None]:
    """The person appointed or confirmed and who did it, in the active or the passive voice."""
    person = agent = None
    for child in verb.children:
        if child.dep_ in {"nsubjpass", "dobj"}:
            found = entities_among(ctx, child.subtree, frozenset({"Person"}))
            person = found[0] if found else person
        elif child.dep_ == "agent" or child.dep_ == "nsubj":
            found = entities_among(ctx, child.subtree, ACTOR_TYPES)
            agent = found[0] if found else agent
    return person, agent


def _title_after(ctx: ExtractionContext, span: Span) -> str | None:
    for title in ctx.doc.spans.get(TITLES_KEY, []):
        if span.end <= title.start < ctx.sentence(span.start).end:
            office = ctx.lexicon.offices.get(title.id_)
            return office.title if office else title.text
    return None


HANDLERS = {
    "phone_call": _call,
    "talks": _talks,
    "meeting": _meeting,
    "summit": _summit,
    "visit": _visit,
    "invitation": _invitation,
    "truce": _truce,
    "agreement": _agreement,
    "announcement": _announcement,
    "news_conference": _news_conference,
    "signing": _signing,
    "swearing_in": _swearing_in,
    "appointment": _appointment,
    "confirmation": _confirmation,
}
