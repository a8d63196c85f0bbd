"""`kg push` into a real Graph Store Protocol server: an `oxigraph serve` process started and stopped here."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from sparql_support import corpus_db, free_port  # noqa: F401  # corpus_db is a fixture

from kg.sparql.push import PushError, push
from kg.sparql.zygote import Source, load

OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
pytestmark = pytest.mark.skipif(
    OXIGRAPH is None, reason="the oxigraph server binary (PyPI 'oxigraph') is missing"
)


@pytest.fixture
def oxigraph_server(tmp_path: Path) -> Iterator[str]:
    """A fresh on-disk Oxigraph server on a free port of 127.0.0.1; yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [str(OXIGRAPH), "serve", "--location", str(tmp_path / "oxigraph"), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(base + "/", timeout=1):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("oxigraph serve did not start")
            time.sleep(0.1)
    try:
        yield base
    finally:
        process.terminate()
        process.wait(10)


def remote_quads(base: str) -> set[Any]:
    request = urllib.request.Request(base + "/store", headers={"Accept": "application/n-quads"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return set(ox.parse(response.read(), format=ox.RdfFormat.N_QUADS))


@pytest.fixture(scope="module")
def graph(corpus_db: str) -> Any:  # noqa: F811
    return load(Source(db=corpus_db))


def test_push_copies_every_graph_and_twice_changes_nothing(graph: Any, oxigraph_server: str) -> None:
    report = push(graph, oxigraph_server + "/store")
    named = list(graph.named_graphs())
    assert (report.graphs, report.triples) == (1 + len(named), len(graph))
    local = set(graph)
    assert remote_quads(oxigraph_server) == local
    again = push(graph, oxigraph_server + "/store", fmt="turtle")
    assert again.triples == report.triples
    assert remote_quads(oxigraph_server) == local


def test_push_into_one_named_graph(graph: Any, oxigraph_server: str) -> None:
    report = push(graph, oxigraph_server + "/store", graph="https://example.org/cnkg/build-1")
    triples = {quad.triple for quad in graph}
    assert (report.graphs, report.triples) == (1, len(triples))
    remote = remote_quads(oxigraph_server)
    assert {q.graph_name.value for q in remote} == {"https://example.org/cnkg/build-1"}
    assert {q.triple for q in remote} == triples


def test_push_errors_name_the_endpoint(graph: Any, oxigraph_server: str) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}/store"
    with pytest.raises(
        PushError, match=rf"^cannot reach {nowhere}: .*; is the Graph Store server running\?$"
    ):
        push(graph, nowhere)
    with pytest.raises(PushError, match=r"refused the default graph with 404: PUT /nowhere is not supported"):
        push(graph, oxigraph_server + "/nowhere")
    with pytest.raises(
        PushError, match=r"^--endpoint must be an http\(s\) URL of a Graph Store, got 'ftp://x/'$"
    ):
        push(graph, "ftp://x/")


def test_kg_push_command(corpus_db: str, oxigraph_server: str) -> None:  # noqa: F811
    result = subprocess.run(
        [sys.executable, "-m", "kg.cli", "push", "--endpoint", oxigraph_server + "/store", "--db", corpus_db],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    graph = load(Source(db=corpus_db))
    expected = f"pushed {len(graph):,} triples in {1 + len(list(graph.named_graphs())):,} graphs to "
    assert result.stdout.startswith(expected + oxigraph_server + "/store in ")
    assert remote_quads(oxigraph_server) == set(graph)
