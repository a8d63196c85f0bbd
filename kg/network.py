"""NetworkX views of the store: co-mentions, typed relations, organizations and projects, slices over time.

Graph in, data out: every function reads the store (read-only) or takes a graph and returns a new graph or a
DataFrame; nothing is written except by `write_network` (GraphML / GEXF for Gephi). Nodes are entity slugs.
A co-mention is two entities named in the same news item; its weight is the number of such items.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from kg.models import Document, Entity, Item, Mention, Relation
from kg.trends import PERIODS, TrendError, check_types, period_labels

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd

    from kg.store import Store

NODE_ATTRS = ("label", "label_zh", "type", "homepage", "organization", "maturity", "category")


def _entities(store: Store) -> dict[str, dict[str, Any]]:
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(Entity.slug, *(getattr(Entity, name) for name in NODE_ATTRS))
        ).all()  # fmt: skip
    return {row[0]: dict(zip(NODE_ATTRS, row[1:], strict=True)) for row in rows}


def _item_mentions(
    store: Store, since: dt.date | None, until: dt.date | None
) -> list[tuple[int, str, dt.date | None, int, bool]]:
    """(item id, entity, issue date, mention count, whether the item is a title) for every entity named in
    an item, in item order."""
    stmt = (
        select(Mention.item_id, Mention.entity_slug, Document.published_date, Mention.id, Item.kind)
        .join(Item, Item.id == Mention.item_id)
        .join(Document, Document.id == Item.document_id)
    )
    if since is not None:
        stmt = stmt.where(Document.published_date >= since)
    if until is not None:
        stmt = stmt.where(Document.published_date <= until)
    counted: dict[tuple[int, str], list[Any]] = {}
    with store.engine.connect() as conn:
        rows = conn.execute(stmt.order_by(Mention.item_id, Mention.entity_slug))
        for item_id, slug, date, _mid, kind in rows:
            key = (item_id, slug)
            if key in counted:
                counted[key][3] += 1
            else:
                counted[key] = [item_id, slug, date, 1, kind == "title"]
    return [tuple(v) for v in counted.values()]  # type: ignore[misc]


def _node_attrs(entity: dict[str, Any]) -> dict[str, Any]:
    # GraphML and GEXF have no null: absent facts are empty strings.
    return {name: (entity.get(name) or "") for name in NODE_ATTRS}


def _seen(current: Any, date: dt.date | None, first: bool) -> Any:
    if date is None:
        return current
    value = date.isoformat()
    if not current:
        return value
    return min(current, value) if first else max(current, value)


def co_mention_graph(
    store: Store,
    since: dt.date | None = None,
    until: dt.date | None = None,
    types: Sequence[str] | None = None,
    min_count: int = 1,
) -> nx.Graph:
    """Entities as nodes, co-mentions as edges weighted by the number of items naming both.

    Node attributes: label, label_zh, type, mentions, items, first_seen, last_seen, homepage, organization,
    maturity, category. Edge attributes: weight, first_seen, last_seen (ISO dates; "" when undated).
    Edges below `min_count` are dropped; with `min_count` > 1 so are the nodes left without any edge.
    """
    import networkx as nx

    wanted = set(check_types(types) or ())
    entities = _entities(store)
    graph = nx.Graph()
    by_item: dict[int, list[tuple[str, dt.date | None]]] = defaultdict(list)
    nodes: dict[str, dict[str, Any]] = {}
    for item_id, slug, date, count, in_title in _item_mentions(store, since, until):
        entity = entities.get(slug)
        if entity is None or (wanted and entity["type"] not in wanted):
            continue
        node = nodes.get(slug)
        if node is None:
            node = nodes[slug] = {**_node_attrs(entity), "mentions": 0, "items": 0, "first_seen": "",
                                  "last_seen": ""}  # fmt: skip
        node["mentions"] += count
        node["items"] += 1
        node["first_seen"] = _seen(node["first_seen"], date, True)
        node["last_seen"] = _seen(node["last_seen"], date, False)
        if not in_title:  # a title lists a whole issue's topics: no co-mentions
            by_item[item_id].append((slug, date))
    edges: dict[tuple[str, str], list[Any]] = {}
    for named in by_item.values():
        date = named[0][1]
        for (a, _), (b, _) in itertools.combinations(named, 2):
            key = (a, b) if a < b else (b, a)
            edge = edges.get(key)
            if edge is None:
                edges[key] = [1, _seen("", date, True), _seen("", date, False)]
            else:
                edge[0] += 1
                edge[1] = _seen(edge[1], date, True)
                edge[2] = _seen(edge[2], date, False)
    kept = {key: value for key, value in edges.items() if value[0] >= min_count}
    used = {slug for key in kept for slug in key} if min_count > 1 else set(nodes)
    graph.add_nodes_from((slug, attrs) for slug, attrs in sorted(nodes.items()) if slug in used)
    graph.add_edges_from(
        (a, b, {"weight": w, "first_seen": first, "last_seen": last})
        for (a, b), (w, first, last) in sorted(kept.items())
    )
    return graph


def relation_graph(
    store: Store,
    since: dt.date | None = None,
    until: dt.date | None = None,
    predicates: Sequence[str] | None = None,
    min_confidence: float = 0.0,
) -> nx.MultiDiGraph:
    """Typed relations as a multigraph: one edge per statement, with its evidence: predicate, confidence,
    method, cue, issue, item (position), date, sentence (text).

    A relation stated in several sentences is several parallel edges; each edge's key says where it was
    stated, `<predicate>@<issue>#<item>:<sentence offset>` (e.g. `basedOn@cnw-1#0:123`). Count distinct
    relations with `{(s, o, p) for s, o, p in graph.edges(data="predicate")}`.
    """
    import networkx as nx

    stmt = (
        select(
            Relation.subject_slug, Relation.predicate, Relation.object_slug, Relation.confidence,
            Relation.method, Relation.cue, Relation.sentence_start, Relation.sentence_end,
            Item.position, Document.slug, Document.published_date, Document.source,
        )
        .join(Item, Item.id == Relation.item_id)
        .join(Document, Document.id == Item.document_id)
        .where(Relation.confidence >= min_confidence)
        .order_by(Document.slug, Item.position, Relation.sentence_start, Relation.subject_slug,
                  Relation.predicate, Relation.object_slug)
    )  # fmt: skip
    if since is not None:
        stmt = stmt.where(Document.published_date >= since)
    if until is not None:
        stmt = stmt.where(Document.published_date <= until)
    if predicates:
        stmt = stmt.where(Relation.predicate.in_(list(predicates)))
    entities = _entities(store)
    graph = nx.MultiDiGraph()
    with store.engine.connect() as conn:
        rows = conn.execute(stmt).all()
    for subject, predicate, obj, confidence, method, cue, s_start, s_end, position, doc, date, source in rows:
        for slug in (subject, obj):
            if slug not in graph and slug in entities:
                graph.add_node(slug, **_node_attrs(entities[slug]))
        graph.add_edge(subject, obj, key=f"{predicate}@{doc}#{position}:{s_start}", predicate=predicate,
                       confidence=confidence, method=method, cue=cue, issue=doc, item=position,
                       date=date.isoformat() if date else "", sentence=source[s_start:s_end])  # fmt: skip
    return graph


def org_project_graph(
    store: Store, types: Sequence[str] = ("Project", "Product", "Specification")
) -> nx.Graph:
    """Bipartite: organizations (bipartite=0) and what they develop (bipartite=1), from the ontology's
    `organization` and from stated releasedBy / acquires relations (edge attribute `via`)."""
    import networkx as nx

    entities = _entities(store)
    graph = nx.Graph()

    def link(org: str, thing: str, via: str) -> None:
        graph.add_node(org, bipartite=0, **_node_attrs(entities[org]))
        graph.add_node(thing, bipartite=1, **_node_attrs(entities[thing]))
        if graph.has_edge(org, thing):
            vias = set(graph.edges[org, thing]["via"].split(","))
            graph.edges[org, thing]["via"] = ",".join(sorted(vias | {via}))
        else:
            graph.add_edge(org, thing, via=via)

    for slug, entity in sorted(entities.items()):
        org = entity["organization"]
        if entity["type"] in types and org in entities and entities[org]["type"] == "Organization":
            link(org, slug, "developedBy")
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(Relation.subject_slug, Relation.predicate, Relation.object_slug)
            .where(Relation.predicate.in_(["releasedBy", "acquires"]))
            .distinct()
        ).all()
    for subject, predicate, obj in sorted(rows):
        org, thing = (obj, subject) if predicate == "releasedBy" else (subject, obj)
        if (
            entities.get(org, {}).get("type") == "Organization"
            and entities.get(thing, {}).get("type") in types
        ):
            link(org, thing, predicate)
    return graph


def time_slices(
    store: Store,
    by: str = "month",
    since: dt.date | None = None,
    until: dt.date | None = None,
    types: Sequence[str] | None = None,
    min_count: int = 1,
) -> dict[str, nx.Graph]:
    """One co-mention graph per period (`2019-04`, `2019-Q2`...) that has dated mentions, in period order."""
    import pandas as pd

    if by not in PERIODS:
        raise TrendError(f"unknown period {by!r}; use one of {', '.join(PERIODS)}")
    with store.engine.connect() as conn:
        stmt = select(Document.published_date).where(Document.published_date.is_not(None)).distinct()
        if since is not None:
            stmt = stmt.where(Document.published_date >= since)
        if until is not None:
            stmt = stmt.where(Document.published_date <= until)
        dates = pd.Series(pd.to_datetime([row[0] for row in conn.execute(stmt)]))
    if dates.empty:
        return {}
    labels = period_labels(dates, by)
    spans = pd.DataFrame({"date": dates, "period": labels}).groupby("period")["date"].agg(["min", "max"])
    return {
        period: co_mention_graph(store, row["min"].date(), row["max"].date(), types, min_count)
        for period, row in spans.sort_index().iterrows()
    }


def centrality(graph: nx.Graph, kind: str = "pagerank", limit: int | None = None) -> pd.DataFrame:
    """Node centrality, highest first: entity, label, type, score. kind: pagerank | degree | betweenness."""
    import networkx as nx
    import pandas as pd

    if kind == "pagerank":
        scores = nx.pagerank(graph, weight="weight") if graph.number_of_nodes() else {}
    elif kind == "degree":
        scores = nx.degree_centrality(graph)
    elif kind == "betweenness":
        # Exact betweenness is cubic; beyond 2,000 nodes a fixed-seed sample of 500 pivots keeps it seconds.
        k = 500 if graph.number_of_nodes() > 2000 else None
        scores = nx.betweenness_centrality(graph, k=k, seed=42)
    else:
        raise TrendError(f"unknown centrality {kind!r}; use pagerank, degree or betweenness")
    frame = pd.DataFrame(
        [(n, graph.nodes[n].get("label", n), graph.nodes[n].get("type", ""), s) for n, s in scores.items()],
        columns=["entity", "label", "type", "score"],
    )
    frame = frame.sort_values(["score", "entity"], ascending=[False, True]).reset_index(drop=True)
    return frame.head(limit) if limit else frame


def communities(graph: nx.Graph, method: str = "louvain") -> pd.DataFrame:
    """Community of every node: entity, label, type, community (0 = largest).

    louvain (the default, weighted, fixed seed) took 1.3 s on the shared corpus's whole co-mention graph
    (11k nodes, 24k edges; modularity 0.55). label_propagation is faster but lets a hub pull nearly
    everything into one community there (5,959 of 11,281 nodes; modularity 0.16). greedy_modularity is
    deterministic without a seed and slow beyond a few thousand nodes.
    """
    import pandas as pd
    from networkx.algorithms import community as nxc

    if method == "louvain":
        found = list(nxc.louvain_communities(graph, weight="weight", seed=42))
    elif method == "label_propagation":
        found = list(nxc.asyn_lpa_communities(graph, weight="weight", seed=42))
    elif method == "greedy_modularity":
        found = list(nxc.greedy_modularity_communities(graph, weight="weight"))
    else:
        raise TrendError(f"unknown community method {method!r}; use louvain, label_propagation or "
                         "greedy_modularity")  # fmt: skip
    found.sort(key=lambda c: (-len(c), min(c)))
    rows = [
        (n, graph.nodes[n].get("label", n), graph.nodes[n].get("type", ""), index)
        for index, members in enumerate(found)
        for n in sorted(members)
    ]
    return pd.DataFrame(rows, columns=["entity", "label", "type", "community"])


def export_graph(store: Store, min_count: int = 1) -> nx.Graph:
    """The graph `kg export --format graphml|gexf` writes: co-mentions, with the typed relations stated
    between the same two entities in the edge attribute `relations` (e.g. "basedOn;usesOrIntegrates")."""
    graph = co_mention_graph(store, min_count=min_count)
    stated: dict[tuple[str, str], set[str]] = defaultdict(set)
    for subject, obj, predicate in relation_graph(store).edges(data="predicate"):
        stated[(subject, obj)].add(predicate)
    for (subject, obj), predicates in stated.items():
        if graph.has_edge(subject, obj):
            previous = graph.edges[subject, obj].get("relations", "")
            names = set(filter(None, previous.split(";"))) | predicates
            graph.edges[subject, obj]["relations"] = ";".join(sorted(names))
    for _a, _b, data in graph.edges(data=True):
        data.setdefault("relations", "")
    return graph


def write_network(store: Store, path: str | Path, fmt: str) -> int:
    """Write `export_graph` as GraphML or GEXF; returns the number of edges written."""
    import networkx as nx

    graph = export_graph(store)
    if fmt == "graphml":
        write_graphml(graph, path)
    elif fmt == "gexf":
        nx.write_gexf(graph, str(path))
    else:
        raise TrendError(f"unknown network format {fmt!r}; use graphml or gexf")
    return graph.number_of_edges()


_GRAPHML_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0 at all


def write_graphml(graph: nx.Graph, path: str | Path) -> None:
    """GraphML for Gephi and `nx.read_graphml`, written directly: networkx's writer took 5 s on the corpus.

    Attributes are declared once with the type of their first value; empty strings are left out (GraphML's
    missing data), and so is any value whose type differs from its key's.
    """
    from xml.sax.saxutils import escape, quoteattr

    def keys(items: Any, prefix: str, domain: str) -> dict[str, tuple[str, type]]:
        found: dict[str, tuple[str, type]] = {}
        for _item, data in items:
            for name, value in data.items():
                if name not in found and type(value) in _GRAPHML_TYPES:
                    found[name] = (f"{prefix}{len(found)}", type(value))
        return found

    node_keys = keys(graph.nodes(data=True), "n", "node")
    edge_keys = keys(((None, d) for _a, _b, d in graph.edges(data=True)), "e", "edge")

    def data(values: dict[str, Any], declared: dict[str, tuple[str, type]]) -> str:
        parts = []
        for name, value in values.items():
            key = declared.get(name)
            if key is None or type(value) is not key[1] or value == "":
                continue
            text = str(value).lower() if isinstance(value, bool) else str(value)
            parts.append(f'<data key="{key[0]}">{escape(_XML_UNSAFE.sub("", text))}</data>')
        return "".join(parts)

    lines = ['<?xml version="1.0" encoding="utf-8"?>\n',
             '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
             'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
             'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
             'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n']  # fmt: skip
    for domain, declared in (("node", node_keys), ("edge", edge_keys)):
        for name, (key, kind) in declared.items():
            lines.append(f'  <key id="{key}" for="{domain}" attr.name={quoteattr(name)} '
                         f'attr.type="{_GRAPHML_TYPES[kind]}"/>\n')  # fmt: skip
    default = "directed" if graph.is_directed() else "undirected"
    lines.append(f'  <graph edgedefault="{default}">\n')

    def ident(node: Any) -> str:
        return quoteattr(_XML_UNSAFE.sub("", str(node)))

    for node, values in graph.nodes(data=True):
        lines.append(f"    <node id={ident(node)}>{data(values, node_keys)}</node>\n")
    for a, b, values in graph.edges(data=True):
        lines.append(f"    <edge source={ident(a)} target={ident(b)}>{data(values, edge_keys)}</edge>\n")
    lines.append("  </graph>\n</graphml>\n")
    Path(path).write_text("".join(lines), encoding="utf-8")
