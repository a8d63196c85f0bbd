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
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kg.models import DocumentRecord, EntityRecord, MentionRecord, RelationRecord
from kg.text import sentence_spans

PREDICATES = (
    "basedOn", "usesOrIntegrates", "competesWith", "replaces", "reuses",
    "releasedBy", "acquires", "donatedTo", "joins",
)  # fmt: skip

_TECH = frozenset({"Project", "Product", "Specification", "Release"})
_ORG = frozenset({"Organization"})


@dataclass(frozen=True, slots=True)
class Rule:
    name: str  # the method is `rule:<name>`
    predicate: str
    shape: str  # SvO | OvS | S[O]v | O[S]v | v[S]O
    cue: re.Pattern[str]
    confidence: float
    subject_types: frozenset[str] = _TECH
    object_types: frozenset[str] = _TECH
    zh: bool = False
    attributive: bool = False  # 基于 X 的 Y reads as "Y based on X"


def _zh(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _en(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])", re.IGNORECASE)


# Link targets are blanked, so spans are bounded loosely here and by their visible length in `_in_span`.
_SPAN = r"(?P<span>[^。；;！？!?\n与跟同]{1,200}?)"  # never across another 与
_NOT_BY = r"(?!\s+by\b)"  # "acquired by" is the passive rule's
MAX_SPAN = 48  # visible characters between 与 and its cue (对标, 结合...)
_ANY = _TECH | _ORG

# fmt: off
RULES: tuple[Rule, ...] = (
    Rule("basedOn.zh", "basedOn", "SvO", _zh(r"基于|基於|构建于|构建在|建立在|建立于|建构于"), 0.9, zh=True,
         attributive=True),
    Rule("basedOn.en", "basedOn", "SvO",
         _en(r"based on|built (?:on top of|on|upon)|runs on top of|powered by|a fork of|forked from"), 0.85),
    Rule("usesOrIntegrates.zh-span", "usesOrIntegrates", "S[O]v",
         _zh(rf"[与和跟同]{_SPAN}(?:相结合|结合|集成|整合|对接|进行通讯|进行通信|通讯|通信|交互|配合使用)"),
         0.8, zh=True),
    Rule("usesOrIntegrates.zh", "usesOrIntegrates", "SvO",
         _zh(r"集成了?|整合了?|结合了?|使用了?|采用了?|利用了?|借助|接入了?|通过"), 0.7, zh=True),
    Rule("usesOrIntegrates.en", "usesOrIntegrates", "SvO",
         _en(r"uses|is using|now uses|leverages|integrates(?: with)?|is integrated with|integration with|"
             r"works with|adopts|adopted|relies on"), 0.75),
    Rule("competesWith.zh-span", "competesWith", "S[O]v",
         _zh(rf"[与和跟同]{_SPAN}(?:对标|类似|相似|相近|竞争|媲美)"), 0.85, _ANY, _ANY, zh=True),
    Rule("competesWith.zh", "competesWith", "SvO",
         _zh(r"对标|类似于|相似于|媲美|竞品"), 0.8, _ANY, _ANY, zh=True),
    Rule("competesWith.en", "competesWith", "SvO",
         _en(r"competes with|competing with|competitor (?:to|of)|rival (?:to|of)|similar to|"
             r"comparable (?:to|with)|(?:an )?alternative to|takes on|vs\.?|versus"), 0.75, _ANY, _ANY),
    Rule("replaces.zh", "replaces", "SvO",
         _zh(r"(?<!被)(?:取代|替代|替换|代替)(?![为成])了?"), 0.85, zh=True),
    Rule("replaces.zh-passive", "replaces", "OvS", _zh(r"(?:被)?(?:替换|替代)[为成]"), 0.8, zh=True),
    Rule("replaces.zh-bei", "replaces", "O[S]v", _zh(rf"被{_SPAN}(?:取代|替代|替换|代替)"), 0.85, zh=True),
    Rule("replaces.en", "replaces", "SvO",
         _en(rf"(?:replaces|replaced|replacing|to replace|supersedes|superseded|successor (?:to|of))"
             rf"{_NOT_BY}"),
         0.8),
    Rule("replaces.en-passive", "replaces", "OvS",
         _en(r"(?:is |was |being )?(?:replaced|superseded) by|in favou?r of|deprecated for"), 0.8),
    Rule("reuses.zh", "reuses", "SvO", _zh(r"复用了?|重用了?"), 0.85, zh=True),
    Rule("reuses.en", "reuses", "SvO", _en(r"reuses|reused|re-uses|reusing"), 0.8),
    Rule("releasedBy.zh", "releasedBy", "OvS",
         _zh(r"(?:正式)?(?:发布|推出|上线)了?|宣布开源|正式开源|开源了"), 0.8, _TECH, _ORG, zh=True),
    Rule("releasedBy.zh-passive", "releasedBy", "S[O]v",
         _zh(rf"由{_SPAN}(?:正式)?(?:发布|推出|开源|开发|研发|打造)"), 0.85, _TECH, _ORG, zh=True),
    Rule("releasedBy.en", "releasedBy", "OvS",
         _en(r"(?:releases|released|launches|launched|announces|announced|introduces|introduced|unveils|unveiled|"
             rf"open[- ]sources|open[- ]sourced|debuts|debuted){_NOT_BY}"), 0.75, _TECH, _ORG),
    Rule("releasedBy.en-passive", "releasedBy", "SvO",
         _en(r"(?:released|launched|announced|introduced|unveiled|open[- ]sourced|developed|created|built|"
             r"made) by"), 0.85, _TECH, _ORG),
    Rule("acquires.zh", "acquires", "SvO", _zh(r"收购了?|并购了?"), 0.9, _ORG, _ANY, zh=True),
    Rule("acquires.zh-passive", "acquires", "O[S]v",
         _zh(rf"被{_SPAN}(?:收购|并购)"), 0.9, _ORG, _ANY, zh=True),
    Rule("acquires.en", "acquires", "SvO",
         _en(rf"(?:acquires|acquired|acquiring|to acquire|buys|bought|acquisition of|snaps up){_NOT_BY}"),
         0.85, _ORG, _ANY),
    Rule("acquires.en-passive", "acquires", "OvS", _en(r"(?:acquired|bought) by|sold to"), 0.9, _ORG, _ANY),
    Rule("donatedTo.zh", "donatedTo", "SvO",
         _zh(r"捐献给|捐赠给|捐给|贡献给|移交给|捐献到|捐赠到|捐献至|捐赠至"), 0.9, _TECH, _ORG, zh=True),
    Rule("donatedTo.en", "donatedTo", "SvO",
         _en(r"(?:was |is |been |being )?donated to|donates to|contributed to"), 0.85, _TECH, _ORG),
    Rule("donatedTo.en-span", "donatedTo", "v[S]O",
         _en(r"donat(?:es|ed|ing)\s+(?P<span>[^.;!?\n]{1,60}?)\s+to"), 0.9, _TECH, _ORG),
    Rule("joins.zh", "joins", "SvO", _zh(r"正式加入|加入了?|进入了?|成为"), 0.8, _ANY, _ORG, zh=True),
    Rule("joins.en", "joins", "SvO",
         _en(r"joins|joined|joining|to join|(?:is |was |been )?accepted (?:in)?to|admitted (?:in)?to|enters|"
             r"moves? into"), 0.8, _ANY, _ORG),
    Rule("joins.en-passive", "joins", "OvS", _en(r"accepts|welcomes|admits"), 0.75, _ANY, _ORG),
)
# fmt: on

# Words without which no rule can fire (lower case): one Aho-Corasick pass skips most items and sentences;
# the rules' own patterns, with spans and lookarounds, are far slower to run over everything.
_CUE_WORDS = (
    "基于", "基於", "构建", "建立", "建构", "结合", "集成", "整合", "对接", "通讯", "通信", "交互", "配合",
    "使用", "采用", "利用", "借助", "接入", "通过", "对标", "类似", "相似", "相近", "竞争", "媲美", "竞品",
    "取代", "替代", "替换", "代替", "复用", "重用", "发布", "推出", "上线", "开源", "开发", "研发", "打造",
    "收购", "并购", "捐献", "捐赠", "捐给", "贡献给", "移交给", "加入", "进入", "成为", "based on",
    "built on", "built upon", "runs on", "powered by", "fork", "uses", "is using", "leverages", "integrat",
    "works with", "adopt", "relies on", "compet", "rival", "similar to", "comparable", "alternative",
    "takes on", "vs", "versus", "replac", "supersed", "successor", "in favor", "in favour",
    "deprecated for", "reus", "re-us", "release", "launch", "announc", "introduc", "unveil", "open-sourc",
    "open sourc", "debut", "developed by", "created by", "built by", "made by", "acquir", "buys", "bought",
    "acquisition", "snaps up", "sold to", "donat", "contributed to", "join", "accept", "admitted", "enters",
    "move into", "moves into", "welcomes", "admits",
)  # fmt: skip
_CJK = re.compile("[\u4e00-\u9fff]")


@functools.cache
def _cue_automaton() -> Any:
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for word in _CUE_WORDS:
        automaton.add_word(word, word)
    automaton.make_automaton()
    return automaton


def _has_cue(text: str) -> bool:
    return next(_cue_automaton().iter(text.lower()), None) is not None


# Markdown link targets, bare URLs and emphasis marks are blanked (same length) before rules look at text.
_MASK = re.compile(r"\]\([^)\n]*\)|https?://[^\s)\]>，。]+|[\[\]*`_<>]")
_CLAUSE = re.compile(r"[，,；;：:（）()！？!?—]|\s-\s")
_WORD = re.compile(r"\w")
_LIST_START = re.compile(r"^\s*(?:[-*+]|\d+[.)、])\s")
_PRONOUN = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:这是|这也是|这|它|其|该|此|一个|一款|是|this|it|the project|which)", re.IGNORECASE
)
_INSTRUMENT = re.compile(r"(?:通过|借助|利用|使用|用|via|using|through)\s*$", re.IGNORECASE)
_POSSESSIVE = re.compile(r"^\s*(?:项目中|项目|社区|公司|团队)?\s*(?:的|'s\b|’s\b)")
_ATTRIBUTIVE = re.compile(r"^\s*(?:\+[^的，,。]{0,40})?(?:体系|技术栈|技术|平台|框架|项目|架构|方案)?\s*的")
_TAIL_ONLY = re.compile(r"^[\s了:：]*$")

MAX_GAP = 40  # masked characters allowed between a cue and the entity it points at
MAX_WORDS_EN = 3  # words between an English cue and its entity ("acquires the popular X")
_WORDS_EN = re.compile(r"[A-Za-z0-9$][\w.$'’]*")
# An English name that only modifies what follows is not the entity the cue is about.
_MODIFIER_EN = re.compile(
    r"^(?:-[A-Za-z]|\s+(?:containers?|platforms?|graduation|services?|suite|support|integrations?|operators?|"
    r"plugins?|providers?|distributions?|tutorials?|editions?|features?|engine|pro|cloud|partners?|partnership|"
    r"certification|certified|based|native|focused|powered|compatible|security|instances?|competitors?|rivals?|"
    r"space|clusters?|tools?|tooling|executives?|versions?|users?|teams?|customers?|developers?|community|"
    r"ecosystem)\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _M:
    """A mention placed in its sentence: offsets relative to the masked sentence text."""

    start: int
    end: int
    entity: str


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
        if not item_mentions or not _has_cue(item.text):
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
    placed: list[list[_M]] = [[] for _ in spans]
    for m in sorted(mentions, key=lambda m: (m.start, -m.end)):
        index = bisect.bisect_right(starts, m.start) - 1
        if index < 0 or m.start >= spans[index][1]:
            continue
        s_start = spans[index][0]
        bucket = placed[index]
        if bucket and m.start < bucket[-1].end:  # nested or overlapping: keep the outer (longer) mention
            continue
        bucket.append(_M(m.start - s_start, m.end - s_start, m.entity))
    # Masked once per item, then cut into sentences (masking keeps every offset).
    blank = _MASK.sub(lambda x: " " * len(x.group()), text)
    masked = [blank[s - offset : e - offset] for s, e in spans]
    results: list[RelationRecord] = []
    for index, (s_start, s_end) in enumerate(spans):
        sentence, named = masked[index], placed[index]
        if not named:
            continue
        carried = _carried_topic(index, masked, placed)
        # One entity alone relates to nothing, unless a pronoun carries the topic or a list follows the cue.
        if len(named) == 1 and carried is None and not sentence.rstrip().endswith((":", "：")):
            continue
        if not _has_cue(sentence):
            continue
        context = _Sentence(sentence, named, carried, entities)
        for rule in RULES:
            if rule.zh and not _has_cjk(sentence):
                continue
            for match in rule.cue.finditer(sentence):
                after = (
                    _list_objects(index, match, masked, placed)
                    if _TAIL_ONLY.match(sentence[match.end() :])
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


def _has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def _carried_topic(index: int, masked: list[str], placed: list[list[_M]]) -> str | None:
    """The entity a pronoun-led sentence is about: the previous sentence's, if that one is only a name."""
    if index == 0 or not _PRONOUN.match(masked[index]) or not placed[index - 1]:
        return None
    previous, names = masked[index - 1], placed[index - 1]
    rest = "".join(ch for i, ch in enumerate(previous) if not any(m.start <= i < m.end for m in names))
    return names[0].entity if len(_WORD.findall(rest)) <= 4 else None


def _list_objects(index: int, match: re.Match[str], masked: list[str], placed: list[list[_M]]) -> list[str]:
    """A cue ending its sentence (`Google Cloud 正式发布了：`) points at the entries of the list below it."""
    found = []
    for later in range(index + 1, len(masked)):
        if _LIST_START.match(masked[later]) and placed[later]:
            first = placed[later][0]
            if len(_WORD.findall(masked[later][: first.start])) <= 2:
                found.append(first.entity)
    return found


class _Sentence:
    """One sentence's masked text and mentions, and how each rule shape reads them."""

    def __init__(
        self, text: str, mentions: list[_M], carried: str | None, entities: Mapping[str, EntityRecord]
    ) -> None:
        self.text = text
        self.mentions = mentions
        self.carried = carried
        self.entities = entities
        self.clauses = [0, *(m.end() for m in _CLAUSE.finditer(text)), len(text) + 1]
        first = mentions[0] if mentions else None
        self.topic = first.entity if first and len(_WORD.findall(text[: first.start])) <= 2 else None

    def apply(
        self, rule: Rule, match: re.Match[str], listed: list[str] | None
    ) -> list[tuple[str, str, float]]:
        shape = rule.shape
        if shape in ("S[O]v", "O[S]v", "v[S]O"):
            inside = self._in_span(match)
            outside = (
                self._before(match.start(), rule) if shape != "v[S]O" else self._after(match.end(), rule)
            )
            if outside is None or not inside:
                return []
            if shape == "S[O]v":
                pairs = [(outside[0], o, outside[1]) for o in inside]
            else:  # O[S]v and v[S]O: the span holds subjects
                pairs = [(s, outside[0], outside[1]) for s in inside]
        else:
            before = self._before(match.start(), rule)
            after = [(e, 0.85) for e in listed] if listed else [self._after(match.end(), rule)]
            pairs = []
            for item in after:
                if item is None:
                    continue
                if "\x00" in item[0]:  # 基于 X 的 Y: the head noun Y is the subject, whatever precedes
                    head, obj = item[0].split("\x00")
                    pairs.append((head, obj, item[1]))
                elif before is not None:
                    subject, obj = (before[0], item[0]) if shape == "SvO" else (item[0], before[0])
                    pairs.append((subject, obj, before[1] * item[1]))
        return [p for p in (self._typed(rule, s, o, c) for s, o, c in pairs) if p is not None]

    def _clause_start(self, position: int) -> int:
        return self.clauses[bisect.bisect_right(self.clauses, position) - 1]

    def _before(self, position: int, rule: Rule) -> tuple[str, float] | None:
        """The entity the cue looks back to: nearest in its clause, else the topic, else the carried topic."""
        floor = self._clause_start(position)
        for m in reversed(self.mentions):
            if m.end > position or m.start < floor:
                continue
            if len(self.text[m.end : position].replace(" ", "")) > MAX_GAP:
                break  # too far back to be what the cue is about
            # 通过 xDS 与 Envoy 通讯: the means (xDS) is not the one that communicates.
            if rule.predicate == "usesOrIntegrates" and _INSTRUMENT.search(
                self.text[max(floor, m.start - 4) : m.start]
            ):
                continue
            return m.entity, 1.0
        in_parentheses = self.text.rfind("（", 0, position) > self.text.rfind(
            "）", 0, position
        ) or self.text.rfind("(", 0, position) > self.text.rfind(")", 0, position)
        if in_parentheses:
            return None
        if self.topic and self.mentions[0].end <= position:
            return self.topic, 0.85
        if self.carried:  # a pronoun-led sentence: every clause without its own subject is about the topic
            return self.carried, 0.75
        return None

    def _after(self, position: int, rule: Rule) -> tuple[str, float] | None:
        ceiling = self.clauses[bisect.bisect_right(self.clauses, position)]
        for m in self.mentions:
            if m.start < position:
                continue
            if m.start >= ceiling or m.start - position > MAX_GAP:
                return None
            if rule.attributive and _ATTRIBUTIVE.match(self.text[m.end :]):
                return self._attributive_head(m, rule)
            if not rule.zh and (
                len(_WORDS_EN.findall(self.text[position : m.start])) > MAX_WORDS_EN
                or _MODIFIER_EN.match(self.text[m.end :])
            ):
                return None  # "announced it is going to kill its OpenStack", "a Kubernetes-focused platform"
            return m.entity, 1.0
        return None

    def _attributive_head(self, m: _M, rule: Rule) -> tuple[str, float] | None:
        """基于 X 的 Y: Y is what is based on X; returned as `Y\x00X` so `apply` reads Y as the subject."""
        of = self.text.find("的", m.end)
        for head in self.mentions:
            if head.start > of and head.start - of <= 12:
                return f"{head.entity}\x00{m.entity}", 1.0
        return None

    def _in_span(self, match: re.Match[str]) -> list[str]:
        start, end = match.span("span")
        if len(self.text[start:end].replace(" ", "")) > MAX_SPAN:
            return []
        inside = [m for m in self.mentions if start <= m.start and m.end <= end]
        # Google Cloud 的 MIG, Istio 项目中的 Pilot: the possessor is not what is compared or combined.
        return [m.entity for m in inside if not _POSSESSIVE.match(self.text[m.end : end])]

    def _typed(self, rule: Rule, subject: str, obj: str, confidence: float) -> tuple[str, str, float] | None:
        if subject == obj:
            return None
        if not self.entities:  # no types known: the cue and the shape decide alone
            return subject, obj, confidence
        subject_type, object_type = _type_of(subject, self.entities), _type_of(obj, self.entities)
        if rule.predicate == "releasedBy" and object_type not in (None, "Organization"):
            # Google Cloud 发布了 Cloud Run: a product or project named as the releaser stands for its owner.
            owner = self.entities[obj].organization if obj in self.entities else None
            if owner and _type_of(owner, self.entities) == "Organization":
                obj, object_type, confidence = owner, "Organization", confidence * 0.9
        if subject_type not in rule.subject_types or object_type not in rule.object_types:
            return None
        if rule.predicate == "competesWith" and (subject_type == "Organization") != (
            object_type == "Organization"
        ):
            return None
        if rule.predicate in ("joins", "donatedTo") and not _is_foundation(obj, self.entities):
            return None  # "Uber ... joining Google" is no membership: projects join, and go to, foundations
        if subject == obj:
            return None
        return subject, obj, confidence


def _type_of(slug: str, entities: Mapping[str, EntityRecord]) -> str | None:
    """The entity's class; entities minted while linking are known by their slug's shape."""
    record = entities.get(slug)
    if record is not None:
        return record.type
    if "#" in slug:
        return "Proposal"
    if slug.startswith("cve-"):
        return "Vulnerability"
    if "@" in slug:
        return "Release"
    return None


_FOUNDATIONS = ("foundation", "cncf", "cloud-foundry", "apache", "eclipse", "openinfra")


def _is_foundation(slug: str, entities: Mapping[str, EntityRecord]) -> bool:
    record = entities.get(slug)
    if record is None:
        return False
    kind = str(record.data.get("kind") or record.category or "").lower()
    names = f"{slug} {record.label}".lower()
    return kind == "foundation" or any(word in names for word in _FOUNDATIONS)
