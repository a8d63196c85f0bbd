"""Typed relations between entities named in one sentence, found by cue rules in Chinese and English.

The rules are listed in one table (`RULES`). Each rule is a cue pattern and a *shape* saying where its subject
and object stand around the cue:

    SvO   subject before the cue, object after       Cloud Run 基于 Knative · Istio is built on Envoy
    OvS   object before, subject after               Google 发布 Cloud Run · Y is replaced by X
    S[O]v subject before, objects inside `span`       Traffic Director 与 AWS App Mesh 对标
    O[S]v object before, subject inside `span`        Heptio 被 VMware 收购
    v[S]O subject inside `span`, object after          Google donates Knative to the CNCF

Where the subject is not written next to the cue, it is taken (with less confidence) from the sentence's
topic (its first entity, at the start of the sentence) or, when the sentence opens with a pronoun (这是, 一个,
It), from the previous sentence if that one only names an entity (`[Traffic Director](…)。一个与…对标的…`).
Chinese attributive phrases (基于 Knative 的 Serverless 服务) make the noun after 的 the subject. Entity
types, when known, keep each relation within sensible types (releasedBy points at an organization; a product
named as the releaser stands for its organization). Co-mentions are not relations: kg.network counts those.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Mapping, Sequence

from kg.models import DocumentRecord, EntityRecord, MentionRecord, RelationRecord
from kg.relations.rules import PREDICATES, RULES, Rule, has_cjk, has_cue
from kg.relations.sentence import MASK, TAIL_ONLY, Placed, Sentence, carried_topic, list_objects
from kg.text import sentence_spans

__all__ = ["PREDICATES", "RULES", "Rule", "find_relations"]


def find_relations(
    document: DocumentRecord,
    mentions: Sequence[MentionRecord],
    entities: Mapping[str, EntityRecord] | None = None,
) -> list[RelationRecord]:
    """Relations stated in the document's sentences, one per sentence and (subject, predicate, object).

    `entities` (slug -> record) supplies types and organizations; when None the ontology base is loaded once.
    """
    if entities is None:
        entities = _ontology_entities()
    by_item: dict[int, list[MentionRecord]] = {}
    for mention in mentions:
        by_item.setdefault(mention.item_position, []).append(mention)
    found: dict[tuple[int, int, str, str, str], RelationRecord] = {}
    for item in document.items:
        item_mentions = by_item.get(item.position)
        if not item_mentions or not has_cue(item.text):
            continue
        for record in _item_relations(
            document.source, item.position, item.text, item.start, item_mentions, entities
        ):
            key = (
                record.item_position,
                record.sentence_start,
                record.subject,
                record.predicate,
                record.object,
            )
            if key not in found or found[key].confidence < record.confidence:
                found[key] = record
    return sorted(
        found.values(), key=lambda r: (r.item_position, r.sentence_start, r.subject, r.predicate, r.object)
    )


def _names(mentions: list[MentionRecord]) -> list[MentionRecord]:
    """The mentions that name something in the text: a link's target named over the whole anchor text
    (`[uses ProtoBufs instead of JSON](…/pull/102039)`) yields to the names inside the anchor."""
    return [
        m
        for m in mentions
        if m.method != "url"
        or not any(
            o is not m and m.start <= o.start and o.end <= m.end and o.method != "url" for o in mentions
        )
    ]


@functools.cache
def _ontology_entities() -> Mapping[str, EntityRecord]:
    from kg.ontology import load_base

    return load_base().entities


def _item_relations(
    source: str,
    position: int,
    text: str,
    offset: int,
    mentions: list[MentionRecord],
    entities: Mapping[str, EntityRecord],
) -> list[RelationRecord]:
    spans = sentence_spans(text, offset)
    starts = [s for s, _ in spans]
    placed: list[list[Placed]] = [[] for _ in spans]
    for m in sorted(_names(mentions), key=lambda m: (m.start, -m.end)):
        index = bisect.bisect_right(starts, m.start) - 1
        if index < 0 or m.start >= spans[index][1]:
            continue
        s_start = spans[index][0]
        bucket = placed[index]
        if (
            bucket and m.start - s_start < bucket[-1].end
        ):  # nested or overlapping: keep the outer (longer) one
            continue
        bucket.append(Placed(m.start - s_start, m.end - s_start, m.entity))
    # Masked once per item, then cut into sentences (masking keeps every offset).
    blank = MASK.sub(lambda x: " " * len(x.group()), text)
    masked = [blank[s - offset : e - offset] for s, e in spans]
    results: list[RelationRecord] = []
    for index, (s_start, s_end) in enumerate(spans):
        sentence, named = masked[index], placed[index]
        if not named:
            continue
        carried = carried_topic(index, masked, placed)
        # One entity alone relates to nothing, unless a pronoun carries the topic or a list follows the cue.
        if len(named) == 1 and carried is None and not sentence.rstrip().endswith((":", "：")):
            continue
        if not has_cue(sentence):
            continue
        context = Sentence(sentence, named, carried, entities, text[s_start - offset : s_end - offset])
        for rule in RULES:
            if rule.zh and not has_cjk(sentence):
                continue
            for match in rule.cue.finditer(sentence):
                after = (
                    list_objects(index, match, masked, placed)
                    if TAIL_ONLY.match(sentence[match.end() :])
                    else None
                )
                for subject, obj, confidence in context.apply(rule, match, after):
                    results.append(
                        RelationRecord(
                            item_position=position,
                            subject=subject,
                            predicate=rule.predicate,
                            object=obj,
                            sentence_start=s_start,
                            sentence_end=s_end,
                            method=f"rule:{rule.name}",
                            confidence=round(rule.confidence * confidence, 3),
                            cue=" ".join(sentence[match.start() : match.end()].split()),
                        )
                    )
    return results
