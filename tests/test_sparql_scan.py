"""The query scan: forms, updates and SERVICE found wherever oxigraph's parser finds them, and nowhere else.

The SERVICE cases are checked against pyoxigraph itself: each one really makes pyoxigraph open a
connection to a local listener (so the case is real), and each one is refused by the scan.
"""

from __future__ import annotations

import contextlib
import time

import pytest
from sparql_support import Listener

from kg.sparql.scan import inspect, prologue_prefixes

LISTENER = "http://127.0.0.1:{port}/sparql"

# Every one of these makes pyoxigraph call the listener (verified below), however the keyword is glued.
CALLING_OUT = [
    "SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "select * {{ service <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * {{ SERVICESILENT<{url}>{{ ?s ?p ?o }} }}",
    "PREFIX : <{url}> SELECT * {{ SERVICE:x {{ ?s ?p ?o }} }}",
    "PREFIX svc: <{url}> SELECT * {{ SERVICE svc:x {{ ?s ?p ?o }} }}",
    "SELECT * {{ ?s <http://e/p> ?o OPTIONAL{{}}SERVICE<{url}>{{ ?a ?b ?c }} }}",
    "PREFIX : <{url}> SELECT * {{ ?s <http://e/p> trueSERVICE:x {{ ?a ?b ?c }} }}",
    "SELECT * {{ ?s <http://e/q> 1e5SERVICE<{url}> {{ ?a ?b ?c }} }}",
    "SELECT * {{ ?s <http://e/r> 1SERVICE<{url}> {{ ?a ?b ?c }} }}",
    "SELECT * {{ ?s <http://e/r> 1 . SeRvIcE<{url}> {{ ?a ?b ?c }} }}",
    "SELECT * {{ ?s ?p ?o # comment\n SERVICE <{url}> {{ ?a ?b ?c }} }}",
    "PREFIX ex: <http://e/> SELECT * {{ ?s ex:p\\# ?o SERVICE <{url}> {{ }} }}",
]

# SERVICE inside strings, IRIs, comments, names and variables: not a keyword, never refused.
HARMLESS = [
    "SELECT * {{ ?s ?p 'SERVICE <{url}> {{ }}' }}",
    'SELECT * {{ ?s ?p "a\\"SERVICE <{url}> {{ }}" }}',
    "SELECT * {{ ?s ?p '''it''s SERVICE <{url}> {{}}''' }}",
    'SELECT * {{ ?s ?p """\nSERVICE <{url}> {{}}\n""" }}',
    "SELECT * {{ ?s ?p ?o }} # SERVICE <{url}> {{ }}",
    "SELECT * {{ ?s <{url}SERVICE> ?o }}",
    "PREFIX ex: <http://e/> SELECT * {{ ?s ex:serviceType ?o . ?s ex:service-mesh ?service }}",
    "SELECT ?service {{ ?s ?p ?service FILTER(?service != <{url}>) }}",
    "SELECT * {{ ?s ?p _:service }}",
]


def _store():  # type: ignore[no-untyped-def]
    import pyoxigraph as ox

    store = ox.Store()
    s = ox.NamedNode("http://e/s")
    double = ox.NamedNode("http://www.w3.org/2001/XMLSchema#double")
    store.add(ox.Quad(s, ox.NamedNode("http://e/p"), ox.Literal(True)))
    store.add(ox.Quad(s, ox.NamedNode("http://e/q"), ox.Literal("1e5", datatype=double)))
    store.add(ox.Quad(s, ox.NamedNode("http://e/r"), ox.Literal(1)))
    return store


def _connections(query: str, listener: Listener, wait: float = 1.0) -> int:
    before = listener.connections
    with contextlib.suppress(OSError, RuntimeError, SyntaxError):
        list(_store().query(query))
    deadline = time.monotonic() + wait
    while listener.connections == before and time.monotonic() < deadline:
        time.sleep(0.02)
    return listener.connections - before


@pytest.fixture(scope="module")
def listener():  # type: ignore[no-untyped-def]
    listening = Listener()
    yield listening
    listening.close()


@pytest.mark.parametrize("template", CALLING_OUT)
def test_every_form_of_service_that_pyoxigraph_calls_is_refused(template: str, listener: Listener) -> None:
    query = template.format(url=LISTENER.format(port=listener.port))
    assert _connections(query, listener) == 1, "pyoxigraph no longer calls out here: the case is moot"
    assert inspect(query).refusal == (
        "SERVICE (federated query) is refused: this endpoint never calls other servers"
    )


@pytest.mark.parametrize("template", HARMLESS)
def test_service_inside_strings_iris_comments_names_is_not_refused(template: str, listener: Listener) -> None:
    query = template.format(url=LISTENER.format(port=listener.port))
    assert inspect(query).refusal is None
    assert _connections(query, listener, wait=0.3) == 0


def test_service_through_a_variable_is_refused_too() -> None:
    query = "SELECT * { BIND(<http://127.0.0.1:9/> AS ?u) SERVICE ?u { ?a ?b ?c } }"
    assert inspect(query).refusal is not None


def test_codepoint_escapes_are_decoded_before_the_second_scan() -> None:
    # pyoxigraph 0.5 rejects this, but the grammar lets a parser decode escapes first: refuse it anyway.
    assert inspect("SELECT * { \\u0053ERVICE <http://127.0.0.1:9/> { } }").refusal is not None
    assert inspect('SELECT * { ?s ?p "\\u0041" }').refusal is None


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("SELECT * { ?s ?p ?o }", "SELECT"),
        ("PREFIX select: <http://e/> BASE <http://b/> ask { ?s select:p ?o }", "ASK"),
        ("SELECT*{}", "SELECT"),
        ("# a comment\nCONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("DESCRIBE <http://e/s>", "DESCRIBE"),
        ("PREFIX : <http://e/>\n:x", None),
        ("", None),
    ],
)
def test_form(query: str, form: str | None) -> None:
    shape = inspect(query)
    assert (shape.form, shape.refusal) == (form, None)
    assert shape.is_graph == (form in ("CONSTRUCT", "DESCRIBE"))


@pytest.mark.parametrize(
    ("query", "word"),
    [
        ("INSERT DATA { <http://e/s> <http://e/p> 1 }", "INSERT"),
        ("PREFIX ex: <http://e/> DELETE WHERE { ?s ex:p ?o }", "DELETE"),
        ("LOAD <http://127.0.0.1:9/data.ttl>", "LOAD"),
        ("load silent <http://127.0.0.1:9/data.ttl> INTO GRAPH <http://g/>", "LOAD"),
        ("CLEAR ALL", "CLEAR"),
        ("DROP GRAPH <http://g/>", "DROP"),
        ("CREATE GRAPH <http://g/>", "CREATE"),
        ("COPY DEFAULT TO <http://g/>", "COPY"),
        ("MOVE DEFAULT TO <http://g/>", "MOVE"),
        ("ADD DEFAULT TO <http://g/>", "ADD"),
        ("WITH <http://g/> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH"),
        ("INSERTDATA { <http://e/s> <http://e/p> 1 }", "INSERT"),
    ],
)
def test_updates_are_refused(query: str, word: str) -> None:
    assert inspect(query).refusal == f"SPARQL Update ({word}) is refused: this endpoint is read-only"


def test_prologue_prefixes() -> None:
    query = "PREFIX ex: <http://e/> PREFIX : <http://d/> PREFIX rel: <rel/> SELECT * { ?s ex:p ?o }"
    assert prologue_prefixes(query) == {"ex": "http://e/", "": "http://d/"}


@pytest.mark.parametrize(
    "text",
    [
        "'''" + "''a" * 20000,
        '"' + "\\\\" * 20000,
        "a:" + "b." * 20000 + "!",
        "<" + "a" * 50000,
        '"' + "a" * 100000,
    ],
)
def test_pathological_input_scans_in_linear_time(text: str) -> None:
    started = time.monotonic()
    assert inspect(text).refusal is None
    assert time.monotonic() - started < 2.0  # catastrophic backtracking would take minutes
