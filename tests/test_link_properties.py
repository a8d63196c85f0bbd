"""Offsets never lie: `source[start:end] == surface` for every mention and candidate, whatever the text."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.link import Linker

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "link"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

PIECES = [
    "Kubernetes", "K8s", "k8s", "Istio", "Istiod", "gVisor", "Knative", "Envoy", "Helm", "Calico", "ACK",
    "阿里云", "服务网格", "基于", "体系", "，", "。", "（", "）", "：",
    " ", "  ", "\n", "\n\n", "-", "_", ".",
    "\u200b", "\u200d", "\ufeff", "Ｋｕｂｅ", "ｒｎｅｔｅｓ", "\u3000", "`", "``", "[", "](", ")", "https://",
    "github.com/", "kubernetes/kubernetes/pull/", "123", "istio/istio", "KEP-", "CVE-2019-5736", " v1.2.3",
    "1.1.2", "SOFARegistry", "**", "#", "* ", "http://x.io/a", "<b>", "</b>", "İ", "ß",
]


@pytest.fixture(scope="module")
def linker(tmp_path_factory: pytest.TempPathFactory) -> Linker:
    os.environ.setdefault("KG_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    return Linker.load(FIXTURES / "ontology")


def _check(linked) -> None:  # type: ignore[no-untyped-def]
    source = linked.document.source
    items = {it.position: it for it in linked.document.items}
    for mention in linked.mentions:
        assert source[mention.start : mention.end] == mention.surface
        item = items[mention.item_position]
        assert item.start <= mention.start < mention.end <= item.end
        assert mention.sentence_start <= mention.start and mention.end <= mention.sentence_end
    for cand in linked.candidates:
        assert source[cand.start : cand.end] == cand.surface


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_offsets_are_exact_for_any_mix_of_pieces(linker: Linker, pieces: list[str]) -> None:
    _check(linker.link_text("".join(pieces)))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=200))
def test_offsets_are_exact_for_any_text(linker: Linker, text: str) -> None:
    _check(linker.link_text(text))


def test_zero_width_and_full_width_spans_map_back(linker: Linker) -> None:
    text = "\ufeff前言\u200b：Ｉｓｔｉｏ\u200b与Kuber\u200dnetes\u200b，见[K8s](https://github.com/kubernetes/kubernetes/pull/1)"
    linked = linker.link_text(text)
    assert [(m.surface, m.entity) for m in linked.mentions] == [
        ("Ｉｓｔｉｏ", "istio"),
        ("Kuber\u200dnetes", "kubernetes"),
        ("K8s", "kubernetes"),
        ("K8s", "kubernetes/kubernetes#1"),
    ]
    _check(linked)


@pytest.mark.corpus
def test_offsets_are_exact_over_the_whole_corpus() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    from kg.errors import RejectedFile
    from kg.ingest import discover, parse_post, read_bytes

    linker = Linker.load()
    documents = mentions = 0
    for path in discover([str(CORPUS)]):
        try:
            document = parse_post(path, read_bytes(path), "hash")
        except RejectedFile:
            continue
        linked = linker.link(document, relations=False)
        _check(linked)
        documents += 1
        mentions += len(linked.mentions)
    assert documents > 1200
    assert mentions > 20000
