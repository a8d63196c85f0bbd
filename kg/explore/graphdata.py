"""The explorer's graph in memory: nodes, edges, day timelines and evidence, whatever it was read from.

`kg.explore.fromstore` fills it from the SQL store, `kg.explore.synthetic` fabricates large ones for the
benchmark; `kg.explore.page` turns it into the compact JSON the page reads. Keeping one shape means the
50k-node benchmark exercises exactly the layout and page code that real data goes through.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ISSUE_TYPE = "Issue"  # newsletter issues shown as nodes linked to what they mention
CO_MENTION = "coMention"  # edge kind of the co-mention graph; typed relations use their predicate
MENTIONS = "mentions"  # edge kind from an issue node to an entity it mentions


@dataclass(slots=True)
class Doc:
    """A newsletter issue as the evidence panel shows it."""

    day: int  # index into GraphData.days, -1 when the post has no date
    series: str
    title: str
    issue_number: int | None
    source_uri: str  # file:// URI of the markdown post on the machine that wrote the page


@dataclass(slots=True)
class EvidenceItem:
    """One news item; `excerpt` is the start of its text, `url` its first http(s) link ('' when none)."""

    doc: int
    excerpt: str
    url: str


@dataclass(slots=True)
class Node:
    key: str  # entity slug, or "issue:<document slug>"
    label: str
    type: str
    label_zh: str = ""
    category: str = ""
    homepage: str = ""
    organization: str = ""  # slug of the organization entity
    maturity: str = ""
    aliases: list[str] = field(default_factory=list)
    mentions: int = 0  # mention rows in the selected period
    items: int = 0  # distinct items that mention it
    timeline: dict[int, int] = field(default_factory=dict)  # day index -> mentions that day
    # (item index, start, end) of the mention inside the item excerpt (-1, -1 when past the excerpt),
    # newest first, capped: `items` says how many there are in all.
    evidence: list[tuple[int, int, int]] = field(default_factory=list)
    doc: int = -1  # for issue nodes: index into GraphData.docs


@dataclass(slots=True)
class Edge:
    source: int
    target: int
    kind: str  # CO_MENTION, MENTIONS, or a relation predicate
    weight: int = 0
    timeline: dict[int, int] = field(default_factory=dict)


@dataclass(slots=True)
class GraphData:
    days: list[str] = field(default_factory=list)  # sorted ISO dates of the issues
    docs: list[Doc] = field(default_factory=list)
    items: list[EvidenceItem] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    title: str = "cnkg explorer"
    filters: dict[str, object] = field(default_factory=dict)

    def entity_count(self) -> int:
        return sum(1 for n in self.nodes if n.type != ISSUE_TYPE)

    def issue_count(self) -> int:
        return sum(1 for n in self.nodes if n.type == ISSUE_TYPE)
