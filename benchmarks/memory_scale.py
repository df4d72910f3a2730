"""Peak memory per triple written, at 1,000, 10,000 and 100,000 documents.

Each size runs in a process of its own (so each peak is its own): synthetic analyses
(benchmarks/synthetic.py: real analysed sentences recombined, people renamed per group of five
documents) stream into kg's build after the analysis stage, exactly as ``kg build`` hands them
over (``kg.pipeline.assemble``: copies, resolution; then ``export_complete``: every default
export, written into a temporary folder). spaCy is not run, so the sizes are reachable in
minutes; ``--spacy N`` also runs a real ``kg build`` over N synthetic documents written as
text files, model and all. Targets (issue 14): at most 500 bytes of peak RSS per triple at
10,000 documents, and 100,000 documents within 8 GB.

    python benchmarks/memory_scale.py [--sizes 1000 10000 100000] [--spacy 1000]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# the pool of analysed sentences, cached per version of kg's data model (pickled dataclasses)
_MODEL = hashlib.sha256((HERE.parent / "kg" / "model.py").read_bytes()).hexdigest()[:12]
POOL = Path(tempfile.gettempdir()) / f"kg-synthetic-pool-{_MODEL}.pickle"


def child(n: int, exports: list[str]) -> None:
    """One measurement: prints a JSON line."""
    sys.path.insert(0, str(HERE))
    from synthetic import load_pool, synthetic

    from kg.graph import BuildInfo
    from kg.pipeline import assemble, export_complete

    pool = load_pool(POOL)
    out = Path(tempfile.mkdtemp(prefix="kg-memory-"))
    try:
        started = time.perf_counter()
        result = assemble(synthetic(pool, n), BuildInfo("synthetic", "0"))
        resolved = time.perf_counter()
        result.title = f"{n} synthetic documents"
        export_complete(exports, result, out)
        written = time.perf_counter()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        triples = result.triples
        sizes = {p.name: _size(p) for p in sorted(out.iterdir()) if not p.name.startswith(".")}
    finally:
        shutil.rmtree(out, ignore_errors=True)
    print(json.dumps({
        "documents": n,
        "triples": triples,
        "entities": len(result.entities),
        "facts": len(result.facts),
        "peak_rss_mb": round(peak / 1e6),
        "bytes_per_triple": round(peak / triples),
        "resolve_s": round(resolved - started, 1),
        "export_s": round(written - resolved, 1),
        "sizes_mb": {k: round(v / 1e6, 1) for k, v in sizes.items()},
    }))


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


def spacy_build(n: int) -> dict[str, object]:
    """A real ``kg build`` of ``n`` synthetic texts; its peak RSS per triple."""
    sys.path.insert(0, str(HERE))
    from synthetic import load_pool, synthetic

    pool = load_pool(POOL)
    folder = Path(tempfile.mkdtemp(prefix="kg-memory-corpus-"))
    out = Path(tempfile.mkdtemp(prefix="kg-memory-out-"))
    try:
        for a in synthetic(pool, n):
            (folder / f"{a.document.id}.txt").write_text(a.document.text, "utf-8")
        kg = Path(sys.executable).with_name("kg")
        started = time.perf_counter()
        subprocess.run([str(kg), "build", str(folder), "--out", str(out)], check=True,
                       stdout=subprocess.DEVNULL)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
        with open(out / "graph.nq", "rb") as handle:
            triples = sum(1 for _ in handle)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
    return {"documents": n, "spacy": True, "triples": triples, "seconds": round(seconds, 1),
            "docs_per_s": round(n / seconds, 1), "peak_rss_mb": round(peak / 1e6),
            "bytes_per_triple": round(peak / triples)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000, 100000])
    parser.add_argument("--exports", default="trig,nq,ttl,facts,entities,html")
    parser.add_argument("--spacy", type=int, default=0, help="documents of a real kg build")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    exports = args.exports.split(",")
    if args.child:
        child(args.child, exports)
        return
    sys.path.insert(0, str(HERE))
    from synthetic import load_pool

    load_pool(POOL)  # analysed once (spaCy), outside every measurement
    for n in args.sizes:
        run = subprocess.run(
            [sys.executable, __file__, "--child", str(n), "--exports", args.exports],
            check=True, capture_output=True, text=True,
        )
        print(run.stdout.strip(), flush=True)
    if args.spacy:
        print(json.dumps(spacy_build(args.spacy)), flush=True)


if __name__ == "__main__":
    main()
