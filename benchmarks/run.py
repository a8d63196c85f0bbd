"""Run every benchmark (benchmarks/bench_*.py), each in its own process, and collect the figures.

Each benchmark module exposes `main() -> dict` and prints its own figures while it runs; this runner
writes all of them to build/bench.json so a note can quote the exact numbers a command produced.
Usage: python benchmarks/run.py [NAME ...]   (NAME = ingest, link, graph, sparql, explore)
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DRIVER = """
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("bench", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
figures = module.main()
print("BENCH-RESULT " + json.dumps(figures, default=str))
"""


def run_one(path: Path) -> dict[str, object]:
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", DRIVER, str(path)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    sys.stdout.write(proc.stdout.replace("BENCH-RESULT ", "result: "))
    sys.stderr.write(proc.stderr[-4000:] if proc.returncode else "")
    result: dict[str, object] = {"seconds": round(time.perf_counter() - started, 1), "exit": proc.returncode}
    for line in proc.stdout.splitlines():
        if line.startswith("BENCH-RESULT "):
            result["figures"] = json.loads(line[len("BENCH-RESULT "):])
    return result


def main(names: list[str]) -> int:
    benches = sorted(HERE.glob("bench_*.py"))
    if names:
        benches = [b for b in benches if b.stem.removeprefix("bench_") in names]
    if not (ROOT.parent / "shared" / "corpus").is_dir():
        print("benchmarks need ../shared/corpus beside the repo; it is not there", file=sys.stderr)
        return 1
    results = {}
    for bench in benches:
        print(f"== {bench.stem}", flush=True)
        results[bench.stem] = run_one(bench)
    out = ROOT / "build" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"figures written to {out.relative_to(ROOT)}")
    return 0 if all(r["exit"] == 0 for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
