"""`kg query` and `kg serve` as commands: exact output, one-line errors, SIGHUP reloads, SIGTERM cleans up."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sparql_support import CORPUS, build_store, corpus_db  # noqa: F401  # corpus_db is a fixture
from SPARQLWrapper import JSON, SPARQLWrapper

from kg.sparql.execute import Request
from kg.sparql.worker import run_isolated
from kg.sparql.zygote import Source, load

KG = [sys.executable, "-m", "kg.cli"]
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def kg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KG, *args], capture_output=True, text=True, check=False, timeout=120)


def test_query_top_projects_prints_a_table(corpus_db: str) -> None:  # noqa: F811
    result = kg("query", "--name", "top-projects", "--db", corpus_db)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["project", "label", "items", "issues", "series", "first", "last"]
    assert lines[2].split()[:2] == ["ent:layotto", "Layotto"]  # the sample is mostly SOFA Weekly
    assert len(lines) == 2 + 25
    assert result.stderr == ""


def test_query_formats(corpus_db: str, tmp_path: Path) -> None:  # noqa: F811
    csv_out = kg("query", "--name", "top-projects", "--format", "csv", "--db", corpus_db).stdout
    assert csv_out.splitlines()[0] == "project,label,items,issues,series,first,last"
    assert csv_out.splitlines()[1].startswith("https://w3id.org/cnkg/entity/layotto,Layotto,")
    doc = json.loads(kg("query", "--name", "top-projects", "--format", "json", "--db", corpus_db).stdout)
    assert doc["head"]["vars"] == ["project", "label", "items", "issues", "series", "first", "last"]
    rq = tmp_path / "q.rq"
    rq.write_text(COUNT, encoding="utf-8")
    by_file = kg("query", "--file", str(rq), "--format", "csv", "--db", corpus_db)
    by_text = kg("query", COUNT, "--format", "csv", "--db", corpus_db)
    assert by_file.stdout == by_text.stdout
    assert re.fullmatch(r"n\n\d+\n", by_file.stdout)  # text mode reads CRLF as a newline
    turtle = kg("query", "--name", "describe-entity", "--db", corpus_db).stdout
    assert "ent:kubernetes" in turtle and turtle.startswith("@prefix ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"],
            "error: SERVICE (federated query) is refused: this endpoint never calls other servers",
        ),
        (
            ["INSERT DATA { <urn:a> <urn:b> <urn:c> }"],
            "error: SPARQL Update (INSERT) is refused: this endpoint is read-only",
        ),
        (
            ["SELECT * WHERE { ?s ?p }"],
            "error: malformed query: error at 1:25: expected one of LATERAL, SERVICE, [_]",
        ),
        (
            [JOIN, "--timeout", "1"],
            "error: query stopped: it ran past the 1 s time limit (narrow it with LIMIT, more specific "
            "patterns or fewer property paths)",
        ),
        (["--name", "top-project"], "error: unknown named query 'top-project'; did you mean 'top-projects'?"),
        (
            ["ASK {}", "--name", "top-projects"],
            "error: give exactly one of: a query, --file q.rq, --name NAME (kg query --help)",
        ),
        (["ASK {}", "--format", "xml"], "error: unknown --format 'xml'; use one of table, csv, json"),
    ],
)
def test_query_errors_are_one_line(corpus_db: str, args: list[str], message: str) -> None:  # noqa: F811
    started = time.monotonic()
    result = kg("query", *args, "--db", corpus_db)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(message)
    if "--timeout" in args:
        assert time.monotonic() - started < 30  # stopped, not run to the end


def test_truncation_is_reported_on_stderr(corpus_db: str) -> None:  # noqa: F811
    result = kg(
        "query",
        "SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } }",
        "--max-rows",
        "7",
        "--format",
        "csv",
        "--db",
        corpus_db,
    )
    assert result.returncode == 0
    assert len(result.stdout.splitlines()) == 8
    assert result.stderr == "truncated: only the first 7 rows are shown (raise --max-rows or add a LIMIT)\n"


def test_a_query_over_its_memory_limit_is_stopped(corpus_db: str) -> None:  # noqa: F811
    store = load(Source(db=corpus_db))
    sort = Request("SELECT ?c ?f WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f")
    reply = run_isolated(store, sort, timeout=60, memory_mb=64)
    assert (reply.status, reply.message) == (
        503,
        "query stopped: its worker died, most likely past the 64 MiB memory limit",
    )


# --------------------------------------------------------------------------- kg serve


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children = (task / "children").read_text().split() if (task / "children").exists() else []
        for child in map(int, children):
            found |= {child} | _descendants(child)
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "State:\tZ" not in status.read_text()


@pytest.fixture
def served(corpus_db: str, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str, str]]:  # noqa: F811
    db_file = tmp_path / "kg.db"
    shutil.copy(corpus_db.removeprefix("sqlite:///"), db_file)
    url = f"sqlite:///{db_file}"
    process = subprocess.Popen(
        [*KG, "serve", "--db", url, "--port", "0", "--timeout", "5"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    endpoint = ""
    deadline = time.monotonic() + 60
    while not endpoint and time.monotonic() < deadline:
        line = process.stderr.readline()
        found = re.search(r"SPARQL endpoint (http://127\.0\.0\.1:\d+/sparql)", line)
        endpoint = found.group(1) if found else ""
        assert line or process.poll() is None, "kg serve exited early"
    try:
        yield process, endpoint, url
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)
        process.stderr.close()


def _count(endpoint: str) -> int:
    wrapper = SPARQLWrapper(endpoint)
    wrapper.setReturnFormat(JSON)
    wrapper.setQuery(COUNT)
    return int(wrapper.query().convert()["results"]["bindings"][0]["n"]["value"])  # type: ignore[index]


def test_serve_binds_loopback_reloads_on_sighup_and_cleans_up_on_sigterm(served) -> None:  # type: ignore[no-untyped-def]
    process, endpoint, url = served
    before = _count(endpoint)
    assert before > 1000
    children = _descendants(process.pid)
    assert len(children) >= 2  # the graph process and its workers
    build_store(url, [str(CORPUS / "tgik" / "001" / "README.md"), str(CORPUS / "tgik" / "002" / "README.md")])
    process.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 60
    after = before
    while after == before and time.monotonic() < deadline:
        time.sleep(0.2)
        after = _count(endpoint)
    assert after > before
    children |= _descendants(process.pid)
    process.send_signal(signal.SIGTERM)
    assert process.wait(20) == 0
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in children if _alive(pid)]


def test_serve_and_query_errors_are_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "missing.nq"
    for args in (
        ["query", "ASK {}", "--data", str(missing)],
        ["serve", "--data", str(missing), "--port", "0"],
    ):
        result = kg(*args)
        assert (result.returncode, result.stderr) == (
            2,
            f"error: cannot load {missing}: No such file or directory (os error 2)\n",
        )
    result = kg("query", "ASK {}", "--data", str(missing), "--db", "sqlite:///x.db")
    assert (
        result.stderr
        == f"error: give --db or --data, not both (got --db sqlite:///x.db and --data {missing})\n"
    )
    graph = tmp_path / "g.nt"
    graph.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = kg("serve", "--data", str(graph), "--port", str(port))
    assert (result.returncode, result.stderr) == (
        2,
        f"error: cannot listen on 127.0.0.1:{port}: Address already in use; choose another --port\n",
    )
