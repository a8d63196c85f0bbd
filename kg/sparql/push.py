"""`kg push`: copy the graph into any SPARQL 1.1 Graph Store Protocol server (Fuseki, Oxigraph, GraphDB…).

Each graph is replaced with one `PUT`: the default graph at `?default`, every newsletter issue's named
graph at `?graph=<its IRI>`, so the remote dataset ends up equal to ours and pushing twice changes
nothing. With `--graph IRI` the whole graph goes into that one named graph instead.
"""

from __future__ import annotations

import base64
import http.client
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from kg.errors import KgError

CONTENT_TYPES = {"ntriples": "application/n-triples", "turtle": "text/turtle"}


class PushError(KgError):
    """The Graph Store server could not be reached or refused a graph."""


@dataclass(frozen=True, slots=True)
class PushReport:
    endpoint: str
    graphs: int
    triples: int
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "endpoint": self.endpoint,
            "graphs": self.graphs,
            "triples": self.triples,
            "seconds": round(self.seconds, 3),
        }


class _GraphStore:
    """One keep-alive connection to a Graph Store endpoint."""

    def __init__(self, endpoint: str, timeout: float) -> None:
        url = urlsplit(endpoint)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise PushError(f"--endpoint must be an http(s) URL of a Graph Store, got {endpoint!r}")
        self.endpoint = endpoint
        self.path = url.path or "/"
        self.query = url.query
        self.headers: dict[str, str] = {}
        if url.username:
            token = f"{unquote(url.username)}:{unquote(url.password or '')}".encode()
            self.headers["Authorization"] = "Basic " + base64.b64encode(token).decode()
        connection = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
        self.conn = connection(url.hostname, url.port, timeout=timeout)

    def put(self, graph: str | None, body: bytes, content_type: str) -> None:
        target = "default" if graph is None else "graph=" + quote(graph, safe="")
        path = f"{self.path}?{self.query + '&' if self.query else ''}{target}"
        headers = {**self.headers, "Content-Type": content_type, "Content-Length": str(len(body))}
        shown = "the default graph" if graph is None else f"graph <{graph}>"
        try:
            self.conn.request("PUT", path, body=body, headers=headers)
            response = self.conn.getresponse()
            detail = response.read().decode(errors="replace").strip().splitlines()
        except (OSError, http.client.HTTPException) as error:
            self.conn.close()
            raise PushError(
                f"cannot reach {self.endpoint}: {error}; is the Graph Store server running?"
            ) from error
        if response.status not in (200, 201, 204):
            reason = detail[0] if detail else response.reason
            raise PushError(f"{self.endpoint} refused {shown} with {response.status}: {reason}")

    def close(self) -> None:
        self.conn.close()


def push(
    store: Any,
    endpoint: str,
    *,
    graph: str | None = None,
    fmt: str = "ntriples",
    timeout: float = 60.0,
    on_graph: Callable[[int, int], None] | None = None,
) -> PushReport:
    """PUT every graph of the pyoxigraph `store` to the Graph Store at `endpoint`."""
    from pyoxigraph import DefaultGraph, RdfFormat, serialize

    if fmt not in CONTENT_TYPES:
        raise PushError(f"unknown push format {fmt!r}; use one of {', '.join(CONTENT_TYPES)}")
    rdf_format = RdfFormat.N_TRIPLES if fmt == "ntriples" else RdfFormat.TURTLE

    def body(triples: Iterable[Any]) -> bytes:
        return serialize(triples, format=rdf_format) or b""

    started = time.monotonic()
    target = _GraphStore(endpoint, timeout)
    total = 0
    try:
        if graph is not None:
            triples = list(dict.fromkeys(q.triple for q in store))  # one graph: duplicates merge
            target.put(graph, body(triples), CONTENT_TYPES[fmt])
            return PushReport(endpoint, 1, len(triples), time.monotonic() - started)
        names = sorted((g for g in store.named_graphs()), key=str)
        plan: list[Any] = [DefaultGraph(), *names]
        for number, name in enumerate(plan, 1):
            triples = [q.triple for q in store.quads_for_pattern(None, None, None, name)]
            iri = None if isinstance(name, DefaultGraph) else name.value
            target.put(iri, body(triples), CONTENT_TYPES[fmt])
            total += len(triples)
            if on_graph is not None:
                on_graph(number, len(plan))
        return PushReport(endpoint, len(plan), total, time.monotonic() - started)
    finally:
        target.close()
