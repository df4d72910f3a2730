"""Family names NER missed, found from the full names of the rest of the corpus.

Within a document kg.extract.mentions finds a bare family name ("Okafor said") when the same
document names the person in full. A document may write only the family name, of a person
another document names in full, and the small NER model miss it: this pass finds it there.

A family name qualifies when it is one person's of the whole corpus (no two full names share
it), is four letters or more, is capitalised, and is no lexicon name or era name. A match
counts only where a name is likely: mid-sentence and not joined to another capitalised word
("Fort Okafor", "Okafor Center", "the Okafor ..."), or opening a sentence right before a
reporting verb (quotes.yaml `speech_verbs`: "Okafor said"). The mention it makes is a
one-word person, which entity resolution merges with that full name (reason
``surname-across-documents``); claims are not re-extracted.

On a cluster the pass is a map and a merge too: ``surname_owners`` per partition,
``merge_owners`` of them all, then ``add_surnames`` per partition with the corpus's owners.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from kg.lexicon import load_lexicon
from kg.model import Mention
from kg.names import NameFinder, family_names, sentence_form
from kg.resolve.keys import merge_sets
from kg.rules import QuoteRules, rules_file

_WORD_AFTER = re.compile(r"\s*([^\W\d_][\w'’-]*)")
_WORD_BEFORE = re.compile(r"([^\W\d_][\w'’.-]*)\s*$")


# A family name (as written, and as a sentence opening writes it) -> the full names, case
# folded, of the corpus's people who bear it.
Owners = dict[str, set[str]]


def corpus_surnames(
    mentions_by_doc: Mapping[str, Sequence[Mention]], texts: Mapping[str, str]
) -> dict[str, list[Mention]]:
    """Every document's mentions, with the family names of the corpus's people it writes and
    NER missed added (sorted by position)."""
    return add_surnames(mentions_by_doc, texts, surname_owners(mentions_by_doc))


def surname_owners(mentions_by_doc: Mapping[str, Sequence[Mention]]) -> Owners:
    """The family names of the full names some documents write, and whose they are (a map
    over partitions of the corpus; ``merge_owners`` joins them)."""
    honorific = {h.rstrip(".") for h in load_lexicon().distinguishing}
    particles = load_lexicon().particles
    owners: Owners = defaultdict(set)
    for mentions in mentions_by_doc.values():
        for m in mentions:
            words = m.label.split()
            if m.type != "Person" or m.key or len(words) < 2 or words[0].rstrip(".") in honorific:
                continue
            for family in family_names(words, particles):  # also as a sentence opens
                for form in {family, sentence_form(family)} if " " in family else {family}:
                    owners[form].add(m.label.casefold())
    return dict(owners)


def merge_owners(parts: Iterable[Owners]) -> Owners:
    """The owners of the whole corpus from those of its partitions (in any order)."""
    return merge_sets(parts)


def add_surnames(
    mentions_by_doc: Mapping[str, Sequence[Mention]], texts: Mapping[str, str], owners: Owners
) -> dict[str, list[Mention]]:
    """Some documents' mentions with the family names of the corpus's people (``owners``:
    the whole corpus's) they write and NER missed, each list sorted by position when the
    corpus has such names at all; a partition's documents give what the whole corpus does."""
    lexicon = load_lexicon()
    names = sorted(
        n for n, full in owners.items()
        if len(full) == 1 and len(n) >= 4 and n[:1].isupper() and not n.isupper()
        and n.replace("-", "").replace(" ", "").isalpha() and lexicon.lookup(n) is None
        and n not in lexicon.not_names
    )
    if not names:
        return {d: list(ms) for d, ms in mentions_by_doc.items()}
    verbs = frozenset(v.lower() for v in rules_file("quotes", QuoteRules).speech_verbs)
    finder = NameFinder(names)
    out: dict[str, list[Mention]] = {}
    for doc_id, mentions in mentions_by_doc.items():
        text = texts.get(doc_id, "")
        covered = {c for m in mentions for c in range(m.start, m.end)}
        full_here = {m.label.casefold() for m in mentions if m.type == "Person"}
        found = []
        for start, end, name in finder.find(text):
            if (owners[name] & full_here) or any(c in covered for c in range(start, end)):
                continue  # the document's own resolution knows it, or a mention covers it
            if _likely_name(text, start, end, verbs):
                found.append(Mention(name, name, "Person", start, end, None, None,
                                     "surname-in-corpus"))
        out[doc_id] = sorted([*mentions, *found], key=lambda m: (m.start, m.end))
    return out


def _likely_name(text: str, start: int, end: int, verbs: frozenset[str]) -> bool:
    after = _WORD_AFTER.match(text, end)
    next_word = after.group(1) if after and after.start(1) == end + 1 else None
    if next_word and next_word[:1].isupper():
        return False  # "Okafor Center", "Okafor Street": part of another name
    before = text[max(0, start - 40) : start]
    stripped = before.rstrip()
    opens = not stripped or stripped[-1] in ".!?\n\"“”:" or before.endswith("\n")
    if opens:
        return next_word is not None and next_word.lower() in verbs
    previous = _WORD_BEFORE.search(stripped)
    word = previous.group(1) if previous else ""
    return not word[:1].isupper() and word.lower() != "the"
