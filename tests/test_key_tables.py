"""Entity resolution as map / merge / decide (kg/resolve/keys.py): per-partition key tables
merged in any order and split in any way resolve to what the whole corpus resolves to, with
and without the user's overrides; tables survive pickling and hold one record per form of a
key in a document, however often the document writes it."""

from __future__ import annotations

import pickle
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import reduce
from pathlib import Path

import pytest
import yaml

from kg.extract import extract
from kg.ingest import read_documents
from kg.model import Claim, Mention
from kg.nlp import shared_nlp
from kg.pipeline import analyse
from kg.resolve import merge_owners, resolvable_mentions, surname_owners
from kg.resolve.entities import EntityIndex, resolve_entities, resolve_from
from kg.resolve.keys import KeyTable, base_key, key_table, merge
from kg.resolve.overrides import Overrides, parse_overrides
from tests.conftest import analyse as analyse_text

NEWS_DEV = Path(__file__).parent / "data" / "news-dev"
PEOPLE = Path(__file__).parent / "cases" / "people.yaml"

# What a user of news-dev might write (the format of docs/model.md, "Entity overrides").
OVERRIDES = {
    "merge": [["European Commission", "Commission"], ["Indo-Pacific region", "Indo-Pacific"]],
    "split": [{"entity": "Donald J. Trump", "aliases": ["Trump"], "label": "Trump (unresolved)"}],
    "rename": [{"entity": "Xi", "to": "Xi Jinping"}],
    "drop": ["State of the", "SUPPORTING AMERICA"],
}


@dataclass
class Corpus:
    """Analysed documents as resolution receives them."""

    claims: list[Claim]
    mentions: dict[str, list[Mention]]
    texts: dict[str, str]

    def part(self, docs: Sequence[str]) -> Corpus:
        keep = set(docs)
        return Corpus(
            [c for c in self.claims if c.evidence.doc in keep],
            {d: self.mentions[d] for d in docs},
            {d: self.texts[d] for d in docs},
        )


@pytest.fixture(scope="module")
def news_dev() -> Corpus:
    documents = list(read_documents([str(NEWS_DEV)]))
    analyses = list(analyse(documents, shared_nlp()))
    claims = [c for a in analyses for c in a.claims]
    texts = {d.id: d.text for d in documents}
    return Corpus(claims, {a.document.id: a.mentions for a in analyses}, texts)


@pytest.fixture(scope="module")
def mentions(news_dev: Corpus) -> dict[str, list[Mention]]:
    """news-dev's mentions as a build resolves them (claims' and corpus surnames added)."""
    return resolvable_mentions(news_dev.claims, news_dev.mentions, news_dev.texts)


@pytest.fixture(scope="module")
def overrides() -> Overrides:
    return parse_overrides(OVERRIDES, "news-dev-overrides.yaml")


def _state(index: EntityIndex) -> tuple[object, ...]:
    """Everything an index holds, orders included (the entities' and their merge logs')."""
    entities = [
        (e.id, e.label, e.type, sorted(e.aliases), sorted(e.docs), e.wikidata, e.merge_reasons)
        for e in index.entities.values()
    ]
    return (
        entities,
        list(index._by_key.items()),
        sorted(index._remap.items()),
        sorted(index._split.items()),
        sorted(index._dropped),
    )


def _tables(mentions: Mapping[str, Sequence[Mention]], parts: list[list[str]]) -> list[KeyTable]:
    return [key_table({d: mentions[d] for d in part}) for part in parts]


def _random_parts(docs: list[str], seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    shuffled = rng.sample(docs, len(docs))
    cuts = sorted(rng.sample(range(1, len(docs)), rng.randint(1, min(5, len(docs) - 1))))
    return [shuffled[a:b] for a, b in zip([0, *cuts], [*cuts, len(docs)], strict=True)]


def _splits(docs: list[str]) -> dict[str, list[list[str]]]:
    return {
        "one document each": [[d] for d in docs],
        "one document each, reversed": [[d] for d in reversed(docs)],
        **{f"random split, seed {s}": _random_parts(docs, s) for s in (1, 2, 3)},
    }


def test_the_corpus_resolves_to_entities_that_merge_across_documents(
    mentions: dict[str, list[Mention]],
) -> None:
    index = resolve_entities(mentions)
    biden = next(e for e in index.entities.values() if e.label == "Joseph R. Biden")
    assert {"Joe Biden", "Biden", "Joseph R. Biden"} <= biden.aliases
    assert len(biden.docs) == 6
    assert {r["reason"] for r in biden.merge_reasons} >= {"name-variant-across-documents"}


@pytest.mark.parametrize("use_overrides", [False, True], ids=["plain", "overrides"])
def test_merged_partition_tables_resolve_as_the_whole_corpus(
    mentions: dict[str, list[Mention]], overrides: Overrides, use_overrides: bool
) -> None:
    given = overrides if use_overrides else None
    whole = _state(resolve_entities(mentions, overrides=given))
    docs = sorted(mentions)
    for name, parts in _splits(docs).items():
        tables = _tables(mentions, parts)
        for order, ordered in (("in order", tables), ("reversed", tables[::-1])):
            merged = merge(ordered)
            assert merged == key_table(mentions), (name, order)
            assert _state(resolve_from(merged, overrides=given)) == whole, (name, order)
        # merging is associative: tables merged two at a time, from either end
        assert reduce(lambda a, b: merge([a, b]), tables) == key_table(mentions), name
        assert reduce(lambda a, b: merge([b, a]), tables[::-1]) == key_table(mentions), name


def test_the_overrides_change_the_entities_through_the_table(
    mentions: dict[str, list[Mention]], overrides: Overrides
) -> None:
    table = merge(_tables(mentions, [[d] for d in sorted(mentions)]))
    labels = {e.label: e for e in resolve_from(table, overrides=overrides).entities.values()}
    assert "Xi Jinping" in labels and "Xi" not in labels
    assert "State of the" not in labels and "SUPPORTING AMERICA" not in labels
    assert "Commission" not in labels
    assert "Commission" in labels["European Commission"].aliases
    assert "Trump" not in labels["Donald J. Trump"].aliases
    assert labels["Trump (unresolved)"].type == "Person"
    assert {r["reason"] for r in labels["Trump (unresolved)"].merge_reasons} == {"user"}


def test_a_documents_later_mentions_join_with_offsets(mentions: dict[str, list[Mention]]) -> None:
    """Mentions a later pass adds to a document (the corpus surnames) merge after those a
    worker saw, given the number the worker saw as the document's offset."""
    half = {d: ms[: len(ms) // 2] for d, ms in mentions.items()}
    rest = {d: ms[len(ms) // 2 :] for d, ms in mentions.items()}
    offsets = {d: len(ms) for d, ms in half.items()}
    later = key_table(rest, offsets)
    assert merge([later, key_table(half)]) == key_table(mentions)
    assert merge([key_table(rest), key_table(half)]) != key_table(mentions)  # order counts


def test_tables_round_trip_through_pickle(
    mentions: dict[str, list[Mention]], overrides: Overrides
) -> None:
    table = key_table(mentions)
    back = pickle.loads(pickle.dumps(table))
    assert back == table
    assert _state(resolve_from(back, overrides=overrides)) == _state(
        resolve_entities(mentions, overrides=overrides)
    )


def test_a_table_holds_each_form_once_per_document(mentions: dict[str, list[Mention]]) -> None:
    count = sum(len(ms) for ms in mentions.values())
    distinct = {
        (base_key(m), doc, m.text, m.label, m.type, m.key, m.wikidata, m.resolved_by)
        for doc, ms in mentions.items()
        for m in ms
    }
    table = key_table(mentions)
    assert table.records() == len(distinct)
    assert table.records() < 0.8 * count  # news names its actors again and again
    # a corpus that writes every name three times as often: the same records, counted thrice
    thrice = key_table({d: ms * 3 for d, ms in mentions.items()})
    assert thrice.records() == table.records()
    assert sum(r.times for rs in thrice.keys.values() for r in rs) == 3 * count
    assert _state(resolve_from(thrice)) == _state(resolve_from(table))


def test_mention_counts_from_the_table_count_every_mention(
    mentions: dict[str, list[Mention]], overrides: Overrides
) -> None:
    table = key_table(mentions)
    index = resolve_from(table, overrides=overrides)
    counted = dict.fromkeys(index.entities, 0)
    for ms in mentions.values():
        for m in ms:
            if not index.dropped(m):
                counted[index.ref(m).id] += 1
    assert index.mention_counts(table) == counted
    united_states = next(e for e in index.entities.values() if e.label == "United States")
    assert counted[united_states.id] > 50


def _on_partitions(corpus: Corpus, parts: list[list[str]]) -> KeyTable:
    """The key table of a corpus as a cluster makes it: the owners of family names per
    partition, merged; then each partition's mentions made resolvable with the corpus's
    owners, and its table; the tables merged."""
    owners = merge_owners(
        surname_owners(resolvable_mentions(p.claims, p.mentions))
        for p in (corpus.part(docs) for docs in parts)
    )
    return merge(
        key_table(resolvable_mentions(p.claims, p.mentions, p.texts, owners))
        for p in (corpus.part(docs) for docs in parts)
    )


def _people_case(name: str) -> Corpus:
    case = next(c for c in yaml.safe_load(PEOPLE.read_text("utf-8"))["cases"] if c["name"] == name)
    corpus = Corpus([], {}, {})
    for i, text in enumerate(case["docs"]):
        ctx = analyse_text(text, doc_id=f"d{i}")
        corpus.mentions[f"d{i}"] = ctx.mentions
        corpus.texts[f"d{i}"] = text
        corpus.claims += list(extract(ctx))
    return corpus


@pytest.mark.parametrize("name", ["news-dev", "missed family names"])
def test_the_surname_pass_on_partitions_gives_the_corpus_mentions_in_their_order(
    news_dev: Corpus, name: str
) -> None:
    """Partitions that add the claims' entities and the corpus's family names themselves
    (with the owners of the whole corpus) make the table of the whole: on news-dev, whose
    lists the pass puts in the order of the text, and on a case where it finds names."""
    corpus = news_dev if name == "news-dev" else _people_case(
        "a family name NER misses, found from the full name in another document"
    )
    docs = sorted(corpus.mentions)
    whole = resolvable_mentions(corpus.claims, corpus.mentions, corpus.texts)
    for parts in ([[d] for d in docs], _random_parts(docs, 4)):
        table = _on_partitions(corpus, parts)
        assert table == key_table(whole)
        assert _state(resolve_from(table)) == _state(resolve_entities(whole))
    if name != "news-dev":
        found = {
            m.text for ms in whole.values() for m in ms if m.resolved_by == "surname-in-corpus"
        }
        assert found, "NER found every family name: the case no longer exercises the pass"
        index = resolve_from(_on_partitions(corpus, [[d] for d in docs]))
        people = {e.label: e.aliases for e in index.entities.values() if e.type == "Person"}
        assert found <= people["Ayman al-Safadi"] | people["Chidi Okonkwo"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_facts_merged_by_key_on_partitions_are_the_whole_corpus_facts(
    news_dev: Corpus, mentions: dict[str, list[Mention]], seed: int
) -> None:
    """Fact merging as map / merge / reduce (kg/resolve/facts.py): each partition's claims
    resolved and their office owners; the owners merged; each partition's claims keyed with
    the corpus's owners; the keyed claims of all partitions shuffled into three buckets by key,
    in no order, and each bucket's facts made apart: together, the facts of the whole corpus."""
    from kg.resolve.facts import (
        facts_of,
        keyed_claims,
        merge_facts,
        merge_office_owners,
        office_owners,
        resolved_claims,
    )

    index = resolve_entities(mentions)
    whole = merge_facts(news_dev.claims, index)
    parts = [news_dev.part(docs) for docs in _random_parts(sorted(news_dev.mentions), seed)]
    resolved = [resolved_claims(part.claims, index) for part in parts]
    owners = merge_office_owners(office_owners(r) for r in reversed(resolved))
    buckets: list[list[object]] = [[], [], []]
    rng = random.Random(seed)
    for r in resolved:
        for keyed in keyed_claims(r, owners):
            buckets[sum(keyed.key.encode()) % 3].append(keyed)
    facts = [f for bucket in buckets for f in facts_of(rng.sample(bucket, len(bucket)))]
    assert len(whole) > 100 and all(buckets)
    assert sorted(facts, key=lambda f: f.id) == whole
    kinds = {f.kind for f in whole}
    assert {"office", "tariff"} <= kinds and len(kinds) >= 3
