"""Linking speed against the raw Aho-Corasick yardstick, as whole processes in the same run (issue 3).

Runs `python benchmarks/baseline_ahocorasick.py CORPUS` and `kg extract CORPUS --format jsonl > /dev/null`
alternately (3 rounds, after one warm-up of each so the automaton cache and the page cache are warm), and
reports the median wall times, their ratio (target: extract ≤ 4× baseline), the peak memory of the extract
process tree (RSS summed over the process and its workers, sampled every 20 ms; target ≤ 1 GB) and the
mention counts by method. Run: `python benchmarks/bench_link.py` (or `make bench`).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
ROUNDS = 3


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            kids = [int(p) for p in fh.read().split()]
    except OSError:
        return []
    return kids + [g for k in kids for g in _children(k)]


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def timed(cmd: list[str], capture: bool = False) -> tuple[float, int, bytes]:
    """(wall seconds, peak RSS of the process tree in KiB, stdout if captured) of one command."""
    with tempfile.TemporaryFile() as sink:
        started = time.perf_counter()
        out_to = sink if capture else subprocess.DEVNULL
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out_to, stderr=subprocess.DEVNULL)
        peak = 0
        while proc.poll() is None:
            peak = max(peak, sum(_rss_kib(p) for p in [proc.pid, *_children(proc.pid)]))
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        sink.seek(0)
        return seconds, peak, sink.read()


def main() -> dict[str, object]:
    corpus = os.environ.get("KG_BENCH_CORPUS", str(CORPUS))
    baseline = [sys.executable, "benchmarks/baseline_ahocorasick.py", corpus]
    extract = [sys.executable, "-m", "kg.cli", "extract", corpus, "--format", "jsonl"]
    timed(baseline)
    _, _, out = timed(extract, capture=True)
    methods = Counter(json.loads(line)["method"] for line in out.splitlines())
    types = Counter(json.loads(line)["type"] for line in out.splitlines())
    base_times, extract_times, peaks = [], [], []
    for _ in range(ROUNDS):
        seconds, _peak, _ = timed(baseline)
        base_times.append(seconds)
        seconds, peak, _ = timed(extract)
        extract_times.append(seconds)
        peaks.append(peak)
    base_s, extract_s = statistics.median(base_times), statistics.median(extract_times)
    figures: dict[str, object] = {
        "baseline_s": round(base_s, 2),
        "extract_s": round(extract_s, 2),
        "ratio_extract_over_baseline": round(extract_s / base_s, 2),
        "throughput_ratio": round(base_s / extract_s, 3),
        "extract_peak_rss_mib": round(max(peaks) / 1024, 1),
        "mentions": sum(methods.values()),
        "mentions_by_method": dict(methods.most_common()),
        "mentions_by_type": dict(types.most_common()),
        "baseline_runs_s": [round(t, 2) for t in base_times],
        "extract_runs_s": [round(t, 2) for t in extract_times],
        "commands": [" ".join(baseline), " ".join(extract) + " > /dev/null"],
    }
    for key, value in figures.items():
        print(f"{key}: {value}")
    return figures


if __name__ == "__main__":
    if not CORPUS.is_dir() and "KG_BENCH_CORPUS" not in os.environ:
        sys.exit(f"the shared corpus is not at {CORPUS}")
    main()
