"""Events: calls, meetings, talks, summits, visits, invitations, truces, agreements, appointments.

Each event claim names its type, participants, initiator, invitees, place, time (ISO ``date`` at
its precision and the words ``date_text``), duration (canonical xsd: PT1H30M) and topics (labels of
ontology/lexicon/topics.yaml whose triggers occur in the sentence). Work is done only on the
sentences holding a trigger word (one PhraseMatcher pass). A document's later "the call" or "the
conversation" is its first explicit call: such sentences yield claims with the same type and
participants, so the merge unites them and collects what each adds. For invitations the
participants are the inviter alone (the invitees are collected), so an invitation reported with
different invitee lists stays one fact. Rules: ontology/rules/events.yaml, listed with their ids
in docs/extraction.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from spacy.matcher import PhraseMatcher
from spacy.tokens import Span, Token
from spacy.util import filter_spans
from spacy.vocab import Vocab

from kg.extract import ExtractionContext, register
from kg.extract.event_types import (
    PLACE_TYPES,
    Event,
    event_rules,
    governor,
    recognise,
    unique,
)
from kg.extract.figures import figure_fields
from kg.extract.patterns import paths, proper_place, select, walk
from kg.extract.speakers import mention_of
from kg.extract.syntax import entities_among, phrase_matcher
from kg.model import Claim, Mention
from kg.nlp import TITLES_KEY
from kg.timex import Timex, find_timexes

NAME = "kg.events.v1"
_INITIATORS = frozenset({"Person", "Country"})


def _matchers(vocab: Vocab) -> tuple[PhraseMatcher, PhraseMatcher]:
    """Trigger and topic PhraseMatchers for this vocabulary (built once per pipeline)."""
    rules = event_rules()
    return (
        phrase_matcher(vocab, NAME, {p: p for p in rules.triggers}),
        phrase_matcher(vocab, "kg.topics", {t: t for t in rules.topics}),
    )


@register(NAME)
def extract_events(ctx: ExtractionContext) -> Iterator[Claim]:
    """Yield event claims from the sentences that hold an event trigger."""
    doc = ctx.doc
    rules = event_rules()
    triggers, _ = _matchers(doc.vocab)
    spans = filter_spans([Span(doc, s, e, label=k) for k, s, e in triggers(doc)])
    events: list[Event] = []
    for span in spans:
        events += recognise(ctx, span, rules.triggers[span.label_.lower()])
    events = _coreference(events)
    seen: set[tuple[Any, ...]] = set()
    for ev in sorted(events, key=lambda e: (e.trigger.start, e.type)):
        claim = _claim(ctx, ev)
        if claim is None or (ev.refers_back and not _adds(claim)):
            continue
        key = (
            ev.type,
            claim.evidence.sentence_start,
            tuple(m.label for m in ev.participants),
            ev.initiator.label if ev.initiator else None,
        )
        if key not in seen:
            seen.add(key)
            yield claim
            if ev.vote is not None:
                yield from _vote_figures(ctx, claim, ev.vote)


def _vote_figures(
    ctx: ExtractionContext, claim: Claim, vote: tuple[int, int, int, int]
) -> Iterator[Claim]:
    """ "confirmed Y by a vote of 84 to 15": the votes for and against Y as two figures."""
    start, end, yes, no = vote
    person, body = claim.fields["participants"][0], claim.fields["initiator"]
    confidence = event_rules().confidence["event.confirmation.vote"]
    evidence = ctx.evidence(start, end, NAME, confidence, "event.confirmation.vote")
    for side, count in (("for", yes), ("against", no)):
        fields = figure_fields(
            f"votes {side} confirming {person.label}",
            float(count),
            "votes",
            [m for m in (person, body) if m is not None],
            as_written=ctx.document.text[start:end],
            entities_rule="figure.entities.event",
            date=claim.fields["date"],
            date_text=claim.fields["date_text"],
        )
        yield Claim("figure", fields, evidence)


def _adds(claim: Claim) -> bool:
    """Whether a coreferent mention ("the call") states something of its own."""
    f = claim.fields
    return any(f.get(k) for k in ("initiator", "place", "date_text", "duration", "topics"))


# --- time, place, duration, topics ---------------------------------------------------------------


def _tied(tok: Token, anchors: set[int], steps: int = 6) -> bool:
    """Whether ``tok`` attaches to an anchor token without crossing another clause: a verb on
    the way up must hang on an anchor itself, or be conjoined to one that does ("a truce reached
    last month"), and must not open a subordinate clause ("since he returned in January")."""
    cur = tok
    for _ in range(steps):
        if cur.i in anchors:
            return True
        if cur.head is cur:
            return False
        if cur is not tok and cur.pos_ in {"VERB", "AUX"} and cur.dep_ != "conj":
            if any(c.dep_ == "mark" for c in cur.children):
                return False
            return cur.head.i in anchors
        cur = cur.head
    return cur.i in anchors


def _anchors(ctx: ExtractionContext, ev: Event) -> set[int]:
    """The trigger's tokens and, for a noun, the verb it is an argument of."""
    out = {t.i for t in ev.trigger}
    if ev.trigger.root.dep_ == "prep":  # "spoke with X by phone": the verb is the event
        out.add(ev.trigger.root.head.i)
    if ev.trigger.root.pos_ in {"NOUN", "PROPN"}:
        gov = governor(ctx, ev.trigger.root)
        if gov is not None:
            out.add(gov.i)
    return out


def _time(ctx: ExtractionContext, ev: Event, sent: Span, anchors: set[int]) -> Timex | None:
    for t in ctx.timexes_in(sent):
        if _tied(ctx.doc[ctx.token_at(t.start)], anchors):
            if ev.future and t.rule in {"time.weekday", "time.month", "time.month_day"}:
                again = find_timexes(t.text, ctx.document.published, future=True)
                t = Timex(t.start, t.end, t.text, again[0].value if again else None, t.rule)
            return t
    return None


def _place(ctx: ExtractionContext, sent: Span, anchors: set[int]) -> Mention | None:
    doc = ctx.doc
    for i in ctx.in_at_within(sent):
        tok = doc[i]
        if _tied(tok, anchors):
            objs = [c for c in tok.children if c.dep_ == "pobj"]
            if objs:
                m = mention_of(ctx, objs[0]) or proper_place(ctx, objs[0])
                times = ctx.timexes
                if m is not None and any(t.start < m.end and m.start < t.end for t in times):
                    continue  # "in December" taken for a place by the NER
                if m is not None and m.type in PLACE_TYPES:
                    return m
    return _where(ctx, anchors)


def _where(ctx: ExtractionContext, anchors: set[int]) -> Mention | None:
    """ "... to Singapore, where he is to meet Kim": the place a "where" clause hangs on."""
    doc = ctx.doc
    for i in sorted(anchors):
        tok = doc[i]
        for _ in range(3):  # "meet" <- xcomp "is" <- relcl "Singapore"
            if tok.dep_ == "relcl":
                if any(c.lower_ == "where" for c in tok.children):
                    m = mention_of(ctx, tok.head)
                    return m if m is not None and m.type in PLACE_TYPES else None
                break
            if tok.dep_ not in {"xcomp", "ccomp", "conj"} or tok.head is tok:
                break
            tok = tok.head
    return None


def _duration(ctx: ExtractionContext, ev: Event, sent: Span, anchors: set[int]) -> str | None:
    """A duration tied to the event ("the 90-minute call", "the call lasted an hour and a
    half"); calls and meetings last less than a day."""
    durations = ctx.durations_in(sent)
    if not durations:
        return None
    text = ctx.document.text[sent.start_char : sent.end_char]
    for d in durations:
        head = ctx.doc[ctx.token_at(sent.start_char + d.end - 1)]
        if not d.iso.startswith("PT") and ev.type in {"phone_call", "meeting"}:
            continue
        cue = d.hyphenated or event_rules().duration_cue.search(text[: d.start])
        if cue and _tied(head, anchors):
            return d.iso
    return None


def find_topic_words(ctx: ExtractionContext) -> list[tuple[int, int, str]]:
    """Topic trigger words of the document (token start, end, topic label), except those inside
    a title or a name ("Trade" of "Trade Representative", "Commerce" of a department)."""
    _, matcher = _matchers(ctx.doc.vocab)
    titles = {t.i for s in ctx.doc.spans.get(TITLES_KEY, []) for t in s}
    found = []
    for key, s, e in matcher(ctx.doc):
        if any(i in titles or mention_of(ctx, ctx.doc[i]) is not None for i in range(s, e)):
            continue
        found.append((s, e, event_rules().topics[ctx.doc.vocab.strings[key]]))
    return found


def _topics(ctx: ExtractionContext, ev: Event, sent: Span, anchors: set[int]) -> list[str]:
    """Topics whose trigger words attach to the event in its sentence ("focused on trade",
    "talks on tariffs"), unless the event avoids them ("did not touch on security")."""
    cached = ctx.topic_words
    if not any(sent.start <= s < sent.end for s, _, _ in cached):
        return []
    negators = event_rules().topic_negators
    if any(
        c.dep_ == "neg" or ctx.doc[i].lower_ in negators
        for i in anchors
        for c in [*ctx.doc[i].children, ctx.doc[i]]
    ):
        return []
    found = {
        label
        for s, e, label in cached
        if sent.start <= s < sent.end
        and not ev.trigger.start <= s < ev.trigger.end  # "summit" is no topic of a summit
        and _tied(ctx.doc[e - 1], anchors, steps=8)
    }
    return sorted(found)


def _initiator(ctx: ExtractionContext, ev: Event, sent: Span, anchors: set[int]) -> Mention | None:
    """ "X initiated the call", "the call was initiated by X", "at the request of X",
    "at X's request": only when the sentence's phrase concerns the event's trigger."""
    rules = event_rules()
    doc = ctx.doc
    root = ev.trigger.root
    gov = root.head
    if gov.lower_ in rules.initiating and root.dep_ == "dobj":  # X initiated the call
        subject = paths()["path.subject"]
        subj = select(ctx, subject, walk(ctx, subject, [gov], None))
        if subj:
            return subj[0]
    text = ctx.document.text[sent.start_char : sent.end_char]
    for m in rules.initiating_pattern.finditer(text):
        tok = doc[ctx.token_at(sent.start_char + m.start())]
        j = ctx.token_at(sent.start_char + m.end())
        if m.group("poss"):  # "at X's request"
            found = [x for x in [mention_of(ctx, doc[tok.i])] if x is not None]
        else:
            found = entities_among(ctx, doc[j : min(j + 5, sent.end)], _INITIATORS)
        if found and _tied(tok, anchors):
            return found[0]
    return None


# --- coreference and claims -----------------------------------------------------------------------


def _coreference(events: list[Event]) -> list[Event]:
    """Later mentions joined to the document's event, by each type's declared `coreference`."""
    resolvers = {"first_explicit": _resolve_calls, "delegation": _resolve_talks}
    types = event_rules().types
    out: list[Event] = []
    for name in dict.fromkeys(e.type for e in events):
        group = [e for e in events if e.type == name]
        how = types[name].decl.coreference
        out += resolvers[how](group) if how is not None else group
    return out


def _resolve_calls(events: list[Event]) -> list[Event]:
    """Later mentions of "the call" are the document's first explicit call."""
    calls = events
    main = next((e for e in calls if e.explicit), None)
    if main is None:
        return []
    labels = {m.label for m in main.participants}
    out = []
    for e in calls:
        if e.explicit:
            out.append(e)
        elif {m.label for m in e.participants} <= labels:
            e.participants = list(main.participants)
            out.append(e)
    return out


def _resolve_talks(events: list[Event]) -> list[Event]:
    """Talks to come ("agreed to resume talks", "teams will meet shortly") are the talks of the
    document's one delegation statement, whose people are their participants; the parties the
    sentence names are kept in ``_parties``. Other talks keep their own participants."""
    talks = events
    delegations = [e for e in talks if e.rule == "event.talks.delegation"]
    groups = {tuple(sorted(m.label for m in e.participants)) for e in delegations}
    out = []
    for e in talks:
        if e.rule == "event.talks.delegation":
            out.append(e)
        elif len(groups) == 1 and (e.future or not e.participants):
            e.extra["_parties"] = [m.label for m in e.participants]
            e.participants = list(delegations[0].participants)
            e.rule = "event.talks.coreference"
            out.append(e)
        elif e.participants:
            out.append(e)
    return out


def _claim(ctx: ExtractionContext, ev: Event) -> Claim | None:
    sent = ctx.sentence(ev.trigger.start)
    attach = event_rules().types[ev.type].attach
    anchors = _anchors(ctx, ev)
    timex = _time(ctx, ev, sent, anchors) if "time" in attach else None
    if ev.place is None and "place" in attach:
        ev.place = _place(ctx, sent, anchors)
    if ev.needs_context and ev.place is None and timex is None:
        return None
    initiator, initiator_rule = ev.initiator, None
    if initiator is None and "initiator" in attach:
        initiator = _initiator(ctx, ev, sent, anchors)
        initiator_rule = "event.initiator" if initiator is not None else None
    duration = _duration(ctx, ev, sent, anchors) if "duration" in attach else None
    topics = _topics(ctx, ev, sent, anchors) if "topics" in attach else []
    spans = [(ev.trigger.start_char, ev.trigger.end_char)]
    for m in [*ev.participants, *ev.invitees, initiator, ev.place]:
        if m is not None and sent.start_char <= m.start and m.end <= sent.end_char:
            spans.append((m.start, m.end))
    if timex is not None:
        spans.append((timex.start, timex.end))
    start, end = min(s for s, _ in spans), max(e for _, e in spans)
    fields: dict[str, Any] = {
        "event_type": ev.type,
        "participants": sorted(unique(ev.participants), key=lambda m: m.label),
        "initiator": initiator,
        "invitees": sorted(unique(ev.invitees), key=lambda m: m.label),
        "place": ev.place,
        "date": timex.value if timex else None,
        "date_text": timex.text if timex else None,
        "duration": duration,
        "topics": topics,
        "_trigger": ev.trigger.text,
        "_date_rule": timex.rule if timex else None,
        "_week": timex.week if timex else None,
        **({"_initiator_rule": initiator_rule} if initiator_rule else {}),
        **ev.extra,
    }
    confidence = event_rules().confidence[ev.rule]
    return Claim("event", fields, ctx.evidence(start, end, NAME, confidence, ev.rule))
