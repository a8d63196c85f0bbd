"""The notebook API and the trend commands: docstring examples run, lookups, evidence, time, graphs, CLI."""

from __future__ import annotations

import doctest
import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from test_graph_data import build_fixture_store

import kg.api
from kg import KnowledgeGraph
from kg.api import UnknownEntity
from kg.errors import KgError

KG = [sys.executable, "-m", "kg.cli"]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("api") / "kg.db"
    build_fixture_store(path).close()
    return path


@pytest.fixture
def g(db: Path):  # type: ignore[no-untyped-def]
    with KnowledgeGraph.open(str(db)) as graph:
        yield graph


def test_docstring_examples_run(db: Path) -> None:
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    with KnowledgeGraph.open(str(db)) as opened:  # method examples use `g`; the module's opens its own
        tests = finder.find(kg.api, globs={"path": str(db), "g": opened})
        assert sum(len(t.examples) for t in tests) >= 15
        for test in tests:
            runner.run(test)
    assert runner.summarize(verbose=False).failed == 0


def test_open_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(KgError, match=r"no knowledge graph at .*missing.db; build one with `kg build"):
        KnowledgeGraph.open(str(tmp_path / "missing.db"))


@pytest.mark.parametrize(
    ("name", "slug"),
    [("knative", "knative"), ("Knative", "knative"), ("谷歌", "google"),
     ("CNCF", "cloud-native-computing-foundation"), ("cloud run", "google-cloud-run"),
     ("服务网格", "service-mesh"),
     ("kubernetes/enhancements#900", "kubernetes/enhancements#900")],
)  # fmt: skip
def test_entity_lookup_by_slug_label_chinese_label_or_alias(g: KnowledgeGraph, name: str, slug: str) -> None:
    assert g.resolve(name) == slug
    assert g.entity(name).name == slug


def test_unknown_entity_suggests_a_name(g: KnowledgeGraph) -> None:
    with pytest.raises(
        UnknownEntity, match=r"no entity named 'Knativ' in sqlite:///.*; did you mean 'Knative'\?"
    ):
        g.entity("Knativ")


def test_entity_has_its_facts_and_aliases(g: KnowledgeGraph) -> None:
    knative = g.entity("knative")
    assert (knative["type"], knative["maturity"], knative["homepage"]) == (
        "Project",
        "incubating",
        "https://knative.dev/",
    )
    assert g.entity("kubernetes")["aliases"] == ["K8s", "k8s"]


def test_mentions_give_the_sentence_and_exact_offsets(g: KnowledgeGraph) -> None:
    frame = g.mentions("Envoy")
    assert frame[["issue", "item", "surface"]].values.tolist() == [
        ["cnw-1", 0, "Envoy"], ["weekly-2", 0, "Envoy"], ["weekly-2", 1, "Envoy"],
    ]  # fmt: skip
    assert frame["sentence"].iloc[1] == "Istio uses Envoy as its data plane."


def test_co_mentions_count_shared_items(g: KnowledgeGraph) -> None:
    frame = g.co_mentions("Envoy", limit=3)
    assert frame[["entity", "items"]].values.tolist() == [
        ["knative", 2], ["aws-app-mesh", 1], ["cloud-native-computing-foundation", 1],
    ]  # fmt: skip


def test_relations_with_evidence(g: KnowledgeGraph) -> None:
    frame = g.relations("Envoy")
    assert frame[["subject", "predicate", "object", "cue"]].values.tolist() == [
        ["traffic-director", "usesOrIntegrates", "envoy", "与 Envoy 进行通讯"],
        ["istio", "usesOrIntegrates", "envoy", "uses"],
    ]
    assert frame["sentence"].iloc[1] == "Istio uses Envoy as its data plane."
    assert len(g.relations()) == 8
    assert g.relations(predicate="joins")["object"].tolist() == ["cloud-native-computing-foundation"]


def test_trends_top_and_movers(g: KnowledgeGraph) -> None:
    assert g.trends(["Envoy"], by="month")[["period", "mentions"]].values.tolist() == [
        ["2019-04", 1],
        ["2019-05", 2],
    ]
    assert g.trends(["Envoy"], by="week")["period"].tolist() == ["2019-W16", "2019-W21"]
    assert g.trends(["Envoy"], by="quarter", since="2019-05-01")["mentions"].tolist() == [2]
    assert g.top(period="2019-05", type="Project", limit=2)["entity"].tolist() == ["envoy", "istio"]
    rising = g.rising(by="month", min_support=2)
    assert rising[["entity", "mentions", "previous", "growth"]].values.tolist() == [["envoy", 2, 1, 1.0]]
    falling = g.falling(by="month", min_support=2)
    assert falling["entity"].tolist()[0] == "google-cloud-run"
    seen = g.first_last_seen()
    envoy = seen[seen["entity"] == "envoy"].iloc[0]
    assert (str(envoy["first_seen"].date()), str(envoy["last_seen"].date())) == ("2019-04-16", "2019-05-20")


def test_bad_period_and_type_are_user_errors(g: KnowledgeGraph) -> None:
    with pytest.raises(
        KgError, match=r"cannot read period '2019-Q5'; write 2019, 2019-Q2, 2019-04 or 2019-W16"
    ):
        g.top(period="2019-Q5")
    with pytest.raises(KgError, match=r"unknown entity type 'Projekt'; use one of Project, "):
        g.top(type="Projekt")


def test_graph_views(g: KnowledgeGraph) -> None:
    co = g.to_networkx()
    assert isinstance(co, nx.Graph) and co.edges["envoy", "knative"]["weight"] == 2
    relations = g.to_networkx("relations")
    assert isinstance(relations, nx.MultiDiGraph) and relations.has_edge(
        "google-cloud-run", "knative", "basedOn@cnw-1#0:147"
    )
    bipartite = g.to_networkx("org_project")
    assert bipartite.edges["google", "google-cloud-run"]["via"] == "developedBy,releasedBy"
    with pytest.raises(KgError, match="unknown graph kind 'tree'"):
        g.to_networkx("tree")


def test_rdf_and_sparql(g: KnowledgeGraph) -> None:
    dataset = g.to_rdf()
    assert len(dataset) > 400
    frame = g.sparql("""
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?label WHERE { <https://w3id.org/cnkg/entity/google> skos:prefLabel ?label }
        ORDER BY ?label""")
    assert frame["label"].tolist() == ["Google", "谷歌"]
    with pytest.raises(KgError, match="SPARQL syntax error"):
        g.sparql("SELEKT * WHERE {}")


def test_candidates_and_stats(g: KnowledgeGraph) -> None:
    assert list(g.candidates().columns) == ["key", "label", "kind", "url", "status", "mentions", "documents",
                                           "surfaces", "items", "contexts"]  # fmt: skip
    assert g.stats()["mentions"] == 18


def test_cli_trends_and_top(db: Path) -> None:
    url = f"sqlite:///{db}"
    done = subprocess.run([*KG, "trends", "Envoy", "谷歌", "--by", "quarter", "--db", url, "--format", "csv"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    assert done.stdout == (
        "period,entity,label,type,mentions,items,issues\n2019-Q2,envoy,Envoy,Project,3,3,2\n"
    )
    top = subprocess.run([*KG, "top", "--period", "2019-Q2", "--limit", "2", "--db", url, "--format", "json"],
                         capture_output=True, text=True, check=True)  # fmt: skip
    assert [row["entity"] for row in json.loads(top.stdout)] == ["envoy", "knative"]
    table = subprocess.run(
        [*KG, "top", "--db", url, "--limit", "1"], capture_output=True, text=True, check=True
    )
    assert table.stdout.split() == ["rank", "entity", "label", "type", "mentions", "items", "issues",
                                    "1", "envoy", "Envoy", "Project", "3", "3", "2"]  # fmt: skip
    bad = subprocess.run([*KG, "trends", "Nope", "--db", url], capture_output=True, text=True, check=False)
    assert bad.returncode == 2
    assert bad.stderr.startswith("error: no entity named 'Nope' in sqlite:///")


# ------------------------------------------------------------------ the API gaps the notebooks hit


def test_falling_by_type_is_measured_against_the_stores_periods(g: KnowledgeGraph) -> None:
    """movers(types=...) took its periods from the typed mentions only: a product named in April and never in
    May had no May to fall into, so falling(types=["Product"]) was empty."""
    falling = g.falling(by="month", min_support=2, types=["Product"])
    assert falling[["period", "entity", "mentions", "previous"]].values.tolist() == [
        ["2019-05", "google-cloud-run", 0, 2]
    ]
    assert g.rising(by="month", min_support=2, types=["Product"]).empty


def test_time_slices_and_explorer_take_dates_as_text_and_entities_by_name(g: KnowledgeGraph) -> None:
    slices = g.time_slices(by="month", since="2019-05-01", types=["Project"])
    assert list(slices) == ["2019-05"] and sorted(slices["2019-05"]) == ["envoy", "istio", "knative"]
    ego = g.explorer(entity="Cloud Run", depth=1, since="2019-04-01")
    assert ego.stats.entities == 8 and "<html" in ego.html.lower()
    with pytest.raises(UnknownEntity):
        g.explorer(entity="Nothing Known")


def test_candidates_carry_evidence_and_filter_by_count(g: KnowledgeGraph) -> None:
    found = g.candidates()
    assert found.loc[0, "contexts"] == [
        "- Kubernetes 1.14 is out; runc fixes CVE-2019-5736 and Envoy ships a patch."
    ]
    assert found["documents"].tolist() == [1, 1]
    assert g.candidates(min_count=2).empty
    assert g.candidates(limit=1)["key"].tolist() == ["runc"]


MENTIONS = "SELECT (COUNT(*) AS ?n) WHERE { ?m a <https://w3id.org/cnkg/ontology#Mention> }"


@pytest.mark.parametrize(("union", "flag", "count"), [(True, "--union-default-graph", 18),
                                                      (False, "--no-union-default-graph", 0)])  # fmt: skip
def test_sparql_has_the_default_graph_of_kg_query(g: KnowledgeGraph, db: Path, union: bool, flag: str,
                                                  count: int) -> None:  # fmt: skip
    """Mentions live in the issues' named graphs: the API and `kg query` see them in the default graph
    exactly when the union is on (the server's default)."""
    done = subprocess.run([*KG, "query", MENTIONS, "--db", f"sqlite:///{db}", "--format", "json", flag],
                          capture_output=True, text=True, check=True)  # fmt: skip
    assert int(json.loads(done.stdout)["results"]["bindings"][0]["n"]["value"]) == count
    assert g.sparql(MENTIONS, union_default_graph=union)["n"].tolist() == [count]


def test_sparql_answers_ask_construct_and_refuses_what_the_server_refuses(g: KnowledgeGraph) -> None:
    import rdflib

    assert g.sparql("ASK { <https://w3id.org/cnkg/entity/knative> ?p ?o }") is True
    assert g.sparql("ASK { <https://w3id.org/cnkg/entity/nothing> ?p ?o }") is False
    built = g.sparql(
        "CONSTRUCT { ?s <urn:x:based> ?o } WHERE { ?s <https://w3id.org/cnkg/ontology#basedOn> ?o }"
    )
    assert isinstance(built, rdflib.Graph)
    assert sorted((str(s), str(o)) for s, _p, o in built) == [
        ("https://w3id.org/cnkg/entity/google-cloud-run", "https://w3id.org/cnkg/entity/knative")
    ]
    with pytest.raises(KgError, match=r"SPARQL Update \(INSERT\) is refused"):
        g.sparql("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    with pytest.raises(KgError, match=r"SERVICE \(federated query\) is refused"):
        g.sparql("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")


def test_named_queries_run_with_bindings_on_their_values_line(g: KnowledgeGraph) -> None:
    top = g.query("top-projects")
    assert top["project"].tolist()[:2] == ["https://w3id.org/cnkg/entity/envoy",
                                          "https://w3id.org/cnkg/entity/knative"]  # fmt: skip
    by_label = g.query("items-mentioning", entity="google cloud")
    by_iri = g.query("items-mentioning", entity="https://w3id.org/cnkg/entity/google-cloud")
    assert by_label.equals(by_iri) and by_label["surface"].tolist() == ["Google Cloud"]
    with pytest.raises(KgError, match=r"unknown named query 'top-project'; did you mean 'top-projects'\?"):
        g.query("top-project")
    with pytest.raises(KgError, match="the query has no VALUES line for project; it takes entity"):
        g.query("items-mentioning", project="istio")
    with pytest.raises(UnknownEntity, match="no entity named 'Nothing'"):
        g.query("items-mentioning", entity="Nothing")
