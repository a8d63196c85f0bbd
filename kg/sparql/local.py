"""`kg query`: one SPARQL query against the store, in this process's graph, with the server's safety rules.

The graph is loaded here; the query itself runs in a forked worker (`worker.run_isolated`) so that the
time limit really stops it. Refused, malformed and stopped queries raise `QueryError` with the reason.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from typing import Any

from kg.errors import QueryError
from kg.sparql.execute import COMMON_PREFIXES, Request, query_prefixes
from kg.sparql.scan import inspect
from kg.sparql.worker import DEFAULT_MEMORY_MB, run_isolated
from kg.sparql.zygote import Source, load

OUTPUTS = ("table", "csv", "json")
# What each --format writes for SELECT/ASK answers and for CONSTRUCT/DESCRIBE answers.
_RESULT_FORMAT = {"table": "json", "csv": "csv", "json": "json"}
_GRAPH_FORMAT = {"table": "turtle", "csv": "ntriples", "json": "jsonld"}
CELL_WIDTH = 60
CNKG_PREFIXES = {
    "ent": "https://w3id.org/cnkg/entity/",
    "cnkg": "https://w3id.org/cnkg/ontology#",
    "issue": "https://w3id.org/cnkg/issue/",
}


@dataclass(frozen=True, slots=True)
class Answer:
    text: str
    rows: int
    truncated: bool


def run_query(
    query: str,
    source: Source,
    *,
    output: str = "table",
    timeout: float = 10.0,
    max_rows: int = 10_000,
    memory_mb: int = DEFAULT_MEMORY_MB,
    union_default_graph: bool = True,
    store: Any = None,
) -> Answer:
    """Run `query` on the graph of `source` (or on an already loaded pyoxigraph `store`)."""
    if output not in OUTPUTS:
        raise QueryError(f"unknown --format {output!r}; use one of {', '.join(OUTPUTS)}")
    shape = inspect(query)
    if shape.refusal:
        raise QueryError(shape.refusal)
    if store is None:
        store = load(source)
    request = Request(
        query=query,
        results_format=_RESULT_FORMAT[output],
        graph_format=_GRAPH_FORMAT[output],
        max_rows=max_rows,
        union_default_graph=union_default_graph,
    )
    reply = run_isolated(store, request, timeout, memory_mb)
    if reply.status >= 400:
        raise QueryError(reply.message)
    text = reply.body.decode()
    if output == "table" and reply.content_type.startswith("application/sparql-results+json"):
        text = render_table(json.loads(text), {**COMMON_PREFIXES, **CNKG_PREFIXES, **query_prefixes(query)})
    return Answer(text, reply.rows, reply.truncated)


def render_table(doc: dict[str, Any], prefixes: dict[str, str]) -> str:
    """SPARQL JSON results as aligned columns: IRIs shortened by prefix, long texts cut at `CELL_WIDTH`."""
    if "boolean" in doc:
        return "true\n" if doc["boolean"] else "false\n"
    names = doc["head"]["vars"]
    by_length = sorted(prefixes.items(), key=lambda item: -len(item[1]))

    def show(term: dict[str, Any] | None) -> str:
        if term is None:
            return ""
        value = str(term["value"])
        if term["type"] == "uri":
            for prefix, namespace in by_length:
                if value.startswith(namespace) and namespace:
                    return f"{prefix}:{value[len(namespace) :]}"
        if term["type"] == "bnode":
            return f"_:{value}"
        # Language tags and long texts are for CSV/JSON; the table stays readable in a terminal.
        value = " ".join(value.split())
        return value if len(value) <= CELL_WIDTH else value[: CELL_WIDTH - 1] + "…"

    rows = [[show(binding.get(name)) for name in names] for binding in doc["results"]["bindings"]]
    widths = [max([_width(name), *(_width(row[i]) for row in rows)]) for i, name in enumerate(names)]
    numeric = [all(_is_number(row[i]) for row in rows if row[i]) and bool(rows) for i in range(len(names))]

    def line(cells: list[str]) -> str:
        pads = [" " * (w - _width(c)) for c, w in zip(cells, widths, strict=True)]
        parts = [p + c if num else c + p for c, p, num in zip(cells, pads, numeric, strict=True)]
        return "  ".join(parts).rstrip()

    out = [line(names), "  ".join("-" * w for w in widths)]
    out += [line(row) for row in rows]
    return "\n".join(out) + "\n"


def _width(text: str) -> int:
    """Terminal columns of a text: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
