"""Content negotiation, the SPARQL results writers (exact bytes) and protocol parsing without a socket."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from kg.sparql import formats, protocol
from kg.sparql.execute import Reply, Request, execute

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize(
    ("accept", "results", "graph"),
    [
        (None, "json", "turtle"),
        ("*/*", "json", "turtle"),
        ("application/sparql-results+xml", "xml", None),
        ("text/csv", "csv", None),
        ("text/tab-separated-values", "tsv", None),
        ("application/json", "json", "jsonld"),
        (
            "application/sparql-results+json,application/json,text/javascript,application/javascript",
            "json",
            "jsonld",
        ),
        ("text/turtle", None, "turtle"),
        ("application/n-triples", None, "ntriples"),
        ("application/ld+json", None, "jsonld"),
        ("application/rdf+xml", None, "rdfxml"),
        ("text/csv;q=0.5, application/sparql-results+xml", "xml", None),
        ("text/*", "csv", "turtle"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "xml", "rdfxml"),
        ("image/png", None, None),
        ("text/csv;q=0", None, None),
    ],
)
def test_negotiate(accept: str | None, results: str | None, graph: str | None) -> None:
    chosen = formats.negotiate(accept, formats.RESULT_FORMATS)
    assert (chosen.name if chosen else None) == results
    chosen = formats.negotiate(accept, formats.GRAPH_FORMATS)
    assert (chosen.name if chosen else None) == graph


ROWS = [
    [
        ox.NamedNode("http://e/s"),
        ox.Literal("Istio", language="en"),
        ox.Literal("3", datatype=ox.NamedNode(XSD + "integer")),
    ],
    [ox.BlankNode("b0"), ox.Literal('say "hi",\tnow\n'), None],
]


def test_json_writer() -> None:
    body = formats.write_json(["s", "label", "n"], ROWS, truncated=False)
    assert json.loads(body) == {
        "head": {"vars": ["s", "label", "n"]},
        "results": {
            "bindings": [
                {
                    "s": {"type": "uri", "value": "http://e/s"},
                    "label": {"type": "literal", "value": "Istio", "xml:lang": "en"},
                    "n": {"type": "literal", "value": "3", "datatype": XSD + "integer"},
                },
                {
                    "s": {"type": "bnode", "value": "b0"},
                    "label": {"type": "literal", "value": 'say "hi",\tnow\n'},
                },
            ]
        },
    }
    cut = json.loads(formats.write_json(["s"], [], truncated=True))
    assert cut["truncated"] is True
    assert cut["head"]["link"] == ["urn:cnkg:truncated"]


def test_xml_writer() -> None:
    body = formats.write_xml(["s", "label", "n"], ROWS[:1], truncated=True).decode()
    assert body == (
        '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
        '<head><variable name="s"/><variable name="label"/><variable name="n"/>'
        '<link href="urn:cnkg:truncated"/></head>\n<results>\n'
        '<result><binding name="s"><uri>http://e/s</uri></binding>'
        '<binding name="label"><literal xml:lang="en">Istio</literal></binding>'
        f'<binding name="n"><literal datatype="{XSD}integer">3</literal></binding></result>\n'
        "</results>\n</sparql>\n"
    )


def test_csv_and_tsv_writers() -> None:
    assert formats.write_csv(["s", "label", "n"], ROWS, truncated=False).decode() == (
        's,label,n\r\nhttp://e/s,Istio,3\r\n_:b0,"say ""hi"",\tnow\n",\r\n'
    )
    assert formats.write_tsv(["s", "label", "n"], ROWS, truncated=False).decode() == (
        f'?s\t?label\t?n\n<http://e/s>\t"Istio"@en\t"3"^^<{XSD}integer>\n_:b0\t"say \\"hi\\",\\tnow\\n"\t\n'
    )


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("json", b'{"head": {}, "boolean": true}'),
        (
            "xml",
            b'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head/>\n'
            b"<boolean>true</boolean>\n</sparql>\n",
        ),
        ("csv", b"_askResult\r\ntrue\r\n"),
        ("tsv", b"?_askResult\ntrue\n"),
    ],
)
def test_boolean_writers(name: str, body: bytes) -> None:
    fmt = formats.by_name(name)
    assert fmt is not None
    assert formats.write_boolean(True, fmt) == body


def _store() -> ox.Store:
    store = ox.Store()
    for i in range(5):
        store.add(ox.Quad(ox.NamedNode(f"http://e/s{i}"), ox.NamedNode("http://e/p"), ox.Literal(i)))
    return store


def test_execute_caps_rows_and_flags_the_cut() -> None:
    reply = execute(_store(), Request("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s", max_rows=3))
    assert (reply.status, reply.rows, reply.truncated) == (200, 3, True)
    assert [b["s"]["value"] for b in json.loads(reply.body)["results"]["bindings"]] == [
        "http://e/s0",
        "http://e/s1",
        "http://e/s2",
    ]
    whole = execute(_store(), Request("SELECT ?s WHERE { ?s ?p ?o }", max_rows=5))
    assert (whole.rows, whole.truncated) == (5, False)
    assert "truncated" not in json.loads(whole.body)


def test_execute_answers_errors_with_statuses() -> None:
    store = _store()
    bad = execute(store, Request("SELECT * WHERE { ?s ?p }"))
    assert bad.status == 400
    assert bad.message == "malformed query: error at 1:25: expected one of LATERAL, SERVICE, [_]"
    assert execute(store, Request("INSERT DATA { <http://e/a> <http://e/b> 1 }")).status == 403
    assert execute(store, Request("ASK {}", results_format=None)).status == 406
    graph = execute(store, Request("CONSTRUCT WHERE { ?s ?p ?o }", graph_format="ntriples"))
    assert (graph.status, graph.content_type, graph.rows) == (200, "application/n-triples; charset=utf-8", 5)
    assert execute(store, Request("CONSTRUCT WHERE { ?s ?p ?o }", graph_format=None)).status == 406


SETTINGS = protocol.Settings()


@pytest.mark.parametrize(
    ("call", "status", "message"),
    [
        (
            lambda: protocol.from_get("query=a&query=b", None, SETTINGS),
            400,
            "exactly one query parameter is required, got 2",
        ),
        (lambda: protocol.from_get("query=%20", None, SETTINGS), 400, "the query is empty"),
        (
            lambda: protocol.from_get("query=%FF", None, SETTINGS),
            400,
            "the request parameters are not valid percent-encoded UTF-8",
        ),
        (
            lambda: protocol.from_get("update=CLEAR%20ALL", None, SETTINGS),
            403,
            "this endpoint is read-only: SPARQL Update is refused",
        ),
        (
            lambda: protocol.from_get("query=ASK{}&format=png", None, SETTINGS),
            400,
            "unknown format 'png'; use one of json, xml, csv, tsv, turtle, ntriples, jsonld, rdfxml",
        ),
        (
            lambda: protocol.from_post("", "text/plain", b"ASK {}", None, SETTINGS),
            415,
            "unsupported Content-Type text/plain: send application/x-www-form-urlencoded or "
            "application/sparql-query",
        ),
        (
            lambda: protocol.from_post("", None, b"ASK {}", None, SETTINGS),
            415,
            "unsupported Content-Type none: send application/x-www-form-urlencoded or "
            "application/sparql-query",
        ),
        (
            lambda: protocol.from_post("", "application/sparql-update", b"CLEAR ALL", None, SETTINGS),
            403,
            "this endpoint is read-only: SPARQL Update is refused",
        ),
        (
            lambda: protocol.from_post(
                "", "application/x-www-form-urlencoded", b"update=CLEAR+ALL", None, SETTINGS
            ),
            403,
            "this endpoint is read-only: SPARQL Update is refused",
        ),
        (
            lambda: protocol.from_post("", "application/sparql-query", b"ASK {\xff}", None, SETTINGS),
            400,
            "the query body is not valid utf-8",
        ),
        (
            lambda: protocol.from_get("query=CONSTRUCT%20WHERE%20%7B%7D", "text/csv", SETTINGS),
            406,
            "none of the accepted media types can carry a graph answer; offered: text/turtle, "
            "application/n-triples, application/ld+json, application/rdf+xml",
        ),
    ],
)
def test_protocol_refusals(call, status: int, message: str) -> None:  # type: ignore[no-untyped-def]
    reply = call()
    assert isinstance(reply, Reply)
    assert (reply.status, reply.message) == (status, message)


def test_protocol_builds_requests() -> None:
    parsed = protocol.from_post(
        "default-graph-uri=http%3A%2F%2Fg%2F",
        "application/sparql-query; charset=UTF-8",
        "ASK { ?s ?p 'é' }".encode(),
        "text/csv",
        SETTINGS,
    )
    assert isinstance(parsed, protocol.Parsed) and parsed.request is not None
    assert (parsed.request.query, parsed.request.results_format, parsed.request.default_graphs) == (
        "ASK { ?s ?p 'é' }",
        "csv",
        ["http://g/"],
    )
    described = protocol.from_get("", "application/ld+json", SETTINGS)
    assert isinstance(described, protocol.Parsed)
    assert described.description and described.description_format is formats.by_name("jsonld")


def test_answer_cache_keeps_complete_answers_within_its_bounds() -> None:
    from kg.sparql.cache import AnswerCache

    cache = AnswerCache(max_entries=2, max_bytes=10)
    ok = Reply(200, "text/csv", b"n\r\n1\r\n")
    cache.put(Request("ASK {}"), Reply.error(503, "stopped"))
    assert cache.get(Request("ASK {}")) is None  # errors are never remembered
    cache.put(Request("q1"), ok)
    assert cache.get(Request("q1", results_format="csv")) is None  # another format is another answer
    hit = cache.get(Request("q1"))
    assert hit is not None and (hit.body, hit.cached) == (ok.body, True)
    cache.put(Request("q2"), ok)  # 2 x 6 bytes > 10: the least recently used goes
    assert (len(cache), cache.get(Request("q1")), cache.hits) == (1, None, 1)
