"""A small, stable graph fixture written through Store.save_document, shared by the graph tests.

Two short posts written for these tests (one Chinese, one English), a handful of entities of every type,
mentions at exact offsets, and relations found by the real rules (kg.relations). The golden RDF, the API
docstring examples and the SQL/SPARQL consistency test all read this store, so it changes only on purpose.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kg.models import (
    AliasRecord,
    CandidateRecord,
    DocumentRecord,
    EntityRecord,
    ItemRecord,
    LinkedDocument,
    LinkRecord,
    MentionRecord,
)
from kg.relations import find_relations
from kg.store import Store
from kg.text import sentence_of, sentence_spans

ENTITIES = (
    EntityRecord(
        "google", "Organization", "Google", "谷歌", homepage="https://about.google/", data={"kind": "vendor"}
    ),
    EntityRecord(
        "amazon-web-services",
        "Organization",
        "Amazon Web Services",
        "亚马逊云科技",
        aliases=(AliasRecord("AWS"),),
    ),
    EntityRecord(
        "cloud-native-computing-foundation",
        "Organization",
        "Cloud Native Computing Foundation",
        "云原生计算基金会",
        aliases=(AliasRecord("CNCF"),),
        category="foundation",
    ),
    EntityRecord("google-cloud", "Product", "Google Cloud", "谷歌云", organization="google"),
    EntityRecord(
        "google-cloud-run",
        "Product",
        "Google Cloud Run",
        aliases=(AliasRecord("Cloud Run"),),
        homepage="https://cloud.google.com/run/",
        organization="google",
        category="Serverless",
    ),
    EntityRecord("traffic-director", "Product", "Traffic Director", organization="google"),
    EntityRecord(
        "aws-app-mesh",
        "Product",
        "AWS App Mesh",
        aliases=(AliasRecord("App Mesh"),),
        organization="amazon-web-services",
    ),
    EntityRecord(
        "knative",
        "Project",
        "Knative",
        homepage="https://knative.dev/",
        repository="https://github.com/knative/serving",
        category="Serverless",
        maturity="incubating",
        data={"hosted_by": "cloud-native-computing-foundation", "dates": {"accepted": "2022-03-02"}},
    ),
    EntityRecord(
        "envoy",
        "Project",
        "Envoy",
        homepage="https://www.envoyproxy.io/",
        repository="https://github.com/envoyproxy/envoy",
        maturity="graduated",
        data={
            "hosted_by": "cloud-native-computing-foundation",
            "dates": {"accepted": "2017-09-13", "graduated": "2018-11-28"},
        },
    ),
    EntityRecord(
        "istio",
        "Project",
        "Istio",
        repository="https://github.com/istio/istio",
        aliases=(AliasRecord("Istio"),),
    ),
    EntityRecord(
        "kubernetes",
        "Project",
        "Kubernetes",
        aliases=(AliasRecord("K8s"), AliasRecord("k8s")),
        maturity="graduated",
        data={"hosted_by": "cloud-native-computing-foundation"},
    ),
    EntityRecord("kubelet", "Project", "kubelet", part_of="kubernetes"),
    EntityRecord("xds", "Specification", "xDS"),
    EntityRecord("service-mesh", "Concept", "Service Mesh", "服务网格"),
)
# Entities the linker mints while linking.
MINTED = (
    EntityRecord("kubernetes@1.14", "Release", "Kubernetes 1.14", part_of="kubernetes",
                 data={"version": "1.14"}, source="linker"),
    EntityRecord("kubernetes/enhancements#900", "Proposal", "kubernetes/enhancements#900",
                 part_of="kubernetes", data={"url": "https://github.com/kubernetes/enhancements/pull/900"},
                 source="linker"),
    EntityRecord("cve-2019-5736", "Vulnerability", "CVE-2019-5736", data={"id": "CVE-2019-5736"},
                 source="linker"),
)  # fmt: skip

ZH_POST = """---
title: 云原生周报 第1期
date: 2019-04-16T19:35:39+08:00
author: 张磊
---

## 业界要闻

- Google Cloud 正式发布了：
  - [Cloud Run](https://cloud.google.com/run/)。Cloud Run 基于 Knative 构建，是一个 Serverless 服务。
  - Traffic Director。一个与 AWS App Mesh 对标的服务网格产品，通过 xDS 协议与 Envoy 进行通讯。

## 上游进展

- [KEP: Rebase images](https://github.com/kubernetes/enhancements/pull/900) 让 kubelet 镜像更小。
"""

EN_POST = """---
title: "Weekly #2"
date: 2019-05-20
---

## News

- Knative joins the CNCF. Istio uses Envoy as its data plane.
- Kubernetes 1.14 is out; runc fixes CVE-2019-5736 and Envoy ships a patch.
"""

# (surface as written, entity, method): each surface is linked at every occurrence inside the items.
ZH_NAMES = (
    ("Google Cloud", "google-cloud", "alias"),
    ("Cloud Run", "google-cloud-run", "alias"),
    ("Knative", "knative", "alias"),
    ("Traffic Director", "traffic-director", "alias"),
    ("AWS App Mesh", "aws-app-mesh", "alias"),
    ("服务网格", "service-mesh", "alias"),
    ("xDS", "xds", "alias"),
    ("Envoy", "envoy", "alias"),
    ("kubernetes/enhancements/pull/900", "kubernetes/enhancements#900", "url"),
    ("kubelet", "kubelet", "alias"),
)
EN_NAMES = (
    ("Knative", "knative", "alias"), ("CNCF", "cloud-native-computing-foundation", "alias"),
    ("Istio", "istio", "alias"), ("Envoy", "envoy", "alias"), ("Kubernetes 1.14", "kubernetes@1.14", "rule"),
    ("CVE-2019-5736", "cve-2019-5736", "rule"),
)  # fmt: skip


# Names no ontology entity has: linking keeps them as candidates for review.
CANDIDATES = (("runc", "runc"), ("serverless", "Serverless"))


def _items(source: str) -> tuple[ItemRecord, ...]:
    """Top-level bullets are items (with their nested lines), under the heading above them."""
    items: list[ItemRecord] = []
    section: tuple[str, ...] = ()
    lines = source.split("\n")
    offset = 0
    starts: list[tuple[int, tuple[str, ...]]] = []
    for line in lines:
        if line.startswith("## "):
            section = (line[3:].strip(),)
        if line.startswith("- "):
            starts.append((offset, section))
        offset += len(line) + 1
    for index, (start, sect) in enumerate(starts):
        stop = starts[index + 1][0] if index + 1 < len(starts) else len(source)
        text = source[start:stop].rstrip()
        section_break = text.find("\n\n")
        if section_break != -1:
            text = text[:section_break]
        links = tuple(
            LinkRecord(url, anchor, start + a, start + e, start + a + 1, start + a + 1 + len(anchor))
            for anchor, url, a, e in _links(text)
        )
        items.append(ItemRecord(index, sect, "bullet", start, start + len(text), text, links))
    return tuple(items)


def _links(text: str) -> list[tuple[str, str, int, int]]:
    import re

    return [
        (m.group(1), m.group(2), m.start(), m.end()) for m in re.finditer(r"\[([^\]]+)\]\(([^)]+)\)", text)
    ]


def _document(
    path: str, slug: str, series: str, source: str, date: dt.date, published_at: str,
    authors: tuple[str, ...], names: tuple[tuple[str, str, str], ...],
) -> LinkedDocument:  # fmt: skip
    title = source.split("title: ", 1)[1].split("\n", 1)[0].strip('"')
    items = _items(source)
    offset = 480 if "+08" in published_at else None
    editors = ("木环",) if series.endswith("zh") else ()
    doc = DocumentRecord(path, slug, series, title, int(slug[-1]), published_at, date, offset, authors,
                         editors, ("cloud native",), f"hash-{slug}", "utf-8", source, items)  # fmt: skip
    mentions = []
    for item in items:
        spans = sentence_spans(item.text, item.start)
        for surface, slug_, method in names:
            at = item.text.find(surface)
            while at != -1:
                start = item.start + at
                end = start + len(surface)
                url = next((ln.url for ln in item.links if ln.start <= start < ln.end), None)
                confidence = 0.99 if method == "url" else 0.9
                mentions.append(MentionRecord(item.position, slug_, surface, start, end, method, confidence,
                                              *sentence_of(spans, start, end),
                                              url=url if method == "url" else None))  # fmt: skip
                at = item.text.find(surface, at + len(surface))
    mentions.sort(key=lambda m: (m.start, m.end, m.entity))
    relations = find_relations(doc, mentions, {e.slug: e for e in ENTITIES + MINTED})
    minted = tuple(e for e in MINTED if any(m.entity == e.slug for m in mentions))
    candidates = tuple(
        CandidateRecord(
            item.position, key, surface, "name", surface, item.start + at, item.start + at + len(surface)
        )
        for key, surface in CANDIDATES
        for item in items
        if (at := item.text.find(surface)) != -1
    )
    return LinkedDocument(doc, tuple(mentions), candidates, tuple(relations), minted)


def fixture_documents() -> list[LinkedDocument]:
    return [
        _document("posts/zh/cnw-1.md", "cnw-1", "cloud-native-weekly-zh", ZH_POST, dt.date(2019, 4, 16),
                  "2019-04-16T19:35:39+08:00", ("张磊",), ZH_NAMES),
        _document("posts/en/weekly-2.md", "weekly-2", "weekly-en", EN_POST, dt.date(2019, 5, 20),
                  "2019-05-20", (), EN_NAMES),
    ]  # fmt: skip


def build_fixture_store(path: Path) -> Store:
    """A SQLite store at `path` holding the fixture (call once per test database)."""
    store = Store(f"sqlite:///{path}")
    store.sync_entities(ENTITIES, "fixture-1")
    for linked in fixture_documents():
        store.save_document(linked, "fixture-1")
    return store


# ------------------------------------------------------------------ the fixture itself is checked


def test_fixture_mentions_sit_at_their_offsets() -> None:
    for linked in fixture_documents():
        source = linked.document.source
        assert linked.mentions
        for m in linked.mentions:
            assert source[m.start : m.end] == m.surface
            assert m.sentence_start <= m.start < m.end <= m.sentence_end
        for item in linked.document.items:
            assert source[item.start : item.end] == item.text


def test_fixture_relations_come_from_the_rules() -> None:
    found = {(r.subject, r.predicate, r.object) for d in fixture_documents() for r in d.relations}
    assert found == {
        ("google-cloud-run", "releasedBy", "google"),
        ("traffic-director", "releasedBy", "google"),
        ("google-cloud-run", "basedOn", "knative"),
        ("traffic-director", "competesWith", "aws-app-mesh"),
        ("traffic-director", "usesOrIntegrates", "xds"),
        ("traffic-director", "usesOrIntegrates", "envoy"),
        ("knative", "joins", "cloud-native-computing-foundation"),
        ("istio", "usesOrIntegrates", "envoy"),
    }


def test_fixture_store_counts(tmp_path: Path) -> None:
    store = build_fixture_store(tmp_path / "kg.db")
    counts = store.stats()
    assert (counts["documents"], counts["items"], counts["mentions"], counts["relations"]) == (2, 4, 18, 8)
    assert counts["entities"] == len(ENTITIES) + len(MINTED)
