"""Time and peak memory of entity resolution alone (`resolve_entities`) on a synthetic corpus.

The mentions of N synthetic documents (benchmarks/synthetic.py: real analysed sentences
recombined, people renamed per group of five documents) are built first, outside the
measurement; then ``kg.resolve.entities.resolve_entities`` runs ``--repeat`` times (the best
time is reported; the cyclic collector paused, as ``kg build`` runs resolution) and once more
under ``tracemalloc`` for the peak of what it allocates beyond
its input. Each size runs in a process of its own. With the key tables of
kg/resolve/keys.py, it also reports the table's records against the mentions, and the time of
the map (``key_table``) and of the merge of per-partition tables (``--partitions``).

    python benchmarks/resolve_scale.py [--sizes 1000 10000] [--repeat 3] [--partitions 64]
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent


def child(n: int, repeat: int, partitions: int) -> None:
    sys.path.insert(0, str(HERE))
    from memory_scale import POOL
    from synthetic import load_pool, synthetic

    from kg.gcpause import gc_paused
    from kg.resolve.entities import resolve_entities

    pool = load_pool(POOL)
    mentions = {a.document.id: a.mentions for a in synthetic(pool, n)}
    count = sum(len(ms) for ms in mentions.values())
    gc.collect()
    times = []
    for _ in range(repeat):
        with gc_paused():  # as kg build runs resolution
            started = time.perf_counter()
            index = resolve_entities(mentions)
            times.append(time.perf_counter() - started)
        del index
        gc.collect()
    tracemalloc.start()
    with gc_paused():
        index = resolve_entities(mentions)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    out: dict[str, object] = {
        "documents": n,
        "mentions": count,
        "entities": len(index.entities),
        "resolve_s": round(min(times), 3),
        "resolve_times_s": [round(t, 3) for t in times],
        "peak_mb": round(peak / 1e6, 1),
        "peak_bytes_per_mention": round(peak / count),
    }
    del index
    try:
        from kg.resolve.keys import key_table, merge
    except ImportError:  # a kg without key tables
        print(json.dumps(out))
        return
    docs = sorted(mentions)
    with gc_paused():
        started = time.perf_counter()
        tables = [
            key_table({d: mentions[d] for d in docs[i::partitions]}) for i in range(partitions)
        ]
        mapped = time.perf_counter()
        table = merge(tables)
        merged = time.perf_counter()
    out.update({
        "records": table.records(),
        "records_per_mention": round(table.records() / count, 3),
        f"map_s_{partitions}_partitions": round(mapped - started, 3),
        "merge_s": round(merged - mapped, 3),
    })
    print(json.dumps(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--partitions", type=int, default=64)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.repeat, args.partitions)
        return
    for n in args.sizes:
        subprocess.run(
            [sys.executable, __file__, "--child", str(n), "--repeat", str(args.repeat),
             "--partitions", str(args.partitions)],
            check=True,
        )


if __name__ == "__main__":
    main()
