"""Time `kg build` against bare `nlp.pipe` of the same spaCy components, in one run.

The sample corpus is replicated (each copy a document of its own) to about --mb megabytes.
Both runs use the same loaded pipeline (the model plus kg's rulers), so the ratio is kg's own
overhead: reading, extraction, resolution, the RDF dataset and every export. Target: <= 1.15.

    python benchmarks/build_vs_pipe.py [--mb 1.0] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gc
import shutil
import tempfile
import time
from pathlib import Path

from kg.nlp import load_nlp
from kg.pipeline import Settings, run_build

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "trump-xi-call"


def make_corpus(folder: Path, megabytes: float) -> list[str]:
    sources = sorted(SAMPLE.glob("*.txt"))
    texts: list[str] = []
    size, i = 0, 0
    while size < megabytes * 1_000_000:
        src = sources[i % len(sources)]
        text = src.read_text("utf-8")
        (folder / f"{i:05d}_{src.stem}.txt").write_text(text, "utf-8")
        texts.append(text)
        size += len(text.encode("utf-8"))
        i += 1
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    nlp = load_nlp()
    work = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    try:
        corpus = work / "corpus"
        corpus.mkdir()
        texts = make_corpus(corpus, args.mb)
        mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
        list(nlp.pipe(texts[:20]))  # warm up
        pipe_times, build_times = [], []
        summary = ""
        for r in range(args.repeat):
            # Each timed run starts from a collected heap, so neither pays for the other's
            # garbage (kg pauses the cyclic collector while it builds the dataset).
            gc.collect()
            t0 = time.perf_counter()
            for _ in nlp.pipe(texts, batch_size=Settings().batch_size):
                pass
            pipe_times.append(time.perf_counter() - t0)
            gc.collect()
            t0 = time.perf_counter()
            result = run_build([str(corpus)], work / f"out{r}", Settings(), nlp=nlp)
            build_times.append(time.perf_counter() - t0)
            summary = (
                f"facts {len(result.facts)}, entities {len(result.entities)}, "
                f"quads {len(result.quads)}"
            )
            del result
        pipe, build = min(pipe_times), min(build_times)
        print(f"corpus: {len(texts)} documents, {mb:.2f} MB; pipeline: {', '.join(nlp.pipe_names)}")
        print(summary)
        print(f"bare nlp.pipe: {pipe:.2f} s ({mb / pipe:.3f} MB/s); kg build: {build:.2f} s")
        print(f"ratio kg build / nlp.pipe = {build / pipe:.3f} (target <= 1.15)")
        pairs = ", ".join(f"{b / p:.3f}" for p, b in zip(pipe_times, build_times, strict=True))
        print(f"ratio of each run's pair (the machine's speed drifts between runs): {pairs}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
