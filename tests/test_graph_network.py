"""NetworkX views: co-mentions with weights and dates, typed relations, bipartite, slices, analytics."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import networkx as nx
import pytest
from test_graph_data import EN_NAMES, EN_POST, _document, build_fixture_store

from kg import network
from kg.errors import KgError


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    with build_fixture_store(tmp_path_factory.mktemp("net") / "kg.db") as built:
        yield built


def test_co_mention_graph_weights_dates_and_node_facts(store) -> None:  # type: ignore[no-untyped-def]
    graph = network.co_mention_graph(store)
    assert graph.number_of_nodes() == 14
    assert graph.edges["envoy", "knative"] == {
        "weight": 2,
        "first_seen": "2019-04-16",
        "last_seen": "2019-05-20",
    }
    envoy = graph.nodes["envoy"]
    keys = ("type", "mentions", "items", "first_seen", "last_seen", "maturity", "homepage")
    facts = [envoy[k] for k in keys]
    assert facts == ["Project", 3, 3, "2019-04-16", "2019-05-20", "graduated", "https://www.envoyproxy.io/"]


def test_co_mention_filters(store) -> None:  # type: ignore[no-untyped-def]
    strong = network.co_mention_graph(store, min_count=2)
    assert sorted(strong.edges) == [("envoy", "knative")]
    assert sorted(strong.nodes) == ["envoy", "knative"]
    may = network.co_mention_graph(store, since=dt.date(2019, 5, 1))
    assert "traffic-director" not in may and may.edges["envoy", "knative"]["weight"] == 1
    projects = network.co_mention_graph(store, types=["Project"])
    assert {projects.nodes[n]["type"] for n in projects} == {"Project"}
    with pytest.raises(KgError, match="unknown entity type 'Tool'"):
        network.co_mention_graph(store, types=["Tool"])


def test_relation_graph_keeps_evidence(store) -> None:  # type: ignore[no-untyped-def]
    graph = network.relation_graph(store)
    assert graph.number_of_edges() == 8
    edge = graph.edges["google-cloud-run", "knative", "basedOn@cnw-1#0:147"]
    assert (edge["cue"], edge["date"], edge["issue"], edge["item"], edge["sentence"]) == (
        "基于", "2019-04-16", "cnw-1", 0, "Cloud Run 基于 Knative 构建，是一个 Serverless 服务。"
    )  # fmt: skip
    only = network.relation_graph(store, predicates=["joins"])
    assert list(only.edges(keys=True)) == [
        ("knative", "cloud-native-computing-foundation", "joins@weekly-2#0:54")
    ]


def test_relation_graph_repeated_statements_are_not_overwritten(tmp_path: Path) -> None:
    """The same relation stated in two issues is two edges (they were keyed by predicate alone: one edge)."""
    with build_fixture_store(tmp_path / "kg.db") as again:
        repeat = _document("posts/en/weekly-3.md", "weekly-3", "weekly-en", EN_POST.replace("#2", "#3"),
                           dt.date(2019, 5, 27), "2019-05-27", (), EN_NAMES)  # fmt: skip
        again.save_document(repeat, "fixture-1")
        graph = network.relation_graph(again)
        assert again.stats()["relations"] == graph.number_of_edges() == 10
        assert sorted(graph["istio"]["envoy"]) == [
            "usesOrIntegrates@weekly-2#0:80", "usesOrIntegrates@weekly-3#0:80"
        ]  # fmt: skip
        assert {d["date"] for d in graph["istio"]["envoy"].values()} == {"2019-05-20", "2019-05-27"}
        exported = network.export_graph(again)
        assert exported.edges["istio", "envoy"]["relations"] == "usesOrIntegrates"


def test_org_project_graph_is_bipartite(store) -> None:  # type: ignore[no-untyped-def]
    graph = network.org_project_graph(store)
    orgs = {n for n, side in graph.nodes(data="bipartite") if side == 0}
    assert orgs == {"google", "amazon-web-services"}
    assert nx.is_bipartite(graph)
    assert graph.edges["google", "traffic-director"]["via"] == "developedBy,releasedBy"


def test_time_slices_by_month(store) -> None:  # type: ignore[no-untyped-def]
    slices = network.time_slices(store, by="month")
    assert list(slices) == ["2019-04", "2019-05"]
    assert slices["2019-05"].edges["envoy", "istio"]["weight"] == 1
    assert "traffic-director" in slices["2019-04"] and "traffic-director" not in slices["2019-05"]


def test_centrality_and_communities(store) -> None:  # type: ignore[no-untyped-def]
    graph = network.co_mention_graph(store)
    ranked = network.centrality(graph, "degree", limit=1)
    assert ranked["entity"].tolist() == ["envoy"]
    assert network.centrality(graph)["score"].sum() == pytest.approx(1.0)
    found = network.communities(graph)
    assert set(found["entity"]) == set(graph.nodes)
    assert found["community"].min() == 0
    louvain = network.communities(graph, method="louvain")
    assert set(louvain["entity"]) == set(graph.nodes)
    with pytest.raises(KgError, match="unknown community method"):
        network.communities(graph, method="magic")


def test_default_communities_are_not_one_hub_community() -> None:
    """Label propagation, the old default, put a hub and all it touches in one community (on the corpus:
    662 of the 855 projects, products and organizations co-mentioned twice); Louvain keeps them apart."""
    graph = nx.Graph()
    for group in range(4):
        members = [f"g{group}-{i}" for i in range(5)]
        graph.add_edges_from(((a, b) for a in members for b in members if a < b), weight=1)
        graph.add_edges_from((("hub", m) for m in members), weight=2)
    found = network.communities(graph)
    sizes = found.groupby("community").size().tolist()
    assert sizes == [6, 5, 5, 5]
    assert len(set(found.loc[found["entity"].str.startswith("g2-"), "community"])) == 1
    assert network.communities(graph, "label_propagation")["community"].nunique() == 1
    assert found.equals(network.communities(graph))  # the seed is fixed


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_gephi_export_reads_back_with_relations_on_edges(store, tmp_path: Path, fmt: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / f"g.{fmt}"
    edges = network.write_network(store, path, fmt)
    graph = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    assert graph.number_of_edges() == edges
    assert graph.edges["google-cloud-run", "knative"]["relations"] == "basedOn"
    assert graph.nodes["knative"]["label"] == "Knative"


def test_graphml_drops_characters_xml_forbids(tmp_path: Path) -> None:
    graph = nx.Graph()
    graph.add_node("a", label="tab\there, vertical\x0btab gone", mentions=3)
    graph.add_edge("a", "b", weight=2, relations="")
    network.write_graphml(graph, tmp_path / "g.graphml")
    back = nx.read_graphml(tmp_path / "g.graphml")
    assert back.nodes["a"] == {"label": "tab\there, verticaltab gone", "mentions": 3}
    assert back.edges["a", "b"] == {"weight": 2}
