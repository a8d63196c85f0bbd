"""How a rule shape reads one sentence: where the subject and object stand, topics carried from before.

Offsets are relative to the sentence's *masked* text (link targets, URLs and emphasis marks blanked to spaces,
so every offset still matches the source).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass

from kg.models import EntityRecord
from kg.relations.rules import MAX_SPAN, Rule, is_foundation, type_of

MASK = re.compile(r"\]\([^)\n]*\)|https?://[^\s)\]>，。]+|[\[\]*`_<>]")
_CLAUSE = re.compile(r"[，,；;：:（）()！？!?—]|\s-\s")
_WORD = re.compile(r"\w")
_LIST_START = re.compile(r"^\s*(?:[-*+]|\d+[.)、])\s")
_PRONOUN = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:这是|这也是|这|它|其|该|此|一个|一款|是|this|it|the project|which)", re.IGNORECASE
)
_INSTRUMENT = re.compile(r"(?:通过|借助|利用|使用|用|via|using|through)\s*$", re.IGNORECASE)
_POSSESSIVE = re.compile(r"^\s*(?:项目中|项目|社区|公司|团队)?\s*(?:的|'s\b|’s\b)")
_ATTRIBUTIVE = re.compile(r"^\s*(?:\+[^的，,。]{0,40})?(?:体系|技术栈|技术|平台|框架|项目|架构|方案)?\s*的")
_PREPOSITIONS = "与和跟同"
_NOT_IN_HEAD = re.compile(r"[和与跟同，,、；;]|基于")  # 基于 X 的 API 网关 Y, not 基于 X 的服务和…基于 Y
TAIL_ONLY = re.compile(r"^[\s了:：]*$")

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
class Placed:
    """A mention placed in its sentence: offsets relative to the masked sentence text."""

    start: int
    end: int
    entity: str


def carried_topic(index: int, masked: list[str], placed: list[list[Placed]]) -> str | None:
    """The entity a pronoun-led sentence is about: the previous sentence's, if that one is only a name."""
    if index == 0 or not _PRONOUN.match(masked[index]) or not placed[index - 1]:
        return None
    previous, names = masked[index - 1], placed[index - 1]
    rest = "".join(ch for i, ch in enumerate(previous) if not any(m.start <= i < m.end for m in names))
    return names[0].entity if len(_WORD.findall(rest)) <= 4 else None


def list_objects(
    index: int, match: re.Match[str], masked: list[str], placed: list[list[Placed]]
) -> list[str]:
    """A cue ending its sentence (`Google Cloud 正式发布了：`) points at the entries of the list below it."""
    found = []
    for later in range(index + 1, len(masked)):
        if _LIST_START.match(masked[later]) and placed[later]:
            first = placed[later][0]
            if len(_WORD.findall(masked[later][: first.start])) <= 2:
                found.append(first.entity)
    return found


class Sentence:
    """One sentence's masked text and mentions, and how each rule shape reads them."""

    def __init__(
        self, text: str, mentions: list[Placed], carried: str | None, entities: Mapping[str, EntityRecord]
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
            opened, inside = self._in_span(match)
            outside = self._before(opened, rule) if shape != "v[S]O" else self._after(match.end(), rule)
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

    def _attributive_head(self, m: Placed, rule: Rule) -> tuple[str, float] | None:
        """基于 X 的 Y: Y is what is based on X; returned as `Y\x00X` so `apply` reads Y as the subject."""
        of = self.text.find("的", m.end)
        for head in self.mentions:
            between = self.text[of + 1 : head.start]
            if head.start > of and len(between.replace(" ", "")) <= 10 and not _NOT_IN_HEAD.search(between):
                return f"{head.entity}\x00{m.entity}", 1.0
        return None

    def _in_span(self, match: re.Match[str]) -> tuple[int, list[str]]:
        """Where the 与 (和, 跟, 同) phrase opens, and the entities it names.

        It opens at the last 与/和/跟/同 before the cue that does not merely join two names (与 A 和 B 结合),
        so an earlier 和 (注册发现和元数据管理，…应该和 MOSN 类似) does not pull in more than MOSN.
        """
        start, end = match.span("span")
        opened = start - 1  # 由 X, 被 X, donates X to: the span is all of it
        preps = [i for i in range(start - 1, end) if self.text[i] in _PREPOSITIONS]
        if self.text[opened] not in _PREPOSITIONS:
            preps = []
        for i in reversed(preps):
            opened = i
            if i == preps[0] or not self._joins_names(i):
                break
        if len(self.text[opened + 1 : end].replace(" ", "")) > MAX_SPAN:
            return opened, []
        inside = [m for m in self.mentions if opened < m.start and m.end <= end]
        kept = []
        for i, m in enumerate(inside):
            if _POSSESSIVE.match(self.text[m.end : end]):
                continue  # Google Cloud 的 MIG, Istio 项目中的 Pilot: the possessor is not what is compared
            if i + 1 < len(inside) and not self.text[m.end : inside[i + 1].start].strip():
                continue  # Microsoft Azure ACI: the first name only qualifies the second
            kept.append(m.entity)
        return opened, kept

    def _joins_names(self, at: int) -> bool:
        """Whether the character at `at` stands between two names (A 和 B), joining them."""
        before = any(m.end <= at and not self.text[m.end : at].strip() for m in self.mentions)
        after = any(m.start > at and not self.text[at + 1 : m.start].strip() for m in self.mentions)
        return before and after

    def _typed(self, rule: Rule, subject: str, obj: str, confidence: float) -> tuple[str, str, float] | None:
        if subject == obj:
            return None
        if not self.entities:  # no types known: the cue and the shape decide alone
            return subject, obj, confidence
        subject_type, object_type = type_of(subject, self.entities), type_of(obj, self.entities)
        if rule.predicate == "releasedBy" and object_type not in (None, "Organization"):
            # Google Cloud 发布了 Cloud Run: a product or project named as the releaser stands for its owner.
            owner = self.entities[obj].organization if obj in self.entities else None
            if owner and type_of(owner, self.entities) == "Organization":
                obj, object_type, confidence = owner, "Organization", confidence * 0.9
        if subject_type not in rule.subject_types or object_type not in rule.object_types:
            return None
        if rule.predicate == "competesWith" and (subject_type == "Organization") != (
            object_type == "Organization"
        ):
            return None
        if rule.predicate in ("joins", "donatedTo") and not is_foundation(obj, self.entities):
            return None  # "Uber ... joining Google" is no membership: projects join, and go to, foundations
        if subject == obj:
            return None
        return subject, obj, confidence
