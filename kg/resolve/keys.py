"""Blocking keys of mentions, and the key table of a partition of documents (map and merge).

Entity resolution (kg/resolve/entities.py) decides from what the mentions of one base key
(``base_key``: the lexicon's key, or the type group and folded name) have in common. A
``KeyTable`` holds exactly that for some documents, summarised: per base key, each distinct
*form* of its mentions in each document (a mention without its offsets: its text, label, type,
lexicon key, Wikidata id and how in-document resolution named it) is one ``Record``, with how
often the document writes it and where its first and last mention sit in the document's list.
Its size grows with the distinct (key, form, document) triples, not with the mentions: a name
written ten times in a document is one record.

- map: ``key_table(mentions_by_doc)`` for one partition of documents (on a worker);
- reduce: ``merge(tables)``: per key the union of the records, a form's records of one
  document in two tables made one (counts added, the earliest first and the latest last
  position kept), sorted by document and position: associative and commutative, so the result
  does not depend on how the documents were split or in what order the tables come;
- decide: ``kg.resolve.entities.resolve_from(table)`` runs the resolution layers on the merged
  table (on the driver); ``resolve_entities(mentions_by_doc)`` is
  ``resolve_from(key_table(mentions_by_doc))``.

Everything a layer reads is in the forms: the type and label counts of a group, its first
lexicon label and Wikidata id (first: the smallest document id, then position), the inputs of
each merge reason per (alias, document), whether a name is ever written family name first
(any) or may be a person's family name (all), and the surface forms a user's split names.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, TypeVar

from kg.iri import normalise_key
from kg.lexicon import load_lexicon
from kg.model import Mention

K = TypeVar("K")
V = TypeVar("V")


def type_group(etype: str) -> str:
    """Types whose names may be compared: every kind of organisation is one group."""
    if etype in {"Person", "Country", "Place"}:
        return etype.lower()
    return "org"


@functools.lru_cache(maxsize=1 << 16)
def fold_name(text: str) -> str:
    """A name as names are compared across documents: normalised, accents and the lexicon's
    `letter_folds` spelt in ASCII, word endings of transliterations made one (`ending_folds`):
    "Pedro Sánchez" and "Pedro Sanchez" fold alike."""
    lexicon = load_lexicon()
    decomposed = unicodedata.normalize("NFKD", normalise_key(text))
    plain = "".join(
        lexicon.letter_folds.get(c, c) for c in decomposed if not unicodedata.combining(c)
    )
    words = []
    for word in plain.split():
        for ending, fold in lexicon.ending_folds:
            if word.endswith(ending) and len(word) > len(ending) + 2:
                word = word[: -len(ending)] + fold
                break
        words.append(word)
    return unicodedata.normalize("NFC", " ".join(words))


def name_key(label: str, etype: str) -> str:
    """The key of a name the lexicon does not know: its type group and folded name."""
    label = label[4:] if label.lower().startswith("the ") else label
    return f"{type_group(etype)}:{fold_name(label)}"


def base_key(m: Mention) -> str:
    """The blocking key of a mention: its lexicon key, else its type group and folded name."""
    if m.key:
        return normalise_key(m.key)
    return name_key(m.label, m.type)


class Record(NamedTuple):
    """How one document writes one form of a key's mentions: the form (a mention as
    resolution reads it, offsets aside), the first and last position of its mentions in the
    document's list, and how many there are.

    The form's field names are a ``Mention``'s, so the resolution layers read either alike."""

    doc: str
    text: str
    label: str
    type: str
    key: str | None
    wikidata: str | None
    resolved_by: str | None
    first: int
    last: int
    times: int

    def form(self) -> tuple[str, str, str, str, str | None, str | None, str | None]:
        return self[:7]


@dataclass(slots=True)
class KeyTable:
    """Per base key, the records of its mentions in some documents (see the module
    docstring), in the order of the mentions: by document id, then by first position.

    Picklable; tables of the same documents are equal however they were split and merged."""

    keys: dict[str, list[Record]] = field(default_factory=dict)

    def records(self) -> int:
        """The stored (key, form, document) records."""
        return sum(len(records) for records in self.keys.values())


def key_table(
    mentions_by_doc: Mapping[str, Sequence[Mention]],
    offsets: Mapping[str, int] | None = None,
) -> KeyTable:
    """The key table of some documents' mentions (map).

    A mention's position is its index in its document's list, plus the document's entry in
    ``offsets`` (default 0): mentions a later pass adds to a document (kg/resolve/surnames.py)
    get the offset of the mentions the first table saw, so they order after them. Positions
    must not repeat within a document across the tables that are merged."""
    keys: dict[str, list[Record]] = {}
    for doc_id in sorted(mentions_by_doc):
        start = offsets.get(doc_id, 0) if offsets else 0
        # (key, form) -> [first, last, times], in the order of the forms' first mentions
        seen: dict[tuple[str, str, str, str, str | None, str | None, str | None], list[int]]
        seen = {}
        for position, m in enumerate(mentions_by_doc[doc_id], start):
            form = (base_key(m), m.text, m.label, m.type, m.key, m.wikidata, m.resolved_by)
            got = seen.get(form)
            if got is None:
                seen[form] = [position, position, 1]
            else:
                got[1] = position
                got[2] += 1
        for (key, text, label, etype, lexicon, wikidata, by), (first, last, n) in seen.items():
            record = Record(doc_id, text, label, etype, lexicon, wikidata, by, first, last, n)
            keys.setdefault(key, []).append(record)
    return KeyTable(keys)


def merge(tables: Iterable[KeyTable]) -> KeyTable:
    """One table of the documents of ``tables`` (reduce): associative and commutative, the
    inputs left as they were (their lists are shared, never changed)."""
    parts: dict[str, list[list[Record]]] = {}
    for table in tables:
        for key, records in table.keys.items():
            parts.setdefault(key, []).append(records)
    return KeyTable({
        key: lists[0] if len(lists) == 1 else _merged(lists) for key, lists in parts.items()
    })


def _merged(lists: Sequence[Sequence[Record]]) -> list[Record]:
    """One key's records of several tables: the records of one form in one document (a
    document whose mentions two tables saw) made one, all in the order of the mentions."""
    by_form: dict[tuple[str, str, str, str, str | None, str | None, str | None], Record] = {}
    for records in lists:
        for r in records:
            had = by_form.setdefault(r.form(), r)
            if had is not r:
                by_form[r.form()] = r._replace(
                    first=min(had.first, r.first), last=max(had.last, r.last),
                    times=had.times + r.times,
                )
    return sorted(by_form.values(), key=lambda r: (r.doc, r.first))


def merge_sets(parts: Iterable[Mapping[K, set[V]]]) -> dict[K, set[V]]:
    """Per key, the union of its sets in every part: the reduce of the small per-partition
    maps of resolution (family names to full names, offices to organisations), in any order."""
    merged: dict[K, set[V]] = {}
    for part in parts:
        for key, values in part.items():
            merged.setdefault(key, set()).update(values)
    return merged
