"""SPARQL 1.1 Protocol requests: from an HTTP method, URL, headers and body to a query or a 4xx answer.

Pure functions, so every way a request can be wrong is tested without a socket: a missing or doubled
`query`, updates (403), unknown media types (415), formats nobody accepts (406), bodies that are not UTF-8.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs

from kg.sparql import formats
from kg.sparql.execute import Reply, Request, not_acceptable
from kg.sparql.scan import inspect

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
READ_ONLY = "this endpoint is read-only: SPARQL Update is refused"


@dataclass(slots=True)
class Settings:
    """What the operator chose; the defaults are the documented ones of `kg serve`."""

    timeout: float = 10.0
    max_rows: int = 10_000
    max_body: int = 1_048_576
    union_default_graph: bool = True  # the entities sit in the default graph, issues in named graphs
    cors_origin: str | None = None


@dataclass(slots=True)
class Parsed:
    """Either a request to run, or `description` (no query: answer with the service description)."""

    request: Request | None = None
    description: bool = False
    description_format: formats.Format | None = None
    params: dict[str, list[str]] = field(default_factory=dict)


def parse_params(text: str) -> dict[str, list[str]] | Reply:
    try:
        return parse_qs(text, keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        return Reply.error(400, "the request parameters are not valid percent-encoded UTF-8")


def media_type(content_type: str | None) -> tuple[str, str]:
    """(`type/subtype` lower-cased, charset) of a Content-Type header."""
    if not content_type:
        return "", "utf-8"
    parts = [p.strip() for p in content_type.split(";")]
    charset = "utf-8"
    for param in parts[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return parts[0].lower(), charset


def from_get(url_query: str, accept: str | None, settings: Settings) -> Parsed | Reply:
    params = parse_params(url_query)
    if isinstance(params, Reply):
        return params
    if "update" in params:
        return Reply.error(403, READ_ONLY)
    if "query" not in params:
        override = _format_override(params)
        if isinstance(override, Reply):
            return override
        if override is not None:
            fmt = formats.by_name(override[1]) if override[1] else None
        else:
            fmt = formats.negotiate(accept, formats.GRAPH_FORMATS)
        if fmt is None:
            return not_acceptable("graph")
        return Parsed(description=True, description_format=fmt, params=params)
    return _build(params, params, accept, settings)


def from_post(
    url_query: str, content_type: str | None, body: bytes, accept: str | None, settings: Settings
) -> Parsed | Reply:
    url_params = parse_params(url_query)
    if isinstance(url_params, Reply):
        return url_params
    kind, charset = media_type(content_type)
    if kind == UPDATE:
        return Reply.error(403, READ_ONLY)
    if kind == FORM:
        try:
            text = body.decode("ascii")
        except UnicodeDecodeError:
            return Reply.error(400, "a form-encoded body must be ASCII (percent-encode the query)")
        params = parse_params(text)
        if isinstance(params, Reply):
            return params
        if "update" in params:
            return Reply.error(403, READ_ONLY)
        return _build(params, {**url_params, **params}, accept, settings)
    if kind == QUERY:
        try:
            text = body.decode(charset)
        except (UnicodeDecodeError, LookupError):
            return Reply.error(400, f"the query body is not valid {charset}")
        return _build({"query": [text]}, url_params, accept, settings)
    shown = kind or "none"
    return Reply.error(415, f"unsupported Content-Type {shown}: send {FORM} or {QUERY}")


# `format=` / `output=` values (ours, SPARQLWrapper's, and media types) -> (results format, graph format).
FORMAT_PARAMS: dict[str, tuple[str | None, str | None]] = {
    "json": ("json", "jsonld"),
    "xml": ("xml", "rdfxml"),
    "csv": ("csv", None),
    "tsv": ("tsv", None),
    "turtle": (None, "turtle"),
    "ttl": (None, "turtle"),
    "n3": (None, "turtle"),  # Turtle is N3
    "ntriples": (None, "ntriples"),
    "nt": (None, "ntriples"),
    "n-triples": (None, "ntriples"),
    "jsonld": (None, "jsonld"),
    "json-ld": (None, "jsonld"),
    "rdfxml": (None, "rdfxml"),
    "rdf": (None, "rdfxml"),
    "rdf+xml": (None, "rdfxml"),
    **{
        f.media_type: ((f.name, None) if f in formats.RESULT_FORMATS else (None, f.name))
        for f in (*formats.RESULT_FORMATS, *formats.GRAPH_FORMATS)
    },
}


def _format_override(params: dict[str, list[str]]) -> tuple[str | None, str | None] | Reply | None:
    """`format=csv` (or `output=csv`) wins over Accept, so that a plain link can download a format."""
    names = params.get("format") or params.get("output")
    if not names:
        return None
    chosen = FORMAT_PARAMS.get(names[0].strip().lower())
    if chosen is None:
        known = ", ".join(f.name for f in (*formats.RESULT_FORMATS, *formats.GRAPH_FORMATS))
        return Reply.error(400, f"unknown format {names[0]!r}; use one of {known}")
    return chosen


def _build(
    query_params: dict[str, list[str]], params: dict[str, list[str]], accept: str | None, settings: Settings
) -> Parsed | Reply:
    queries = query_params.get("query", [])
    if len(queries) != 1:
        return Reply.error(400, f"exactly one query parameter is required, got {len(queries)}")
    query = queries[0]
    if not query.strip():
        return Reply.error(400, "the query is empty")
    shape = inspect(query)
    if shape.refusal:
        return Reply.error(403, shape.refusal)
    override = _format_override(params)
    if isinstance(override, Reply):
        return override
    if override is not None:
        result_fmt = formats.by_name(override[0]) if override[0] else None
        graph_fmt = formats.by_name(override[1]) if override[1] else None
    else:
        result_fmt = formats.negotiate(accept, formats.RESULT_FORMATS)
        graph_fmt = formats.negotiate(accept, formats.GRAPH_FORMATS)
    if shape.form is not None and (graph_fmt if shape.is_graph else result_fmt) is None:
        return not_acceptable("graph" if shape.is_graph else "results")
    request = Request(
        query=query,
        results_format=result_fmt.name if result_fmt else None,
        graph_format=graph_fmt.name if graph_fmt else None,
        default_graphs=params.get("default-graph-uri", []),
        named_graphs=params.get("named-graph-uri", []),
        max_rows=settings.max_rows,
        union_default_graph=settings.union_default_graph,
    )
    return Parsed(request=request, params=params)
