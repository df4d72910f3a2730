"""Authorship from bylines and author profiles in the article text.

"Written By Jane Doe", "By Jane Doe", "Author: Jane Doe", "Jane Doe is a seasoned journalist".
Metadata authors (front matter, HTML meta, JSONL fields) have no span in the text: they are
recorded on the document, not as facts with evidence.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from kg.extract import ExtractionContext, register
from kg.extract.mentions import in_capitals
from kg.model import Claim, Mention
from kg.rules import AuthorshipRules, rules_file

NAME = "kg.authorship.v1"
_NAME_WORD = re.compile(r"^[A-Z][\w'’.-]*$")
_SEPARATOR = re.compile(r"\s+(?:and|&)\s+|\s*,\s*")


@dataclass(frozen=True)
class _Rule:
    id: str
    pattern: re.Pattern[str]
    confidence: float


@functools.cache
def _rules() -> tuple[_Rule, ...]:
    data = rules_file("authorship", AuthorshipRules)
    return tuple(
        _Rule(
            r.id,
            re.compile(r.pattern, 0 if r.case_sensitive else re.IGNORECASE),
            float(r.confidence or 0),
        )
        for r in data.rules
    )


def _looks_like_name(name: str, honorifics: frozenset[str]) -> bool:
    words = [w for w in name.split() if w.rstrip(".") not in honorifics]
    return 2 <= len(words) <= 4 and all(_NAME_WORD.match(w) for w in words)


def _split_names(text: str) -> list[tuple[str, int]]:
    """Names of a byline naming several people ("Jane Doe and John Smith"), with offsets."""
    out = []
    pos = 0
    for part in _SEPARATOR.split(text):
        rel = text.index(part, pos)
        pos = rel + len(part)
        stripped = part.strip()
        if stripped:
            out.append((stripped, rel + part.index(stripped)))
    return out


def _without_agency(name: str, ctx: ExtractionContext) -> str:
    """ "Jane Doe Associated Press": the name without the news agency the lexicon knows after it."""
    words = name.split()
    for k in range(2, len(words)):
        if ctx.lexicon.lookup(" ".join(words[k:])) is not None:
            return name[: name.index(words[k])].rstrip()
    return name


@register(NAME)
def extract_authorship(ctx: ExtractionContext) -> Iterator[Claim]:
    """Yield one authorship claim per byline or author profile line naming a person."""
    text = ctx.document.text
    seen: set[str] = set()
    offset = 0
    for line in text.splitlines(keepends=True):
        stripped = line.rstrip("\r\n")
        for rule in _rules():
            match = rule.pattern.match(stripped)
            if match is None:
                continue
            names = _split_names(match.group("name"))
            start0 = offset + match.start("name")
            found = False
            for name, rel in names:
                name = _without_agency(name, ctx)
                if not _looks_like_name(name, ctx.lexicon.honorifics) or name in seen:
                    continue
                if ctx.lexicon.lookup(name) is not None:
                    continue  # "By Reuters": an agency, not a person
                seen.add(name)
                found = True
                start = start0 + rel
                end = start + len(name)
                person = ctx.mention_covering(start, end)
                if person is None or person.type != "Person":
                    label = " ".join(w.title() if in_capitals(w) else w for w in name.split())
                    person = Mention(name, label, "Person", start, end)  # "JANE DOE": Jane Doe
                yield Claim(
                    kind="authorship",
                    fields={"author": person, "doc": ctx.document.id},
                    evidence=ctx.evidence(
                        offset + match.start(), offset + match.end(), NAME, rule.confidence, rule.id
                    ),
                )
            if not found:
                continue
            break
        offset += len(line)
