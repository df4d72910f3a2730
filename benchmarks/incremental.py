"""Time adding one document to a store of N documents against a full rebuild.

The sample corpus is replicated into N distinct documents: in each copy the people's names
are replaced by generated names drawn from a pool (so some copies share people and entities
merge across documents, as in real news) and small numbers are shifted. Then:

1. full build: a new store from the N documents (spaCy on all of them);
2. incremental: one new document added to that store (spaCy on one, resolution over N+1);
3. removal: the new document removed again, and the store compared with its state before the
   addition (sorted N-Quads, exactly).

Both builds load the spaCy pipeline themselves, as ``kg build --store`` does. Target: the
incremental build at least 20 times faster than the full build.

    python benchmarks/incremental.py [--docs 1000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import re
import shutil
import tempfile
import time
from pathlib import Path

from kg.ingest import read_documents
from kg.nlp import shared_nlp
from kg.pipeline import Settings, analyse
from kg.store import build_store, open_rdf, remove_documents, store_quads

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "trump-xi-call"
FIRST = [
    "Amara",
    "Jonas",
    "Lena",
    "Pavel",
    "Sofia",
    "Tomas",
    "Yuki",
    "Omar",
    "Ines",
    "Kofi",
    "Marta",
    "Ravi",
    "Elena",
    "Diego",
    "Hana",
]
LAST = [
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Tanaka",
    "Kowalski",
    "Haddad",
    "Ferreira",
    "Novak",
    "Mensah",
    "Castillo",
    "Ivanova",
    "Brennan",
    "Sato",
    "Adeyemi",
    "Larsen",
    "Romano",
    "Petrov",
    "Nakamura",
    "Duarte",
    "Sandoval",
]


def people_of_sample() -> dict[str, set[str]]:
    """Per sample file, the surface forms of the people the pipeline finds (no name lists)."""
    documents = list(read_documents([str(SAMPLE)]))
    names: dict[str, set[str]] = {}
    for analysis in analyse(documents, shared_nlp()):
        forms = names.setdefault(analysis.document.path, set())
        for m in analysis.mentions:
            if m.type == "Person" and m.label[:1].isupper():
                forms.add(m.label)
                forms.add(m.text)
    return names


def make_corpus(folder: Path, n: int, seed: int = 7) -> list[Path]:
    """N distinct documents from the sample: names from a pool, numbers shifted."""
    rng = random.Random(seed)
    pool = [f"{f} {last}" for f in FIRST for last in LAST]
    people = people_of_sample()
    sources = sorted(SAMPLE.glob("*.txt"))
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        src = sources[i % len(sources)]
        text = src.read_text("utf-8")
        fulls = sorted({f for f in people.get(str(src), set()) if " " in f}, key=len, reverse=True)
        mapping: dict[str, str] = {}
        for full in fulls:
            new = rng.choice(pool[: 40 + i % len(pool)])
            mapping[full] = new
            mapping.setdefault(full.split()[-1], new.split()[-1])
        if mapping:
            pattern = re.compile(
                r"\b(" + "|".join(map(re.escape, sorted(mapping, key=len, reverse=True))) + r")\b"
            )
            text = pattern.sub(lambda m, names=mapping: names[m.group(1)], text)
        shift = i % 9
        text = re.sub(
            r"\b([1-9][0-9]?)\b(?! (?:January|February|March|April|May|June|July|August|"
            r"September|October|November|December))",
            lambda m, k=shift: str(int(m.group(1)) + k),
            text,
        )
        path = folder / f"{i:05d}_{src.stem}.txt"
        path.write_text(text, "utf-8")
        paths.append(path)
    return paths


def dump(store: Path) -> list[str]:
    with open_rdf(store) as rdf:
        return [str(q) for q in store_quads(rdf)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="Keep the corpus and store in this folder.")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="kg-incremental-"))
    try:
        corpus = work / "corpus"
        extra = work / "extra"
        if corpus.exists():
            shutil.rmtree(corpus)
        if extra.exists():
            shutil.rmtree(extra)
        paths = make_corpus(work / "all", args.docs + 1)
        corpus.mkdir()
        extra.mkdir()
        for p in paths[:-1]:
            p.rename(corpus / p.name)
        paths[-1].rename(extra / paths[-1].name)
        store = work / "store"
        shutil.rmtree(store, ignore_errors=True)
        settings = Settings()

        t0 = time.perf_counter()
        full = build_store([str(corpus)], store, settings)
        t_full = time.perf_counter() - t0
        before = dump(store)
        sizes = {
            "documents": len(full.result.documents),
            "entities": len(full.result.entities),
            "facts": len(full.result.facts),
            "quads": len(before),
        }
        full_stages = full.seconds
        # `kg build` runs each build in a new process: drop the full build's objects first, so
        # the addition is not timed with a heap no real run of it would have.
        del full
        gc.collect()

        t0 = time.perf_counter()
        added = build_store([str(extra)], store, settings)
        t_add = time.perf_counter() - t0

        t0 = time.perf_counter()
        removed = remove_documents(store, [paths[-1].stem], settings)
        t_remove = time.perf_counter() - t0
        restored = dump(store) == before

        report = {
            **sizes,
            "full_build_s": round(t_full, 2),
            "add_one_s": round(t_add, 2),
            "speedup": round(t_full / t_add, 1),
            "full_stages_s": full_stages,
            "add_stages_s": added.seconds,
            "add_graphs_replaced": len(added.sync.replaced),
            "add_graphs_added": len(added.sync.added),
            "remove_one_s": round(t_remove, 2),
            "remove_graphs_replaced": len(removed.sync.replaced),
            "restored_exactly": restored,
        }
        print(json.dumps(report, indent=2))
        if not restored:
            raise SystemExit("removing the document did not restore the store")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
