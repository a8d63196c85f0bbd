"""Relation precision on the shared corpus, judged by reading a random sample: the rules keep what was right.

tests/fixtures/relations/judged-sample.yaml holds each sampled relation with its item text (mentions marked)
and a verdict; the rules must state every correct relation from its sentence and none of the wrong ones.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from kg.models import AliasRecord, DocumentRecord, EntityRecord, ItemRecord, MentionRecord
from kg.relations import find_relations
from kg.text import sentence_of, sentence_spans

SAMPLE = Path(__file__).parent / "fixtures" / "relations" / "judged-sample.yaml"
_MARK = re.compile(r"\{([^{}|]+)\|([^{}]+)\}")
_DATA = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))


def _entity(slug: str, facts: dict[str, Any]) -> EntityRecord:
    data = {key: facts[key] for key in ("kind", "hosted_by") if key in facts}
    return EntityRecord(
        slug, facts["type"], facts["label"], aliases=tuple(AliasRecord(a) for a in facts.get("aliases", ())),
        organization=facts.get("organization"), part_of=facts.get("part_of"), category=facts.get("category"),
        maturity=facts.get("maturity"), data=data,
    )  # fmt: skip


_ENTITIES = {slug: _entity(slug, facts) for slug, facts in _DATA["entities"].items()}


def _stated(marked: str) -> set[tuple[str, str, str, str]]:
    """(subject, predicate, object, sentence) the rules find in one item of marked text."""
    text, names, pos = "", [], 0
    for match in _MARK.finditer(marked):
        text += marked[pos : match.start()]
        names.append((len(text), len(text) + len(match.group(1)), match.group(2)))
        text += match.group(1)
        pos = match.end()
    text += marked[pos:]
    source = "# Weekly\n\n" + text + "\n"
    offset = source.index(text)
    spans = sentence_spans(text, offset)
    mentions = [
        MentionRecord(0, slug, text[a:b], offset + a, offset + b, "alias", 0.9,
                      *sentence_of(spans, offset + a, offset + b))
        for a, b, slug in names
    ]  # fmt: skip
    item = ItemRecord(0, ("Weekly",), "bullet", offset, offset + len(text), text)
    doc = DocumentRecord("t.md", "t", "test", None, None, None, None, None, (), (), (), "h", "utf-8", source,
                         (item,))  # fmt: skip
    return {
        (r.subject, r.predicate, r.object, " ".join(source[r.sentence_start : r.sentence_end].split()))
        for r in find_relations(doc, mentions, _ENTITIES)
    }


def test_the_sample_is_large_enough_and_as_precise_as_its_header_says() -> None:
    verdicts = [case["verdict"] for case in _DATA["cases"]]
    assert set(verdicts) <= {"correct", "wrong"}
    correct = verdicts.count("correct")
    assert len(verdicts) >= 50
    header = SAMPLE.read_text(encoding="utf-8").split("entities:", 1)[0]
    assert (
        f"Judged: {correct} correct, {len(verdicts) - correct} wrong ({correct / len(verdicts):.1%})"
        in header
    )
    assert correct / len(verdicts) >= 0.9


@pytest.mark.parametrize(
    "case", _DATA["cases"], ids=[f"{i}-{c['verdict']}-{c['relation']}" for i, c in enumerate(_DATA["cases"])]
)
def test_the_rules_state_the_correct_relations_and_none_of_the_wrong(case: dict[str, Any]) -> None:
    subject, predicate, obj = case["relation"].split()
    claim = (subject, predicate, obj, case["sentence"])
    stated = _stated(case["text"])
    if case["verdict"] == "correct":
        assert claim in stated, sorted(stated)
    else:
        assert claim not in stated, case.get("why", "")
