"""Run one SPARQL request against a pyoxigraph store and write the whole answer: the worker's job.

Everything that can fail on a query happens here, inside the worker process, and comes back as a `Reply`
with an HTTP status, so the server and `kg query` never see an exception from the engine. The answer is
written in full before it is returned: a client never gets a 200 whose body stops half-way.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from kg.sparql import formats
from kg.sparql.scan import inspect, prologue_prefixes

DEFAULT_MAX_ROWS = 10_000

# Prefixes offered to Turtle and RDF/XML answers (the query's own PREFIX lines come first).
COMMON_PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": "https://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "doap": "http://usefulinc.com/ns/doap#",
}


@dataclass(slots=True)
class Request:
    """A query and how to answer it; a format is None when the client accepts none of that kind."""

    query: str
    results_format: str | None = "json"
    graph_format: str | None = "turtle"
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    max_rows: int = DEFAULT_MAX_ROWS
    union_default_graph: bool = True  # the entities sit in the default graph, issues in named graphs


@dataclass(slots=True)
class Reply:
    status: int
    content_type: str
    body: bytes
    truncated: bool = False
    rows: int = 0
    cached: bool = False  # answered from the graph's answer cache (see kg.sparql.cache)

    @classmethod
    def error(cls, status: int, message: str) -> Reply:
        return cls(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode())

    @property
    def message(self) -> str:
        return self.body.decode(errors="replace").strip() if self.status >= 400 else ""


def not_acceptable(kind: str) -> Reply:
    offered = formats.GRAPH_FORMATS if kind == "graph" else formats.RESULT_FORMATS
    names = ", ".join(f.media_type for f in offered)
    return Reply.error(406, f"none of the accepted media types can carry a {kind} answer; offered: {names}")


def execute(store: Any, request: Request) -> Reply:
    """Parse, run and write one query; refusals, syntax errors and engine errors become 4xx replies."""
    from pyoxigraph import NamedNode, QueryBoolean, QuerySolutions

    shape = inspect(request.query)
    if shape.refusal:
        return Reply.error(403, shape.refusal)
    try:
        options: dict[str, Any] = {}
        if request.default_graphs:  # the protocol's default-graph-uri wins over the union
            options["default_graph"] = [NamedNode(iri) for iri in request.default_graphs]
        else:
            options["use_default_graph_as_union"] = request.union_default_graph
        if request.named_graphs:
            options["named_graphs"] = [NamedNode(iri) for iri in request.named_graphs]
        results = store.query(request.query, **options)
    except SyntaxError as error:
        return Reply.error(400, f"malformed query: {error}")
    except ValueError as error:  # an invalid IRI in default-graph-uri / named-graph-uri
        return Reply.error(400, f"invalid request: {error}")
    try:
        if isinstance(results, QueryBoolean):
            return _boolean(bool(results), request)
        if isinstance(results, QuerySolutions):
            return _solutions(results, request)
        return _graph(results, request)
    except (OSError, RuntimeError, ValueError) as error:
        # Evaluation errors (a bad regex, an unbound SERVICE variable…) are the query's fault, not ours.
        return Reply.error(400, f"query failed: {error}")


def _boolean(value: bool, request: Request) -> Reply:
    fmt = formats.by_name(request.results_format) if request.results_format else None
    if fmt is None or fmt not in formats.RESULT_FORMATS:
        return not_acceptable("results")
    return Reply(200, fmt.content_type, formats.write_boolean(value, fmt), rows=1)


def _solutions(results: Any, request: Request) -> Reply:
    fmt = formats.by_name(request.results_format) if request.results_format else None
    if fmt is None or fmt not in formats.RESULT_FORMATS:
        return not_acceptable("results")
    variables = [v.value for v in results.variables]
    keys = results.variables
    rows = [[solution[k] for k in keys] for solution in itertools.islice(results, request.max_rows + 1)]
    truncated = len(rows) > request.max_rows
    del rows[request.max_rows :]
    body = formats.RESULT_WRITERS[fmt.name](variables, rows, truncated)
    return Reply(200, fmt.content_type, body, truncated=truncated, rows=len(rows))


def _graph(triples: Any, request: Request) -> Reply:
    fmt = formats.by_name(request.graph_format) if request.graph_format else None
    if fmt is None or fmt not in formats.GRAPH_FORMATS:
        return not_acceptable("graph")
    kept = list(itertools.islice(triples, request.max_rows + 1))
    truncated = len(kept) > request.max_rows
    del kept[request.max_rows :]
    prefixes = {**COMMON_PREFIXES, **query_prefixes(request.query)}
    return Reply(
        200, fmt.content_type, formats.write_graph(kept, fmt, prefixes), truncated=truncated, rows=len(kept)
    )


def query_prefixes(query: str) -> dict[str, str]:
    """The `PREFIX p: <iri>` declarations of a query, so graph answers read like the question."""
    return prologue_prefixes(query)
