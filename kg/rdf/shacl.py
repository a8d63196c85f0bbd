"""`kg validate`: the graph checked against ontology/shapes.ttl, fast enough for a million triples.

pyshacl runs at a few thousand triples a second and evaluates SPARQL-based constraints once per focus node,
so the check is split the way the shapes allow:
- the SPARQL-based constraints (offsets against the source, relation triples asserted) run once each over the
  whole graph in pyoxigraph, with `$this` bound by the shape's target instead of node by node;
- the core constraints run in pyshacl on batches of subjects (each batch carries the types of the nodes it
  points at, so `sh:class` holds), or with `sample=N` on N subjects per class, spread evenly.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.rdf import SCHEMA_PATH, SHAPES_PATH
from kg.rdf.issue import Block
from kg.rdf.terms import RDF, V

if TYPE_CHECKING:
    import pyoxigraph
    import rdflib

    from kg.store import Store

BATCH_TRIPLES = 40_000
# pyshacl checks some 5,000 triples a second: beyond this size, core constraints are checked on a sample
# unless asked for in full (the SPARQL-based constraints always cover every node).
FULL_LIMIT = 300_000
AUTO_SAMPLE = 500
_SH = "http://www.w3.org/ns/shacl#"


@dataclass(frozen=True, slots=True)
class Violation:
    focus: str
    path: str
    message: str
    shape: str

    def __str__(self) -> str:
        where = f" {self.path}" if self.path else ""
        return f"{self.focus}{where}: {self.message}"


@dataclass
class ValidationReport:
    triples: int = 0
    subjects_checked: int = 0
    sampled: bool = False
    seconds: float = 0.0
    violations: list[Violation] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not self.violations


def validate_store(
    store: Store, sample: int | None = None, workers: int = 1, full: bool = False
) -> ValidationReport:
    """Validate the graph the store exports: every subject (`full`, or any graph up to FULL_LIMIT triples) or
    `sample` subjects per class (default AUTO_SAMPLE beyond FULL_LIMIT)."""
    from kg.rdf import oxigraph_store
    from kg.rdf.emit import blocks

    return _validate(list(blocks(store)), oxigraph_store(store), sample, workers, full)


def validate_file(
    path: str | Path, sample: int | None = None, workers: int = 1, full: bool = False
) -> ValidationReport:
    """Validate a graph file (Turtle, TriG, N-Triples, N-Quads, JSON-LD); sampling as in `validate_store`."""
    from kg.rdf import load_file

    graph = load_file(path)
    return _validate(_blocks_of(graph), graph, sample, workers, full)


def _blocks_of(graph: pyoxigraph.Store) -> list[Block]:
    grouped: dict[tuple[str | None, str], list[tuple[str, str]]] = defaultdict(list)
    for quad in graph:
        name = None if quad.graph_name.__class__.__name__ == "DefaultGraph" else str(quad.graph_name)
        grouped[(name, str(quad.subject))].append((str(quad.predicate), str(quad.object)))
    ordered = sorted(grouped.items(), key=lambda kv: (kv[0][1], kv[0][0] or ""))
    return [(g, s, sorted(pairs)) for (g, s), pairs in ordered]


def _validate(
    blocks: list[Block], graph: pyoxigraph.Store, sample: int | None, workers: int, full: bool
) -> ValidationReport:
    started = time.perf_counter()
    if full:
        sample = None
    elif sample is None and len(graph) > FULL_LIMIT:
        sample = AUTO_SAMPLE
    report = ValidationReport(triples=len(graph), sampled=sample is not None)
    report.violations.extend(sparql_violations(graph))
    types: dict[str, list[str]] = defaultdict(list)
    for _g, subject, pairs in blocks:
        types[subject].extend(o for p, o in pairs if p == V.type)
    relation_lines = _relation_triples(blocks)
    merged = _merge_subjects(blocks)
    chosen = _sample(merged, types, sample) if sample is not None else list(merged)
    report.subjects_checked = len(chosen)
    batches = list(_batches(chosen, merged, types, relation_lines))
    if workers > 1 and len(batches) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers) as pool:
            results = list(pool.map(_core_violations, batches))
    else:
        results = [_core_violations(batch) for batch in batches]
    for found in results:
        report.violations.extend(found)
    report.violations.sort(key=lambda v: (v.focus, v.path, v.message))
    report.seconds = time.perf_counter() - started
    return report


def _merge_subjects(blocks: list[Block]) -> dict[str, list[tuple[str, str]]]:
    merged: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for _g, subject, pairs in blocks:
        merged[subject].extend(pairs)
    return merged


def _relation_triples(blocks: list[Block]) -> list[str]:
    """The asserted relation triples (entity -> entity), which every batch needs as context."""
    from kg.rdf.terms import cnkg
    from kg.relations import PREDICATES

    wanted = {cnkg(p) for p in PREDICATES}
    return sorted({f"{s} {p} {o} .\n" for _g, s, pairs in blocks for p, o in pairs if p in wanted})


def _sample(
    merged: dict[str, list[tuple[str, str]]], types: dict[str, list[str]], per_class: int
) -> list[str]:
    by_class: dict[str, list[str]] = defaultdict(list)
    for subject in sorted(merged):
        for cls in types.get(subject, ()):
            by_class[cls].append(subject)
    chosen: set[str] = set()
    for members in by_class.values():
        step = max(1, len(members) // max(per_class, 1))
        chosen.update(members[::step][:per_class])
    return sorted(chosen)


def _batches(
    chosen: list[str],
    merged: dict[str, list[tuple[str, str]]],
    types: dict[str, list[str]],
    relation_lines: list[str],
) -> Iterable[tuple[list[str], str]]:
    """(focus subjects, N-Triples text) per batch: the subjects' statements, the hosting nodes they qualify
    (checked through sh:node), the types of every node they point at, and the asserted relations."""
    hosting = V.qualifiedHosting
    batch: list[str] = []
    size = 0
    for subject in chosen:
        batch.append(subject)
        size += len(merged[subject])
        if size >= BATCH_TRIPLES:
            yield batch, _batch_text(batch, merged, types, relation_lines, hosting)
            batch, size = [], 0
    if batch:
        yield batch, _batch_text(batch, merged, types, relation_lines, hosting)


def _batch_text(batch: list[str], merged: dict[str, list[tuple[str, str]]], types: dict[str, list[str]],
                relation_lines: list[str], hosting: str) -> str:  # fmt: skip
    lines: list[str] = []
    included = set(batch)
    referenced: set[str] = set()
    for subject in batch:
        for predicate, obj in merged[subject]:
            lines.append(f"{subject} {predicate} {obj} .\n")
            if obj[0] == "<":
                referenced.add(obj)
                if predicate == hosting and obj not in included:
                    included.add(obj)
                    lines.extend(f"{obj} {p} {o} .\n" for p, o in merged.get(obj, ()))
    for node in sorted(referenced - included):
        lines.extend(f"{node} {V.type} {cls} .\n" for cls in types.get(node, ()))
    lines.extend(relation_lines)
    return "".join(lines)


def _shapes(with_sparql: bool) -> rdflib.Graph:
    import rdflib

    shapes = rdflib.Graph().parse(SHAPES_PATH, format="turtle")
    if not with_sparql:
        sparql = rdflib.URIRef(_SH + "sparql")
        for subject, obj in list(shapes.subject_objects(sparql)):
            shapes.remove((subject, sparql, obj))
    return shapes


def _core_violations(batch: tuple[list[str], str]) -> list[Violation]:
    """pyshacl on one batch, without SPARQL-based constraints; results for the batch's own subjects only."""
    import pyshacl
    import rdflib

    focus, text = batch
    data = rdflib.Graph().parse(data=text, format="nt")
    ontology = rdflib.Graph().parse(SCHEMA_PATH, format="turtle")
    _conforms, results, _text = pyshacl.validate(
        data, shacl_graph=_shapes(with_sparql=False), ont_graph=ontology, inference="none"
    )
    sh = rdflib.Namespace(_SH)
    wanted = {f[1:-1] for f in focus}
    found = []
    for result in results.subjects(rdflib.RDF.type, sh.ValidationResult):
        node = str(results.value(result, sh.focusNode))
        if node not in wanted:
            continue
        path = results.value(result, sh.resultPath)
        found.append(Violation(
            focus=node, path=str(path) if isinstance(path, rdflib.URIRef) else "",
            message=str(results.value(result, sh.resultMessage) or ""),
            shape=str(results.value(result, sh.sourceConstraintComponent) or ""),
        ))  # fmt: skip
    return found


_THIS = re.compile(r"\$this\b")


def sparql_violations(graph: pyoxigraph.Store) -> list[Violation]:
    """Every SPARQL-based constraint of shapes.ttl, run once over the whole graph (union of all graphs)."""
    import pyoxigraph
    import rdflib

    shapes = _shapes(with_sparql=True)
    sh = rdflib.Namespace(_SH)
    prefixes = "".join(
        f"PREFIX {shapes.value(d, sh.prefix)}: <{shapes.value(d, sh.namespace)}>\n"
        for d in shapes.objects(None, sh.declare)
    )
    found: list[Violation] = []
    for shape, constraint in sorted(shapes.subject_objects(sh.sparql)):
        target = _target_pattern(shapes, shape, sh)
        select = str(shapes.value(constraint, sh.select))
        message = str(shapes.value(constraint, sh.message) or "SPARQL constraint violated")
        query = _THIS.sub("?this", select)
        # Bind ?this by the shape's target first, as SHACL does for each focus node.
        query = query.replace("WHERE {", f"WHERE {{ {target}", 1)
        solutions = graph.query(prefixes + query, use_default_graph_as_union=True)
        assert isinstance(solutions, pyoxigraph.QuerySolutions)  # every sh:select is a SELECT
        nodes = {solution["this"].value for solution in solutions}
        found.extend(Violation(node, "", message, str(shape)) for node in sorted(nodes))
    return found


def _target_pattern(shapes: Any, shape: Any, sh: Any) -> str:
    classes = [f"{{ ?this <{RDF}type> <{c}> }}" for c in shapes.objects(shape, sh.targetClass)]
    classes += [f"{{ ?this <{p}> [] }}" for p in shapes.objects(shape, sh.targetSubjectsOf)]
    if not classes:
        raise ValueError(f"shape {shape} has a SPARQL constraint but no target this validator understands")
    return " UNION ".join(classes) + " "
