"""Time copy detection (kg/resolve/copies.py) per document at 1,000 and 10,000 documents.

The documents are synthetic but made of real sentences: every sentence of the sample corpus
and of tests/data/news-dev (about 400) is a pool; each document draws 12 to 30 of them in a
random order (fixed seed), so documents share sentences as reports of one story do. One in ten
documents is then copied: half byte for byte, half with a new header line and one word changed
(a near-duplicate). Only ``find_copies`` is timed (reading and spaCy are not part of it); it
runs on the documents after they are read, as the pipeline runs it. The run checks that it
found every planted copy and nothing else.

    python benchmarks/copies_scale.py [--sizes 1000 10000] [--repeat 3]

Wall and CPU time are both printed: on a shared machine the CPU time per document is the
steadier figure.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from pathlib import Path

from kg.model import Document
from kg.resolve.copies import find_copies

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "examples" / "trump-xi-call", ROOT / "tests" / "data" / "news-dev"]
_SENTENCE = re.compile(r"(?<=[.!?”\"])\s+(?=[A-Z“\"])|\n+")


def sentences() -> list[str]:
    pool: list[str] = []
    for folder in SOURCES:
        for path in sorted(folder.glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            pool += [s.strip() for s in _SENTENCE.split(text) if len(s.split()) >= 6]
    return sorted(set(pool))


def corpus(n: int, pool: list[str], seed: int = 13) -> tuple[list[Document], set[str]]:
    """``n`` documents, about one in ten a planted copy (their ids are returned too)."""
    rng = random.Random(seed)
    docs: list[Document] = []
    planted: set[str] = set()
    while len(docs) < n:
        i = len(docs)
        text = "\n".join(rng.sample(pool, rng.randint(12, 30))) + "\n"
        docs.append(_doc(f"d{i:06d}", text))
        if rng.random() < 0.1 and len(docs) < n:
            if rng.random() < 0.5:
                copy = text
            else:
                words = text.split(" ")
                k = rng.randrange(len(words))
                words[k] = "changed"
                copy = f"Headline number {i} of the wire\n" + " ".join(words)
            docs.append(_doc(f"d{i:06d}-copy", copy))
            planted.add(f"d{i:06d}-copy")
    return docs, planted


def _doc(doc_id: str, text: str) -> Document:
    return Document(doc_id, text, f"{doc_id}.txt", "txt", "0" * 64)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    pool = sentences()
    print(f"{len(pool)} real sentences in the pool")
    for n in args.sizes:
        docs, planted = corpus(n, pool)
        words = sum(len(d.text.split()) for d in docs) / len(docs)
        wall, cpu = [], []
        for _ in range(args.repeat):
            started, used = time.perf_counter(), time.process_time()
            copies = find_copies(docs)
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - used)
        found = set(copies.records)
        best, least = min(wall), min(cpu)  # CPU time: what a shared machine's load leaves alone
        print(
            f"{n:>6} documents ({words:.0f} words each on average, {len(planted)} planted"
            f" copies): best of {args.repeat} {best:.2f} s wall, {least:.2f} s CPU,"
            f" {least / n * 1e6:.0f} µs CPU per document; found {len(found & planted)} of the"
            f" copies, {len(found - planted)} other"
        )


if __name__ == "__main__":
    main()
