"""Explorer figures: generation time, file size, first paint in headless Chromium, slider and search times.

Two graphs: the shared corpus (ingested and linked into a fresh SQLite file first) and a 50k-node,
100k-edge synthetic graph, the latter both as the page opens by default (top 5,000 nodes by mentions)
and with all 50k nodes in the renderer. Target: first paint < 10 s for each.
Run: .venv/bin/python benchmarks/bench_explore.py   (or `python benchmarks/run.py explore`)
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
OUT = ROOT / "build" / "bench-explore"

# Time from a user action to the second animation frame after it, i.e. until the change is on screen.
FRAME = """
const done = arguments[arguments.length - 1];
const t0 = performance.now();
%s
requestAnimationFrame(() => requestAnimationFrame(() => done(Math.round(performance.now() - t0))));
"""
SLIDER = ("const s = document.getElementById('slider'); s.value = String(Math.floor(s.max / 2)); "
          "s.dispatchEvent(new Event('input'));")
SEARCH = ("const q = document.getElementById('search'); q.value = %s; "
          "q.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter'}));")


def measure_page(path: Path, query: str, shot: str) -> dict[str, object]:
    from kg.explore.browser import Browser

    with Browser() as browser:
        wall = browser.open(path, timeout=120)
        figures: dict[str, object] = {
            "first_paint_wall_s": round(wall, 2),
            "first_paint_page_ms": round(browser.js("return window.kgFirstPaintMs")),
            "requests_other_than_the_page": [u for u in browser.requests() if u != path.resolve().as_uri()],
            "shown": browser.js("return document.getElementById('status').textContent"),
        }
        figures["slider_step_ms"] = browser.driver.execute_async_script(FRAME % SLIDER)
        search = FRAME % (SEARCH % json.dumps(query))
        figures["search_select_ms"] = browser.driver.execute_async_script(search)
        figures["selected"] = browser.js("return window.kgExplorer.selected()")
        browser.screenshot(OUT / shot)
    return figures


def corpus_figures(folder: Path) -> dict[str, object]:
    from kg.explore import write_explorer
    from kg.link import Linker
    from kg.pipeline import ingest
    from kg.store import Store

    url = f"sqlite:///{folder / 'corpus.db'}"
    started = time.perf_counter()
    with Store(url) as store:
        ingest([str(CORPUS)], store, Linker.load())
    ingest_s = time.perf_counter() - started
    started = time.perf_counter()
    stats = write_explorer(url, OUT / "corpus.html")
    generate_s = round(time.perf_counter() - started, 2)
    figures: dict[str, object] = {"ingest_s": round(ingest_s, 1), "generate_s": generate_s, **stats.as_dict()}
    figures.update(measure_page(OUT / "corpus.html", "Knative", "corpus.png"))
    return figures


def synthetic_figures(top: int | None, name: str) -> dict[str, object]:
    from kg.explore import Explorer
    from kg.explore.synthetic import synthetic_graph

    started = time.perf_counter()
    data = synthetic_graph(nodes=50_000, edges=100_000)
    made = time.perf_counter()
    explorer = Explorer.from_graph(data, top=top)
    stats = explorer.save(OUT / f"{name}.html")
    figures: dict[str, object] = {"synthesize_s": round(made - started, 2),
                                  "generate_s": round(time.perf_counter() - made, 2), **stats.as_dict()}
    figures.update(measure_page(OUT / f"{name}.html", "project-12", f"{name}.png"))
    return figures


def main() -> dict[str, object]:
    from kg.explore.browser import missing

    OUT.mkdir(parents=True, exist_ok=True)
    reason = missing()
    if reason:
        print(f"bench_explore: skipped, {reason}")
        return {"skipped": reason}
    results: dict[str, object] = {}
    if CORPUS.is_dir():
        with tempfile.TemporaryDirectory() as folder:
            results["corpus"] = corpus_figures(Path(folder))
    else:
        results["corpus"] = {"skipped": f"{CORPUS} is missing"}
    print("corpus:", json.dumps(results["corpus"]), flush=True)
    results["synthetic_50k_default"] = synthetic_figures(None, "synthetic-50k-default")
    print("synthetic 50k (opens on the top 5,000):", json.dumps(results["synthetic_50k_default"]), flush=True)
    results["synthetic_50k_all"] = synthetic_figures(0, "synthetic-50k-all")
    print("synthetic 50k (all nodes drawn):", json.dumps(results["synthetic_50k_all"]), flush=True)
    return results


if __name__ == "__main__":
    main()
