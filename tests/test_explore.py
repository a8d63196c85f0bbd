"""The explorer without a browser: what it reads from the store, its filters, its escaping and its CLI."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kg.errors import KgError
from kg.explore import Explorer, build_page, build_page_from_graph, parse_day, write_explorer
from kg.explore.fromstore import ExploreError, load_graph
from kg.explore.graphdata import CO_MENTION, ISSUE_TYPE, MENTIONS, GraphData
from kg.explore.layout import compute_layout
from kg.explore.page import csp_hash, script_json
from kg.explore.synthetic import synthetic_graph
from kg.models import (
    AliasRecord,
    DocumentRecord,
    EntityRecord,
    ItemRecord,
    LinkedDocument,
    LinkRecord,
    MentionRecord,
    RelationRecord,
)
from kg.store import Store

HOSTILE_LABEL = "</script><img src=x onerror=window.__pwned=1>"
HOSTILE_ZH = "<svg onload=window.__pwned=2>恶意"
HOSTILE_HOME = "javascript:window.__pwned=3"
HOSTILE_TEXT = (
    "Evil </script><script>window.__pwned=4</script> <img src=x onerror=window.__pwned=5> \u2028 & co"
)

ENTITIES = (
    EntityRecord(
        "knative",
        "Project",
        "Knative",
        aliases=(AliasRecord("Knative Serving"),),
        homepage="https://knative.dev",
        organization="google",
        category="Serverless",
        maturity="incubating",
    ),
    EntityRecord("istio", "Project", "Istio", label_zh="服务网格Istio", category="Service Mesh"),
    EntityRecord("envoy", "Project", "Envoy", category="Service Mesh"),
    EntityRecord("google", "Organization", "Google", label_zh="谷歌"),
    EntityRecord(
        "alibaba", "Organization", "Alibaba", label_zh="阿里巴巴", aliases=(AliasRecord("阿里云", "zh"),)
    ),
    EntityRecord("cloud-run", "Product", "Cloud Run", organization="google"),
    EntityRecord(
        "evil",
        "Project",
        HOSTILE_LABEL,
        label_zh=HOSTILE_ZH,
        homepage=HOSTILE_HOME,
        aliases=(AliasRecord("</style><b>bold</b>"),),
    ),
)

# (path, series, number, date, [(item text, [link urls], [(entity, surface)])], [(item, s, predicate, o)])
POSTS = (
    (
        "cnw/01.md",
        "cloud-native-weekly-zh",
        1,
        dt.date(2019, 4, 1),
        [
            (
                "Cloud Run 基于 Knative 构建",
                ["https://cloud.google.com/run"],
                [("cloud-run", "Cloud Run"), ("knative", "Knative")],
            ),
            ("阿里巴巴 发布新版本", [], [("alibaba", "阿里巴巴")]),
        ],
        [(0, "cloud-run", "basedOn", "knative")],
    ),
    (
        "lwkd/2019-05-06-update.md",
        "lwkd",
        None,
        dt.date(2019, 5, 6),
        [
            (
                "Istio 1.1 uses Envoy",
                ["javascript:alert(1)", "https://istio.io/news"],
                [("istio", "Istio"), ("envoy", "Envoy")],
            ),
            (HOSTILE_TEXT + " with Knative", [HOSTILE_HOME], [("evil", "Evil"), ("knative", "Knative")]),
        ],
        [],
    ),
    (
        "lwkd/2019-06-03-update.md",
        "lwkd",
        None,
        dt.date(2019, 6, 3),
        [
            ("Knative and Istio grow together", [], [("knative", "Knative"), ("istio", "Istio")]),
        ],
        [],
    ),
    (
        "tgik/099/README.md",
        "tgik",
        99,
        None,
        [
            ("Knative deep dive", ["http://example.org/tgik-99"], [("knative", "Knative")]),
        ],
        [],
    ),
)


def _linked(
    path: str, series: str, number: int | None, day: dt.date | None, items: list, relations: list
) -> LinkedDocument:
    source, records, mentions = "", [], []
    for position, (text, urls, found) in enumerate(items):
        line = "- " + text + "".join(f" [link]({u})" for u in urls)
        start = len(source) + 2
        links = []
        for url in urls:
            at = source.__len__() + line.index(f"[link]({url})")
            links.append(LinkRecord(url, "link", at, at + len(f"[link]({url})"), at + 1, at + 5))
        records.append(
            ItemRecord(position, ("news",), "bullet", start, len(source) + len(line), line[2:], tuple(links))
        )
        for entity, surface in found:
            at = start + text.index(surface)
            mentions.append(
                MentionRecord(
                    position, entity, surface, at, at + len(surface), "alias", 1.0, start, start + len(text)
                )
            )
        source += line + "\n"
    rels = tuple(RelationRecord(i, s, p, o, 0, 10, "rule", 0.9) for i, s, p, o in relations)
    doc = DocumentRecord(
        path=path,
        slug=path.rsplit(".", 1)[0],
        series=series,
        title=f"{series} {day or 'undated'}",
        issue_number=number,
        published_at=day.isoformat() if day else None,
        published_date=day,
        utc_offset_minutes=None,
        authors=(),
        editors=(),
        tags=(),
        content_hash=f"hash-{path}",
        encoding="utf-8",
        source=source,
        items=tuple(records),
    )
    return LinkedDocument(doc, tuple(mentions), relations=rels)


def build_store(folder: Path) -> str:
    url = f"sqlite:///{folder / 'kg.db'}"
    with Store(url) as store:
        store.sync_entities(ENTITIES, "test-ontology")
        for post in POSTS:
            assert store.save_document(_linked(*post), "test-linker") == "new"
    return url


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return build_store(tmp_path)


def _by_key(data):  # type: ignore[no-untyped-def]
    return {n.key: i for i, n in enumerate(data.nodes)}


def test_nodes_carry_counts_timelines_and_details(store_url: str) -> None:
    data = load_graph(Store(store_url))
    assert data.days == ["2019-04-01", "2019-05-06", "2019-06-03"]
    entities = [n for n in data.nodes if n.type != ISSUE_TYPE]
    assert [n.key for n in entities] == ["knative", "istio", "alibaba", "cloud-run", "envoy", "evil"]
    knative = entities[0]
    assert (knative.mentions, knative.items) == (4, 4)
    assert knative.timeline == {0: 1, 1: 1, 2: 1}  # the undated tgik post counts in the total only
    assert (knative.homepage, knative.organization, knative.maturity) == (
        "https://knative.dev",
        "google",
        "incubating",
    )
    assert knative.aliases == ["Knative Serving"]
    assert data.nodes[_by_key(data)["alibaba"]].aliases == ["阿里云"]
    assert data.nodes[_by_key(data)["istio"]].label_zh == "服务网格Istio"
    assert "google" not in _by_key(data)  # defined but never mentioned


def test_edges_are_co_mentions_relations_and_issue_links(store_url: str) -> None:
    data = load_graph(Store(store_url))
    key = [n.key for n in data.nodes]
    edges = {(key[e.source], key[e.target], e.kind): (e.weight, e.timeline) for e in data.edges}
    co = {k: v for k, v in edges.items() if k[2] == CO_MENTION}
    assert co == {
        ("istio", "knative", CO_MENTION): (1, {2: 1}),  # the slugs of a pair in sorted order
        ("cloud-run", "knative", CO_MENTION): (1, {0: 1}),
        ("evil", "knative", CO_MENTION): (1, {1: 1}),
        ("envoy", "istio", CO_MENTION): (1, {1: 1}),
    }
    assert edges[("cloud-run", "knative", "basedOn")] == (1, {0: 1})
    assert sorted(n.label for n in data.nodes if n.type == ISSUE_TYPE) == [
        "cloud-native-weekly-zh #1",
        "lwkd 2019-05-06",
        "lwkd 2019-06-03",
        "tgik #99",
    ]
    issue_edges = sorted((k[0], k[1], v[0]) for k, v in edges.items() if k[2] == MENTIONS)
    assert issue_edges == [
        ("issue:cnw/01", "alibaba", 1),
        ("issue:cnw/01", "cloud-run", 1),
        ("issue:cnw/01", "knative", 1),
        ("issue:lwkd/2019-05-06-update", "envoy", 1),
        ("issue:lwkd/2019-05-06-update", "evil", 1),
        ("issue:lwkd/2019-05-06-update", "istio", 1),
        ("issue:lwkd/2019-05-06-update", "knative", 1),
        ("issue:lwkd/2019-06-03-update", "istio", 1),
        ("issue:lwkd/2019-06-03-update", "knative", 1),
        ("issue:tgik/099/README", "knative", 1),
    ]


def test_evidence_is_newest_first_with_http_links_and_mention_spans(store_url: str) -> None:
    data = load_graph(Store(store_url))
    knative = data.nodes[_by_key(data)["knative"]]
    rows = []
    for item_index, start, end in knative.evidence:
        item = data.items[item_index]
        doc = data.docs[item.doc]
        rows.append(
            (data.days[doc.day] if doc.day >= 0 else None, doc.series, item.url, item.excerpt[start:end])
        )
    assert rows == [
        ("2019-06-03", "lwkd", "", "Knative"),
        ("2019-05-06", "lwkd", "", "Knative"),  # its only link is javascript:, which is dropped
        ("2019-04-01", "cloud-native-weekly-zh", "https://cloud.google.com/run", "Knative"),
        (None, "tgik", "http://example.org/tgik-99", "Knative"),
    ]
    istio = data.nodes[_by_key(data)["istio"]]
    assert data.items[istio.evidence[1][0]].url == "https://istio.io/news"  # first http(s) link of the item
    assert data.docs[0].source_uri.startswith("file:///") and data.docs[0].source_uri.endswith(".md")


def test_filters_period_type_min_mentions_and_no_issues(store_url: str) -> None:
    store = Store(store_url)
    may = load_graph(store, since=dt.date(2019, 5, 1), until=dt.date(2019, 5, 31), issues=False)
    assert [n.key for n in may.nodes] == ["envoy", "evil", "istio", "knative"]
    assert may.days == ["2019-05-06"]
    orgs = load_graph(store, types=["organization"])
    assert [n.key for n in orgs.nodes if n.type != ISSUE_TYPE] == ["alibaba"]
    frequent = load_graph(store, min_mentions=2, issues=False)
    assert [n.key for n in frequent.nodes] == ["knative", "istio"]


def test_entity_neighbourhood_by_name_alias_or_chinese_label(store_url: str) -> None:
    store = Store(store_url)
    one_hop = load_graph(store, entity="Knative Serving", depth=1, issues=False)
    assert sorted(n.key for n in one_hop.nodes) == ["cloud-run", "evil", "istio", "knative"]
    two_hops = load_graph(store, entity="服务网格Istio", depth=2, issues=False)
    assert sorted(n.key for n in two_hops.nodes) == ["cloud-run", "envoy", "evil", "istio", "knative"]
    alone = load_graph(store, entity="阿里云", depth=3, issues=False)
    assert [n.key for n in alone.nodes] == ["alibaba"]


def test_unknown_entity_and_type_say_what_to_do(store_url: str) -> None:
    store = Store(store_url)
    with pytest.raises(ExploreError, match=r"^unknown entity 'knativ'; did you mean 'knative'"):
        load_graph(store, entity="knativ")
    with pytest.raises(ExploreError, match=r"^unknown type 'Projects'; choose from Project, Organization"):
        load_graph(store, types=["Projects"])
    with pytest.raises(
        ExploreError, match=r"^nothing to explore: no entity is mentioned in the selected period"
    ):
        load_graph(store, since=dt.date(2030, 1, 1))


def test_script_json_cannot_close_the_tag_and_reads_back_unchanged() -> None:
    value = {"a": HOSTILE_TEXT, "b": "<!-- <script> \u2029 &amp;"}
    text = script_json(value)
    assert not re.search(r"[<>&\u2028\u2029]", text)
    assert json.loads(text) == value


def test_page_is_self_contained_and_its_csp_allows_exactly_its_scripts(store_url: str) -> None:
    page, stats = build_page(store_url)
    assert (stats.entities, stats.issues) == (6, 4)
    assert HOSTILE_LABEL not in page and "<img" not in page and "javascript:window" in page  # inert JSON text
    scripts = re.findall(r"<script>(.*?)</script>", page, flags=re.S)
    assert len(scripts) == 3
    assert len(re.findall(r"<script\b", page)) == 4  # plus the one JSON block
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    csp = csp.replace("&#x27;", "'")
    assert csp.startswith("default-src 'none'; script-src ")
    assert csp.split("; ")[1] == "script-src " + " ".join(csp_hash(s) for s in scripts)
    style = re.search(r"<style>(.*?)</style>", page, flags=re.S).group(1)
    assert csp_hash(style) in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    markup = re.sub(r"<script\b[^>]*>.*?</script>", "", page, flags=re.S)
    assert not re.search(r"<(link|img|iframe)\b|\bsrc=|@import|url\(", markup)
    assert "sourceMappingURL" not in page


def test_repr_html_is_a_sandboxed_iframe_holding_the_page(store_url: str) -> None:
    explorer = Explorer.from_store(store_url)
    shown = explorer._repr_html_()
    assert shown.startswith('<iframe srcdoc="&lt;!DOCTYPE html&gt;')
    assert 'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox"' in shown
    assert "allow-same-origin" not in shown
    assert shown.count('"') == 8  # the page's own quotes are all escaped inside srcdoc
    assert repr(explorer) == f"<Explorer 6 entities, 4 issues, 15 edges, {explorer.stats.bytes:,} bytes>"


def test_write_explorer_names_a_missing_folder(store_url: str, tmp_path: Path) -> None:
    stats = write_explorer(store_url, tmp_path / "x.html")
    assert stats.path == str(tmp_path / "x.html") and stats.bytes == (tmp_path / "x.html").stat().st_size
    with pytest.raises(KgError, match=r"folder .*nowhere does not exist; create it first"):
        write_explorer(store_url, tmp_path / "nowhere" / "x.html")


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [
        ("2019-04-07", False, dt.date(2019, 4, 7)),
        ("2019-02", False, dt.date(2019, 2, 1)),
        ("2019-02", True, dt.date(2019, 2, 28)),
        ("2019-12", True, dt.date(2019, 12, 31)),
        ("2020", True, dt.date(2020, 12, 31)),
        (None, False, None),
    ],
)
def test_parse_day(text: str | None, end: bool, expected: dt.date | None) -> None:
    assert parse_day(text, "--since", end=end) == expected


def test_parse_day_rejects_nonsense() -> None:
    with pytest.raises(
        KgError, match=r"^--until '2019-13' is not a date; write YYYY-MM-DD, YYYY-MM or YYYY$"
    ):
        parse_day("2019-13", "--until")


def test_cli_writes_the_page_and_reports_errors_in_one_line(store_url: str, tmp_path: Path) -> None:
    out = tmp_path / "explorer.html"
    kg = [sys.executable, "-m", "kg.cli", "explore", "--db", store_url]
    done = subprocess.run(
        [*kg, "--out", str(out), "--since", "2019-05"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"wrote {out}: 4 entities, 2 issues, 9 edges, ")
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    bad = subprocess.run(
        [*kg, "--out", str(out), "--entity", "knativ"], capture_output=True, text=True, check=False
    )
    assert bad.returncode == 2
    assert bad.stderr == "error: unknown entity 'knativ'; did you mean 'knative'?\n"


def test_layout_is_deterministic_and_issue_nodes_sit_near_what_they_mention(store_url: str) -> None:
    data = load_graph(Store(store_url))
    first, second = compute_layout(data), compute_layout(data)
    assert (first == second).all()
    tgik = _by_key(data)["issue:tgik/099/README"]
    knative = _by_key(data)["knative"]
    assert abs(first[tgik] - first[knative]).max() < 150  # its only mention, plus a small jitter


def test_large_graphs_get_the_community_layout_within_bounds() -> None:
    data = synthetic_graph(nodes=6000, edges=12000)
    xy = compute_layout(data)
    assert xy.shape == (6000, 2)
    assert float(abs(xy).max()) == pytest.approx(1000.0)
    assert len({(round(float(x), 1), round(float(y), 1)) for x, y in xy}) > 5900  # nodes do not pile up


def test_co_mention_weights_agree_with_kg_network(store_url: str) -> None:
    network = pytest.importorskip("kg.network", reason="kg.network (graph issue) is not in this tree yet")
    graph = network.co_mention_graph(Store(store_url))
    data = load_graph(Store(store_url), issues=False)
    key = [n.key for n in data.nodes]
    ours = {frozenset((key[e.source], key[e.target])): e.weight for e in data.edges if e.kind == CO_MENTION}
    theirs = {frozenset((a, b)): w for a, b, w in graph.edges(data="weight")}
    assert ours == theirs


def large_graph(nodes: int = 2500) -> GraphData:
    """A synthetic graph past the large-graph threshold, plus vulnerabilities (the generator makes none)."""
    data = synthetic_graph(nodes=nodes, edges=nodes * 2)
    for node in data.nodes[::250]:
        node.type = "Vulnerability"
    return data


def page_data(page: str) -> dict:  # type: ignore[type-arg]
    block = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, flags=re.S)
    return json.loads(block.group(1))


def test_large_graphs_start_with_bulk_types_unticked_and_30_forced_labels() -> None:
    page, stats = build_page_from_graph(large_graph())
    data = page_data(page)
    assert stats.entities == 2500
    assert data["typesOff"] == ["Proposal", "Release", "Vulnerability"]
    assert data["types"] == [
        "Concept",
        "Organization",
        "Product",
        "Project",
        "Proposal",
        "Release",
        "Specification",
        "Vulnerability",
    ]  # still listed, so they can be ticked
    assert data["labelled"] == 30


def test_small_graphs_start_with_every_entity_type_ticked(store_url: str) -> None:
    data = page_data(build_page(store_url)[0])
    assert data["typesOff"] == []
    assert data["labelled"] == 30
    just_under = page_data(build_page_from_graph(large_graph(2000))[0])
    assert just_under["typesOff"] == []


def test_large_graph_page_is_byte_for_byte_deterministic_and_anchors_are_shown_types() -> None:
    first = build_page_from_graph(large_graph())[0]
    assert build_page_from_graph(large_graph())[0] == first
    data = page_data(first)
    nodes = data["nodes"]
    shown = [i for i, t in enumerate(nodes["type"]) if data["types"][t] not in data["typesOff"]]
    top = sorted(shown, key=lambda i: (-nodes["m"][i], i))[:20]
    # The biggest shown entities are force-laid anchors inside the picture, not on the outer ring.
    assert all(math.hypot(nodes["x"][i], nodes["y"][i]) < 950 for i in top)
    assert len({(nodes["x"][i], nodes["y"][i]) for i in top}) == 20
