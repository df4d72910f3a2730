"""Documents per second of reading and analysis on one process, `--jobs 2` and a 2-worker local
Dask cluster (`--engine dask`, the documents read on the driver or on the workers), as ratios
to one process, in one run.

The corpus is news-dev's articles (tests/data/news-dev) copied `--copies` times under new
names into a temporary folder, so every engine reads and analyses the same files (the local
engines and `--read-on driver` read them in this process). Every engine is warm before the
clock starts
in the same way: the model loaded and a few documents analysed (so the rules and lexicons are
loaded too), in this process for the local engines, on every worker for Dask, whose cluster is
the one `kg build --engine dask --workers 2` starts (kg.distributed._connect). `--jobs 2`
starts its two processes on each call, as a build does, so that start is timed. The engines
take turns for `--rounds` rounds, so a change in the machine's load hits all of them alike;
the median of the rounds' ratios is printed last. The target of issue 14 is a ratio of at least
1.8 for 2 workers on a 2-core machine.

    python benchmarks/engines.py [--copies 8] [--rounds 3] [--partition-size 16]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kg.distributed import (
    PARTITION_SIZE,
    DaskAnalysis,
    DaskReading,
    DaskSettings,
    _connect,
    analyse_partition,
)
from kg.ingest import Reader, read_documents
from kg.nlp import load_nlp
from kg.pipeline import analyse
from kg.results import Settings

NEWS_DEV = Path(__file__).resolve().parent.parent / "tests" / "data" / "news-dev"
WARM = 8  # documents each engine analyses before its clock starts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--partition-size", type=int, default=PARTITION_SIZE)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="kg-engines-"))
    try:
        for k in range(args.copies):
            for path in sorted(NEWS_DEV.iterdir()):
                shutil.copyfile(path, folder / f"{path.stem}-{k}{path.suffix}")
        _compare(folder, args.rounds, args.partition_size)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _compare(folder: Path, rounds: int, partition_size: int) -> None:
    docs = list(read_documents([str(folder)]))
    print(f"{len(docs)} documents ({sum(len(d.text) for d in docs):,} characters),"
          f" {os.cpu_count()} CPUs, partitions of {partition_size}")
    limits = Settings().limits
    nlp = load_nlp()
    sum(1 for _ in analyse(docs[:WARM], nlp))
    client, cluster = _connect(DaskSettings(workers=2))
    try:
        client.run(analyse_partition, docs[:WARM], None, 16, None, limits)
        dask = DaskSettings(scheduler=cluster.scheduler_address, partition_size=partition_size)

        def local(jobs: int) -> int:
            return sum(1 for _ in analyse(read_documents([str(folder)]), nlp, jobs=jobs))

        def driver_reads() -> int:
            runner = DaskAnalysis(read_documents([str(folder)]), model=None, batch_size=16,
                                  extractors=None, limits=limits, dask=dask)
            return sum(1 for _ in runner)

        def workers_read() -> int:
            reader = Reader(limits=limits)
            runner = DaskReading(reader.files([str(folder)]), reader, model=None, batch_size=16,
                                 extractors=None, html_reader="auto", dask=dask)
            with runner:
                return sum(1 for _ in runner)

        engines: dict[str, Callable[[], int]] = {
            "local, 1 process": lambda: local(1),
            "local, --jobs 2": lambda: local(2),
            "dask, driver reads": driver_reads,
            "dask, workers read": workers_read,
        }
        rates: dict[str, list[float]] = {name: [] for name in engines}
        for r in range(rounds):
            for name, run in engines.items():
                start = time.perf_counter()
                count = run()
                rates[name].append(count / (time.perf_counter() - start))
            print(f"round {r + 1}: " + ", ".join(
                f"{name} {rates[name][-1]:.2f} docs/s" for name in engines))
    finally:
        client.close()
        cluster.close()
    one = rates["local, 1 process"]
    width = 6 * len(one)
    print(f"\n{'engine':20} {'docs/s (median)':>16}  {'ratios per round':{width}} median")
    for name, got in rates.items():
        ratios = [g / o for g, o in zip(got, one, strict=True)]
        each = " ".join(f"x{x:.2f}" for x in ratios)
        mid = statistics.median(ratios)
        print(f"{name:20} {statistics.median(got):16.2f}  {each:{width}} x{mid:.2f}")


if __name__ == "__main__":
    main()
