"""Fabricated explorer graphs of any size, for the 50k-node benchmark and the scale tests.

The shape imitates the real one: communities of co-mentioned projects, heavy-tailed mention counts, issues
spread over ten years, some Chinese labels, a few typed relations, capped evidence per node.
"""

from __future__ import annotations

import datetime as dt
import random

from kg.explore.graphdata import CO_MENTION, Doc, Edge, EvidenceItem, GraphData, Node

TYPES = ("Project", "Organization", "Product", "Proposal", "Specification", "Release", "Concept")
TYPE_WEIGHTS = (40, 12, 15, 20, 3, 7, 3)
PREDICATES = ("basedOn", "uses", "competesWith", "releasedBy", "replaces")
CATEGORIES = ("Orchestration", "Service Mesh", "Observability", "Runtime", "Security", "Storage", "CI/CD")


def synthetic_graph(
    nodes: int = 50_000, edges: int = 100_000, seed: int = 1, evidence_per_node: int = 5
) -> GraphData:
    rng = random.Random(seed)
    data = GraphData(title=f"synthetic graph ({nodes:,} nodes)")
    start = dt.date(2016, 1, 4)
    data.days = [(start + dt.timedelta(days=7 * w)).isoformat() for w in range(520)]
    series = ("lwkd", "devopsish", "sofa-weekly", "tgik", "cloud-native-weekly-zh")
    for day in range(len(data.days)):
        for number, name in enumerate(series):
            data.docs.append(
                Doc(day, name, f"{name} issue {day}", day * 5 + number, f"file:///corpus/{name}/{day}.md")
            )
    community_of = [min(int(rng.paretovariate(1.2)), 2000) for _ in range(nodes)]
    members: dict[int, list[int]] = {}
    for index, community in enumerate(community_of):
        members.setdefault(community, []).append(index)
    for i in range(nodes):
        kind = rng.choices(TYPES, TYPE_WEIGHTS)[0]
        mentions = max(1, int(rng.paretovariate(1.1)))
        first = rng.randrange(len(data.days))
        node = Node(
            key=f"syn-{i}",
            label=f"{kind.lower()}-{i}",
            type=kind,
            label_zh=f"项目{i}" if i % 7 == 0 else "",
            category=CATEGORIES[community_of[i] % len(CATEGORIES)],
            homepage=f"https://example.org/p/{i}" if i % 3 == 0 else "",
            aliases=[f"alias{i}"] if i % 5 == 0 else [],
            mentions=mentions,
            items=mentions,
        )
        for _ in range(min(mentions, 12)):
            day = min(len(data.days) - 1, first + int(rng.expovariate(1 / 30)))
            node.timeline[day] = node.timeline.get(day, 0) + 1
        extra = mentions - sum(node.timeline.values())
        if extra > 0:
            last = max(node.timeline)
            node.timeline[last] += extra
        for day in sorted(node.timeline, reverse=True)[:evidence_per_node]:
            data.items.append(
                EvidenceItem(
                    day * 5 + rng.randrange(5),
                    f"{node.label} was mentioned here.",
                    f"https://example.org/news/{i}/{day}",
                )
            )
            node.evidence.append((len(data.items) - 1, 0, len(node.label)))
        data.nodes.append(node)
    seen: set[tuple[int, int]] = set()
    while len(data.edges) < edges:
        a = rng.randrange(nodes)
        group = members[community_of[a]]
        b = rng.choice(group) if len(group) > 1 and rng.random() < 0.85 else rng.randrange(nodes)
        if a == b or (min(a, b), max(a, b)) in seen:
            continue
        seen.add((min(a, b), max(a, b)))
        typed = rng.random() < 0.03
        day = max(min(data.nodes[a].timeline), min(data.nodes[b].timeline))
        weight = 1 + int(rng.expovariate(0.7))
        data.edges.append(Edge(a, b, rng.choice(PREDICATES) if typed else CO_MENTION, weight, {day: weight}))
    return data
