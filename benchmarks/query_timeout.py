"""How long `kg query --timeout T` takes to stop a query that never finishes.

Builds a store of the sample corpus (about 5,000 triples), then runs, through the real command
line, a cross product of every triple four deep (5,000^4 rows to count: it never ends) with
``--timeout T``, and a trivial ASK for kg's own start-up time. Prints the wall time of each run,
its exit code and its message. Expected: exit code 7 and a wall time of T plus start-up.

    python benchmarks/query_timeout.py [--timeout 5] [--repeat 3] [--store DIR]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
KG = [sys.executable, "-c", "from kg.cli import main; main()"]
SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "trump-xi-call"


def timed(args: list[str], guard: float) -> tuple[float, int, str]:
    """Wall seconds, exit code and last stderr line of one kg command."""
    started = time.perf_counter()
    done = subprocess.run([*KG, *args], capture_output=True, text=True, timeout=guard)
    seconds = time.perf_counter() - started
    lines = done.stderr.strip().splitlines()
    return seconds, done.returncode, lines[-1] if lines else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--store", type=Path, help="an existing store (default: build one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store or Path(tmp) / "store"
        if args.store is None:
            subprocess.run([*KG, "build", str(SAMPLE), "--store", str(store), "-q"], check=True)
        base = [timed(["query", "ASK { ?s ?p ?o }", "--store", str(store)], 60)[0]]
        runs = []
        for _ in range(args.repeat):
            seconds, code, message = timed(
                ["query", RUNAWAY, "--store", str(store), "--timeout", f"{args.timeout:g}"],
                guard=args.timeout + 60,
            )
            runs.append(seconds)
            print(f"--timeout {args.timeout:g}: {seconds:.2f} s, exit {code}: {message}")
    print(
        f"runaway query stopped after {statistics.median(runs):.2f} s (median of {len(runs)};"
        f" min {min(runs):.2f}, max {max(runs):.2f}); a trivial query takes {base[0]:.2f} s"
        " (start-up)"
    )


if __name__ == "__main__":
    main()
