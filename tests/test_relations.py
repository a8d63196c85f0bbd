"""Relation rules: fixture sentences in Chinese and English, the seed's first news item, and the contract."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from kg.models import DocumentRecord, EntityRecord, ItemRecord, MentionRecord
from kg.relations import PREDICATES, RULES, find_relations
from kg.text import sentence_of, sentence_spans

FIXTURES = Path(__file__).parent / "fixtures" / "relations" / "cases.yaml"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEED = SHARED / "corpus" / "cloud-native-weekly-zh" / "cloud-native-weekly-01" / "index.md"
_MARK = re.compile(r"\{([^{}|]+)(?:\|([^{}]+))?\}")


def _entities(table: dict[str, str]) -> dict[str, EntityRecord]:
    """`Type [organization] [field=value...]` per slug (fields: maturity, label)."""
    entities = {}
    for slug, spec in table.items():
        etype, *rest = spec.split()
        org = next((word for word in rest if "=" not in word), None)
        fields = dict(word.split("=", 1) for word in rest if "=" in word)
        entities[slug] = EntityRecord(slug, etype, fields.get("label", slug), organization=org,
                                      maturity=fields.get("maturity"))  # fmt: skip
    return entities


def _document(marked: str) -> tuple[DocumentRecord, list[MentionRecord]]:
    """A one-item document from marked-up text, with a mention per {surface|slug}."""
    text, marks, pos = "", [], 0
    for match in _MARK.finditer(marked):
        text += marked[pos : match.start()]
        surface = match.group(1)
        marks.append((len(text), len(text) + len(surface), surface, match.group(2) or surface.lower()))
        text += surface
        pos = match.end()
    text += marked[pos:]
    source = "# Weekly\n\n" + text + "\n"
    offset = source.index(text)
    spans = sentence_spans(text, offset)
    mentions = [
        MentionRecord(0, slug, surface, offset + s, offset + e, "alias", 0.9,
                      *sentence_of(spans, offset + s, offset + e))
        for s, e, surface, slug in marks
    ]  # fmt: skip
    item = ItemRecord(0, ("Weekly",), "bullet", offset, offset + len(text), text)
    doc = DocumentRecord(
        "t.md", "t", "test", None, None, None, None, None, (), (), (), "h", "utf-8", source, (item,)
    )
    return doc, mentions


_DATA = yaml.safe_load(FIXTURES.read_text(encoding="utf-8"))
_ENTITIES = _entities(_DATA["entities"])


@pytest.mark.parametrize("case", _DATA["cases"], ids=[c["name"] for c in _DATA["cases"]])
def test_fixture_sentence_gives_exactly_the_expected_relations(case: dict) -> None:
    doc, mentions = _document(case["text"])
    found = {f"{r.subject} {r.predicate} {r.object}" for r in find_relations(doc, mentions, _ENTITIES)}
    assert found == set(case["expect"])


def test_every_relation_keeps_its_evidence() -> None:
    doc, mentions = _document("{Traffic Director|traffic-director}通过{xDS}协议与数据平面的{Envoy}进行通讯。")
    relations = find_relations(doc, mentions, _ENTITIES)
    envoy = next(r for r in relations if r.object == "envoy")
    assert doc.source[envoy.sentence_start : envoy.sentence_end] == (
        "Traffic Director通过xDS协议与数据平面的Envoy进行通讯。"
    )
    assert (envoy.item_position, envoy.method, envoy.cue, envoy.confidence) == (
        0, "rule:usesOrIntegrates.zh-span", "与数据平面的Envoy进行通讯", 0.8,
    )  # fmt: skip


def test_rules_name_only_known_predicates_and_are_unique() -> None:
    assert {r.predicate for r in RULES} == set(PREDICATES)
    assert len({r.name for r in RULES}) == len(RULES)


def test_without_types_the_rules_still_read_sentences() -> None:
    doc, mentions = _document("{Cloud Run|google-cloud-run} is built on {Knative}.")
    found = [(r.subject, r.predicate, r.object) for r in find_relations(doc, mentions, {})]
    assert found == [("google-cloud-run", "basedOn", "knative")]


# ------------------------------------------------------------------ the seed's first news item (corpus)

# The names an analyst marks in that item, and what each one is.
_SEED_NAMES = {
    "Google Cloud": ("google-cloud", "Product google"),
    "Cloud Run": ("google-cloud-run", "Product google"),
    "Microsoft Azure ACI": ("azure-container-instances", "Product microsoft"),
    "ACI": ("azure-container-instances", "Product microsoft"),
    "AWS Fargate": ("aws-fargate", "Product amazon-web-services"),
    "Fargate": ("aws-fargate", "Product amazon-web-services"),
    "Knative": ("knative", "Project"),
    "Kubernetes": ("kubernetes", "Project"),
    "gVisor": ("gvisor", "Project"),
    "Traffic Director": ("traffic-director", "Product google"),
    "AWS App Mesh": ("aws-app-mesh", "Product amazon-web-services"),
    "xDS": ("xds", "Specification"),
    "Envoy": ("envoy", "Project"),
    "Istio": ("istio", "Project"),
    "Serverless": ("serverless", "Concept"),
}


@pytest.mark.skipif(not SEED.exists(), reason=f"needs the shared corpus at {SEED}")
def test_seed_first_news_item_yields_the_issue_relations() -> None:
    source = SEED.read_text(encoding="utf-8")
    start = source.index("- 在上周于旧金山")
    end = source.index("\n", source.index("Traffic Director支持全球负载均衡"))
    text = source[start:end]
    spans = sentence_spans(text, start)
    names = re.compile("|".join(re.escape(n) for n in sorted(_SEED_NAMES, key=len, reverse=True)))
    mentions = [
        MentionRecord(0, _SEED_NAMES[m.group()][0], m.group(), start + m.start(), start + m.end(), "alias",
                      0.9, *sentence_of(spans, start + m.start(), start + m.end()))
        for m in names.finditer(text)
        if not text[: m.start()].endswith(("/", "."))  # not inside a URL
    ]  # fmt: skip
    item = ItemRecord(0, ("业界要闻",), "bullet", start, end, text)
    doc = DocumentRecord(str(SEED), "cnw-01", "cloud-native-weekly-zh", None, 1, None, None, None, (), (), (),
                         "h", "utf-8", source, (item,))  # fmt: skip
    entities = _entities({slug: spec for slug, spec in _SEED_NAMES.values()} | {"google": "Organization"})
    found = {(r.subject, r.predicate, r.object) for r in find_relations(doc, mentions, entities)}
    assert {
        ("google-cloud-run", "basedOn", "knative"),
        ("traffic-director", "competesWith", "aws-app-mesh"),
        ("traffic-director", "usesOrIntegrates", "envoy"),
        ("traffic-director", "usesOrIntegrates", "xds"),
    } <= found
    assert found == {
        ("google-cloud-run", "basedOn", "knative"),
        ("google-cloud-run", "releasedBy", "google"),
        ("traffic-director", "releasedBy", "google"),
        ("google-cloud-run", "competesWith", "azure-container-instances"),
        ("google-cloud-run", "competesWith", "aws-fargate"),
        ("traffic-director", "competesWith", "aws-app-mesh"),
        ("traffic-director", "usesOrIntegrates", "envoy"),
        ("traffic-director", "usesOrIntegrates", "xds"),
        ("traffic-director", "reuses", "istio"),  # compared with Istio's Pilot-discovery, not with Istio
    }


def test_a_nested_name_yields_to_the_longer_one_however_far_into_the_post() -> None:
    """The overlap check compared a post offset with a sentence offset, so late in a post it kept both."""
    text = "Google Cloud Run is built on Knative."
    source = "# Weekly\n\n" + "Earlier news.\n" * 40 + "\n- " + text + "\n"
    start = source.index(text)
    spans = sentence_spans(text, start)
    names = [(0, 16, "google-cloud-run"), (0, 12, "google-cloud"), (29, 36, "knative")]
    mentions = [
        MentionRecord(
            0, slug, text[a:b], start + a, start + b, "alias", 0.9, *sentence_of(spans, start + a, start + b)
        )
        for a, b, slug in names
    ]
    item = ItemRecord(0, ("Weekly",), "bullet", start, start + len(text), text)
    doc = DocumentRecord(
        "t.md", "t", "test", None, None, None, None, None, (), (), (), "h", "utf-8", source, (item,)
    )
    found = [(r.subject, r.predicate, r.object) for r in find_relations(doc, mentions, _ENTITIES)]
    assert found == [("google-cloud-run", "basedOn", "knative")]


def test_a_link_target_named_over_its_anchor_yields_to_the_names_in_the_anchor() -> None:
    doc, mentions = _document(
        "{kubectl} top [uses {ProtoBufs|protobuf} instead of JSON](https://github.com/k/k/pull/1)"
    )
    start = doc.source.index("uses ProtoBufs")
    spans = sentence_spans(doc.items[0].text, doc.items[0].start)
    anchor = MentionRecord(0, "kubernetes/kubernetes#1", "uses ProtoBufs instead of JSON", start, start + 30,
                           "url", 0.99, *sentence_of(spans, start, start + 30))  # fmt: skip
    entities = _ENTITIES | _entities({"kubectl": "Project", "protobuf": "Specification"})
    found = [(r.subject, r.predicate, r.object) for r in find_relations(doc, [*mentions, anchor], entities)]
    assert found == [("kubectl", "usesOrIntegrates", "protobuf")]
