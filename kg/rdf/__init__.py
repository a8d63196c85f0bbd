"""The store as RDF: export files, an in-memory pyoxigraph store for SPARQL, and rdflib graphs for modelling.

    store ──emit──▶ blocks of N-Triples text ──write──▶ Turtle / TriG / N-Triples / N-Quads
                                              └─────▶ pyoxigraph.Store (default graph + one graph per issue)

The schema is ontology/cnkg.ttl (`SCHEMA_PATH`); shapes are ontology/shapes.ttl (`kg.rdf.shacl`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import KgError

if TYPE_CHECKING:
    import pyoxigraph
    import rdflib

    from kg.store import Store

ONTOLOGY_DIR = Path(__file__).resolve().parents[2] / "ontology"
SCHEMA_PATH = ONTOLOGY_DIR / "cnkg.ttl"
SHAPES_PATH = ONTOLOGY_DIR / "shapes.ttl"

RDF_FORMATS = ("turtle", "ntriples", "nquads", "trig", "jsonld")
GRAPH_FORMATS = ("graphml", "gexf")
FORMATS = RDF_FORMATS + GRAPH_FORMATS
_LOAD_CHUNK = 200_000  # quads parsed per bulk_load call: bounded memory, same speed as one call
SUFFIXES = {
    ".ttl": "turtle",
    ".nt": "ntriples",
    ".nq": "nquads",
    ".trig": "trig",
    ".jsonld": "jsonld",
    ".json": "jsonld",
    ".graphml": "graphml",
    ".gexf": "gexf",
}


class ExportError(KgError):
    """An export or graph file cannot be written or read."""


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: str
    format: str
    statements: int  # quads for TriG / N-Quads / JSON-LD, triples for Turtle / N-Triples, edges for GraphML


def nquads(store: Store) -> bytes:
    """The whole graph as N-Quads bytes (entities in the default graph, one named graph per issue)."""
    from kg.rdf.emit import blocks
    from kg.rdf.write import nquads_lines

    return "".join(nquads_lines(blocks(store))).encode()


def oxigraph_store(store: Store) -> pyoxigraph.Store:
    """An in-memory pyoxigraph store holding the whole graph: the default graph (entities, series, people) and
    one named graph per newsletter issue (graph IRI = issue IRI). Query the union with
    `use_default_graph_as_union=True`.
    """
    import pyoxigraph

    from kg.rdf.emit import blocks
    from kg.rdf.write import nquads_lines

    graph = pyoxigraph.Store()
    chunk: list[str] = []
    for line in nquads_lines(blocks(store)):
        chunk.append(line)
        if len(chunk) >= _LOAD_CHUNK:
            graph.bulk_load("".join(chunk).encode(), format=pyoxigraph.RdfFormat.N_QUADS)
            chunk.clear()
    if chunk:
        graph.bulk_load("".join(chunk).encode(), format=pyoxigraph.RdfFormat.N_QUADS)
    return graph


def format_for(path: str | Path, fmt: str | None = None) -> str:
    """The export format named, or guessed from the file name; an unknown one is a user error."""
    if fmt is None:
        fmt = SUFFIXES.get(Path(path).suffix.lower())
        if fmt is None:
            raise ExportError(
                f"cannot tell the format of {path} from its suffix; pass --format ({', '.join(FORMATS)})"
            )
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return fmt


def export(store: Store, out: str | Path, fmt: str | None = None) -> ExportResult:
    """Write the graph to `out` in `fmt` (guessed from the suffix when None)."""
    from kg.rdf.emit import blocks
    from kg.rdf.write import nquads_lines, ntriples_lines, write_lines, write_trig, write_turtle

    fmt = format_for(out, fmt)
    path = Path(out)
    if not path.parent.exists():
        raise ExportError(f"cannot write {path}: folder {path.parent} does not exist")
    if fmt in GRAPH_FORMATS:
        from kg.network import write_network

        return ExportResult(str(path), fmt, write_network(store, path, fmt))
    if fmt == "jsonld":
        import pyoxigraph

        graph = oxigraph_store(store)
        graph.dump(str(path), format=pyoxigraph.RdfFormat.JSON_LD)
        return ExportResult(str(path), fmt, len(graph))
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        if fmt == "turtle":
            count = write_turtle(blocks(store), handle)
        elif fmt == "trig":
            count = write_trig(blocks(store), handle)
        elif fmt == "nquads":
            count = write_lines(nquads_lines(blocks(store)), handle)
        else:
            count = write_lines(ntriples_lines(blocks(store)), handle)
    return ExportResult(str(path), fmt, count)


def load_file(path: str | Path) -> pyoxigraph.Store:
    """A graph file (Turtle, TriG, N-Triples, N-Quads, JSON-LD) read into an in-memory pyoxigraph store."""
    import pyoxigraph

    fmt = format_for(path)
    formats = {
        "turtle": pyoxigraph.RdfFormat.TURTLE,
        "ntriples": pyoxigraph.RdfFormat.N_TRIPLES,
        "nquads": pyoxigraph.RdfFormat.N_QUADS,
        "trig": pyoxigraph.RdfFormat.TRIG,
        "jsonld": pyoxigraph.RdfFormat.JSON_LD,
    }
    if fmt not in formats:
        raise ExportError(f"{path} is a {fmt} file, not RDF; pass a .ttl, .trig, .nt, .nq or .jsonld file")
    if not Path(path).is_file():
        raise ExportError(f"graph file {path} does not exist; write one with `kg export --out {path}`")
    graph = pyoxigraph.Store()
    try:
        graph.bulk_load(path=str(path), format=formats[fmt])
    except SyntaxError as error:
        raise ExportError(f"{path}: not valid {fmt}: {error}") from error
    return graph


def to_rdflib(store: Store) -> rdflib.Dataset:
    """The graph as an rdflib Dataset, one graph per issue (slow beyond ~100k triples: use `oxigraph_store`
    for queries)."""
    import rdflib

    from kg.rdf.emit import blocks
    from kg.rdf.write import ntriples_lines

    by_graph: dict[str | None, list[tuple[str | None, str, list[tuple[str, str]]]]] = {}
    for block in blocks(store):
        by_graph.setdefault(block[0], []).append(block)
    dataset = rdflib.Dataset()
    for name, part in by_graph.items():
        graph = dataset.default_graph if name is None else dataset.graph(rdflib.URIRef(name[1:-1]))
        graph.parse(data="".join(ntriples_lines(part)), format="nt")
    return dataset


def schema_graph() -> rdflib.Graph:
    """ontology/cnkg.ttl as an rdflib Graph."""
    import rdflib

    return rdflib.Graph().parse(SCHEMA_PATH, format="turtle")
