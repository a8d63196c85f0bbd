"""Entity-base load time (uncached and from the pickle cache) and the size of the base (issue 3).

Each figure is the median of 5 loads in this process; the cached load uses a temporary cache folder so a
user's cache is neither read nor written. Run: `python benchmarks/bench_ontology.py` (or `make bench`).
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time

ROUNDS = 5


def _median_seconds(fn: object) -> float:
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 4)


def main() -> dict[str, object]:
    from kg.ontology import load_base
    from kg.ontology.stats import base_stats

    with tempfile.TemporaryDirectory() as cache:
        os.environ["KG_CACHE_DIR"] = cache
        uncached = _median_seconds(lambda: load_base(use_cache=False))
        load_base()  # fill the cache
        cached = _median_seconds(load_base)
    stats = base_stats(load_base(use_cache=False))
    figures = {
        "load_uncached_s": uncached,
        "load_cached_s": cached,
        "entities": stats["entities"],
        "aliases": stats["aliases"],
        "ambiguous_aliases": stats["ambiguous_aliases"],
        "by_type": stats["by_type"],
        "by_source": stats["by_source"],
    }
    print(json.dumps(figures, indent=2, sort_keys=True))
    return figures


if __name__ == "__main__":
    main()
