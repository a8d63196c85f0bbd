"""Fixture cases for the linker (tests/fixtures/link/mentions.yaml): sentence in, exact mentions out."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kg.link import Linker

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "link"
CASES = yaml.safe_load((FIXTURES / "mentions.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def linker(tmp_path_factory: pytest.TempPathFactory) -> Linker:
    import os

    os.environ.setdefault("KG_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    return Linker.load(FIXTURES / "ontology")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_fixture_case(linker: Linker, case: dict) -> None:
    linked = linker.link_text(case["text"])
    found = [[m.surface, m.entity, m.method] for m in linked.mentions]
    assert found == case["expect"]
    for mention in linked.mentions:
        assert linked.document.source[mention.start : mention.end] == mention.surface


def test_proposals_are_minted_with_project_label_and_url(linker: Linker) -> None:
    text = "[#80037: Remove support for etcd2](https://github.com/kubernetes/kubernetes/pull/80037)"
    linked = linker.link_text(text)
    (proposal,) = linked.new_entities
    assert proposal.slug == "kubernetes/kubernetes#80037"
    assert proposal.type == "Proposal"
    assert proposal.label == "Remove support for etcd2"
    assert proposal.part_of == "kubernetes"
    assert proposal.data["url"] == "https://github.com/kubernetes/kubernetes/pull/80037"
    (mention,) = linked.mentions
    assert mention.url == "https://github.com/kubernetes/kubernetes/pull/80037"


def test_release_is_part_of_its_project(linker: Linker) -> None:
    linked = linker.link_text("Istio 1.1.2 is out")
    (release,) = linked.new_entities
    assert (release.slug, release.type, release.label, release.part_of) == (
        "istio@1.1.2", "Release", "Istio 1.1.2", "istio")


def test_unknown_repository_and_mixed_case_name_become_candidates(linker: Linker) -> None:
    text = "Try [SuperMesh](https://github.com/acme/supermesh) with SOFARegistry and Istio"
    linked = linker.link_text(text)
    assert [(c.key, c.kind, c.surface) for c in linked.candidates] == [
        ("repo:github.com/acme/supermesh", "repository", "SuperMesh"),
        ("name:sofaregistry", "name", "SOFARegistry"),
    ]
    assert [m.entity for m in linked.mentions] == ["istio"]


def test_named_home_page_of_an_unknown_site_becomes_a_candidate(linker: Linker) -> None:
    text = ("[Garie](https://garie.io/) tracks web performance; [Conference List](https://conferencelist.co) "
            "lists talks; [an essay](https://example.org/a/b), [here](https://garie.io/) and "
            "[Istio](https://istio.example/) name no site")
    linked = linker.link_text(text)
    assert [(c.key, c.kind, c.surface, c.url) for c in linked.candidates] == [
        ("site:garie.io", "site", "Garie", "https://garie.io/"),
        ("site:conferencelist.co", "site", "Conference List", "https://conferencelist.co/"),
    ]


def test_site_named_at_the_end_of_a_link_title_becomes_a_candidate(linker: Linker) -> None:
    text = ("[Why Content is King - Divinations](https://divinations.substack.com/p/why-content-is-king)\n"
            "[How Ninja Van monitors | Ninja Van Tech](https://medium.com/ninjavan/monitoring-3c1)\n"
            "[npm install is curl | bash](https://btao.org/2021/09/09/npm-install-is-curl-bash/)\n"
            "[Meshes compared - Istio](https://istio.example/blog/meshes)\n"
            "[A talk · YouTube](https://www.youtube.com/watch?v=1)\n"
            "[Why I left | David's Blog](https://blog.dbouman.nl/2020/why)")
    linked = linker.link_text(text)
    assert [(c.key, c.kind, c.surface, c.url) for c in linked.candidates] == [
        ("site:divinations.substack.com", "site", "Divinations", "https://divinations.substack.com/"),
        ("site:medium.com/ninjavan", "site", "Ninja Van Tech", "https://medium.com/ninjavan/"),
    ]
    assert all(text[c.start : c.end] == c.surface for c in linked.candidates)
    assert [m.surface for m in linked.mentions] == ["Istio"]


def test_api_vocabulary_and_surnames_are_no_candidates(linker: Linker) -> None:
    text = ("PodGroup, ResourceClaims, NodePort, CPUManager and PreFilter graduate; "
            "Ashley McNamara likes SOFARegistry")
    linked = linker.link_text(text)
    assert [c.surface for c in linked.candidates] == ["SOFARegistry"]


def test_sentence_spans_contain_the_mention(linker: Linker) -> None:
    text = "First sentence here. Then Istio arrives。再说Knative"
    linked = linker.link_text(text)
    spans = {m.surface: text[m.sentence_start : m.sentence_end] for m in linked.mentions}
    assert spans == {"Istio": "Then Istio arrives。", "Knative": "再说Knative"}


def test_huge_item_is_scanned_in_chunks_with_exact_offsets(linker: Linker, monkeypatch) -> None:
    from kg.link import matcher

    filler = "云原生 " * 50
    text = "".join(f"{filler}Istio{filler}Kuber\u200bnetes " for _ in range(40))
    whole = [(m.start, m.end, m.entity) for m in linker.link_text(text).mentions]
    monkeypatch.setattr(matcher, "CHUNK", 97)
    monkeypatch.setattr(matcher.AliasIndex.scan, "__defaults__", (97,))
    chunked = [(m.start, m.end, m.entity) for m in linker.link_text(text).mentions]
    assert chunked == whole
    assert len(whole) == 80
    assert all(text[s:e] in ("Istio", "Kuber\u200bnetes") for s, e, _ in whole)


def test_spacy_pipeline_carries_entity_ids(linker: Linker) -> None:
    nlp = linker.nlp()
    assert nlp.pipe_names == ["cnkg_entity_ruler"]
    doc = nlp("基于Knative + Kubernetes + gVisor体系")
    assert [t.text for t in doc][:3] == ["基", "于", "Knative"]
    assert [(s.text, s.kb_id_, s.label_) for s in doc.spans["cnkg"]] == [
        ("Knative", "knative", "Project"),
        ("Kubernetes", "kubernetes", "Project"),
        ("gVisor", "gvisor", "Project"),
    ]
    assert [e.kb_id_ for e in doc.ents] == ["knative", "kubernetes", "gvisor"]


def test_short_aliases_match_whole_words_only() -> None:
    from kg.link.matcher import AliasEntry, AliasIndex
    from kg.link.textprep import make_view

    index = AliasIndex([AliasEntry("go", "Go", True, True), AliasEntry("k8s", "k8s", True, False),
                        AliasEntry("istio", "Istio", False, False)])
    text = "Go on k8s, golang and k8sgo; 用k8s部署 Istio"
    found = [(h.surface, h.start) for h in index.scan(make_view(text))]
    assert found == [("Go", 0), ("k8s", 6), ("k8s", 30), ("Istio", 36)]
    assert index.has("k8s") and index.has("istio") and not index.has("golang")
    assert [e.slug for e in index.entries("K8S")] == ["k8s"]
