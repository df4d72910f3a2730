"""Documents per second of the analysis stage on one process, `--jobs 2` and a 2-worker local
Dask cluster (`--engine dask`), as ratios to one process, in one run.

The corpus is news-dev's 16 articles (tests/data/news-dev) repeated `--copies` times under
new ids, so every engine analyses the same documents; each engine's model load is outside the
timed part (the Dask workers load theirs with a warm-up partition first). The target of issue
14 is a ratio of at least 1.8 for 2 workers on a 2-core machine.

    python benchmarks/engines.py [--copies 8]
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import time
from pathlib import Path

from kg.distributed import DaskAnalysis, DaskSettings, _worker_nlp
from kg.ingest import read_documents
from kg.nlp import load_nlp
from kg.pipeline import analyse
from kg.results import Settings

NEWS_DEV = Path(__file__).resolve().parent.parent / "tests" / "data" / "news-dev"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=8)
    args = parser.parse_args()
    base = list(read_documents([str(NEWS_DEV)]))
    docs = [
        dataclasses.replace(d, id=f"{d.id}-{k}") for k in range(args.copies) for d in base
    ]
    n = len(docs)
    print(f"{n} documents ({sum(len(d.text) for d in docs):,} characters), {os.cpu_count()} CPUs")
    nlp = load_nlp()
    rates = {}
    for jobs in (1, 2):
        start = time.perf_counter()
        count = sum(1 for _ in analyse(docs, nlp, jobs=jobs))
        rates[f"local --jobs {jobs}"] = count / (time.perf_counter() - start)
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None,
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        dask = DaskSettings(scheduler=cluster.scheduler_address, partition_size=16)
        settings = Settings()

        def run(documents: list) -> int:
            runner = DaskAnalysis(documents, model=None, batch_size=16, extractors=None,
                                  limits=settings.limits, dask=dask)
            return sum(1 for _ in runner)

        client.run(_worker_nlp, None)  # every worker loads the model before the clock starts
        start = time.perf_counter()
        count = run(docs)
        rates["dask, 2 workers"] = count / (time.perf_counter() - start)
    one = rates["local --jobs 1"]
    for name, rate in rates.items():
        print(f"{name:18} {rate:7.2f} docs/s   x{rate / one:.2f}")


if __name__ == "__main__":
    main()
