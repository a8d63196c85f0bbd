"""Node positions computed in Python, so the page paints at once instead of running physics in the browser.

Small graphs get a force-directed layout (networkx spring_layout, seeded, so a rebuild draws the same
picture). Large ones (spring_layout is O(n²) per iteration: minutes at 50k nodes) get a community-seeded
layout: label-propagation communities packed on a sunflower spiral, biggest in the middle, each laid out
inside its own disk — a force layout for the mid-sized ones, hubs-in-the-middle spirals for the rest.
Issue nodes are placed near the entities they mention, after the entity layout, so toggling them on or off
does not move anything else.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

from kg.explore.graphdata import ISSUE_TYPE, MENTIONS, GraphData

if TYPE_CHECKING:
    import networkx as nx
    import numpy as np

SPRING_MAX_NODES = 450  # networkx switches to its slow per-node loop at 500; above, communities
LOCAL_SPRING = (12, 450)  # community sizes that get their own small force layout
LOCAL_SPRING_BUDGET_S = 2.0  # stop refining communities after this; the rest keep their spiral
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


def compute_layout(data: GraphData, seed: int = 7) -> np.ndarray:
    """(n, 2) float32 positions for data.nodes, roughly in [-1000, 1000]."""
    import numpy as np

    entities = [i for i, n in enumerate(data.nodes) if n.type != ISSUE_TYPE]
    graph = _entity_graph(data, entities)
    small = len(entities) <= SPRING_MAX_NODES
    positions = _spring(graph, seed) if small else _community_layout(graph, seed)
    xy = np.zeros((len(data.nodes), 2), dtype=np.float64)
    if positions:
        coords = np.array([positions[i] for i in entities])
        span = float(np.abs(coords).max()) or 1.0
        xy[entities] = coords * (1000.0 / span)
    _place_issues(data, xy, seed)
    return xy.astype(np.float32)


def _entity_graph(data: GraphData, entities: list[int]) -> nx.Graph:
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(entities)
    for edge in data.edges:
        if edge.kind == MENTIONS or edge.source == edge.target:
            continue
        weight = 1.0 + math.log1p(edge.weight)
        if graph.has_edge(edge.source, edge.target):
            graph[edge.source][edge.target]["weight"] += weight
        else:
            graph.add_edge(edge.source, edge.target, weight=weight)
    return graph


def _spring(graph: nx.Graph, seed: int) -> dict[int, tuple[float, float]]:
    import networkx as nx

    if graph.number_of_nodes() == 0:
        return {}
    if graph.number_of_nodes() == 1:
        return {next(iter(graph.nodes)): (0.0, 0.0)}
    # k a little above the default keeps isolated nodes from piling on the rim.
    k = 1.4 / math.sqrt(graph.number_of_nodes())
    pos = nx.spring_layout(graph, k=k, iterations=60, seed=seed, weight="weight")
    return {node: (float(x), float(y)) for node, (x, y) in pos.items()}


def _community_layout(graph: nx.Graph, seed: int) -> dict[int, tuple[float, float]]:
    import networkx as nx

    communities = [sorted(c) for c in nx.community.label_propagation_communities(graph)]
    communities.sort(key=lambda c: (-len(c), c[0]))
    radii = [math.sqrt(len(c)) for c in communities]
    positions: dict[int, tuple[float, float]] = {}
    area = 0.0
    deadline = time.monotonic() + LOCAL_SPRING_BUDGET_S
    for number, (members, radius) in enumerate(zip(communities, radii, strict=True)):
        # Sunflower packing by cumulative area: community k sits just outside the disks before it.
        distance = math.sqrt(area) * 1.15
        angle = number * GOLDEN_ANGLE
        cx, cy = distance * math.cos(angle), distance * math.sin(angle)
        area += (radius + 0.6) ** 2
        local = None
        if LOCAL_SPRING[0] <= len(members) <= LOCAL_SPRING[1] and time.monotonic() < deadline:
            local = _local_spring(graph.subgraph(members), seed)
        if local is None:
            local = _spiral(graph, members)
        for node, (x, y) in local.items():
            positions[node] = (cx + x * radius, cy + y * radius)
    return positions


def _local_spring(subgraph: nx.Graph, seed: int) -> dict[int, tuple[float, float]]:
    import networkx as nx

    pos = nx.spring_layout(subgraph, iterations=30, seed=seed, weight="weight")
    span = max((math.hypot(x, y) for x, y in pos.values()), default=1.0) or 1.0
    return {node: (float(x) / span, float(y) / span) for node, (x, y) in pos.items()}


def _spiral(graph: nx.Graph, members: list[int]) -> dict[int, tuple[float, float]]:
    """Unit-disk sunflower with the best-connected nodes in the middle."""
    ordered = sorted(members, key=lambda n: (-graph.degree(n, weight="weight"), n))
    count = len(ordered)
    return {
        node: (
            math.sqrt((i + 0.5) / count) * math.cos(i * GOLDEN_ANGLE),
            math.sqrt((i + 0.5) / count) * math.sin(i * GOLDEN_ANGLE),
        )
        for i, node in enumerate(ordered)
    }


def _place_issues(data: GraphData, xy: np.ndarray, seed: int) -> None:
    import numpy as np

    issues = [i for i, n in enumerate(data.nodes) if n.type == ISSUE_TYPE]
    if not issues:
        return
    sums = np.zeros((len(data.nodes), 2))
    weights = np.zeros(len(data.nodes))
    for edge in data.edges:
        if edge.kind == MENTIONS:
            sums[edge.source] += xy[edge.target] * edge.weight
            weights[edge.source] += edge.weight
    rng = np.random.default_rng(seed)
    jitter = rng.normal(scale=25.0, size=(len(issues), 2))
    for offset, node in enumerate(issues):
        centre = sums[node] / weights[node] if weights[node] else np.zeros(2)
        xy[node] = centre + jitter[offset]
