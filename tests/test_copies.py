"""Copies among documents (kg/resolve/copies.py): the same text and near-duplicates.

Source texts are real articles of the sample corpus and of tests/data/news-dev; the copies are
made from them in each test (tests/test_support.py builds them into graphs).
"""

from __future__ import annotations

import itertools
import random
import unicodedata
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from kg.errors import KGError
from kg.model import Document
from kg.resolve.copies import (
    NEAR_DUPLICATE,
    SAME_TEXT,
    find_copies,
    jaccard,
    normalise,
    shingles,
    text_digest,
)
from tests.conftest import ROOT, SAMPLE

NEWS_DEV = ROOT / "tests" / "data" / "news-dev"
ARTICLE = SAMPLE / "001_670775099acaafae.txt"  # Trump and Xi's phone call (FX Leaders)
OTHER = SAMPLE / "002_237a4dc78d8b169e.txt"  # the same call, told in other words
HEADER = "Trump, Xi talk trade for 90 minutes in first call since January\n"
BYLINE = "By Staff Reporters, Washington bureau\n"


def text_of(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def doc(doc_id: str, text: str, published: str | None = None) -> Document:
    return Document(doc_id, text, f"{doc_id}.txt", "txt", "0" * 64, published=published)


def real_documents() -> list[Document]:
    paths = sorted(SAMPLE.glob("*.txt")) + sorted(NEWS_DEV.glob("*.txt"))
    return [doc(p.stem, text_of(p)) for p in paths]


def syndicated(text: str) -> str:
    """A wire copy of the Suga-Biden call: a byline added, the date and a title abridged."""
    edited = text.replace("January 28, 2021", "Jan. 28, 2021").replace("Prime Minister", "PM")
    assert edited.count("PM") == 3
    return BYLINE + edited


# --- detection, on text alone -------------------------------------------------------------


def test_the_same_text_is_compared_after_nfc_and_whitespace_collapsing() -> None:
    text = text_of(NEWS_DEV / "09_govuk-sunak-biden-downing-street-2023.txt")
    assert "\u2019" in text
    variant = unicodedata.normalize("NFD", "  " + text.replace(" ", "  ").replace("\n", "\r\n"))
    assert variant != text and normalise(variant) == normalise(text)
    assert text_digest(variant) == text_digest(text)
    copies = find_copies([doc("b", variant), doc("a", text)])
    assert list(copies.records.values())[0].method == SAME_TEXT
    assert copies.source("b") == "a" and copies.independent(["a", "b"]) == 1


def test_ten_copies_and_one_with_another_header_are_one_source() -> None:
    text = text_of(ARTICLE)
    docs = [doc(f"copy-{i:02d}", text) for i in range(10)]
    docs.append(doc("headed", HEADER + text))
    docs.append(doc("other", text_of(OTHER)))
    copies = find_copies(docs)
    assert sorted(copies.records) == [f"copy-{i:02d}" for i in range(1, 10)] + ["headed"]
    assert {c.original for c in copies.records.values()} == {"copy-00"}
    assert Counter(c.method for c in copies.records.values()) == {SAME_TEXT: 9, NEAR_DUPLICATE: 1}
    headed = copies.records["headed"]
    # the article's 395 words make 391 distinct 5-shingles; the header's 12 words start 12 more
    assert headed.similarity == Decimal("0.970")  # 391 / 403
    assert copies.independent(d.id for d in docs) == 2


def test_a_syndicated_copy_with_small_edits_is_a_copy() -> None:
    text = text_of(NEWS_DEV / "05_japan-suga-biden-call-2021.txt")
    copy = syndicated(text)
    assert "Jan. 28" in copy and BYLINE in copy
    similarity = jaccard(shingles(text), shingles(copy))
    assert 0.8 <= similarity < 0.9  # four edits and a byline in 232 words
    copies = find_copies([doc("wire", copy), doc("japan", text)])
    assert copies.records["wire"].original == "japan"
    assert copies.records["wire"].method == NEAR_DUPLICATE


def test_articles_on_one_story_in_other_words_are_not_copies() -> None:
    docs = real_documents()  # five reports of one phone call, sixteen of trade and diplomacy
    assert find_copies(docs).records == {}
    sample = [shingles(d.text) for d in docs[:5]]
    closest = max(jaccard(a, b) for a, b in itertools.combinations(sample, 2))
    assert 0 < closest < 0.1  # they share phrases, not the article


def test_the_threshold_is_a_setting() -> None:
    text = text_of(NEWS_DEV / "05_japan-suga-biden-call-2021.txt")
    docs = [doc("a", text), doc("b", text), doc("c", syndicated(text))]
    assert sorted(find_copies(docs).records) == ["b", "c"]
    assert sorted(find_copies(docs, 0.9).records) == ["b"]
    assert sorted(find_copies(docs, 1).records) == ["b"]  # the same text only
    assert sorted(find_copies(docs, 0.05).records) == ["b", "c"]
    for bad in (0, -0.5, 1.5):
        with pytest.raises(KGError, match="not a similarity in"):
            find_copies(docs, bad)


def test_the_original_is_the_earliest_published_then_the_smallest_id() -> None:
    text = text_of(NEWS_DEV / "10_treasury-yellen-he-lifeng-2023.txt")
    docs = [
        doc("a-undated", text),
        doc("b-later", text, "2023-11-03"),
        doc("c-first", text, "2023-11-01T23:30:00-05:00"),  # 04:30 UTC on the 2nd
        doc("d-first", text, "2023-11-02T04:00:00Z"),
        doc("e-bad-date", text, "November 2"),
    ]
    copies = find_copies(docs)
    assert {c.original for c in copies.records.values()} == {"d-first"}
    tie = find_copies([doc("z", text, "2023-11-02"), doc("y", text, "2023-11-02")])
    assert tie.source("z") == "y"


def test_copies_do_not_depend_on_the_order_of_documents() -> None:
    text = text_of(ARTICLE)
    suga = text_of(NEWS_DEV / "05_japan-suga-biden-call-2021.txt")
    docs = [doc(f"c{i}", text) for i in range(4)] + [doc("headed", HEADER + text)]
    docs += [doc("wire", syndicated(suga)), *real_documents()]
    expected = find_copies(docs)  # the real documents hold both originals
    assert sorted(expected.records) == ["c0", "c1", "c2", "c3", "headed", "wire"]
    rng = random.Random(13)
    for _ in range(5):
        shuffled = docs[:]
        rng.shuffle(shuffled)
        assert find_copies(shuffled) == expected


def test_documents_without_words_are_never_copies() -> None:
    assert find_copies([doc("a", ""), doc("b", ""), doc("c", " \n—\n")]).records == {}
