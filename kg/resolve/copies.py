"""Copies among a build's documents: the same text, or the same article with small edits.

News is syndicated: one wire story appears on many sites, with another headline, byline or
boilerplate line, or a sentence cut. Such copies are one source, not corroboration, so a
fact's ``support`` counts the copy groups among its documents (kg/model.py).

Two documents are copies when

- their **normalised texts** are equal: the text in Unicode NFC with every run of whitespace
  collapsed to one space and stripped at both ends, compared by SHA-256 (method
  ``text-sha256``); or
- they are **near-duplicates**: the Jaccard similarity of their sets of word 5-shingles is at
  least the threshold (``DEFAULT_THRESHOLD``, 0.8; ``Settings.copy_threshold``). Words are
  the runs of ``\\w`` characters of the normalised text, case-folded; a shingle is five
  consecutive words (a document of fewer words is one shingle). Method ``shingle-jaccard``.

Finding the near-duplicate pairs stays near-linear: each text gets a MinHash signature of 200
hash functions with fixed seeds, cut into 40 bands of 5; only documents that share a band are
compared, and each compared pair's Jaccard similarity is computed exactly on the shingle sets,
so the signature only proposes candidates and never decides. A pair at similarity 0.8 shares a
band with probability 1 - (1 - 0.8**5)**40 > 0.9999998 (at 0.7, 0.9993); a pair at 0.2, as
press releases sharing boilerplate can be, is compared with probability 0.013. Copying is
transitive: a chain of near-duplicates (A~B, B~C) is one group even where A and C differ more
than the threshold. A document without any word is never a copy.

Each group has one **original**: its earliest published document (``Document.published``
read as ISO 8601, a date as its midnight, a time with an offset in UTC; documents without a
date come after dated ones), then the smallest id. The result depends only on the set of
documents, never on their order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from kg.errors import KGError
from kg.model import Document

__all__ = [
    "DEFAULT_THRESHOLD",
    "Copies",
    "Copy",
    "check_threshold",
    "find_copies",
    "jaccard",
    "normalise",
    "shingles",
    "text_digest",
]

DEFAULT_THRESHOLD = 0.8
SHINGLE_WORDS = 5
BANDS, ROWS = 40, 5
SAME_TEXT, NEAR_DUPLICATE = "text-sha256", "shingle-jaccard"

_WORD = re.compile(r"\w+")
_U64 = np.uint64
Hashes = npt.NDArray[np.uint64]


def _seeded(name: str, count: int) -> Hashes:
    """``count`` fixed 64-bit values derived from ``name`` (the same in every run)."""
    raw = b"".join(
        hashlib.blake2b(f"{name}.{i}".encode(), digest_size=8).digest() for i in range(count)
    )
    return np.frombuffer(raw, dtype="<u8").astype(_U64)


_MULTIPLIERS = _seeded("kg.copies.multiplier", BANDS * ROWS) | _U64(1)  # odd: a bijection
_MASKS = _seeded("kg.copies.mask", BANDS * ROWS)
_BAND_SALTS = _seeded("kg.copies.band", BANDS)
_SHINGLE_BASE = _U64(0x9E3779B97F4A7C15)
_CACHED = 4096  # shingle sets kept while comparing candidates (about 4 KB each)


@dataclass(frozen=True)
class Copy:
    """One document found to be a copy of another (its group's original)."""

    doc: str
    original: str
    method: str  # SAME_TEXT or NEAR_DUPLICATE
    similarity: Decimal  # Jaccard similarity of its shingles with the original's, 3 places


@dataclass(frozen=True)
class Copies:
    """The copies of a build, by document id; an original or a unique document is absent."""

    records: Mapping[str, Copy] = field(default_factory=dict)
    threshold: float = DEFAULT_THRESHOLD

    def originals(self) -> dict[str, str]:
        """Each copy's id mapped to its original's (what ``Fact.source_of`` holds)."""
        return {doc: c.original for doc, c in self.records.items()}

    def source(self, doc: str) -> str:
        """The independent source a document belongs to: its original, or itself."""
        record = self.records.get(doc)
        return doc if record is None else record.original

    def independent(self, docs: Iterable[str]) -> int:
        """How many independent sources (copy groups) the documents ``docs`` are."""
        return len({self.source(d) for d in docs})


def check_threshold(value: float) -> float:
    """The threshold if it is a similarity in (0, 1]; otherwise a ``KGError`` saying so."""
    if not 0 < value <= 1:
        raise KGError(
            f"copy threshold {value!r} is not a similarity in (0, 1]; give e.g. 0.8 (the"
            " default) or 1 to count only documents of the same text as copies"
        )
    return value


def normalise(text: str) -> str:
    """The text compared for sameness: NFC, every run of whitespace one space, stripped."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def text_digest(text: str) -> str:
    """SHA-256 (hex) of the normalised text, UTF-8 encoded."""
    return hashlib.sha256(normalise(text).encode("utf-8", "surrogatepass")).hexdigest()


def _mix(x: Hashes) -> Hashes:
    """The splitmix64 finaliser: spreads every input bit over the whole word."""
    x = x ^ (x >> _U64(30))
    x = x * _U64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> _U64(27))
    x = x * _U64(0x94D049BB133111EB)
    return x ^ (x >> _U64(31))


def shingles(text: str, words: dict[str, int] | None = None) -> Hashes:
    """The sorted, distinct 64-bit hashes of the text's word 5-shingles.

    ``words`` caches each word's hash across calls (a build's vocabulary is small).
    """
    cache = {} if words is None else words
    tokens = _WORD.findall(unicodedata.normalize("NFC", text).casefold())  # spaces aside
    for token in set(tokens).difference(cache):
        digest = hashlib.blake2b(token.encode("utf-8", "surrogatepass"), digest_size=8)
        cache[token] = int.from_bytes(digest.digest(), "little")
    hashes = np.array([cache[t] for t in tokens], dtype=_U64)
    if hashes.size == 0:
        return hashes
    k = min(SHINGLE_WORDS, hashes.size)
    m = hashes.size - k + 1
    combined = np.zeros(m, dtype=_U64)
    for j in range(k):  # a polynomial in the k word hashes, modulo 2**64 (numpy wraps)
        combined = combined * _SHINGLE_BASE + hashes[j : j + m]
    return np.unique(_mix(combined))


def _signature(values: Hashes, chunk: int = 4096) -> Hashes:
    """MinHash: for each of the fixed hash functions, the least hash of any shingle (taken over
    chunks of shingles, so a long document needs no hash table of all of them at once)."""
    least = np.full(_MASKS.size, np.iinfo(np.uint64).max, dtype=_U64)
    for at in range(0, values.size, chunk):
        # (x ^ mask) * odd multiplier, modulo 2**64: one bijection of 64-bit words per function
        # (the shingle hashes are already mixed); in place, to spare temporary arrays
        permuted = np.bitwise_xor(values[np.newaxis, at : at + chunk], _MASKS[:, np.newaxis])
        np.multiply(permuted, _MULTIPLIERS[:, np.newaxis], out=permuted)
        np.minimum(least, permuted.min(axis=1), out=least)
    return least


def _band_keys(signature: Hashes) -> Hashes:
    """One 64-bit key per band of ``ROWS`` signature values (salted by band, so equal values in
    two bands are two keys)."""
    key = _BAND_SALTS.copy()
    for row in signature.reshape(BANDS, ROWS).T:
        key = _mix(key ^ row)
    return key


def jaccard(a: Hashes, b: Hashes) -> Fraction:
    """|a ∩ b| / |a ∪ b| of two shingle sets (sorted, distinct), exactly; 0 if both are empty."""
    common = int(np.intersect1d(a, b, assume_unique=True).size)
    union = int(a.size) + int(b.size) - common
    return Fraction(common, union) if union else Fraction(0)


def _published(value: str | None) -> str | None:
    """A publication date or time as a sortable UTC string, or None if it is not ISO 8601."""
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if when.tzinfo is not None:
        when = when.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return when.isoformat()


def _original_order(document: Document) -> tuple[int, str, str]:
    published = _published(document.published)
    return (0, published, document.id) if published is not None else (1, "", document.id)


class _Groups:
    """Union-find over document positions; a group's root is its least position."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return root

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def find_copies(documents: Sequence[Document], threshold: float = DEFAULT_THRESHOLD) -> Copies:
    """The copies among ``documents``: each group's members but its original, with how found."""
    check_threshold(threshold)
    finder = _Finder(sorted(documents, key=_original_order))  # positions in original order
    buckets = finder.same_texts(banded=threshold < 1)
    finder.join_similar(buckets, Fraction(str(threshold)))
    return Copies(finder.records(), threshold)


class _Finder:
    """The state of one search: documents in original order, their groups, shingle caches."""

    def __init__(self, docs: list[Document]) -> None:
        self.docs = docs
        self.groups = _Groups(len(docs))
        self.digests = [text_digest(d.text) for d in docs]
        self.first: dict[str, int] = {}  # each normalised text's first document
        self.words: dict[str, int] = {}
        self.cached: OrderedDict[int, Hashes] = OrderedDict()  # recently compared documents

    def shingles_of(self, i: int) -> Hashes:
        """Document ``i``'s shingles, kept for the last ``_CACHED`` documents compared."""
        values = self.cached.get(i)
        if values is None:
            values = self.cached[i] = shingles(self.docs[i].text, self.words)
            if len(self.cached) > _CACHED:
                self.cached.popitem(last=False)
        else:
            self.cached.move_to_end(i)
        return values

    def same_texts(self, banded: bool) -> list[list[int]]:
        """Join documents of the same text; the LSH buckets of the distinct texts (if banded):
        each a list of two positions or more, in order, whose signatures agree on a band."""
        keys: list[Hashes] = []
        owners: list[int] = []
        for i, d in enumerate(self.docs):
            if _WORD.search(d.text) is None:  # nothing to copy: an empty document is no copy
                continue
            digest = self.digests[i]
            if digest in self.first:
                self.groups.join(self.first[digest], i)
                continue
            self.first[digest] = i
            if banded:  # shingles not kept: only documents that share a band need them again
                keys.append(_band_keys(_signature(shingles(d.text, self.words))))
                owners.append(i)
        if not keys:
            return []
        # one 64-bit key per (document, band), sorted: equal keys are a bucket (a collision of
        # two keys only proposes a pair, which is then compared exactly)
        flat = np.concatenate(keys)
        who = np.repeat(np.array(owners, dtype=np.int64), BANDS)
        order = np.lexsort((who, flat))
        flat, who = flat[order], who[order]
        starts = np.flatnonzero(np.concatenate(([True], flat[1:] != flat[:-1], [True])))
        return [
            who[a:b].tolist() for a, b in zip(starts[:-1], starts[1:], strict=True) if b - a > 1
        ]

    def join_similar(self, buckets: list[list[int]], bound: Fraction) -> None:
        """Join every pair that shares a band and is similar enough, unless already in one
        group: the groups are the connected components of the similar pairs, whatever order
        the pairs are visited in."""
        find, unlike = self.groups.find, set()
        for members in buckets:
            for x, a in enumerate(members):
                for b in members[x + 1 :]:
                    if (a, b) in unlike or find(a) == find(b):
                        continue
                    if jaccard(self.shingles_of(a), self.shingles_of(b)) >= bound:
                        self.groups.join(a, b)
                    else:
                        unlike.add((a, b))

    def records(self) -> dict[str, Copy]:
        """One record per copy, by id: its group's original (the group's least position)."""
        records: dict[str, Copy] = {}
        for i, d in enumerate(self.docs):
            root = self.groups.find(i)
            if root == i:
                continue
            if self.digests[i] == self.digests[root]:
                method, similarity = SAME_TEXT, Decimal(1)
            else:
                method = NEAR_DUPLICATE
                ratio = jaccard(
                    self.shingles_of(self.first[self.digests[i]]), self.shingles_of(root)
                )
                similarity = Decimal(ratio.numerator) / Decimal(ratio.denominator)
            places = similarity.quantize(Decimal("0.001"), ROUND_HALF_EVEN)
            records[d.id] = Copy(d.id, self.docs[root].id, method, places)
        return dict(sorted(records.items()))
