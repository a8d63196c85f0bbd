"""SPARQL answers for the notebook API, in the shapes analysts use: tables, booleans and rdflib graphs.

The graph is the one `kg serve` and `kg query` load (kg.rdf.oxigraph_store), queried with the same default
graph (the union of the entity graph and every issue graph, unless `union_default_graph=False`) and the same
refusals (no SPARQL Update, no `SERVICE`). Named queries are the `.rq` files of kg/queries; bindings replace
the values of a query's `VALUES ?name { … }` line, which is how those files are meant to be edited.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from kg.errors import KgError
from kg.ids import ENTITY, entity_iri

if TYPE_CHECKING:
    import pandas as pd
    import rdflib

_XSD = "http://www.w3.org/2001/XMLSchema#"
_VALUES = re.compile(r"VALUES\s+\?(\w+)\s*\{([^{}]*)\}", re.IGNORECASE)


def answer(graph: Any, query: str, union_default_graph: bool = True) -> pd.DataFrame | bool | rdflib.Graph:
    """SELECT: a DataFrame (columns = the query's variables; IRIs and literals as Python values).
    ASK: a bool. CONSTRUCT / DESCRIBE: an rdflib Graph of the triples."""
    import pandas as pd
    import pyoxigraph

    from kg.sparql.scan import inspect

    refusal = inspect(query).refusal
    if refusal:
        raise KgError(refusal)
    try:
        result = graph.query(query, use_default_graph_as_union=union_default_graph)
    except SyntaxError as error:
        raise KgError(f"SPARQL syntax error: {error}") from error
    except (OSError, RuntimeError, ValueError) as error:
        raise KgError(f"SPARQL query failed: {error}") from error
    if isinstance(result, pyoxigraph.QueryBoolean):
        return bool(result)
    if isinstance(result, pyoxigraph.QuerySolutions):
        names = [v.value for v in result.variables]
        rows = [[python(solution[name]) for name in names] for solution in result]
        return pd.DataFrame(rows, columns=names)
    return _rdflib_graph(result)


def _rdflib_graph(triples: Any) -> rdflib.Graph:
    import pyoxigraph
    import rdflib

    text = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES) or b""
    graph = rdflib.Graph()
    graph.parse(data=text.decode(), format="nt")
    return graph


def bind(query: str, bindings: Mapping[str, Any], resolve: Callable[[str], str]) -> str:
    """The query with each `VALUES ?name { … }` line holding the bound value instead.

    A value is an entity name (slug, label or alias) where the line holds an entity (`ent:kubernetes`),
    else an IRI (`https://…`), a number, a date, a bool or a string literal.
    """
    found = {m.group(1): m for m in _VALUES.finditer(query)}
    unknown = sorted(set(bindings) - set(found))
    if unknown:
        takes = ", ".join(sorted(found)) or "nothing (it has no VALUES line)"
        raise KgError(f"the query has no VALUES line for {', '.join(unknown)}; it takes {takes}")
    for name in sorted(bindings, key=lambda n: -found[n].start()):  # from the end: offsets stay valid
        match = found[name]
        entity = "ent:" in match.group(2) or ENTITY in match.group(2)
        term = _term(bindings[name], resolve if entity else None)
        query = f"{query[: match.start()]}VALUES ?{name} {{ {term} }}{query[match.end() :]}"
    return query


def _term(value: Any, resolve: Callable[[str], str] | None) -> str:
    if isinstance(value, bool):
        return f'"{str(value).lower()}"^^<{_XSD}boolean>'
    if isinstance(value, int):
        return f'"{value}"^^<{_XSD}integer>'
    if isinstance(value, float):
        return f'"{value!r}"^^<{_XSD}double>'
    if isinstance(value, dt.date):
        return f'"{value.isoformat()}"^^<{_XSD}date>'
    text = str(value)
    if re.match(r"https?://\S+$", text) and not re.search(r"[<>\"{}|\\^`]", text):
        return f"<{text}>"
    if resolve is not None:
        return f"<{entity_iri(resolve(text))}>"
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def python(term: Any) -> Any:
    """A pyoxigraph term as a Python value: numbers, booleans and dates typed, everything else its text."""
    import pyoxigraph

    if term is None:
        return None
    if isinstance(term, pyoxigraph.Literal):
        datatype = term.datatype.value.rsplit("#", 1)[-1]
        if datatype in ("integer", "long", "int", "nonNegativeInteger"):
            return int(term.value)
        if datatype in ("decimal", "double", "float"):
            return float(term.value)
        if datatype == "boolean":
            return term.value == "true"
        if datatype == "date":
            return dt.date.fromisoformat(term.value)
        return term.value
    return term.value
