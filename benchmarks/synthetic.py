"""A synthetic corpus of any size, recombined from real analysed sentences (for benchmarks).

The real texts bundled with the repository (the sample corpus, news-dev's copy and the gold
sets) are analysed once with spaCy and kg's extractors; every sentence becomes a unit with the
mentions and claims inside it. A synthetic document is 6 to 21 units drawn at random (a fixed
seed) from the whole pool, joined with spaces, every offset shifted to the new text. People are
renamed per group of five documents (a letter suffix on every word of their label), so the
number of entities grows with the corpus as it does in real news, while countries and
organisations recur. What comes out are kg ``Analysis`` records, as the analysis stage would
give them, without running spaCy: resolution and export can then be measured at 100,000
documents in minutes.

    python benchmarks/synthetic.py --pool POOL.pickle   # analyse the real texts once
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import pickle
import random
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg.model import Claim, Document, Evidence, Mention
from kg.results import Analysis

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    ROOT / "examples" / "trump-xi-call",
    ROOT / "tests" / "data" / "news-dev",
    ROOT / "tests" / "data" / "gold",
]


# Sentences per synthetic document: 13.5 on average, as the bundled real texts have (409
# sentences in 30 documents), from a short wire item to a long readout.
SENTENCES = (6, 21)


@dataclasses.dataclass(frozen=True)
class Unit:
    """One real sentence with the mentions and claims inside it (offsets from its start)."""

    text: str
    mentions: tuple[Mention, ...]
    claims: tuple[Claim, ...]


def build_pool() -> list[Unit]:
    """Analyse the bundled real texts and cut them into sentence units."""
    from kg.ingest import read_documents
    from kg.nlp import load_nlp
    from kg.pipeline import analyse

    nlp = load_nlp()
    documents = list(read_documents([str(p) for p in SOURCES]))
    units: list[Unit] = []
    for document, analysis in zip(documents, analyse(documents, nlp), strict=True):
        sdoc = nlp(document.text)
        for sent in sdoc.sents:
            lo, hi = sent.start_char, sent.end_char
            mentions = tuple(
                shifted_mention(m, -lo) for m in analysis.mentions if lo <= m.start < m.end <= hi
            )
            claims = tuple(
                shifted_claim(c, -lo, "")
                for c in analysis.claims
                if lo <= c.evidence.sentence_start < hi
                and lo <= c.evidence.start <= c.evidence.end <= hi
            )
            if sent.text.strip():
                units.append(Unit(document.text[lo:hi], mentions, claims))
    return units


def _fresh(text: str) -> str:
    """A string of its own (an analysis holds its own strings, as spaCy's spans give them)."""
    return text.encode("utf-8").decode("utf-8")


def shifted_mention(m: Mention, by: int, suffix: str = "") -> Mention:
    label = _fresh(m.label)
    if suffix and m.type == "Person":
        label = " ".join(w + suffix for w in label.split())
    return dataclasses.replace(
        m, text=_fresh(m.text), label=label, start=m.start + by, end=m.end + by
    )


def _value(v: Any, by: int, suffix: str) -> Any:
    if isinstance(v, Mention):
        return shifted_mention(v, by, suffix)
    if isinstance(v, (list, tuple)):
        return type(v)(_value(x, by, suffix) for x in v)
    return v


def shifted_claim(c: Claim, by: int, doc: str, suffix: str = "") -> Claim:
    ev: Evidence = c.evidence
    evidence = dataclasses.replace(
        ev,
        doc=doc,
        start=ev.start + by,
        end=ev.end + by,
        sentence_start=ev.sentence_start + by,
        sentence=_fresh(ev.sentence),
        quote=_fresh(ev.quote),
    )
    return Claim(c.kind, {k: _value(v, by, suffix) for k, v in c.fields.items()}, evidence)


def suffix_of(n: int) -> str:
    letters = string.ascii_lowercase
    out = ""
    n += 26
    while n:
        n, r = divmod(n, 26)
        out = letters[r] + out
    return out


def synthetic(pool: list[Unit], n: int, seed: int = 14) -> Iterator[Analysis]:
    """``n`` synthetic analyses, the same for the same pool, ``n`` and seed."""
    rng = random.Random(seed)
    for i in range(n):
        doc_id = f"synthetic-{i:07d}"
        suffix = suffix_of(i // 5)
        parts: list[str] = []
        mentions: list[Mention] = []
        claims: list[Claim] = []
        at = 0
        for _ in range(rng.randint(*SENTENCES)):
            unit = pool[rng.randrange(len(pool))]
            mentions.extend(shifted_mention(m, at, suffix) for m in unit.mentions)
            claims.extend(shifted_claim(c, at, doc_id, suffix) for c in unit.claims)
            parts.append(unit.text)
            at += len(unit.text) + 1
        text = " ".join(parts)
        document = Document(
            doc_id,
            text,
            f"{doc_id}.txt",
            "txt",
            hashlib.sha256(text.encode("utf-8")).hexdigest(),
            published=f"20{10 + i % 15:02d}-{1 + i % 12:02d}-{1 + i % 28:02d}",
        )
        yield Analysis(document, mentions, claims)


def load_pool(path: Path) -> list[Unit]:
    if not path.exists():
        pool = build_pool()  # saved as plain tuples: readable whatever module runs this
        path.write_bytes(pickle.dumps([(u.text, u.mentions, u.claims) for u in pool]))
        return pool
    return [Unit(*u) for u in pickle.loads(path.read_bytes())]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", type=Path, required=True)
    args = parser.parse_args()
    pool = load_pool(args.pool)
    claims = sum(len(u.claims) for u in pool)
    mentions = sum(len(u.mentions) for u in pool)
    print(f"{len(pool)} sentence units, {mentions} mentions, {claims} claims")


if __name__ == "__main__":
    main()
