"""Run `kg build` on every hostile case of tests/hostile.py; print seconds and peak memory.

Each case is written at the issue's sizes (``big=True``) into a temporary folder and built by a
fresh `kg build` process, as a user would run it (so each figure includes loading spaCy, about
2 s and 300 MB). The peak resident set size and the CPU seconds (user and system, which a
busy machine changes less than wall time) are the child's own (``os.wait4``). A case over
``--timeout`` seconds is killed; ``--memory`` caps each child's address space so a runaway case
fails with MemoryError instead of exhausting the machine. Asserts nothing: prints a table
(target: every case within 10 s and 1 GB).

    python benchmarks/hostile.py [--timeout 60] [--memory 4096] [--small] [CASE...]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.hostile import BY_NAME, CASES, Case, make_case  # noqa: E402

KG = [sys.executable, "-m", "kg.cli"]


def run_case(case: Case, work: Path, big: bool, timeout: float, memory_mb: int) -> dict[str, str]:
    """Build one case in a child process; its exit code, seconds, peak MB and first warning."""
    folder = make_case(case, work, big)
    out = folder / case.out if case.out else work / f"{case.name}-out"
    limit = memory_mb * 1024 * 1024

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    started = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(
            [*KG, "build", str(folder), "--out", str(out)],
            stdout=subprocess.DEVNULL,
            stderr=errors,
            preexec_fn=cap,
            start_new_session=True,
        )
        status = None
        while status is None:
            pid, code, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                status = code
                break
            if time.perf_counter() - started > timeout:
                os.killpg(child.pid, signal.SIGKILL)
                _, code, usage = os.wait4(child.pid, 0)
                status = -1
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        errors.seek(0)
        stderr = errors.read().decode("utf-8", "replace")
    child.returncode = 0  # reaped by os.wait4 above
    lines = [line for line in stderr.splitlines() if line.startswith(("warning:", "error:"))]
    crashed = "Traceback" in stderr
    if status == -1:
        exit_text = f"killed after {timeout:g} s"
    else:
        exit_text = str(os.waitstatus_to_exitcode(status)) + (" (traceback)" if crashed else "")
        if "MemoryError" in stderr:
            exit_text += " MemoryError"
    first = lines[0] if lines else (stderr.strip().splitlines() or [""])[-1]
    return {
        "case": case.name,
        "exit": exit_text,
        "seconds": f"{seconds:.1f}",
        "cpu s": f"{usage.ru_utime + usage.ru_stime:.1f}",
        "peak MB": f"{usage.ru_maxrss / 1024:.0f}",
        "longest line": str(max((len(x) for x in stderr.splitlines()), default=0)),
        "first warning": first[:150],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", help="case names (default: every case)")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--memory", type=int, default=4096, help="address-space cap per case, MB")
    parser.add_argument("--small", action="store_true", help="the test suite's sizes")
    args = parser.parse_args()
    chosen = [BY_NAME[name] for name in args.cases] if args.cases else list(CASES)
    work = Path(tempfile.mkdtemp(prefix="kg-hostile-"))
    rows = []
    try:
        for case in chosen:
            row = run_case(case, work, not args.small, args.timeout, args.memory)
            rows.append(row)
            print(" | ".join(row.values()), file=sys.stderr, flush=True)
    finally:
        for path in work.rglob("*"):  # the unreadable case's folder
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(work, ignore_errors=True)
    columns = list(rows[0]) if rows else []
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        cells = [row[c].replace("|", "\\|") for c in columns]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
