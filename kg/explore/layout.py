"""Node positions computed in Python, so the page paints at once instead of running physics in the browser.

Small graphs get a force-directed layout (networkx spring_layout, seeded, so a rebuild draws the same
picture). Large ones (spring_layout is O(n²) per iteration: minutes at 50k nodes) get an anchored layout:
the top few hundred entities by mentions (of the types the page shows by default) get a weighted force
layout of their own, and every other entity sits on a small sunflower around its strongest already-placed
neighbour, so the picture an analyst sees first is the readable force layout of the big names.
Issue nodes are placed near the entities they mention, after the entity layout, so toggling them on or off
does not move anything else.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import TYPE_CHECKING

from kg.explore.graphdata import ISSUE_TYPE, MENTIONS, GraphData

if TYPE_CHECKING:
    import networkx as nx
    import numpy as np

SPRING_MAX_NODES = 450  # networkx switches to its slow per-node loop at 500; above, anchors
ANCHORS = 300  # entities laid out by force in a large graph
BACKBONE = 4  # strongest edges per anchor that the anchor layout keeps
SATELLITE_STEP = 0.012  # sunflower spacing around an anchor, as a share of the anchor layout's radius
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


def compute_layout(data: GraphData, seed: int = 7, hidden_types: Collection[str] = ()) -> np.ndarray:
    """(n, 2) float32 positions for data.nodes, roughly in [-1000, 1000].

    `hidden_types` are the types the page starts with unticked: a large graph draws its anchors from the
    other types, so the first view is laid out for what it shows.
    """
    import numpy as np

    entities = [i for i, n in enumerate(data.nodes) if n.type != ISSUE_TYPE]
    graph = _entity_graph(data, entities)
    if len(entities) <= SPRING_MAX_NODES:
        positions = _spring(graph, seed)
    else:
        shown = [i for i in entities if data.nodes[i].type not in hidden_types] or entities
        ranked = sorted(shown, key=lambda i: (-data.nodes[i].mentions, i))
        positions = _anchored(graph, ranked[:ANCHORS], seed)
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


def _backbone(graph: nx.Graph) -> nx.Graph:
    """Each node's BACKBONE strongest edges by hub-discounted weight: the top entities are nearly all
    co-mentioned with each other (and with Kubernetes), and a force layout of that dense graph is one ball."""
    import networkx as nx

    strength = dict(graph.degree(weight="weight"))
    kept = nx.Graph()
    kept.add_nodes_from(sorted(graph.nodes))
    for node in sorted(graph.nodes):
        ranked = sorted(
            (-attrs["weight"] / math.sqrt(strength[node] * strength[other]), other)
            for other, attrs in graph[node].items()
        )
        for value, other in ranked[:BACKBONE]:
            kept.add_edge(node, other, weight=-value)
    return kept


def _anchored(graph: nx.Graph, anchors: list[int], seed: int) -> dict[int, tuple[float, float]]:
    """Anchors by force; the rest, strongest mentions first, around their strongest placed neighbour."""
    positions = _spring(_backbone(graph.subgraph(anchors)), seed)
    span = max((math.hypot(x, y) for x, y in positions.values()), default=1.0) or 1.0
    positions = {n: (x / span, y / span) for n, (x, y) in positions.items()}
    satellites = dict.fromkeys(positions, 0)
    waiting = sorted(
        (n for n in graph.nodes if n not in positions), key=lambda n: (-graph.degree(n, weight="weight"), n)
    )
    # Passes until nothing new can be attached: a node whose neighbours are all unplaced waits a pass.
    while waiting:
        later = []
        for node in waiting:
            best, best_weight = -1, 0.0
            for other, attrs in graph[node].items():
                if other in positions and (attrs["weight"], -other) > (best_weight, -best):
                    best, best_weight = other, attrs["weight"]
            if best < 0:
                later.append(node)
                continue
            count = satellites[best] = satellites[best] + 1
            radius = SATELLITE_STEP * math.sqrt(count)
            px, py = positions[best]
            angle = count * GOLDEN_ANGLE + best  # per-parent phase so neighbouring flowers interleave
            positions[node] = (px + radius * math.cos(angle), py + radius * math.sin(angle))
            satellites[node] = 0
        if len(later) == len(waiting):
            break
        waiting = later
    # Entities with no path to an anchor: a sunflower ring just outside the picture.
    for number, node in enumerate(waiting):
        radius = 1.08 + 0.12 * math.sqrt((number + 0.5) / len(waiting))
        positions[node] = (radius * math.cos(number * GOLDEN_ANGLE), radius * math.sin(number * GOLDEN_ANGLE))
    return positions


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
