"""Same question, two backends: SQL over the store and SPARQL over the exported graph must give equal answers.

Asked of the hand-made fixture and of real corpus posts (five series, linked by the real linker).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from test_graph_data import build_fixture_store

from kg import ids, network, trends
from kg.models import Document, Item, Relation
from kg.rdf import oxigraph_store
from kg.store import Store

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
POSTS = (
    "cloud-native-weekly-zh/cloud-native-weekly-01/index.md",
    "lwkd/2018-01-14-update.md",
    "lwkd/2018-01-21-update.md",
    "devopsish/001/index.md",
    "devopsish/002/index.md",
    "tgik/001/README.md",
    "tgik/002/README.md",
    "sofa-weekly/sofa-weekly/20220923/index.md",
    "devopsish/120/newsletter.md",
    "sofa-weekly/sofa-weekly-0327/index.md",
)
PREFIXES = """
PREFIX cnkg: <https://w3id.org/cnkg/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
PREFIX itsrdf: <http://www.w3.org/2005/11/its/rdf#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""


@pytest.fixture(scope="module", params=["fixture", "corpus"])
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "fixture":
        built = build_fixture_store(folder / "kg.db")
    else:
        paths = [CORPUS / p for p in POSTS]
        if not all(p.exists() for p in paths):
            pytest.skip(f"needs the shared corpus at {CORPUS}")
        from kg.link import Linker
        from kg.pipeline import ingest

        built = Store(f"sqlite:///{folder / 'kg.db'}")
        report = ingest([str(p) for p in paths], built, Linker.load(), workers=1)
        assert report.ok and report.mentions > 100, report.as_dict()
    yield built, oxigraph_store(built)
    built.close()


def _sparql(graph: Any, query: str) -> list[dict[str, str]]:
    result = graph.query(PREFIXES + query, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    return [{name: solution[name].value for name in names} for solution in result]


def _slug(iri: str) -> str:
    return ids.slug_from_iri(iri)


# ------------------------------------------------------------------ the questions, each asked twice


def monthly_mentions_sql(store: Store) -> dict[tuple[str, str], int]:
    table = trends.counts(store, by="month")
    return {(row.period, row.entity): int(row.mentions) for row in table.itertuples()}


def monthly_mentions_sparql(graph: Any) -> dict[tuple[str, str], int]:
    rows = _sparql(graph, """
        SELECT ?month ?e (COUNT(?m) AS ?n) WHERE {
            ?m a cnkg:Mention ; itsrdf:taIdentRef ?e ; nif:referenceContext ?issue .
            ?issue schema:datePublished ?d .
            BIND (SUBSTR(STR(?d), 1, 7) AS ?month)
        } GROUP BY ?month ?e""")  # fmt: skip
    return {(r["month"], _slug(r["e"])): int(r["n"]) for r in rows}


def co_mentions_sql(store: Store) -> dict[frozenset[str], int]:
    graph = network.co_mention_graph(store)
    return {frozenset((a, b)): w for a, b, w in graph.edges(data="weight")}


def co_mentions_sparql(graph: Any) -> dict[frozenset[str], int]:
    rows = _sparql(graph, """
        SELECT ?a ?b (COUNT(DISTINCT ?item) AS ?n) WHERE {
            ?item a cnkg:Item ; schema:mentions ?a , ?b .
            FILTER NOT EXISTS { ?item cnkg:kind "title" }
            FILTER (STR(?a) < STR(?b))
        } GROUP BY ?a ?b""")  # fmt: skip
    return {frozenset((_slug(r["a"]), _slug(r["b"]))): int(r["n"]) for r in rows}


def relations_sql(store: Store) -> dict[tuple[str, str, str], int]:
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(Relation.subject_slug, Relation.predicate, Relation.object_slug, func.count())
            .group_by(Relation.subject_slug, Relation.predicate, Relation.object_slug)
        ).all()  # fmt: skip
    return {(s, p, o): n for s, p, o, n in rows}


def relations_sparql(graph: Any) -> dict[tuple[str, str, str], int]:
    rows = _sparql(graph, """
        SELECT ?s ?p ?o (COUNT(?r) AS ?n) WHERE {
            ?r a cnkg:Relation ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
        } GROUP BY ?s ?p ?o""")  # fmt: skip
    return {(_slug(r["s"]), r["p"].rsplit("#", 1)[1], _slug(r["o"])): int(r["n"]) for r in rows}


def items_per_series_sql(store: Store) -> dict[str, int]:
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(Document.series, func.count(Item.id)).join(Item, Item.document_id == Document.id)
            .group_by(Document.series)
        ).all()  # fmt: skip
    return dict(rows)


def items_per_series_sparql(graph: Any) -> dict[str, int]:
    rows = _sparql(graph, """
        SELECT ?name (COUNT(?item) AS ?n) WHERE {
            ?item a cnkg:Item ; schema:isPartOf/schema:isPartOf/schema:name ?name .
        } GROUP BY ?name""")  # fmt: skip
    return {r["name"]: int(r["n"]) for r in rows}


QUESTIONS: dict[str, tuple[Callable[[Store], dict], Callable[[Any], dict]]] = {  # type: ignore[type-arg]
    "mention counts per entity per month": (monthly_mentions_sql, monthly_mentions_sparql),
    "co-mentioned pairs": (co_mentions_sql, co_mentions_sparql),
    "typed relations": (relations_sql, relations_sparql),
    "items per series": (items_per_series_sql, items_per_series_sparql),
}


@pytest.mark.parametrize("question", list(QUESTIONS))
def test_sql_and_sparql_give_the_same_answer(store, question: str) -> None:  # type: ignore[no-untyped-def]
    sql_store, graph = store
    ask_sql, ask_sparql = QUESTIONS[question]
    by_sql, by_sparql = ask_sql(sql_store), ask_sparql(graph)
    assert by_sql, f"{question}: the store has nothing to compare"
    assert by_sql == by_sparql


def test_top_co_mentioned_pairs_agree_in_order(store) -> None:  # type: ignore[no-untyped-def]
    sql_store, graph = store

    def ranked(pairs: dict[frozenset[str], int]) -> list[tuple[int, tuple[str, ...]]]:
        return sorted(((-n, tuple(sorted(p))) for p, n in pairs.items()))[:20]

    assert ranked(co_mentions_sql(sql_store)) == ranked(co_mentions_sparql(graph))
