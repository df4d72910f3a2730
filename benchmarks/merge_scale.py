"""Time cross-document merging (resolution and dataset assembly) at 100, 1,000, 10,000 documents.

The sample corpus is analysed once with spaCy; its analyses are then cloned into N documents
whose people get distinct names per group of five documents (so entities grow with N and
every group merges like the sample does). Only `resolve` and `assemble` are timed: spaCy is
not part of merging. Linear merging shows as a constant time per document.

    python benchmarks/merge_scale.py [--sizes 100 1000 10000]
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path

from synthetic import shifted_claim, shifted_mention, suffix_of  # benchmarks/synthetic.py

from kg.graph import BuildInfo
from kg.ingest import read_documents
from kg.nlp import load_nlp
from kg.pipeline import Analysis, analyse, assemble
from kg.resolve import resolve

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "trump-xi-call"


def clone(base: list[Analysis], n: int) -> list[Analysis]:
    out = []
    for i in range(n):
        a = base[i % len(base)]
        doc_id = f"{i:06d}_{a.document.id}"
        suffix = suffix_of(i // 5)
        document = dataclasses.replace(a.document, id=doc_id, sha256=f"{i:064x}")
        claims = [shifted_claim(c, 0, doc_id, suffix) for c in a.claims]
        mentions = [shifted_mention(m, 0, suffix) for m in a.mentions]
        out.append(Analysis(document, mentions, claims))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    args = parser.parse_args()
    nlp = load_nlp()
    base = list(analyse(read_documents([str(SAMPLE)]), nlp))
    info = BuildInfo("bench", "0")
    print(
        f"{'documents':>10} {'claims':>8} {'entities':>9} {'facts':>7} {'quads':>9}"
        f" {'resolve s':>10} {'assemble s':>11} {'ms/doc':>7}"
    )
    for n in args.sizes:
        analyses = clone(base, n)
        claims = [c for a in analyses for c in a.claims]
        t0 = time.perf_counter()
        resolution = resolve(claims, {a.document.id: a.mentions for a in analyses})
        t_resolve = time.perf_counter() - t0
        t0 = time.perf_counter()
        result = assemble(analyses, info)
        _ = result.quads  # the dataset, built on first use
        t_assemble = time.perf_counter() - t0
        print(
            f"{n:>10} {len(claims):>8} {len(resolution.entities):>9} {len(result.facts):>7}"
            f" {len(result.quads):>9} {t_resolve:>10.2f} {t_assemble:>11.2f}"
            f" {1000 * t_assemble / n:>7.2f}"
        )


if __name__ == "__main__":
    main()
