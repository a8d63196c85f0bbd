"""Reload builds the new graph in full beside the old one and swaps: no client ever sees half a graph."""

from __future__ import annotations

import http.client
import json
import os
import signal
import threading
import time
from pathlib import Path

from sparql_support import corpus_db, running_server  # noqa: F401  # corpus_db is a fixture

from kg.rdf import nquads
from kg.sparql.protocol import Settings
from kg.sparql.server import SparqlServer
from kg.sparql.zygote import Source
from kg.store import Store

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
EXTRA = 300_000  # enough quads that loading them takes a while


def _request(server: SparqlServer, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(str(host), int(port), timeout=120)
    conn.request(method, path, body=body, headers={"Content-Type": "application/sparql-query"})
    response = conn.getresponse()
    answer = (response.status, response.read())
    conn.close()
    return answer


def count(server: SparqlServer) -> int:
    status, body = _request(server, "POST", "/sparql", COUNT.encode())
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def _replace(path: Path, data: bytes) -> None:
    partial = path.with_suffix(".partial")
    partial.write_bytes(data)
    os.replace(partial, path)


def test_reload_swaps_a_complete_graph_and_keeps_serving_meanwhile(corpus_db: str, tmp_path: Path) -> None:  # noqa: F811
    with Store(corpus_db) as store:
        first = nquads(store)
    extra = "".join(f'<urn:s{i}> <urn:p> "{i}" <urn:extra> .\n' for i in range(EXTRA)).encode()
    path = tmp_path / "graph.nq"
    _replace(path, first)
    with running_server(Source(data=str(path)), Settings(timeout=30)) as server:
        old = count(server)  # type: ignore[arg-type]
        assert old > 1000
        _replace(path, first + extra)
        outcome: dict[str, object] = {}

        def reload() -> None:
            outcome["answer"] = _request(server, "POST", "/reload")  # type: ignore[arg-type]

        thread = threading.Thread(target=reload)
        thread.start()
        seen = []
        while thread.is_alive():
            seen.append(count(server))  # type: ignore[arg-type]
            time.sleep(0.01)
        thread.join()
        status, body = outcome["answer"]  # type: ignore[misc]
        assert status == 200, body
        assert json.loads(body)["reloaded"] is True
        assert set(seen) <= {old, old + EXTRA}  # the old graph or the new one, never a part of either
        assert seen.count(old) >= 3  # the old graph answered while the new one loaded
        assert count(server) == old + EXTRA  # type: ignore[arg-type]

        _replace(path, b"<urn:broken> <urn:p> .\n")
        status, body = _request(server, "POST", "/reload")  # type: ignore[arg-type]
        assert status == 409
        assert json.loads(body)["error"].startswith(f"cannot load {path}: ")
        assert count(server) == old + EXTRA  # type: ignore[arg-type]


def test_a_dead_graph_process_is_rebuilt_and_the_server_lives_on(corpus_db: str, tmp_path: Path) -> None:  # noqa: F811
    with Store(corpus_db) as store:
        data = nquads(store)
    path = tmp_path / "graph.nq"
    _replace(path, data)
    with running_server(Source(data=str(path)), Settings(timeout=30)) as server:
        before = count(server)  # type: ignore[arg-type]
        os.kill(server.engine.graph_pid, signal.SIGKILL)  # type: ignore[attr-defined]
        time.sleep(0.5)
        fresh = (COUNT + " # not asked before, so not in the answer cache").encode()
        status, body = _request(server, "POST", "/sparql", fresh)  # type: ignore[arg-type]
        assert (status, body) == (503, b"the graph process stopped; it is being rebuilt, try again shortly\n")
        deadline = time.monotonic() + 60
        while status != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
            status, body = _request(server, "POST", "/sparql", fresh)  # type: ignore[arg-type]
        assert status == 200
        assert count(server) == before  # type: ignore[arg-type]
