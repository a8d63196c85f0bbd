"""`kg serve` under abuse: read-only, no SERVICE call ever leaves, runaway queries cut at the limit while
others are served, row cap flagged, body limit, 400/405/406/413/415 with messages, garbage never a 500.
"""

from __future__ import annotations

import http.client
import itertools
import json
import socket
import threading
import time
import urllib.error
from collections.abc import Iterator

import pytest
from sparql_support import Listener, corpus_db, running_server  # noqa: F401  # corpus_db is a fixture
from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from kg.sparql.protocol import Settings
from kg.sparql.server import SparqlServer
from kg.sparql.zygote import Source

LIMIT = 1.5
MAX_ROWS = 1000
MAX_BODY = 65_536
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
LIGHT = (
    "PREFIX schema: <https://schema.org/> "
    "SELECT ?item WHERE { ?item schema:mentions ?e } ORDER BY ?item LIMIT 3"
)
RUNAWAYS = {
    "join": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "sort": "SELECT ?c ?f WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c DESC(?f)",
    "property path": "SELECT (COUNT(*) AS ?n) WHERE { ?a (!<urn:x>|^!<urn:x>)* ?b }",
}
NUMBERED = itertools.count()  # light queries get a distinct text: a worker answers, not the answer cache
STOPPED = (
    f"query stopped: it ran past the {LIMIT:g} s time limit "
    "(narrow it with LIMIT, more specific patterns or fewer property paths)\n"
)


@pytest.fixture(scope="module")
def server(corpus_db: str) -> Iterator[SparqlServer]:  # noqa: F811
    settings = Settings(timeout=LIMIT, max_rows=MAX_ROWS, max_body=MAX_BODY)
    with running_server(Source(db=corpus_db), settings, workers=6) as running:
        yield running  # type: ignore[misc]


def raw(
    server: SparqlServer, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
):  # type: ignore[no-untyped-def]
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(str(host), int(port), timeout=60)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, dict(response.getheaders()), data


def post(server: SparqlServer, query: str, accept: str = "application/sparql-results+json"):  # type: ignore[no-untyped-def]
    return raw(
        server,
        "POST",
        "/sparql",
        query.encode(),
        {"Content-Type": "application/sparql-query", "Accept": accept},
    )


def count(server: SparqlServer) -> int:
    status, _, body = post(server, COUNT)
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def sparqlwrapper(server: SparqlServer, query: str) -> SPARQLWrapper:
    wrapper = SPARQLWrapper(server.url + "sparql")
    wrapper.setReturnFormat(JSON)
    wrapper.setMethod(POST)
    wrapper.setQuery(query)
    return wrapper


# --------------------------------------------------------------------------- read-only, no SERVICE


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://127.0.0.1:9/evil.ttl>",
        "CLEAR ALL",
        "DROP DEFAULT",
    ],
)
def test_updates_and_load_are_refused_and_change_nothing(server: SparqlServer, update: str) -> None:
    before = count(server)
    with pytest.raises(urllib.error.HTTPError) as refused:  # SPARQLWrapper sends these as update=
        sparqlwrapper(server, update).query()
    assert refused.value.code == 403
    assert refused.value.read() == b"this endpoint is read-only: SPARQL Update is refused\n"
    status, _, body = raw(
        server, "POST", "/sparql", update.encode(), {"Content-Type": "application/sparql-update"}
    )
    assert (status, body) == (403, b"this endpoint is read-only: SPARQL Update is refused\n")
    status, _, body = post(server, update)  # an update sent as a query
    word = update.split()[0]
    assert (status, body) == (
        403,
        f"SPARQL Update ({word}) is refused: this endpoint is read-only\n".encode(),
    )
    assert count(server) == before


SERVICES = [
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICESILENT<{url}>{{ ?s ?p ?o }} }}",
    "PREFIX : <{url}> SELECT * WHERE {{ SERVICE:x {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ BIND(<{url}> AS ?u) SERVICE ?u {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s ?p ?o # }}\n SERVICE <{url}> {{ ?a ?b ?c }} }}",
]


def test_service_is_refused_before_any_connection_is_made(server: SparqlServer) -> None:
    listener = Listener()
    try:
        url = f"http://127.0.0.1:{listener.port}/sparql"
        for template in SERVICES:
            query = template.format(url=url)
            with pytest.raises(urllib.error.HTTPError) as refused:
                sparqlwrapper(server, query).query()
            assert refused.value.code == 403
            assert refused.value.read() == (
                b"SERVICE (federated query) is refused: this endpoint never calls other servers\n"
            )
        time.sleep(0.5)
        assert listener.connections == 0
    finally:
        listener.close()


# --------------------------------------------------------------------------- time limit


@pytest.mark.parametrize("kind", sorted(RUNAWAYS))
def test_a_runaway_query_is_stopped_at_the_limit_while_light_queries_answer(
    server: SparqlServer, kind: str
) -> None:
    _, _, expected = post(server, LIGHT)
    outcome: dict[str, object] = {}

    def runaway() -> None:
        started = time.monotonic()
        outcome["reply"] = post(server, RUNAWAYS[kind])
        outcome["elapsed"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    light: list[float] = []
    while thread.is_alive():
        started = time.monotonic()
        status, headers, body = post(server, f"{LIGHT}\n# {next(NUMBERED)}")
        assert "X-cnkg-Cache" not in headers
        light.append(time.monotonic() - started)
        assert (status, body) == (200, expected)
        time.sleep(0.05)
    thread.join()
    status, headers, body = outcome["reply"]  # type: ignore[misc]
    assert (status, body) == (503, STOPPED.encode())
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    assert LIMIT <= outcome["elapsed"] < LIMIT + 2.0  # type: ignore[operator]
    assert len(light) >= 3
    assert max(light) < 1.0, light  # never queued behind the runaway
    assert count(server) > 0  # and the server goes on


# --------------------------------------------------------------------------- limits and refusals


def test_row_cap_is_flagged(server: SparqlServer) -> None:
    status, headers, body = post(server, "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
    doc = json.loads(body)
    assert (status, headers["X-cnkg-Truncated"], doc["truncated"]) == (200, "true", True)
    assert len(doc["results"]["bindings"]) == MAX_ROWS
    status, headers, body = post(server, "SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } }", accept="text/csv")
    assert (status, headers["X-cnkg-Truncated"], len(body.splitlines())) == (200, "true", MAX_ROWS + 1)
    status, headers, body = post(
        server, "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", accept="application/n-triples"
    )
    assert (status, headers["X-cnkg-Truncated"], len(body.splitlines())) == (200, "true", MAX_ROWS)
    status, headers, body = post(server, LIGHT)
    assert status == 200 and "X-cnkg-Truncated" not in headers and "truncated" not in json.loads(body)


def test_body_over_the_limit_is_413_and_never_read(server: SparqlServer) -> None:
    query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * MAX_BODY
    status, headers, body = post(server, query)
    assert (status, headers["Connection"]) == (413, "close")
    assert body == f"request body of {len(query)} bytes is over the limit of {MAX_BODY} bytes\n".encode()
    assert count(server) > 0


def test_malformed_query_is_400_with_the_parsers_message(server: SparqlServer) -> None:
    with pytest.raises(QueryBadFormed) as bad:
        sparqlwrapper(server, "SELECT * WHERE { ?s ?p }").query()
    assert "malformed query: error at 1:25: expected one of LATERAL, SERVICE, [_]" in str(bad.value)


@pytest.mark.parametrize(
    ("method", "path", "headers", "status", "message"),
    [
        ("PUT", "/sparql", {}, 405, "method PUT is not allowed here; use GET, POST, OPTIONS"),
        ("DELETE", "/sparql", {}, 405, "method DELETE is not allowed here; use GET, POST, OPTIONS"),
        ("GET", "/reload", {}, 405, "method GET is not allowed here; use POST"),
        ("POST", "/queries", {}, 405, "method POST is not allowed here; use GET, HEAD, OPTIONS"),
        (
            "POST",
            "/sparql",
            {"Content-Type": "text/plain"},
            415,
            "unsupported Content-Type text/plain: send application/x-www-form-urlencoded or "
            "application/sparql-query",
        ),
        (
            "POST",
            "/sparql",
            {"Content-Type": "multipart/form-data; boundary=x"},
            415,
            "unsupported Content-Type multipart/form-data: send application/x-www-form-urlencoded or "
            "application/sparql-query",
        ),
        (
            "GET",
            "/sparql?query=ASK%7B%7D",
            {"Accept": "image/png"},
            406,
            "none of the accepted media types can carry a results answer; offered: "
            "application/sparql-results+json, application/sparql-results+xml, text/csv, "
            "text/tab-separated-values",
        ),
        (
            "GET",
            "/nowhere",
            {},
            404,
            "no such page /nowhere; the SPARQL endpoint is /sparql, the query page /",
        ),
    ],
)
def test_wrong_method_media_type_or_accept(  # type: ignore[no-untyped-def]
    server: SparqlServer, method: str, path: str, headers: dict[str, str], status: int, message: str
) -> None:
    got, answer_headers, body = raw(server, method, path, b"ASK {}" if method == "POST" else b"", headers)
    assert (got, body.decode()) == (status, message + "\n")
    if status == 405:
        assert answer_headers["Allow"] == message.rsplit("use ", 1)[1]


def test_no_cors_headers_unless_an_origin_is_configured(server: SparqlServer) -> None:
    _, headers, _ = raw(server, "GET", "/sparql?query=ASK%7B%7D", headers={"Origin": "https://evil.example"})
    assert not [h for h in headers if h.lower().startswith("access-control")]
    server.settings.cors_origin = "https://yasgui.example"
    try:
        _, headers, _ = raw(
            server, "GET", "/sparql?query=ASK%7B%7D", headers={"Origin": "https://yasgui.example"}
        )
        assert headers["Access-Control-Allow-Origin"] == "https://yasgui.example"
        status, headers, _ = raw(
            server, "OPTIONS", "/sparql", headers={"Access-Control-Request-Method": "POST"}
        )
        assert (status, headers["Access-Control-Allow-Methods"]) == (204, "GET, POST, OPTIONS")
    finally:
        server.settings.cors_origin = None


GARBAGE = [
    b"GARBAGE\r\n\r\n",
    b"GET /sparql?query=%FF%FE HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /sparql?query=" + b"A" * 70000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    b"POST /sparql HTTP/1.1\r\nContent-Type: application/sparql-query\r\nContent-Length: -5\r\n\r\n",
    b"POST /sparql HTTP/1.1\r\nContent-Type: application/sparql-query\r\nContent-Length: abc\r\n\r\n",
    b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
    b"Transfer-Encoding: chunked\r\n\r\n5\r\nASK{}\r\n0\r\n\r\n",
    b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    b"Content-Length: 9\r\n\r\nquery=\xff\xfe\xfd",
    b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query; charset=klingon\r\n"
    b"Content-Length: 6\r\n\r\nASK {}",
    b"GET /sparql?query=ASK%7B%7D&default-graph-uri=not%20an%20iri HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /sparql?query=SELECT%20*%20%7B%20%3Fs%20%3Fp%20%3Fo%20FILTER(REGEX(%3Fo%2C%20%22(%22))%20%7D"
    b" HTTP/1.1\r\nHost: x\r\n\r\n",
    b"FOO /sparql HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /sparql HTTP/1.1\r\nHost: x\r\n" + b"X-Long: " + b"y" * 70000 + b"\r\n\r\n",
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(256)),
    b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nAccept: ;;;q=abc,,\r\n\r\n",
]


@pytest.mark.parametrize("request_bytes", GARBAGE, ids=range(len(GARBAGE)))
def test_garbage_gets_a_4xx_never_a_500_and_the_server_lives_on(
    server: SparqlServer, request_bytes: bytes
) -> None:
    host, port = server.server_address[:2]
    with socket.create_connection((str(host), int(port)), timeout=10) as sock:
        sock.sendall(request_bytes)
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    if answer.startswith(b"HTTP/"):
        status = int(answer.split(b" ", 2)[1])
        assert 400 <= status < 500 or status in (200, 501), answer[:200]
    elif answer:  # a one-word request line is HTTP/0.9: the error page comes without a status line
        assert b"Error code: 400" in answer, answer[:200]
    assert count(server) > 0


def test_reload_is_accepted_from_loopback_only(server: SparqlServer) -> None:
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing address
        address = probe.getsockname()[0]
    except OSError:
        address = "127.0.0.1"
    finally:
        probe.close()
    if address.startswith("127."):
        pytest.skip("this machine has no address but loopback")
    with running_server(server.source, Settings(), host="0.0.0.0") as public:  # type: ignore[arg-type]
        conn = http.client.HTTPConnection(address, public.server_address[1], timeout=30)  # type: ignore[attr-defined]
        conn.request("POST", "/reload")
        response = conn.getresponse()
        assert (response.status, response.read()) == (
            403,
            b"reload is only accepted from this machine (loopback)\n",
        )
        conn.close()


def test_a_flood_of_idle_connections_gets_a_quick_503_not_a_hang(server: SparqlServer) -> None:
    from kg.sparql.server import MAX_CONNECTIONS

    host, port = server.server_address[:2]
    idle = [socket.create_connection((str(host), int(port)), timeout=10) for _ in range(MAX_CONNECTIONS)]
    try:
        time.sleep(0.5)
        with socket.create_connection((str(host), int(port)), timeout=10) as extra:
            extra.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            assert extra.recv(100).startswith(b"HTTP/1.1 503 Service Unavailable\r\n")
    finally:
        for sock in idle:
            sock.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            assert count(server) > 0
            break
        except (AssertionError, OSError, http.client.HTTPException):
            time.sleep(0.2)
    assert count(server) > 0
