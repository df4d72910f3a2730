"""Tree patterns as data: named walks over the dependency parse, declared in
ontology/rules/patterns.yaml and run by one engine.

A pattern (a *path*) starts at a token and applies its steps in order, each step turning a list
of tokens into another (climb to a governing verb, take children by dependency, expand to a
subtree, scan for "with" and take its object...); its ``select`` then reads the entity mentions
among the tokens it ends on. "The subject of a verb", "the agent of a passive", "the object of
*with*", "the verb a noun is an argument of" are each one declaration with a rule id, used by the
event and tariff extractors. The step vocabulary is documented in the file's header and in
docs/extraction.md; ``$name`` names a word list of the file's ``words``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Span, Token

from kg.errors import RuleError
from kg.extract.context import ExtractionContext
from kg.extract.speakers import mention_of
from kg.model import ACTOR_TYPES, ENTITY_TYPES, PARTICIPANT_TYPES, Mention
from kg.nlp import TITLES_KEY
from kg.rules import PathDecl, PatternRules, TokenTest, rules_file

# Named sets of entity types a selection may use besides the types themselves.
TYPE_SETS: dict[str, frozenset[str]] = {
    "actor": ACTOR_TYPES,
    "participant": PARTICIPANT_TYPES,
    "place": frozenset({"Place", "Country"}),
    "any": frozenset(ENTITY_TYPES),
}
_RESOLVE = ("mention", "place", "place_always")
_STEPS = (
    "follow",
    "after",
    "before",
    "next",
    "with_children",
    "climb",
    "head",
    "children",
    "subtree",
    "left",
    "scan",
    "between",
    "sentence",
    "where",
)


@dataclass(frozen=True)
class Path:
    """A compiled path: its id, its steps as functions, its selection."""

    id: str
    steps: tuple[Callable[[ExtractionContext, list[Token], Span | None], list[Token]], ...]
    types: frozenset[str]
    people_first: bool
    resolve: str


class Words:
    """Resolves ``$name`` word lists against the tables a rule file gives."""

    def __init__(self, tables: Mapping[str, Iterable[str]], where: str) -> None:
        self.tables = {k: frozenset(w.lower() for w in v) for k, v in tables.items()}
        self.where = where

    def __call__(self, value: list[str] | str | None) -> frozenset[str] | None:
        if value is None:
            return None
        if isinstance(value, str):
            if not value.startswith("$") or value[1:] not in self.tables:
                raise RuleError(
                    f"{self.where}: {value!r} names no word list; lists: "
                    + ", ".join(f"${k}" for k in sorted(self.tables))
                )
            return self.tables[value[1:]]
        if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
            raise RuleError(
                f"{self.where}: {value!r} is not a list of words (YAML reads unquoted on, off,"
                " yes, no as true or false: quote them)"
            )
        return frozenset(w.lower() for w in value)


def compile_test(test: TokenTest | None, words: Words) -> Callable[[Token], bool]:
    """A token test as a function (the always-true test for None). Only the keys the test
    gives are checked: the tests run on every trigger, so nothing else is computed."""
    if test is None:
        return _always
    checks = [c for c in _checks(test, words) if c is not None]
    if len(checks) == 1:
        return checks[0]
    return lambda tok: all(check(tok) for check in checks)


def _always(tok: Token) -> bool:
    return True


def _checks(test: TokenTest, words: Words) -> list[Callable[[Token], bool] | None]:
    lower, not_lower = words(test.lower), words(test.not_lower)
    child_lower, no_aux, head_lower = (
        words(test.child_lower),
        words(test.no_aux),
        words(test.head_lower),
    )
    return [
        _attr_in("lower_", lower, True),
        _attr_in("lower_", not_lower, False),
        _attr_in("pos_", test.pos, True),
        _attr_in("pos_", test.not_pos, False),
        _attr_in("tag_", test.tag, True),
        _attr_in("tag_", test.not_tag, False),
        _attr_in("dep_", test.dep, True),
        _attr_in("dep_", test.not_dep, False),
        _not_object_of(words(test.not_object_of)),
        _children_with("dep_", test.has_child, True),
        _children_with("dep_", test.no_child, False),
        _children_with("lower_", child_lower, True),
        _children_with("lower_", words(test.no_child_lower), False),
        None if no_aux is None else lambda tok: not _aux_words(tok) & no_aux,
        None if head_lower is None else lambda tok: tok.head.lower_ in head_lower,
    ]


def _not_object_of(preps: Iterable[str] | None) -> Callable[[Token], bool] | None:
    if preps is None:
        return None
    table = frozenset(preps)

    def check(tok: Token) -> bool:
        while tok.dep_ == "conj" and tok.head is not tok:
            tok = tok.head
        return not (tok.dep_ == "pobj" and tok.head.lower_ in table)

    return check


def _attr_in(
    attr: str, values: Iterable[str] | None, wanted: bool
) -> Callable[[Token], bool] | None:
    if values is None:
        return None
    table = frozenset(values)
    return lambda tok: (getattr(tok, attr) in table) is wanted


def _children_with(
    attr: str, values: Iterable[str] | None, wanted: bool
) -> Callable[[Token], bool] | None:
    if values is None:
        return None
    table = frozenset(values)
    return lambda tok: any(getattr(c, attr) in table for c in tok.children) is wanted


def _aux_words(tok: Token) -> set[str]:
    return {c.lower_ for c in tok.children if c.dep_ in {"aux", "auxpass"}}


# --- steps -------------------------------------------------------------------------------------

Step = Callable[[ExtractionContext, list[Token], "Span | None"], list[Token]]


def _climb(arg: dict[str, Any], words: Words, where: str) -> Step:
    """Climb to the head while the token's dependency is in ``through``, at most ``max`` times,
    until a token passes ``until`` (the start token too, when ``include_start``). ``via`` maps
    a dependency to a test its head must pass for the climb to go through it."""
    through = words(arg["through"]) or frozenset()
    limit = int(arg.get("max", 3))
    until = compile_test(_test(arg.get("until"), f"{where}.until"), words)
    include_start = bool(arg.get("include_start", False))
    via = {
        dep: compile_test(_test(test, f"{where}.via.{dep}"), words)
        for dep, test in (arg.get("via") or {}).items()
    }

    def up(cur: Token) -> Token | None:
        if cur.dep_ not in through or cur.head is cur:
            return None
        test = via.get(cur.dep_)
        return cur.head if test is None or test(cur.head) else None

    def step(ctx: ExtractionContext, toks: list[Token], trigger: Span | None) -> list[Token]:
        out = []
        for tok in toks:
            cur: Token | None = tok
            for k in range(limit):
                assert cur is not None
                if (k or include_start) and until(cur):
                    break
                cur = up(cur)
                if cur is None:
                    break
            if cur is not None and until(cur):
                out.append(cur)
        return out

    return step


def _before(arg: dict[str, Any], words: Words, where: str) -> Step:
    """The token before each one, past tokens whose part of speech is in ``skip_pos`` or whose
    dependency is in ``skip_dep`` ("China has now raised": China)."""
    skip = frozenset(arg.get("skip_pos", []))
    skip_dep = frozenset(arg.get("skip_dep", []))

    def step(ctx: ExtractionContext, toks: list[Token], trigger: Span | None) -> list[Token]:
        out = []
        for tok in toks:
            k = tok.i - 1
            while k >= 0 and (ctx.doc[k].pos_ in skip or ctx.doc[k].dep_ in skip_dep):
                k -= 1
            if k >= 0:
                out.append(ctx.doc[k])
        return out

    return step


def _next(arg: dict[str, Any], words: Words, where: str) -> Step:
    """The word after ``words`` right after each token, past one of ``skip`` ("imposed by the
    United States": United)."""
    wanted = words(arg["words"]) or frozenset()
    skip = words(arg.get("skip", [])) or frozenset()

    def step(ctx: ExtractionContext, toks: list[Token], trigger: Span | None) -> list[Token]:
        doc, out = ctx.doc, []
        for tok in toks:
            j = tok.i + 1
            if j + 1 < len(doc) and doc[j].lower_ in wanted:
                j += 1 + (doc[j + 1].lower_ in skip)
                if j < len(doc):
                    out.append(doc[j])
        return out

    return step


def _with_children(arg: dict[str, Any], words: Words, where: str) -> Step:
    """Each token followed by its children of the dependencies ``dep`` (a subject and its
    apposition: a dateline parsed as the subject has the person in apposition)."""
    deps = words(arg["dep"]) or frozenset()

    def step(ctx: ExtractionContext, toks: list[Token], trigger: Span | None) -> list[Token]:
        return [x for t in toks for x in [t, *(c for c in t.children if c.dep_ in deps)]]

    return step


def _head(arg: dict[str, Any], words: Words, where: str) -> Step:
    """The head of each token (whose own dependency passes ``if``), if the head passes ``is``."""
    own = compile_test(_test(arg.get("if"), f"{where}.if"), words)
    head = compile_test(_test(arg.get("is"), f"{where}.is"), words)

    def step(ctx: ExtractionContext, toks: list[Token], trigger: Span | None) -> list[Token]:
        return [t.head for t in toks if t.head is not t and own(t) and head(t.head)]

    return step


def _children(arg: dict[str, Any], words: Words, where: str) -> Step:
    """Children with one of the dependencies ``dep`` (only the first with ``first``, only the
    last with ``last``)."""
    deps = words(arg["dep"]) or frozenset()
    first = bool(arg.get("first", False))
    last = bool(arg.get("last", False))

    def step(ctx: ExtractionContext, toks: list[Token], trigger: Span | None) -> list[Token]:
        out = []
        for t in toks:
            found = [c for c in t.children if c.dep_ in deps]
            out += found[:1] if first else found[-1:] if last else found
        return out

    return step


def _subtree(arg: Any, words: Words, where: str) -> Step:
    """Each token's whole subtree, in text order."""

    def step(ctx: ExtractionContext, toks: list[Token], trigger: Span | None) -> list[Token]:
        return [s for t in toks for s in t.subtree]

    return step


def _left(arg: Any, words: Words, where: str) -> Step:
    """The words of the noun phrase left of the trigger ("US-China talks": US, China)."""

    def step(ctx: ExtractionContext, toks: list[Token], trigger: Span | None) -> list[Token]:
        if trigger is None:
            return []
        return list(ctx.doc[trigger.root.left_edge.i : trigger.start])

    return step


def _scan(arg: dict[str, Any], words: Words, where: str) -> Step:
    """The object of the first of ``words`` within ``within`` tokens after the token, in its
    clause (a verb, a subordinating conjunction, ";" or "." ends the search): the preposition's
    object phrase, else (a particle: "swore in Y") the tokens after it up to the next
    preposition, punctuation or verb, at most nine."""
    wanted = words(arg["words"]) or frozenset()
    within = int(arg.get("within", 8))

    def step(ctx: ExtractionContext, toks: list[Token], trigger: Span | None) -> list[Token]:
        doc = ctx.doc
        for tok in toks:
            sent = ctx.sentence(tok.i)
            for i in range(tok.i + 1, min(tok.i + within, sent.end)):
                if doc[i].lower_ in wanted:
                    objs = [c for c in doc[i].children if c.dep_ == "pobj"]
                    if objs:
                        phrase = list(objs[0].subtree)
                        return phrase + _holder_after(ctx, objs[0], phrase[-1].i, sent.end)
                    after = []  # "swore in Joe Biden as president"; not "sworn in by Harris"
                    for t in doc[i + 1 : min(i + 10, sent.end)]:
                        if t.pos_ in {"ADP", "PUNCT", "VERB"}:
                            break
                        after.append(t)
                    return after
                t = doc[i]
                if t.pos_ in {"VERB", "SCONJ"} or t.dep_ == "mark" or t.text in {";", "."}:
                    break  # another clause: "meet in Quebec as a dispute with Trump looms"
        return []

    return step


def _holder_after(ctx: ExtractionContext, obj: Token, last: int, end: int) -> list[Token]:
    """The name of a title's holder that the parse left out of the object's phrase: in
    apposition right after a title object ("a meeting with the President of the United States,
    Donald J. Trump, at P"), when the object is a title (not a name) and the name closes the
    apposition; or right after a title that ends the phrase, with no comma ("talks between X
    and U.S. Trade Representative Y", the parse hanging Y on the main verb)."""
    doc = ctx.doc
    named = _named_right_after_title(ctx, last, end)
    if named:
        return named
    if obj.i in ctx.mention_tokens or last + 2 >= end or doc[last + 1].text != ",":
        return []
    if not any(t.start <= obj.i < t.end for t in doc.spans.get(TITLES_KEY, [])):
        return []
    m = ctx.mention_tokens.get(last + 2)
    if m is None or m.type != "Person" or m.start != doc[last + 2].idx:
        return []
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    if span is None or (span.end < end and doc[span.end].text not in {",", ";", ")", "."}):
        return []
    return list(span)


def _named_right_after_title(ctx: ExtractionContext, last: int, end: int) -> list[Token]:
    """The tokens of the person named right after token ``last`` when ``last`` ends a title
    ("U.S. Trade Representative Robert Lighthizer"): a title written before a name is that
    person's, wherever the parse hangs the name."""
    doc = ctx.doc
    if last + 1 >= end or not any(t.end == last + 1 for t in ctx.titles):
        return []
    m = ctx.mention_tokens.get(last + 1)
    if m is None or m.type != "Person" or m.start != doc[last + 1].idx:
        return []
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    return list(span) if span is not None and span.end <= end else []


def _between(arg: dict[str, Any], words: Words, where: str) -> Step:
    """The words after the trigger between ``open`` (right after it) and ``close`` ("an
    invitation for X and Y to visit": X and Y), at most ``within`` tokens."""
    opening = words(arg["open"]) or frozenset()
    closing = words(arg["close"]) or frozenset()
    within = int(arg.get("within", 12))

    def step(ctx: ExtractionContext, toks: list[Token], trigger: Span | None) -> list[Token]:
        doc = ctx.doc
        if trigger is None or trigger.end >= len(doc) or doc[trigger.end].lower_ not in opening:
            return []
        i = trigger.end
        end = ctx.sentence(trigger.start).end
        j = i + 1
        while j < end and doc[j].lower_ not in closing and j - i < within:
            j += 1
        return list(doc[i + 1 : j])

    return step


def _sentence(arg: Any, words: Words, where: str) -> Step:
    """Every token of the sentence."""

    def step(ctx: ExtractionContext, toks: list[Token], trigger: Span | None) -> list[Token]:
        return list(ctx.sentence(toks[0].i)) if toks else []

    return step


def _after(arg: dict[str, Any], words: Words, where: str) -> Step:
    """The word after each of ``words`` within ``within`` tokens after the trigger, past the
    optional words of ``then`` (each list tried only after the one before it matched) and any
    of ``skip`` ("invited X to visit China", "to come to the US": China, US)."""
    wanted = words(arg["words"]) or frozenset()
    then = [words(w) or frozenset() for w in arg.get("then", [])]
    skip = words(arg.get("skip", [])) or frozenset()
    within = int(arg.get("within", 16))

    def step(ctx: ExtractionContext, toks: list[Token], trigger: Span | None) -> list[Token]:
        if trigger is None:
            return []
        doc = ctx.doc
        end = ctx.sentence(trigger.start).end
        out = []
        for i in range(trigger.end, min(trigger.end + within, end - 1)):
            if doc[i].lower_ not in wanted:
                continue
            j = i + 1
            for optional in then:
                if j < end and doc[j].lower_ in optional:
                    j += 1
                else:
                    break
            while j < end and doc[j].lower_ in skip:
                j += 1
            if j < end:
                out.append(doc[j])
        return out

    return step


def _where(arg: dict[str, Any], words: Words, where: str) -> Step:
    """Keep the tokens that pass the test."""
    test = compile_test(_test(arg, where), words)

    def step(ctx: ExtractionContext, toks: list[Token], trigger: Span | None) -> list[Token]:
        return [t for t in toks if test(t)]

    return step


_STEP_MAKERS: dict[str, Callable[[Any, Words, str], Step]] = {
    "after": _after,
    "before": _before,
    "next": _next,
    "with_children": _with_children,
    "climb": _climb,
    "head": _head,
    "children": _children,
    "subtree": _subtree,
    "left": _left,
    "scan": _scan,
    "between": _between,
    "sentence": _sentence,
    "where": _where,
}


def _test(value: Any, where: str) -> TokenTest | None:
    from kg.schema import convert

    return None if value is None else convert(value, TokenTest, where)


# --- compiling and running ---------------------------------------------------------------------


def compile_path(decl: PathDecl, words: Words, where: str, done: Mapping[str, Path]) -> Path:
    """Compile one declaration; ``follow`` steps take the steps of an earlier path in ``done``."""
    steps: list[Step] = []
    for i, raw in enumerate(decl.steps):
        spot = f"{where}: {decl.id}.steps[{i}]"
        name = next(iter(raw)) if isinstance(raw, dict) and len(raw) == 1 else None
        if name not in _STEPS:
            raise RuleError(
                f"{spot}: a step is one of {', '.join(_STEPS)} with its argument, got {raw!r}"
            )
        arg = raw[name]
        if name == "follow":
            if arg not in done:
                raise RuleError(f"{spot}: follow {arg!r}: no path of that id declared before it")
            steps += done[arg].steps
        else:
            steps.append(_STEP_MAKERS[name](arg or {}, words, spot))
    types = decl.select.types
    if isinstance(types, str):
        if types not in TYPE_SETS:
            raise RuleError(f"{where}: {decl.id}.select.types: unknown set {types!r}")
        type_set = TYPE_SETS[types]
    else:
        type_set = frozenset(types)
    if decl.select.resolve not in _RESOLVE:
        raise RuleError(f"{where}: {decl.id}.select.resolve must be one of {', '.join(_RESOLVE)}")
    return Path(decl.id, tuple(steps), type_set, decl.select.people_first, decl.select.resolve)


@functools.cache
def paths() -> dict[str, Path]:
    """Every declared path, compiled (``$name`` word lists from the file's ``words``)."""
    data = rules_file("patterns", PatternRules)
    words = Words(data.words, "ontology/rules/patterns.yaml")
    out: dict[str, Path] = {}
    for decl in data.paths:
        if decl.id in out:
            raise RuleError(f"ontology/rules/patterns.yaml: path {decl.id!r} is declared twice")
        out[decl.id] = compile_path(decl, words, "ontology/rules/patterns.yaml", out)
    return out


def walk(
    ctx: ExtractionContext, path: Path, start: list[Token], trigger: Span | None
) -> list[Token]:
    """The tokens ``path`` ends on from the tokens ``start``."""
    toks = start
    for step in path.steps:
        if not toks:
            return []
        toks = step(ctx, toks, trigger)
    return toks


def select(ctx: ExtractionContext, path: Path, toks: Iterable[Token]) -> list[Mention]:
    """The mentions among ``toks`` that the path's selection keeps, each label once."""
    out: dict[str, Mention] = {}
    for tok in toks:
        m = mention_of(ctx, tok) or ctx.title_holders.get(tok.i)
        if m is not None and m.type in path.types:
            out.setdefault(m.label, m)
        elif path.resolve == "place_always" or (path.resolve == "place" and m is None):
            proper = proper_place(ctx, tok)
            if proper is not None:
                out.setdefault(proper.label, proper)
    people = [m for m in out.values() if m.type == "Person"]
    return people if people and path.people_first else list(out.values())


def proper_place(ctx: ExtractionContext, tok: Token) -> Mention | None:
    """A place the NER missed or mistyped ("Mar-a-Lago"): a proper-noun phrase, as a Place."""
    span = ctx.doc[tok.left_edge.i : tok.right_edge.i + 1]
    while len(span) and span[0].lower_ in {"the", "a", "an"}:
        span = span[1:]
    if not len(span) or not span[0].text[:1].isupper() or not span[-1].text[:1].isupper():
        return None
    if len(span) > 6:
        return None
    if any(t.pos_ == "NOUN" and t.text.islower() for t in span):
        # "the Charlevoix region of Quebec": no name but a description; its first place is
        inside = ctx.mentions_in(span.start_char, span.end_char)
        return next((m for m in inside if m.type in {"Place", "Country"}), None)
    if any(t.pos_ not in {"PROPN", "PUNCT", "DET", "ADP", "NOUN"} for t in span):
        return None
    return Mention(
        span.text, span.text, "Place", span.start_char, span.end_char, None, None,
        "proper-noun-object",
    )
