"""RDF export: golden TriG by isomorphism, byte-identical rebuilds, every format, named graphs, CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from rdflib.compare import graph_diff, to_isomorphic
from test_graph_data import build_fixture_store

from kg import ids
from kg.rdf import export, nquads, oxigraph_store

GOLDEN = Path(__file__).parent / "fixtures" / "rdf" / "golden.trig"
KG = [sys.executable, "-m", "kg.cli"]


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    with build_fixture_store(tmp_path / "kg.db") as built:
        yield built


def _graphs(path: Path) -> dict[str, rdflib.Graph]:
    """Each graph of a TriG file as an rdflib Graph (read with pyoxigraph, compared with rdflib)."""
    quads = pyoxigraph.Store()
    quads.load(path=str(path), format=pyoxigraph.RdfFormat.TRIG)
    lines: dict[str, list[str]] = {}
    for quad in quads:
        lines.setdefault(str(quad.graph_name), []).append(f"{quad.triple} .\n")
    return {name: rdflib.Graph().parse(data="".join(text), format="nt") for name, text in lines.items()}


def _readable_diff(expected: rdflib.Graph, actual: rdflib.Graph) -> str:
    _both, missing, extra = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
    lines = [f"- {line}" for line in sorted(missing.serialize(format="nt").splitlines()) if line]
    lines += [f"+ {line}" for line in sorted(extra.serialize(format="nt").splitlines()) if line]
    return "\n".join(lines[:60])


def test_export_matches_the_golden_trig_graph_by_graph(store, tmp_path: Path) -> None:
    out = tmp_path / "graph.trig"
    export(store, out, "trig")
    if os.environ.get("KG_UPDATE_GOLDEN"):
        GOLDEN.write_text(out.read_text(encoding="utf-8"), encoding="utf-8")
    expected = _graphs(GOLDEN)
    actual = _graphs(out)
    assert sorted(actual) == sorted(expected)
    for name, graph in expected.items():
        assert to_isomorphic(actual[name]) == to_isomorphic(graph), (
            f"graph {name} differs from {GOLDEN.name} (- expected, + got; KG_UPDATE_GOLDEN=1 rewrites):\n"
            + _readable_diff(graph, actual[name])
        )


def test_rebuilding_the_same_input_gives_byte_identical_sorted_ntriples(tmp_path: Path) -> None:
    texts = []
    for name in ("one", "two"):
        folder = tmp_path / name
        folder.mkdir()
        with build_fixture_store(folder / "kg.db") as built:
            export(built, folder / "graph.nt", "ntriples")
            texts.append(sorted((folder / "graph.nt").read_bytes().splitlines()))
            texts.append(nquads(built))
    assert texts[0] == texts[2]
    assert texts[1] == texts[3]
    assert b"_:" not in texts[1]  # no blank nodes: every node has an IRI from kg.ids


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "nquads", "trig", "jsonld"])
def test_every_rdf_format_reads_back_as_the_same_graph(store, tmp_path: Path, fmt: str) -> None:
    suffix = {"turtle": "ttl", "ntriples": "nt", "nquads": "nq", "trig": "trig", "jsonld": "jsonld"}[fmt]
    out = tmp_path / f"graph.{suffix}"
    result = export(store, out, fmt)
    reference = oxigraph_store(store)
    read = pyoxigraph.Store()
    read.load(path=str(out), format=pyoxigraph.RdfFormat.from_extension(suffix))
    if fmt in ("turtle", "ntriples"):  # the union of all graphs, each triple once
        expected = {q.triple for q in reference}
        assert {q.triple for q in read} == expected
        assert result.statements == len({str(t) for t in expected}) or fmt == "turtle"
    else:
        assert set(read) == set(reference)
        assert result.statements == len(reference)


def test_one_named_graph_per_issue_and_entities_in_the_default_graph(store) -> None:
    graph = oxigraph_store(store)
    names = sorted(g.value for g in graph.named_graphs())
    assert names == [ids.issue_iri("cnw-1"), ids.issue_iri("weekly-2")]
    knative = pyoxigraph.NamedNode(ids.entity_iri("knative"))
    label = pyoxigraph.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
    assert [
        q.object.value for q in graph.quads_for_pattern(knative, label, None, pyoxigraph.DefaultGraph())
    ] == ["Knative"]
    mentions_in_issue = graph.query(
        "SELECT (COUNT(?m) AS ?n) WHERE { GRAPH ?g { ?m a <https://w3id.org/cnkg/ontology#Mention> } }"
    )
    assert int(next(iter(mentions_in_issue))["n"].value) == 18


def test_mentions_carry_offsets_into_the_source_and_provenance(store) -> None:
    graph = oxigraph_store(store)
    rows = list(graph.query("""
        PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX cnkg: <https://w3id.org/cnkg/ontology#>
        SELECT ?surface ?b ?e ?source ?item ?sentence WHERE {
            ?m a cnkg:Mention ; nif:anchorOf ?surface ; nif:beginIndex ?b ; nif:endIndex ?e ;
               nif:referenceContext ?issue ; prov:wasDerivedFrom ?item ; cnkg:inSentence ?s .
            ?issue nif:isString ?source .
            ?s nif:anchorOf ?sentence .
        }""", use_default_graph_as_union=True))  # fmt: skip
    assert len(rows) == 18
    for row in rows:
        source, b, e = row["source"].value, int(row["b"].value), int(row["e"].value)
        assert source[b:e] == row["surface"].value
        assert row["surface"].value in row["sentence"].value
        assert "/item/" in row["item"].value


def test_relations_are_asserted_and_reified_with_evidence(store) -> None:
    graph = oxigraph_store(store)
    rows = list(graph.query("""
        PREFIX cnkg: <https://w3id.org/cnkg/ontology#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
        PREFIX e: <https://w3id.org/cnkg/entity/>
        SELECT ?date ?method ?cue ?sentence WHERE {
            GRAPH ?g { e:google-cloud-run cnkg:basedOn e:knative .
                       ?r rdf:subject e:google-cloud-run ; rdf:predicate cnkg:basedOn ; rdf:object e:knative ;
                          dcterms:date ?date ; cnkg:method ?method ; cnkg:cue ?cue ; cnkg:inSentence ?s .
                       ?s nif:anchorOf ?sentence . }
        }"""))  # fmt: skip
    assert [(r["date"].value, r["method"].value, r["cue"].value, r["sentence"].value) for r in rows] == [
        ("2019-04-16", "rule:basedOn.zh", "基于", "Cloud Run 基于 Knative 构建，是一个 Serverless 服务。")
    ]


def test_cli_export_writes_each_format_and_refuses_an_unknown_one(store, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'kg.db'}"
    for fmt in ("turtle", "trig", "graphml"):  # every format is read back in the test above
        out = tmp_path / f"out.{fmt}"
        done = subprocess.run([*KG, "export", "--db", db, "--format", fmt, "--out", str(out)],
                              capture_output=True, text=True, check=False)  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith(f"wrote {out} ({fmt}, ")
        assert out.stat().st_size > 0
    bad = subprocess.run([*KG, "export", "--db", db, "--format", "rdfxml", "--out", str(tmp_path / "x.rdf")],
                         capture_output=True, text=True, check=False)  # fmt: skip
    assert bad.returncode == 2
    assert bad.stderr == (
        "error: unknown format 'rdfxml'; use one of turtle, ntriples, nquads, trig, jsonld, graphml, gexf\n"
    )
