"""SPARQL endpoint under load: 8 clients for 30 s on the shared-corpus graph, with and without 4 runaways.

Builds the graph through the real pipeline (ingest + link of ../shared/corpus into a temporary SQLite
store), starts `kg serve` on it as its own process (default settings: 10 s limit, 8 workers), then:
  1. light: 8 client threads send light analyst queries back to back for 30 s;
  2. light + runaways: the same while 4 more clients keep runaway queries (a join, a sort, a property
     path) in flight, each stopped at the 10 s limit and sent again.
Reports queries/s and p50/p99 latency of the light queries (target p99 <= 250 ms in both phases), the
runaways' statuses, and per named query the first answer (the engine) and the repeats (the answer cache).
Every light request carries a distinct comment, so the answer cache never serves the load phases.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
CLIENTS = 8
RUNAWAY_CLIENTS = 4
SECONDS = float(os.environ.get("KG_BENCH_SECONDS", "30"))
TARGET_P99_MS = 250.0
PREFIXES = """PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX cnkg: <https://w3id.org/cnkg/ontology#>
PREFIX itsrdf: <http://www.w3.org/2005/11/its/rdf#>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""
# Light analyst questions about one entity (filled in round-robin with the 50 most-mentioned entities).
LIGHT = [
    "SELECT ?label WHERE {{ <{e}> skos:prefLabel|skos:altLabel ?label }}",
    "SELECT ?item ?date WHERE {{ GRAPH ?issue {{ ?item schema:mentions <{e}> . "
    "?issue schema:datePublished ?date }} }} ORDER BY DESC(?date) LIMIT 20",
    "SELECT (COUNT(?m) AS ?mentions) WHERE {{ GRAPH ?g {{ ?m itsrdf:taIdentRef <{e}> }} }}",
    "SELECT ?m ?surface ?start ?end ?item WHERE {{ GRAPH ?g {{ ?m itsrdf:taIdentRef <{e}> ; "
    "nif:anchorOf ?surface ; nif:beginIndex ?start ; nif:endIndex ?end ; prov:wasDerivedFrom ?item }} }} "
    "LIMIT 20",
    "SELECT ?p ?o WHERE {{ <{e}> ?p ?o }} LIMIT 50",
    "ASK {{ GRAPH ?g {{ ?item schema:mentions <{e}> }} }}",
]
RUNAWAYS = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "SELECT ?c ?f WHERE { ?a schema:text ?c . ?d schema:text ?f } ORDER BY ?c DESC(?f)",
    "SELECT (COUNT(*) AS ?n) WHERE { ?a (schema:mentions|^schema:mentions)* ?b }",
]


def build(folder: Path) -> str:
    """The shared corpus, ingested and linked into a SQLite store in `folder`; returns its URL."""
    from kg.link import Linker
    from kg.pipeline import ingest
    from kg.store import Store

    url = f"sqlite:///{folder / 'kg.db'}"
    started = time.perf_counter()
    with Store(url) as store:
        report = ingest([str(CORPUS)], store, Linker.load())
    print(
        f"built the shared-corpus store in {time.perf_counter() - started:.1f} s: {report.as_dict()}",
        flush=True,
    )
    return url


def start_server(url: str, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`kg serve` on a free port; its log goes to a file (an unread pipe would fill up and stall it)."""
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "kg.cli", "serve", "--db", url, "--port", "0"],
            stdout=subprocess.DEVNULL,
            stderr=sink,
            cwd=ROOT,
        )
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        found = re.search(r"SPARQL endpoint (http://\S+/sparql)", log.read_text(errors="replace"))
        if found:
            print(log.read_text(errors="replace").strip(), flush=True)
            return process, found.group(1)
        if process.poll() is not None:
            raise RuntimeError(f"kg serve exited before serving: {log.read_text(errors='replace')}")
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("kg serve did not start within 600 s")


class Client:
    """One keep-alive connection, as an analyst's tool holds it."""

    def __init__(self, endpoint: str) -> None:
        url = urlsplit(endpoint)
        self.host, self.port, self.path = url.hostname or "127.0.0.1", url.port or 80, url.path
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)

    def ask(self, query: str) -> tuple[int, bytes]:
        body = query.encode()
        accept = "application/sparql-results+json, text/turtle;q=0.9"
        headers = {"Content-Type": "application/sparql-query", "Accept": accept}
        try:
            self.conn.request("POST", self.path, body=body, headers=headers)
            response = self.conn.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
            raise


def top_entities(endpoint: str) -> list[str]:
    status, body = Client(endpoint).ask(
        PREFIXES + "SELECT ?e WHERE { GRAPH ?g { ?m itsrdf:taIdentRef ?e } } GROUP BY ?e "
        "ORDER BY DESC(COUNT(?m)) ?e LIMIT 50"
    )
    assert status == 200, body
    return [b["e"]["value"] for b in json.loads(body)["results"]["bindings"]]


def load_phase(endpoint: str, entities: list[str], runaways: int) -> dict[str, Any]:
    """Light clients for SECONDS while `runaways` clients keep runaway queries in flight."""
    stop = threading.Event()
    latencies: list[float] = []
    errors: list[int] = []
    runaway_statuses: list[int] = []
    lock = threading.Lock()

    def light(number: int) -> None:
        client = Client(endpoint)
        i = number
        while not stop.is_set():
            query = PREFIXES + LIGHT[i % len(LIGHT)].format(e=entities[(i // len(LIGHT)) % len(entities)])
            query += f"\n# request {i}"  # every text differs: the engine answers, not the answer cache
            i += CLIENTS
            started = time.perf_counter()
            status, _ = client.ask(query)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    errors.append(status)

    def runaway(number: int) -> None:
        client = Client(endpoint)
        i = number
        while not stop.is_set():
            status, _ = client.ask(PREFIXES + RUNAWAYS[i % len(RUNAWAYS)])
            i += 1
            with lock:
                runaway_statuses.append(status)

    heavy = [threading.Thread(target=runaway, args=(n,), daemon=True) for n in range(runaways)]
    for thread in heavy:
        thread.start()
    if runaways:
        time.sleep(1.0)  # let them get going: every light query below runs beside them
    threads = [threading.Thread(target=light, args=(n,)) for n in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(SECONDS)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    for thread in heavy:
        thread.join(30)
    ordered = sorted(latencies)
    figures: dict[str, Any] = {
        "clients": CLIENTS,
        "seconds": round(elapsed, 1),
        "queries": len(ordered),
        "qps": round(len(ordered) / elapsed, 1),
        "p50_ms": round(1000 * ordered[len(ordered) // 2], 1),
        "p99_ms": round(1000 * ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 1),
        "max_ms": round(1000 * ordered[-1], 1),
        "errors": len(errors),
    }
    if runaways:
        figures["runaway_clients"] = runaways
        figures["runaway_statuses"] = {
            str(s): runaway_statuses.count(s) for s in sorted(set(runaway_statuses))
        }
    return figures


def graph_health(endpoint: str) -> dict[str, Any]:
    client = Client(endpoint)
    client.conn.request("GET", "/health")
    health = json.loads(client.conn.getresponse().read())
    return {
        "quads": health["triples"],
        "named_graphs": len(health["graphs"]),
        "load_seconds": health["load_seconds"],
    }


def named_query_times(endpoint: str, runs: int = 5) -> dict[str, dict[str, float]]:
    """Per named query: the first answer (the engine) and the median of the repeats (the answer cache)."""
    from kg.sparql import named

    client = Client(endpoint)
    times: dict[str, dict[str, float]] = {}
    for query in named.load_all():
        took = []
        for _ in range(runs):
            started = time.perf_counter()
            status, body = client.ask(query.query)
            took.append(time.perf_counter() - started)
            assert status == 200, (query.name, body[:200])
        times[query.name] = {
            "first_ms": round(1000 * took[0], 1),
            "repeat_median_ms": round(1000 * statistics.median(took[1:]), 1),
        }
    return times


def main() -> dict[str, Any]:
    if not CORPUS.is_dir():
        raise SystemExit(f"bench_sparql needs the shared corpus at {CORPUS}")
    with tempfile.TemporaryDirectory(prefix="cnkg-bench-sparql-") as folder:
        url = os.environ.get("KG_BENCH_DB") or build(Path(folder))  # KG_BENCH_DB: reuse a built store
        process, endpoint = start_server(url, Path(folder) / "serve.log")
        try:
            health = graph_health(endpoint)
            entities = top_entities(endpoint)
            named = named_query_times(endpoint)
            print(f"named queries, single client (ms): {named}", flush=True)
            light = load_phase(endpoint, entities, runaways=0)
            print(f"light, {CLIENTS} clients: {light}", flush=True)
            loaded = load_phase(endpoint, entities, runaways=RUNAWAY_CLIENTS)
            print(f"light + {RUNAWAY_CLIENTS} runaways: {loaded}", flush=True)
        finally:
            process.terminate()
            process.wait(30)
    figures = {
        "graph": health,
        "light": light,
        "light_with_runaways": loaded,
        "named_queries": named,
        "target_p99_ms": TARGET_P99_MS,
        "meets_target": light["p99_ms"] <= TARGET_P99_MS and loaded["p99_ms"] <= TARGET_P99_MS,
    }
    print(json.dumps(figures, indent=2))
    return figures


if __name__ == "__main__":
    main()
