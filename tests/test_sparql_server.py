"""`kg serve` as analysts' tools meet it: a real server on 127.0.0.1, SPARQLWrapper as the client, real posts.

Protocol (GET, both POSTs), every format, the service description, the query page, the named queries.
The abuse cases (updates, SERVICE, runaway queries, limits, garbage) are in test_sparql_abuse.py.
"""

from __future__ import annotations

import http.client
import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from sparql_support import corpus_db, running_server  # noqa: F401  # corpus_db is a fixture
from SPARQLWrapper import CSV, JSON, JSONLD, POST, POSTDIRECTLY, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from kg.sparql.protocol import Settings
from kg.sparql.server import SparqlServer
from kg.sparql.zygote import Source
from kg.store import Store

QUERIES = Path(__file__).resolve().parents[1] / "kg" / "queries"
PREFIXES = """PREFIX cnkg: <https://w3id.org/cnkg/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
MENTIONS = PREFIXES + "SELECT (COUNT(?m) AS ?n) WHERE { GRAPH ?g { ?m a cnkg:Mention } }"
TOP = (
    PREFIXES
    + """SELECT ?entity (COUNT(DISTINCT ?item) AS ?items)
WHERE { GRAPH ?g { ?item schema:mentions ?entity } } GROUP BY ?entity ORDER BY DESC(?items) ?entity LIMIT 5"""
)


@pytest.fixture(scope="module")
def server(corpus_db: str) -> Iterator[SparqlServer]:  # noqa: F811
    with running_server(Source(db=corpus_db), Settings(timeout=5, max_rows=1000)) as running:
        yield running  # type: ignore[misc]


def client(server: SparqlServer, fmt: str = JSON, method: str = "GET", direct: bool = False) -> SPARQLWrapper:
    wrapper = SPARQLWrapper(server.url + "sparql")
    wrapper.setReturnFormat(fmt)
    if method == "POST":
        wrapper.setMethod(POST)
        if direct:
            wrapper.setRequestMethod(POSTDIRECTLY)
    return wrapper


def select(server: SparqlServer, query: str, **options: object) -> list[dict[str, str]]:
    wrapper = client(server, **options)  # type: ignore[arg-type]
    wrapper.setQuery(query)
    doc = wrapper.query().convert()
    return [{k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]]  # type: ignore[index]


def raw(
    server: SparqlServer, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
):  # type: ignore[no-untyped-def]
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(str(host), int(port), timeout=30)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, dict(response.getheaders()), data


def test_mentions_in_the_graph_equal_mentions_in_the_store(server: SparqlServer, corpus_db: str) -> None:  # noqa: F811
    with Store(corpus_db) as store:
        expected = store.stats()["mentions"]
    assert expected > 100
    assert select(server, MENTIONS) == [{"n": str(expected)}]


def test_get_and_both_posts_give_the_same_answer(server: SparqlServer) -> None:
    by_get = select(server, TOP)
    assert len(by_get) == 5
    assert select(server, TOP, method="POST") == by_get
    assert select(server, TOP, method="POST", direct=True) == by_get


def test_select_in_every_results_format(server: SparqlServer) -> None:
    expected = select(server, TOP)
    rows = [(r["entity"], r["items"]) for r in expected]
    wrapper = client(server, CSV)
    wrapper.setQuery(TOP)
    csv_text = wrapper.query().convert().decode()  # type: ignore[union-attr]
    assert csv_text.splitlines()[0] == "entity,items"
    assert [tuple(line.split(",")) for line in csv_text.splitlines()[1:]] == rows
    wrapper = client(server, TSV)
    wrapper.setQuery(TOP)
    tsv_lines = wrapper.query().convert().decode().splitlines()  # type: ignore[union-attr]
    assert tsv_lines[0] == "?entity\t?items"
    integer = "^^<http://www.w3.org/2001/XMLSchema#integer>"
    assert [tuple(line.split("\t")) for line in tsv_lines[1:]] == [
        (f"<{e}>", f'"{n}"{integer}') for e, n in rows
    ]
    wrapper = client(server, XML)
    wrapper.setQuery(TOP)
    dom = wrapper.query().convert()
    found = [
        tuple(b.firstChild.firstChild.data for b in result.getElementsByTagName("binding"))  # type: ignore[union-attr]
        for result in dom.getElementsByTagName("result")  # type: ignore[union-attr]
    ]
    assert found == rows


def test_ask_in_json_and_xml(server: SparqlServer) -> None:
    wrapper = client(server, JSON)
    wrapper.setQuery(PREFIXES + "ASK { GRAPH ?g { ?m a cnkg:Mention } }")
    assert wrapper.query().convert() == {"head": {}, "boolean": True}
    wrapper = client(server, XML)
    wrapper.setQuery("ASK { <urn:nothing> ?p ?o }")
    assert wrapper.query().convert().getElementsByTagName("boolean")[0].firstChild.data == "false"  # type: ignore[union-attr]


CONSTRUCT = (
    PREFIXES
    + """CONSTRUCT { ?item schema:mentions ?entity . ?entity skos:prefLabel ?label }
WHERE { GRAPH ?g { ?item schema:mentions ?entity } ?entity skos:prefLabel ?label }"""
)


@pytest.mark.parametrize(
    ("fmt", "media", "rdf_format"),
    [
        (TURTLE, "text/turtle", ox.RdfFormat.TURTLE),
        ("ntriples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
        (JSONLD, "application/ld+json", ox.RdfFormat.JSON_LD),
        (RDFXML, "application/rdf+xml", ox.RdfFormat.RDF_XML),
    ],
)
def test_construct_in_every_graph_format(
    server: SparqlServer, fmt: str, media: str, rdf_format: object
) -> None:
    status, headers, body = raw(
        server,
        "POST",
        "/sparql",
        CONSTRUCT.encode(),
        {"Content-Type": "application/sparql-query", "Accept": media},
    )
    assert status == 200
    assert headers["Content-Type"] == f"{media}; charset=utf-8"
    triples = {q.triple for q in ox.parse(body, format=rdf_format)}  # type: ignore[arg-type]
    status, _, reference = raw(
        server,
        "POST",
        "/sparql",
        CONSTRUCT.encode(),
        {"Content-Type": "application/sparql-query", "Accept": "application/n-triples"},
    )
    expected = {q.triple for q in ox.parse(reference, format=ox.RdfFormat.N_TRIPLES)}
    assert len(expected) > 100
    assert triples == expected
    if fmt != "ntriples":  # and SPARQLWrapper asks for it with its own Accept header
        wrapper = client(server, fmt)
        wrapper.setQuery(CONSTRUCT)
        result = wrapper.query()
        assert result.response.headers["Content-Type"].startswith(media)


def test_service_description(server: SparqlServer, corpus_db: str) -> None:  # noqa: F811
    status, headers, body = raw(server, "GET", "/sparql")
    assert (status, headers["Content-Type"]) == (200, "text/turtle; charset=utf-8")
    store = ox.Store()
    store.load(body, format=ox.RdfFormat.TURTLE)
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoint = ox.NamedNode(server.url + "sparql")

    def objects(subject: object, predicate: str) -> list[str]:
        return sorted(
            str(q.object.value) for q in store.quads_for_pattern(subject, ox.NamedNode(predicate), None)
        )

    assert objects(endpoint, sd + "endpoint") == [server.url + "sparql"]
    assert objects(endpoint, sd + "supportedLanguage") == [sd + "SPARQL11Query"]
    assert len(objects(endpoint, sd + "resultFormat")) == 8
    assert objects(endpoint, sd + "feature") == [sd + "UnionDefaultGraph"]
    names = [str(q.object.value) for q in store.quads_for_pattern(None, ox.NamedNode(sd + "name"), None)]
    with Store(corpus_db) as sql:
        assert len(names) == sql.stats()["documents"]
    triples = [
        q.object.value
        for q in store.quads_for_pattern(None, ox.NamedNode("http://rdfs.org/ns/void#triples"), None)
    ]
    assert triples == [str(server.engine.info["triples"])]


def test_query_page_works_offline(server: SparqlServer) -> None:
    status, headers, page = raw(server, "GET", "/")
    assert (status, headers["Content-Type"]) == (200, "text/html; charset=utf-8")
    assert headers["Content-Security-Policy"].startswith("default-src 'self'")
    html = page.decode()
    assert '<textarea id="query"' in html
    references = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sorted(references) == ["/static/app.css", "/static/app.js"]
    for reference in references:
        status, _, asset = raw(server, "GET", reference)
        assert status == 200
        text = asset.decode()
        # No code or style is fetched from anywhere but this server.
        assert not re.search(r"""(?:fetch|import|url)\(\s*["']?https?:""", text), reference
        assert "cdn" not in text.lower(), reference
    assert raw(server, "GET", "/static/../server.py")[0] == 404
    assert raw(server, "GET", "/static/.hidden")[0] == 404


def test_named_queries_are_listed_and_all_run(server: SparqlServer) -> None:
    status, headers, body = raw(server, "GET", "/queries")
    assert (status, headers["Content-Type"]) == (200, "application/json")
    listed = json.loads(body)
    assert [q["name"] for q in listed] == sorted(p.stem for p in QUERIES.glob("*.rq"))
    assert "top-projects" in [q["name"] for q in listed]
    for query in listed:
        assert query["title"] and query["description"], query["name"]
        status, headers, answer = raw(
            server, "POST", "/sparql", query["query"].encode(), {"Content-Type": "application/sparql-query"}
        )
        assert status == 200, (query["name"], answer)
        assert "X-cnkg-Truncated" not in headers, query["name"]


def test_health_reports_the_graph(server: SparqlServer) -> None:
    status, _, body = raw(server, "GET", "/health")
    health = json.loads(body)
    assert status == 200
    assert health["triples"] == server.engine.info["triples"] > 1000
    assert health["workers"] >= 1


def test_dataset_parameters_pick_the_graphs(server: SparqlServer) -> None:
    graphs = [
        r["g"] for r in select(server, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
    ]
    one = graphs[0]
    in_graph = select(server, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{one}> {{ ?s ?p ?o }} }}")
    query = quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    status, _, body = raw(server, "GET", f"/sparql?query={query}&default-graph-uri={quote(one, safe='')}")
    assert status == 200
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == in_graph[0]["n"]
    named_query = quote("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    status, _, body = raw(server, "GET", f"/sparql?query={named_query}&named-graph-uri={quote(one, safe='')}")
    assert [b["g"]["value"] for b in json.loads(body)["results"]["bindings"]] == [one]


def test_a_repeated_question_is_answered_from_the_cache_until_reload(server: SparqlServer) -> None:
    query = PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?item schema:mentions ?e } } # cache test"
    headers = {"Content-Type": "application/sparql-query"}
    first = raw(server, "POST", "/sparql", query.encode(), headers)
    second = raw(server, "POST", "/sparql", query.encode(), headers)
    assert (first[0], "X-cnkg-Cache" in first[1]) == (200, False)
    assert (second[0], second[1]["X-cnkg-Cache"], second[2]) == (200, "hit", first[2])
    csv = raw(server, "POST", "/sparql", query.encode(), {**headers, "Accept": "text/csv"})
    assert "X-cnkg-Cache" not in csv[1]  # another format is another answer
    status, _, body = raw(server, "POST", "/reload")
    assert status == 200, body
    assert "X-cnkg-Cache" not in raw(server, "POST", "/sparql", query.encode(), headers)[1]
