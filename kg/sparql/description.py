"""The SPARQL 1.1 Service Description answered on `GET /sparql` without a query.

It tells a client what this endpoint is honest about: SPARQL 1.1 Query only (no Update, no federation),
the formats it writes, and the dataset (triple count, named graphs).
"""

from __future__ import annotations

from typing import Any

from kg.sparql import formats

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
W3C_FORMATS = "http://www.w3.org/ns/formats/"
FORMAT_IRIS = {
    "json": "SPARQL_Results_JSON",
    "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV",
    "turtle": "Turtle",
    "ntriples": "N-Triples",
    "jsonld": "JSON-LD",
    "rdfxml": "RDF_XML",
}


def describe(endpoint: str, info: dict[str, Any], fmt: formats.Format, union_default_graph: bool) -> bytes:
    """The description of the endpoint at `endpoint` serving the graph that `info` summarises."""
    from pyoxigraph import BlankNode, Literal, NamedNode, Triple

    def iri(value: str) -> NamedNode:
        return NamedNode(value)

    service, dataset, default = iri(endpoint), BlankNode("dataset"), BlankNode("default")
    a = iri(RDF_TYPE)
    triples = [
        Triple(service, a, iri(SD + "Service")),
        Triple(service, iri(SD + "endpoint"), service),
        Triple(service, iri(SD + "supportedLanguage"), iri(SD + "SPARQL11Query")),
        Triple(service, iri(SD + "defaultDataset"), dataset),
        Triple(dataset, a, iri(SD + "Dataset")),
        Triple(dataset, iri(SD + "defaultGraph"), default),
        Triple(default, a, iri(SD + "Graph")),
        Triple(
            dataset,
            iri(VOID + "triples"),
            Literal(str(info.get("triples", 0)), datatype=iri("http://www.w3.org/2001/XMLSchema#integer")),
        ),
    ]
    triples += [
        Triple(service, iri(SD + "resultFormat"), iri(W3C_FORMATS + name)) for name in FORMAT_IRIS.values()
    ]
    if union_default_graph:
        triples.append(Triple(service, iri(SD + "feature"), iri(SD + "UnionDefaultGraph")))
    for number, graph in enumerate(info.get("graphs", [])):
        named = BlankNode(f"g{number}")
        triples += [
            Triple(dataset, iri(SD + "namedGraph"), named),
            Triple(named, a, iri(SD + "NamedGraph")),
            Triple(named, iri(SD + "name"), iri(graph)),
        ]
    return formats.write_graph(triples, fmt, {"sd": SD, "void": VOID, "formats": W3C_FORMATS})
