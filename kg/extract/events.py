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

import re
from collections.abc import Callable, Iterator
from typing import Any

from spacy.matcher import PhraseMatcher
from spacy.tokens import Span, Token
from spacy.util import filter_spans
from spacy.vocab import Vocab

from kg.extract import ExtractionContext, register
from kg.extract.countries import acting_country
from kg.extract.event_types import (
    PARTY_REFERENCE,
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
from kg.metadata import in_dateline
from kg.model import Claim, Mention
from kg.nlp import TITLES_KEY
from kg.timex import Timex, find_timexes, is_future

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
    events += _forums(ctx, spans)
    events = _referred_parties(ctx, events)
    _referred_nominees(events)
    events = _coreference(ctx, _deferred(events))
    _part_of_visit(ctx, events)
    events = _attending(ctx, events)
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
            if ev.vote is not None and claim.fields["participants"]:
                yield from _vote_figures(ctx, claim, ev.vote)


def _vote_figures(
    ctx: ExtractionContext, claim: Claim, vote: tuple[int, int, int, int]
) -> Iterator[Claim]:
    """ "confirmed Y by a vote of 84 to 15": the votes for and against Y as two figures."""
    start, end, yes, no = vote
    person, body = claim.fields["participants"][0], claim.fields["initiator"]
    confidence = event_rules().confidence["event.confirmation.vote"]
    evidence = ctx.evidence(start, end, NAME, confidence, "event.confirmation.vote")
    committee = claim.fields["event_type"] == "committee_vote"
    what = "advancing the nomination of" if committee else "confirming"
    for side, count in (("for", yes), ("against", no)):
        fields = figure_fields(
            f"votes {side} {what} {person.label}",
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
    own = ["initiator", "date_text", "duration", "topics"]
    if not f.get("_place_inherited"):
        own.append("place")
    return any(f.get(k) for k in own)


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
    out |= _parenthetical_phrases(ev.trigger.root)
    if ev.trigger.root.pos_ in {"NOUN", "PROPN"}:
        gov = governor(ctx, ev.trigger.root)
        if gov is not None:
            out.add(gov.i)
            if gov.dep_ == "xcomp":  # "voted on Thursday to advance her nomination"
                out.add(gov.head.i)
    return out


def _parenthetical_phrases(root: Token) -> set[int]:
    """ "The investigation, announced by X on 13 September in P, will ...": the parse hangs the
    phrases after the participle on the main verb; set off with the participle between the
    subject and its verb (a comma closes them), they are the participle's."""
    noun = root.head
    if root.dep_ != "acl" or noun.dep_ not in {"nsubj", "nsubjpass"}:
        return set()
    verb = noun.head
    doc = root.doc
    return {
        p.i
        for p in (*verb.children, *noun.children)
        if p.dep_ == "prep"
        and root.i < p.i < verb.i
        and p.right_edge.i + 1 < len(doc)
        and doc[p.right_edge.i + 1].text == ","
        and all(t.dep_ in _BEFORE_VERB for t in doc[p.right_edge.i + 2 : verb.i])
    }


_BEFORE_VERB = frozenset({"aux", "auxpass", "neg", "punct", "advmod"})


_CONGRATULATED = frozenset({"path.congratulated", "path.congratulations_to"})


def _time(
    ctx: ExtractionContext, ev: Event, sent: Span, anchors: set[int], future: bool
) -> Timex | None:
    root = ev.trigger.root
    for t in ctx.timexes_in(sent):
        tok = ctx.doc[ctx.token_at(t.start)]
        if tok.i > 0 and ctx.doc[tok.i - 1].lower_ == "since":
            continue  # "the first talks since July": July starts a period, it dates no event
        if in_dateline(ctx.text, t.start, t.end):
            continue  # "WASHINGTON, Feb. 5 - X spoke on Friday with Y": the report's day
        if _tied(tok, anchors) and _own_time(ctx, root, tok, t, anchors):
            if future and t.rule in {"time.weekday", "time.month", "time.month_day"}:
                again = find_timexes(t.text, ctx.document.published, future=True)
                t = Timex(t.start, t.end, t.text, again[0].value if again else None, t.rule)
            return t
    return None


def _place(ctx: ExtractionContext, ev: Event, sent: Span, anchors: set[int]) -> Mention | None:
    doc = ctx.doc
    own = {t.i for t in ev.trigger}  # "at the G7 Biarritz Summit": the event, not its place
    root = ev.trigger.root
    for i in ctx.in_at_within(sent):
        tok = doc[i]
        # "met Y in Seoul", "talks in Geneva", "met with Y at the White House", "a truce
        # reached last month in Geneva"; not "spoke with Y about the situation in Gaza" (the
        # situation's place, not the event's)
        if not _own_place_phrase(tok, anchors) and not _in_noun_phrase(root, tok):
            continue
        if _tied(tok, anchors):
            objs = [c for c in tok.children if c.dep_ == "pobj" and c.i not in own]
            if objs:
                m = mention_of(ctx, objs[0]) or proper_place(ctx, objs[0])
                times = ctx.timexes
                if m is not None and any(t.start < m.end and m.start < t.end for t in times):
                    continue  # "in December" taken for a place by the NER
                if m is not None and is_place(ctx, m):
                    return m
    return _where(ctx, anchors)


def _reported_time(ctx: ExtractionContext, ev: Event, sent: Span, future: bool) -> Timex | None:
    """ "X today announced that A and B have agreed to ...": an event told in the present
    perfect under a reporting verb is of the day the report gives, when that is a day
    ("today", "on Tuesday"), not a month or a year (rule event.time.reported)."""
    root = ev.trigger.root
    if root.pos_ != "VERB" or root.dep_ != "ccomp" or root.tag_ != "VBN":
        return None
    if not any(c.dep_ == "aux" and c.lower_ in {"have", "has"} for c in root.children):
        return None
    if root.head.lower_ not in event_rules().reporting:
        return None
    t = _time(ctx, ev, sent, {root.head.i}, future)
    if t is None or t.rule not in {"time.relative_day", "time.weekday"}:
        return None
    ev.extra["_time_rule"] = "event.time.reported"
    return t


def _after_phrase(ctx: ExtractionContext, ev: Event) -> int | None:
    """The token after an event noun's phrase and the participants it names right after it
    (", X,"); None for a verb's event."""
    root, doc = ev.trigger.root, ctx.doc
    if root.pos_ not in {"NOUN", "PROPN"}:
        return None
    phrase_end, sent_end = root.right_edge.idx + len(root.right_edge), ctx.sentence(root.i).end_char
    end = root.right_edge.i + 1
    for m in ev.participants:  # the participants named after the phrase ("..., X,")
        if phrase_end <= m.start < sent_end:
            end = max(end, ctx.token_at(m.end - 1) + 1)
    if end < len(doc) and doc[end].text == ",":
        end += 1
    return end


# Time expressions that name a calendar day: a document or gathering is named by its day
# ("the Joint Statement of September 26"), never by a weekday or "last month".
_CALENDAR_DAYS = frozenset(
    {
        "time.iso_date",
        "time.day_month_year",
        "time.month_day_year",
        "time.month_day",
        "time.day_month",
        "time.month_relative_year",
    }
)


def _time_after(ctx: ExtractionContext, ev: Event) -> Timex | None:
    """ "acted in line with the A-B Joint Statement on May 12 of last year":
    a calendar day after "on" or "of" right after the event noun's phrase, which the parse hung
    on the verb, dates the noun's event (rule event.time.after). Only a day: "met under the
    agreement on Tuesday" dates the meeting."""
    end, doc = _after_phrase(ctx, ev), ctx.doc
    if end is None or end + 1 >= len(doc) or doc[end].lower_ not in {"on", "of", "dated"}:
        return None
    start = doc[end + 1].idx
    t = next((t for t in ctx.timexes if t.start == start), None)
    if t is None or t.rule not in _CALENDAR_DAYS:
        return None
    ev.extra["_time_rule"] = "event.time.after"
    return t


def _place_after(ctx: ExtractionContext, ev: Event) -> Mention | None:
    """ "a meeting with the President of P, X, at the White House": a place after "at" right
    after the noun's phrase and the participants it names, which the parse hung on another
    word (rule event.place.after)."""
    end, doc = _after_phrase(ctx, ev), ctx.doc
    if end is None or end + 1 >= len(doc) or doc[end].lower_ != "at":
        return None
    place = _object_place(ctx, doc[end])
    if place is not None:
        ev.extra["_place_rule"] = "event.place.after"
    return place


def _object_place(ctx: ExtractionContext, prep: Token) -> Mention | None:
    """The place a preposition takes as its object ("at the White House"), if it is one."""
    objs = [c for c in prep.children if c.dep_ == "pobj"]
    m = mention_of(ctx, objs[0]) if objs else None
    return m if m is not None and is_place(ctx, m) else None


def _own_time(
    ctx: ExtractionContext, root: Token, tok: Token, t: Timex, anchors: set[int]
) -> bool:
    """Whether a time expression is the event's and not that of a noun listed with it
    ("Yellen's visit to Beijing in July and the subsequent launch of the Working Groups":
    July is the visit's, not the launch's)."""
    span = ctx.doc.char_span(t.start, t.end, alignment_mode="expand")
    head = span.root if span is not None else tok
    while head.dep_ in {"compound", "nummod", "amod", "det"} and head.head is not head:
        head = head.head
    # "in July": what the preposition hangs on; "last week": what the phrase hangs on
    head = head.head.head if head.dep_ == "pobj" else head.head
    return head.i not in _listed_with(root) or head.i in anchors


def _in_noun_phrase(root: Token, tok: Token) -> bool:
    """Whether ``tok`` is inside the phrase of an event noun ("the first meeting between A and
    B representatives in October")."""
    return root.pos_ in {"NOUN", "PROPN"} and root.left_edge.i <= tok.i <= root.right_edge.i


def _own_place_phrase(prep: Token, anchors: set[int]) -> bool:
    """Whether "in"/"at" hangs on the event: on an anchor, on a verb hanging on one ("a truce
    reached in Geneva"), or on a name that is the event's object ("met with Liu He at ...")."""
    head = prep.head
    for _ in range(3):
        if head.i in anchors:
            return True
        if head.pos_ == "VERB" and head.dep_ in {"acl", "relcl"}:
            head = head.head
        elif head.pos_ in {"PROPN", "PRON"} and head.dep_ in {"pobj", "dobj", "appos", "conj"}:
            head = head.head.head if head.dep_ == "pobj" else head.head
        else:
            return False
    return head.i in anchors


def is_place(ctx: ExtractionContext, m: Mention, countries: bool = True) -> bool:
    """Whether a mention can be an event's place: a place, a country, or an organisation whose
    name is also its building (lexicon `venue`: "at the White House")."""
    if m.type == "Place" or (countries and m.type == "Country") or _metonym(ctx, m) is not None:
        return True
    entry = ctx.lexicon.entries.get(m.key) if m.key else None
    return entry is not None and entry.venue


def _metonym(ctx: ExtractionContext, m: Mention) -> str | None:
    """The words of a mention written as a capital or seat that stands for its entry
    ("Beijing", "Brussels"), else None."""
    text = m.text[4:] if m.text.startswith("the ") else m.text
    return text if m.key is not None and ctx.lexicon.metonyms.get(text) == m.key else None


def _as_city(ctx: ExtractionContext, m: Mention | None) -> Mention | None:
    """An event's place written as a capital that stands for a government ("a visit to
    Beijing", "talks in Brussels", "a visit to Washington, D.C."): the city, as a Place
    labelled as written, not the government it stands for elsewhere."""
    city = _metonym(ctx, m) if m is not None and m.type != "Place" else None
    if m is None or city is None:
        return m
    return Mention(city, city, "Place", m.start, m.end, None, None, "metonym-as-place")


def _named_place(ctx: ExtractionContext, ev: Event) -> Mention | None:
    """The place a noun's own modifiers name ("the G20 Osaka Summit", "a White House press
    conference"); a country there names a party ("Japan-U.S. talks"), not the place."""
    root = ev.trigger.root
    if root.pos_ not in {"NOUN", "PROPN"}:
        return None
    # else "the G20 Osaka Summit", "the NATO Vilnius summit": a name the NER left out, between
    # the body that convenes the event and the event's noun
    run: list[Token] = []
    convener = False
    not_places = event_rules().words("$gathering_modifiers") or frozenset()
    for tok in ctx.doc[root.left_edge.i : ev.trigger.start]:
        m = mention_of(ctx, tok)
        if m is not None and is_place(ctx, m, countries=False):
            return m
        if m is not None:
            convener = m.type == "InternationalOrganization"
            run = []
        elif convener and tok.pos_ == "PROPN" and tok.dep_ == "compound" and tok.is_title:
            run.append(tok)
        else:
            convener, run = False, []
    if any(t.lower_ in not_places or t.tag_ == "NNPS" for t in run):
        return None  # "the G20 Trade Ministers Meeting": who meets, not where
    if run and run[-1].i == ev.trigger.start - 1:
        span = ctx.doc[run[0].i : run[-1].i + 1]
        return Mention(span.text, span.text, "Place", span.start_char, span.end_char, None, None,
                       "convener-place")
    return None


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
    if not durations or _listed_with(ev.trigger.root):
        return None  # "held a meeting, a ceremony and a lunch for 90 minutes": the programme's
    text = ctx.document.text[sent.start_char : sent.end_char]
    # "a day of talks", "two days of bilateral meetings": the event's own length; "X will host
    # Y for two days of meetings": the length of the meetings the host's event is
    measured = [ev.trigger.start_char, *_purpose_nouns(ev.trigger.root)]
    for d in durations:
        if any(
            d.end < at - sent.start_char
            and _OF_EVENT.fullmatch(text, d.end, at - sent.start_char)
            for at in measured
        ):
            return d.iso
        head = ctx.doc[ctx.token_at(sent.start_char + d.end - 1)]
        if not d.iso.startswith("PT") and ev.type in {"phone_call", "meeting"}:
            continue
        cue = d.hyphenated or event_rules().duration_cue.search(text[: d.start])
        if cue and _tied(head, anchors):
            return d.iso
    return None


def _purpose_nouns(root: Token) -> list[int]:
    """Where the event nouns of a verb's "for N days of ..." phrase start ("host Y for two days
    of talks"): nouns that name a meeting-like event (the gathering_nouns of the rules)."""
    nouns = event_rules().words("$gathering_nouns") or frozenset()
    if root.pos_ not in {"VERB", "AUX"}:
        return []
    return [
        noun.idx
        for prep in root.children
        if prep.dep_ == "prep" and prep.lower_ == "for"
        for measure in prep.children
        if measure.dep_ == "pobj"
        for of in measure.children
        if of.dep_ == "prep" and of.lower_ == "of"
        for noun in of.children
        if noun.dep_ == "pobj" and noun.lower_ in nouns
    ]


# "of" and up to three modifiers between a duration and the event noun it measures
_OF_EVENT = re.compile(r"\s+of\s+(?:[\w’'-]+\s+){0,3}")


def _listed_with(root: Token) -> set[int]:
    """The nouns an event noun is listed with ("held a meeting, a signing ceremony and a
    working lunch"; "X's visit in July and the subsequent launch")."""
    if root.pos_ not in {"NOUN", "PROPN"}:
        return set()
    out = {c.i for c in root.children if c.dep_ == "conj" and c.pos_ in {"NOUN", "PROPN"}}
    if root.dep_ == "conj":
        out.add(root.head.i)
    return out


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


# a year written, or a word that puts the date before the publication ("last June", "yesterday")
_EXPLICIT_DATES = frozenset(
    {"time.iso_date", "time.day_month_year", "time.month_day_year", "time.month_year", "time.year"}
)


def _status(ctx: ExtractionContext, ev: Event, anchors: set[int]) -> str | None:
    """held, ongoing, planned, postponed or cancelled, from the verbs of the event (its own, or
    the one its noun is an argument of, nearest first), their tense and auxiliaries and the cue
    words around it; None when nothing says ("the G20 Osaka Summit")."""
    doc = ctx.doc
    root = ev.trigger.root
    near = sorted(anchors, key=lambda i: (abs(i - root.i), i))
    verbs = [doc[i] for i in near if doc[i].pos_ in {"VERB", "AUX"}]
    return _cued_status(ctx, ev, verbs) or _tense_status(ctx, ev, verbs)


def _cued_status(ctx: ExtractionContext, ev: Event, verbs: list[Token]) -> str | None:
    """A status words say: "called off", "postponed", "scheduled", "upcoming", "underway"."""
    rules = event_rules()
    for v in verbs:
        phrase = " ".join([v.lower_, *(c.lower_ for c in v.children if c.dep_ == "prt")])
        if phrase in rules.cancelling or v.lower_ in rules.cancelling:
            return "cancelled"
        if phrase in rules.postponing or v.lower_ in rules.postponing:
            return "postponed"
    root = ev.trigger.root
    modifiers = (  # "the upcoming summit"; a verb's left words are a clause ("Next, X met Y")
        [t.lower_ for t in ctx.doc[root.left_edge.i : ev.trigger.start]]
        if root.pos_ in {"NOUN", "PROPN"}
        else []
    )
    around = [c.lower_ for v in verbs for c in v.children if c.dep_ in _CUE_DEPS]
    if any(w in rules.planned_cues for w in [*modifiers, *around, *(v.lower_ for v in verbs)]):
        return "planned"
    if any(w in rules.ongoing_cues for w in [*modifiers, *around]):
        return "ongoing"
    return None


def _tense_status(ctx: ExtractionContext, ev: Event, verbs: list[Token]) -> str | None:
    """The status the tense of the event's verb gives: "will meet", "agreed to meet", "were
    to give" (planned); "met", "has met", "was visiting" (held); "is visiting" (ongoing). For
    an event noun, only a verb whose tense is the event's counts ("held a call", not
    "supporting X's nominees")."""
    rules = event_rules()
    doc = ctx.doc
    noun = ev.trigger.root.pos_ in {"NOUN", "PROPN"}
    own = {t.i for t in ev.trigger}
    for v in verbs:
        nxt = f"{v.lower_} {v.nbor().lower_}" if v.i + 1 < len(doc) else v.lower_
        if noun and v.i not in own and not {v.lower_, nxt} & rules.telling:
            continue
        aux = {c.lower_ for c in v.children if c.dep_ in {"aux", "auxpass"}}
        if v.dep_ == "conj" and not aux:  # "will travel to Beijing and host Xi"
            aux = {c.lower_ for c in v.head.children if c.dep_ in {"aux", "auxpass"}}
        if is_future(aux):
            return "planned"
        if "to" in aux or v.dep_ == "xcomp":
            return _infinitive_status(v, rules.planning, rules.telling)
        if v.tag_ == "VBD" or (v.tag_ == "VBN" and aux & _PAST_AUX):
            return "held"
        if v.tag_ == "VBG" and aux & _PRESENT_AUX:
            return "ongoing"
        if v.tag_ == "VBG" and aux & {"was", "were"}:
            return "held"  # "who was visiting France"
    return None


def _infinitive_status(
    v: Token, planning: frozenset[str], telling: frozenset[str]
) -> str | None:
    """ "agreed to meet", "were to give a news conference": planned; "the committee voted
    12-10 to advance her nomination": held; "refused to meet": nothing."""
    head = v.head if v.dep_ == "xcomp" else None
    if head is None:
        return None
    if head.lower_ in planning or head.lower_ in _BE:
        return "planned"
    if head.lower_ in telling and head.tag_ == "VBD":
        return "held"
    return None


def _dated_status(ctx: ExtractionContext, timex: Timex) -> str | None:
    """held when the event's date, written with its year or as past ("last June"), is before
    the publication; planned when it is after."""
    published = ctx.document.published
    if not timex.value or not published:
        return None
    explicit = timex.rule in _EXPLICIT_DATES or any(
        w in event_rules().past_cues for w in timex.text.lower().split()
    )
    if explicit and timex.value < published[: len(timex.value)]:
        return "held"
    if timex.rule in _EXPLICIT_DATES and timex.value > published[: len(timex.value)]:
        return "planned"
    return None


_BE = frozenset({"is", "are", "was", "were", "be"})
_CUE_DEPS = frozenset({"acomp", "advmod", "amod", "attr", "xcomp", "oprd"})
_PAST_AUX = frozenset({"has", "have", "had", "was", "were", "'s", "'ve"})
_PRESENT_AUX = frozenset({"is", "are", "'s", "'re", "am"})


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


def _forums(ctx: ExtractionContext, triggers: list[Span]) -> list[Event]:
    """ "at the G7", "on the sidelines of APEC": a body whose name stands for its gatherings
    (lexicon `forum`), after "at" or "sidelines|margins of", is a summit of it (rule
    event.summit.forum), kept only with a time or place; "at the G7 summit" is the noun's."""
    doc = ctx.doc
    taken = {t.i for span in triggers for t in span}
    settings = event_rules().words("$forum_settings") or frozenset()
    out: list[Event] = []
    for m in ctx.mentions:
        entry = ctx.lexicon.entries.get(m.key) if m.key else None
        if entry is None or not entry.forum:
            continue
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None or span.root.dep_ != "pobj" or span.root.i in taken:
            continue
        prep = span.root.head
        if prep.lower_ == "of" and prep.head.lower_ in settings:
            span = doc[prep.head.i : span.end]  # "the sidelines of the G20": where it is told
        elif prep.lower_ != "at" or prep.head.pos_ not in {"VERB", "AUX"}:
            continue  # "officials at NATO said": where they work, no gathering
        ev = Event("summit", "event.summit.forum", span, [m], anchor=span.root.i)
        ev.needs_context = True
        out.append(ev)
    return out


def _attending(ctx: ExtractionContext, events: list[Event]) -> list[Event]:
    """ "X, who was visiting France to attend the G7 Summit in Biarritz, held a meeting with Y":
    X takes part in the summit (no visit of its own), and the meeting, placed nowhere else, is
    where the summit is (rule event.place.summit)."""
    summits = {e.trigger.root.i: e for e in events if e.type == "summit"}
    if not summits:
        return events
    attend = event_rules().attending
    out = []
    attended: list[Event] = []
    for e in events:
        if e.type in {"visit", "state_visit"}:
            goal = [
                c for c in ctx.doc[e.anchor].children
                if c.dep_ in {"advcl", "xcomp"} and c.lower_ in attend
            ]
            held = [summits[o.i] for c in goal for o in c.children if o.i in summits]
            if held:
                held[0].participants = unique([*held[0].participants, *e.participants])
                attended.append(held[0])
                continue
        out.append(e)
    for s in summits.values():
        if s.place is None:
            sent = ctx.sentence(s.trigger.start)
            s.place = _named_place(ctx, s) or _place(ctx, s, sent, _anchors(ctx, s))
        if s.place is None:
            s.place = _purpose_place(ctx, s)
            if s.place is not None:
                s.extra["_place_rule"] = "event.place.purpose"
    _attended_later(attended, list(summits.values()))
    for e in out:
        if e.type in {"meeting", "talks", "working_meal"} and e.place is None:
            sent = ctx.sentence(e.trigger.start)
            placed = [
                s for s in summits.values()
                if s.place is not None and sent.start <= s.trigger.start < sent.end
            ]
            if placed:
                e.place = placed[0].place
                e.extra["_place_rule"] = "event.place.summit"
    return out


def _attended_later(attended: list[Event], summits: list[Event]) -> None:
    """ "... the G7 Biarritz Summit" after the attended "G7 Summit in Biarritz": that summit."""
    for s in attended:
        for later in summits:
            if later.trigger.start > s.trigger.start and _names_summit(later, s):
                later.participants = list(s.participants)
                later.rule, later.refers_back = "event.summit.coreference", True


def _names_summit(later: Event, summit: Event) -> bool:
    """Whether a later summit mention names only the body (or parties) of ``summit`` and no
    other place: "the G7 Biarritz Summit" after "X attended the G7 Summit in Biarritz"."""
    labels = {m.label for m in summit.participants}
    if not later.participants or not {m.label for m in later.participants} <= labels:
        return False
    return later.place is None or (
        summit.place is not None and later.place.label == summit.place.label
    )


def _purpose_place(ctx: ExtractionContext, ev: Event) -> Mention | None:
    """ "X met Y in New Delhi, India for the G20 Summit", "X arrived in Rome for the summit":
    the place where someone is, or meets, for the event is the event's place."""
    root = ev.trigger.root
    if root.dep_ != "pobj" or root.head.lower_ != "for":
        return None
    head = root.head.head
    while head.dep_ == "appos" and head.head is not head:
        head = head.head
    if head.dep_ == "pobj" and head.head.lower_ in {"in", "at"}:
        return _object_place(ctx, head.head)  # the place the "for" phrase hangs on
    if head.pos_ != "VERB":
        return None
    for prep in head.children:
        if prep.dep_ == "prep" and prep.lower_ in {"in", "at"}:
            place = _object_place(ctx, prep)
            if place is not None:
                return place
    return None


def _referred_parties(ctx: ExtractionContext, events: list[Event]) -> list[Event]:
    """ "The two leaders agreed to ...", "both sides reached consensus", "they announced X":
    the people of the last event before it with two or more people (a meeting, call, talks),
    or the countries they act for; an event whose only parties are such a phrase with no
    event before it to refer to is dropped (rule event.party_reference)."""
    rules = event_rules()

    def named_people(e: Event) -> int:
        return sum(m.type == "Person" and m.resolved_by != PARTY_REFERENCE for m in e.participants)

    named = sorted(
        (e for e in events if e.type in rules.reference_types and named_people(e) >= 2),
        key=lambda e: e.trigger.start,
    )
    out = []
    for e in events:
        refs = [m for m in e.participants if m.resolved_by == PARTY_REFERENCE]
        if not refs:
            out.append(e)
            continue
        before = [b for b in named if b.trigger.start < e.trigger.start]
        parties: list[Mention] = []
        if before:
            people = [m for m in before[-1].participants if m.type == "Person"]
            for ref in refs:
                if ref.type == "Person":
                    parties += people
                elif e.type in rules.side_reference_events:
                    parties += _sides(ctx, before)
        e.participants = unique([*(m for m in e.participants if m not in refs), *parties])
        e.spans += [(m.start, m.end) for m in refs]  # the quote shows what was referred to
        if e.initiator is not None and e.initiator.resolved_by == PARTY_REFERENCE:
            e.initiator = None
        if parties:
            e.extra["_participants_rule"] = "event.party_reference"
        if e.participants:
            out.append(e)
    return out


def _sides(ctx: ExtractionContext, before: list[Event]) -> list[Mention]:
    """ "Both sides reached consensus": the countries the people of the last event before act
    for, from the last one whose people act for two countries or more (a visit of a leader and
    his spouse has one side)."""
    for b in reversed(before):
        acting = (acting_country(ctx, m)[0] for m in b.participants if m.type == "Person")
        countries = unique([c for c in acting if c is not None and c.type == "Country"])
        if len({c.label for c in countries}) >= 2:
            return countries
    return []


def _referred_nominees(events: list[Event]) -> None:
    """ "The committee advanced both nominations", "the two nominations", "these nominations":
    a committee vote that names no nominee takes the nominees of the last nomination statement
    before it (the appointments one trigger gave: "nominees for A, X, and B, Y"), two or more,
    and exactly as many as the phrase counts ("both": two) (rule
    event.committee_vote.reference)."""
    rules = event_rules()
    for e in events:
        root = e.trigger.root
        if e.type != "committee_vote" or e.participants or root.tag_ != "NNS":
            continue
        words = {c.lower_ for c in root.children if c.dep_ in {"det", "nummod", "predet"}}
        if not words & rules.nomination_references:
            continue
        before = [
            a
            for a in events
            if a.type == "appointment" and a.participants and a.trigger.start < e.trigger.start
        ]
        if not before:
            continue
        last = before[-1].trigger.start
        nominees = unique(m for a in before if a.trigger.start == last for m in a.participants)
        if len(nominees) < 2 or (words & rules.reference_quantifiers and len(nominees) != 2):
            continue
        e.participants = nominees
        e.extra["_participants_rule"] = "event.committee_vote.reference"


_PARTS_OF_VISITS = frozenset({"meeting", "talks", "working_meal", "news_conference", "signing"})


def _part_of_visit(ctx: ExtractionContext, events: list[Event]) -> None:
    """ "X concluded a visit to P, including a meeting with Y", "a trip that included talks
    with Y": the visitor takes part in the event the visit includes (including_verbs)."""
    visits = {e.trigger.root.i: e for e in events if e.type in {"visit", "state_visit"}}
    if not visits:
        return
    including = event_rules().including
    for e in events:
        if e.type not in _PARTS_OF_VISITS or e.trigger.root.pos_ not in {"NOUN", "PROPN"}:
            continue
        root = e.trigger.root
        while root.dep_ == "conj" and root.head is not root:  # "talks with X and a meeting with Y"
            root = root.head
        verb = root.head if root.dep_ in {"pobj", "dobj"} else None
        if verb is None or verb.lower_ not in including:
            continue
        visit = visits.get(verb.head.i) if verb.dep_ in {"prep", "relcl", "acl"} else None
        if visit is not None and visit.participants:
            e.participants = unique([*visit.participants, *e.participants])
            e.extra["_participants_rule"] = "event.part_of_visit"


def _deferred(events: list[Event]) -> list[Event]:
    """Events of a type that `defer_to` another dropped where one of that type starts at the
    same word ("X spoke with Y by phone" is a phone call, not a conversation as well) or is
    the object of their word ("X announced an agreement with Y": the agreement)."""
    types = event_rules().types
    taken = {(e.type, e.anchor) for e in events} | {(e.type, e.governed_by) for e in events}
    return [
        e
        for e in events
        if not any((t, e.anchor) in taken for t in types[e.type].decl.defer_to)
    ]


def _coreference(ctx: ExtractionContext, events: list[Event]) -> list[Event]:
    """Later mentions joined to the document's event, by each type's declared `coreference`."""
    resolvers: dict[str, Callable[[list[Event]], list[Event]]] = {
        "first_explicit": _resolve_calls,
        "delegation": _resolve_talks,
        "same_parties": lambda group: _resolve_same_parties(ctx, group),
    }
    types = event_rules().types
    out: list[Event] = []
    for name in dict.fromkeys(e.type for e in events):
        group = [e for e in events if e.type == name]
        how = types[name].decl.coreference
        out += resolvers[how](group) if how is not None else group
    return out


def _resolve_same_parties(ctx: ExtractionContext, events: list[Event]) -> list[Event]:
    """A later mention that names no party ("the meeting"), names only parties of the first
    explicit event before it, or only the countries they act for ("the Japan-U.S. summit
    meeting"), is that event; one naming a party of its own stays an event of its own."""
    main = next((e for e in events if e.explicit), None)
    out = []
    for e in events:
        if e.explicit:
            out.append(e)
            continue
        before = main is not None and main.trigger.start < e.trigger.start
        if main is not None and before and _same_parties(ctx, e, main):
            e.participants = list(main.participants)
            e.antecedent = main
            out.append(e)
        elif e.participants:
            e.rule, e.refers_back = e.own_rule, False
            out.append(e)
    return out


def _same_parties(ctx: ExtractionContext, e: Event, main: Event) -> bool:
    labels = {m.label for m in main.participants}
    own = {m.label for m in e.participants}
    if own <= labels:
        return True
    if not all(m.type == "Country" for m in e.participants):
        return False
    countries = {acting_country(ctx, m)[0].label for m in main.participants}
    root = main.trigger.root  # "held a Japan-U.S. summit meeting with Y", then "the Japan-U.S. ..."
    named = (mention_of(ctx, t) for t in ctx.doc[root.left_edge.i : main.trigger.start])
    countries |= {m.label for m in named if m is not None and m.type == "Country"}
    return own <= countries


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
            e.antecedent = main
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


def _own_parties(ev: Event) -> bool:
    """Drop the participants that are no party: a name ending in the event's noun, the event's
    own name ("a Digital Trade Agreement", "the UK's AI Summit"), and the place a summit's name
    gives ("the NATO Vilnius Summit": Vilnius is where, not who). False when that leaves an
    event whose named parties were none of them a party, with no initiator."""
    named = (ev.trigger.start_char, ev.trigger.end_char)
    parties = [m for m in ev.participants if not (m.start < named[0] and m.end == named[1])]
    if ev.participants and not parties and ev.initiator is None:
        return False
    if ev.place is not None:
        where = (ev.place.start, ev.place.end, ev.place.text)
        parties = [m for m in parties if m.type == "Person" or (m.start, m.end, m.text) != where]
    ev.participants = parties
    return True


def _claim(ctx: ExtractionContext, ev: Event) -> Claim | None:
    sent = ctx.sentence(ev.trigger.start)
    attach = event_rules().types[ev.type].attach
    anchors = _anchors(ctx, ev)
    status = _status(ctx, ev, anchors)
    # a weekday or month of a plan is the next one; of what was done, the last one
    future = ev.future_always or (status == "planned" if status else ev.future)
    # "congratulated Y on his inauguration in a call on Monday": the sentence's time and place
    # are the congratulation's, not the event's
    congratulated = bool(_CONGRATULATED & set(ev.extra.get("_paths", ())))
    timed = "time" in attach and not congratulated
    timex = _time(ctx, ev, sent, anchors, future) if timed else None
    if timed and timex is None:
        timex = _reported_time(ctx, ev, sent, future) or _time_after(ctx, ev)
    if status is None and timex is not None:
        status = _dated_status(ctx, timex)
    if ev.place is not None and not is_place(ctx, ev.place):
        ev.place = None  # "welcomed X to the Treasury": a body that is no building
    if ev.place is None and "place" in attach and not congratulated:
        ev.place = _named_place(ctx, ev) or _place(ctx, ev, sent, anchors) or _place_after(ctx, ev)
    ev.place = _as_city(ctx, ev.place)
    inherited = ev.place is None and ev.antecedent is not None and ev.antecedent.place is not None
    if inherited and ev.antecedent is not None:  # "These meetings come at a time ...": theirs
        ev.place = ev.antecedent.place
    if not _own_parties(ev):
        return None
    if ev.needs_context and ev.place is None and timex is None:
        return None
    initiator, initiator_rule = ev.initiator, None
    if initiator is None and "initiator" in attach:
        initiator = _initiator(ctx, ev, sent, anchors)
        initiator_rule = "event.initiator" if initiator is not None else None
    duration = _duration(ctx, ev, sent, anchors) if "duration" in attach else None
    topics = _topics(ctx, ev, sent, anchors) if "topics" in attach else []
    spans = [(ev.trigger.start_char, ev.trigger.end_char), *ev.spans]
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
        "status": status,
        "_trigger": ev.trigger.text,
        "_date_rule": timex.rule if timex else None,
        "_week": timex.week if timex else None,
        "_epoch": ctx.epoch,
        **({"_initiator_rule": initiator_rule} if initiator_rule else {}),
        **({"_place_inherited": True} if inherited else {}),
        **ev.extra,
    }
    confidence = event_rules().confidence[ev.rule]
    return Claim("event", fields, ctx.evidence(start, end, NAME, confidence, ev.rule))
